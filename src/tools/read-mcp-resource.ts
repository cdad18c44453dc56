// ReadMcpResourceTool: reads one resource from a named MCP server. Text comes back as text (held to the
// MCP output cap), supported images as images, other binary contents are saved to a file whose path is
// given to the model.
import { Buffer } from "node:buffer";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { McpManager } from "../mcp.ts";
import { errorText } from "../mcp-errors.ts";
import { imagePart, limitParts } from "../mcp-tools.ts";
import { ensureSpillDir, type SessionState } from "../session-state.ts";
import { defineTool, ToolError, type ImageContent, type TextContent, type Tool } from "../tool.ts";

const description =
  "Reads a resource from an MCP server by its URI (see ListMcpResourcesTool for what exists). " +
  "Text is returned as is, images are shown, other binary contents are saved to a file and its path is returned.";

function extensionFor(mimeType: string | undefined): string {
  const sub = mimeType?.split("/")[1]?.split(/[;+]/)[0] ?? "";
  return /^[a-z0-9.-]{1,10}$/i.test(sub) ? `.${sub}` : ".bin";
}

/** Each content item as a tool part; binaries other than images are written next to the session. */
export function resourceParts(result: ReadResourceResult, state: SessionState): (TextContent | ImageContent)[] {
  return result.contents.map((item, index): TextContent | ImageContent => {
    if ("text" in item && typeof item.text === "string") {
      return { type: "text", text: result.contents.length > 1 ? `--- ${item.uri} ---\n${item.text}` : item.text };
    }
    const blob = "blob" in item && typeof item.blob === "string" ? item.blob : "";
    if (item.mimeType?.startsWith("image/")) {
      const part = imagePart(blob, item.mimeType);
      if (part.type === "image") return part;
    }
    const bytes = Buffer.from(blob, "base64");
    const path = join(ensureSpillDir(state), `mcp-resource-${Date.now()}-${index}${extensionFor(item.mimeType)}`);
    writeFileSync(path, bytes);
    return { type: "text", text: `[Binary content of ${item.uri} (${item.mimeType ?? "unknown type"}, ${bytes.length} bytes) saved to ${path}]` };
  });
}

export function createReadMcpResourceTool(manager: Pick<McpManager, "readResource" | "maxOutputTokens">): Tool {
  return defineTool({
    name: "ReadMcpResourceTool",
    description,
    readOnly: true,
    input: z.object({
      server: z.string().describe("The MCP server's name"),
      uri: z.string().describe("The resource URI"),
    }),
    async run(input, ctx) {
      let result: ReadResourceResult;
      try {
        result = await manager.readResource(input.server, input.uri);
      } catch (error) {
        throw new ToolError(`Could not read ${input.uri} from MCP server "${input.server}": ${errorText(error)}`);
      }
      if (result.contents.length === 0) return { content: `${input.uri} has no content.` };
      const content = limitParts(resourceParts(result, ctx.session), ctx.session, "mcp-resource", manager.maxOutputTokens);
      return { content, structured: { contents: result.contents.map((c) => ({ uri: c.uri, mimeType: c.mimeType, text: "text" in c ? c.text : undefined })) } };
    },
  }) as Tool;
}
