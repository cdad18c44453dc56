// A permission prompt tool over stdio MCP (for --permission-prompt-tool mcp__<server>__approve): it
// allows Write with the content replaced by "approved by the MCP tool\n", and denies everything else.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "approver", version: "1.0.0" });
server.registerTool(
  "approve",
  {
    description: "Decides whether a tool call may run",
    inputSchema: { tool_name: z.string(), input: z.record(z.string(), z.unknown()), tool_use_id: z.string().optional() },
  },
  async ({ tool_name, input }) => {
    const answer =
      tool_name === "Write"
        ? { behavior: "allow", updatedInput: { ...input, content: "approved by the MCP tool\n" } }
        : { behavior: "deny", message: `the approver does not allow ${tool_name}` };
    return { content: [{ type: "text", text: JSON.stringify(answer) }] };
  },
);
await server.connect(new StdioServerTransport());
