// ListMcpResourcesTool: the resources connected MCP servers offer (all of them, or one server's), plus
// the URI templates they declared, so the model can pick what to read with ReadMcpResourceTool.
import { z } from "zod";
import type { McpManager } from "../mcp.ts";
import { defineTool, ToolError, type Tool } from "../tool.ts";
import { limitOutput } from "../truncate.ts";
import { errorText } from "../mcp-errors.ts";

const description =
  "Lists the resources (files, records, documents...) that connected MCP servers make available, with their URIs. " +
  "Pass `server` to list a single server's resources. Read one with ReadMcpResourceTool.";

export function createListMcpResourcesTool(manager: Pick<McpManager, "listResources" | "resourceTemplates">): Tool {
  return defineTool({
    name: "ListMcpResourcesTool",
    description,
    readOnly: true,
    input: z.object({ server: z.string().optional().describe("Only list this server's resources") }),
    async run(input, ctx) {
      let listed;
      try {
        listed = await manager.listResources(input.server);
      } catch (error) {
        throw new ToolError(errorText(error));
      }
      const resources = listed.map(({ server, resource }) => ({
        uri: resource.uri,
        name: resource.name,
        ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
        ...(resource.description ? { description: resource.description } : {}),
        server,
      }));
      const templates = manager.resourceTemplates(input.server);
      let text =
        resources.length === 0
          ? `No resources found${input.server ? ` on MCP server "${input.server}"` : ""}.`
          : JSON.stringify(resources, null, 2);
      if (templates.length > 0) {
        const lines = templates.map(({ server, template }) => `- ${server}: ${template.uriTemplate} (${template.name}${template.description ? `: ${template.description}` : ""})`);
        text += `\n\nURI templates (fill in the {placeholders} and read the result with ReadMcpResourceTool):\n${lines.join("\n")}`;
      }
      const limited = limitOutput(text, { keep: "head", state: ctx.session, label: "mcp-resources" });
      return { content: limited.text, structured: resources };
    },
  }) as Tool;
}
