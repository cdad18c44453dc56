// The MCP pieces a run adds once servers are running, kept apart so runs without MCP servers never
// load the MCP SDK: the servers' tools, ToolSearch over the deferred ones, and the resource tools.
import type { McpManager } from "./mcp.ts";
import type { Tool } from "./tool.ts";
import { createListMcpResourcesTool } from "./tools/list-mcp-resources.ts";
import { createReadMcpResourceTool } from "./tools/read-mcp-resource.ts";
import { createToolSearchTool } from "./tools/tool-search.ts";

export function mcpTools(mcp: McpManager): Tool[] {
  const tools = mcp.tools();
  const deferred = tools.filter((t) => t.deferred);
  const out = [...tools];
  if (deferred.length > 0) out.push(createToolSearchTool(() => deferred));
  const hasResources = mcp.status().some((s) => s.resourceCount > 0) || mcp.resourceTemplates().length > 0;
  if (hasResources) out.push(createListMcpResourcesTool(mcp), createReadMcpResourceTool(mcp));
  return out;
}
