// MCP tools as hone Tools: the `mcp__<server>__<tool>` naming, a wrapper that forwards the call (the
// server validates the input against its own schema, which is sent to the model as is), and the
// conversion of MCP content blocks into tool content under the MAX_MCP_OUTPUT_TOKENS cap.
import {
  ErrorCode,
  McpError,
  type CallToolResult,
  type ContentBlock,
  type EmbeddedResource,
  type ResourceLink,
  type Tool as McpTool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { McpServerEntry } from "./extension-types.ts";
import { normalizeServerName } from "./mcp-config-parse.ts";
import { ToolError, type ImageContent, type TextContent, type Tool, type ToolContext, type ToolResult, type ToolSchema } from "./tool.ts";
import { limitOutput } from "./truncate.ts";
import type { SessionState } from "./session-state.ts";

/** The `<server>` part of `mcp__<server>__<tool>`: plugin servers are `plugin_<plugin>_<server>`. */
export function serverKey(entry: Pick<McpServerEntry, "name" | "plugin">): string {
  return normalizeServerName(entry.name, entry.plugin);
}

export function mcpToolName(key: string, tool: string): string {
  return `mcp__${key}__${normalizeServerName(tool)}`;
}

const DESCRIPTION_LIMIT = 2048;
const CHARS_PER_TOKEN = 4;

/** Cut to `limit` characters, saying so (server descriptions and instructions are capped at 2 KB). */
export function capText(text: string, limit = DESCRIPTION_LIMIT): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit - 20).trimEnd()}… [truncated]`;
}

export interface McpToolSettings {
  /** Listed by name only until ToolSearch (or a first call) loads them. */
  deferred: boolean;
  toolTimeoutMs: number;
  maxOutputTokens: number;
}

/** Calls one tool on the server (reconnecting it first when it crashed). */
export type CallMcpTool = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>;

const anyInput = z.record(z.string(), z.unknown());

/** The server's JSON Schema, as an object schema the API accepts. */
export function inputSchemaOf(tool: McpTool): ToolSchema["input_schema"] {
  const { $schema: _dropped, ...schema } = tool.inputSchema as Record<string, unknown>;
  return { ...schema, type: "object" };
}

export function createMcpTools(key: string, serverName: string, tools: McpTool[], call: CallMcpTool, settings: McpToolSettings): Tool[] {
  return tools.map((mcpTool): Tool<Record<string, unknown>> => {
    const name = mcpToolName(key, mcpTool.name);
    const description = capText((mcpTool.description ?? mcpTool.title ?? "").trim() || `Tool ${mcpTool.name} of the MCP server ${serverName}.`);
    return {
      name,
      description,
      input: anyInput,
      inputSchema: inputSchemaOf(mcpTool),
      readOnly: false,
      deferred: settings.deferred,
      async run(input, ctx) {
        let result: CallToolResult;
        try {
          result = await call(mcpTool.name, input, ctx.signal);
        } catch (error) {
          throw callError(error, name, settings.toolTimeoutMs);
        }
        return convertToolResult(result, ctx, name, settings.maxOutputTokens);
      },
    };
  });
}

/** Timeouts and dropped connections explained for the model; anything else passes through. */
function callError(error: unknown, name: string, timeoutMs: number): unknown {
  if (!(error instanceof McpError)) return error;
  if (error.code === ErrorCode.RequestTimeout) {
    return new ToolError(`${name} did not finish within ${timeoutMs} ms (MCP_TOOL_TIMEOUT); the request was cancelled.`);
  }
  if (error.code === ErrorCode.ConnectionClosed) {
    return new ToolError(`${name} failed: the MCP server closed the connection during the call. It is restarted on the next call.`);
  }
  return new ToolError(`${name} failed: ${error.message}`);
}

type Part = TextContent | ImageContent;
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export function imagePart(data: string, mimeType: string): Part {
  if (!IMAGE_TYPES.has(mimeType)) return { type: "text", text: `[image of type ${mimeType} not shown: unsupported format]` };
  return { type: "image", source: { type: "base64", media_type: mimeType as ImageContent["source"]["media_type"], data } };
}

function linkLine(link: ResourceLink): string {
  const extra = [link.mimeType, link.description].filter(Boolean).join(", ");
  return `[Resource link: ${link.name} <${link.uri}>${extra ? ` (${extra})` : ""}]`;
}

/** Text of an embedded resource, or a note for binary content (its size, never the bytes). */
export function embeddedText(resource: EmbeddedResource["resource"]): string {
  if ("text" in resource && typeof resource.text === "string") return resource.text;
  const blob = "blob" in resource && typeof resource.blob === "string" ? resource.blob : "";
  const bytes = Math.floor((blob.length * 3) / 4);
  return `[Binary resource ${resource.uri}${resource.mimeType ? ` (${resource.mimeType})` : ""}, about ${bytes} bytes, not shown]`;
}

export function blocksToParts(blocks: ContentBlock[]): Part[] {
  return blocks.map((block): Part => {
    switch (block.type) {
      case "text":
        return { type: "text", text: block.text };
      case "image":
        return imagePart(block.data, block.mimeType);
      case "audio":
        return { type: "text", text: `[audio of type ${block.mimeType} not shown]` };
      case "resource_link":
        return { type: "text", text: linkLine(block) };
      case "resource":
        return { type: "text", text: embeddedText(block.resource) };
      default:
        return { type: "text", text: `[unsupported content block: ${JSON.stringify(block).slice(0, 200)}]` };
    }
  });
}

/**
 * Text parts merged and held to the token cap (head kept, full text spilled to a file); images kept.
 * Returns a plain string when there are no images.
 */
export function limitParts(parts: Part[], state: SessionState, label: string, maxTokens: number): ToolResult["content"] {
  const texts = parts.filter((p): p is TextContent => p.type === "text").map((p) => p.text);
  const images = parts.filter((p): p is ImageContent => p.type === "image");
  const joined = texts.join("\n");
  const maxChars = maxTokens * CHARS_PER_TOKEN;
  const text =
    joined.length > maxChars
      ? limitOutput(joined, { keep: "head", state, label, limits: { maxLines: Number.MAX_SAFE_INTEGER, maxChars } }).text
      : joined;
  if (images.length === 0) return text;
  return text ? [{ type: "text", text }, ...images] : images;
}

/** The MCP result as tool content: blocks converted, structuredContent used when nothing else came. */
export function convertToolResult(result: CallToolResult | Record<string, unknown>, ctx: ToolContext, label: string, maxTokens: number): ToolResult {
  const blocks = Array.isArray(result.content) ? (result.content as ContentBlock[]) : [];
  const parts = blocksToParts(blocks);
  if (parts.length === 0 && result.structuredContent !== undefined) {
    parts.push({ type: "text", text: JSON.stringify(result.structuredContent, null, 2) });
  }
  // Servers on the 2024-10-07 protocol answer with `toolResult` instead of content.
  if (parts.length === 0 && "toolResult" in result && result.toolResult !== undefined) {
    parts.push({ type: "text", text: JSON.stringify(result.toolResult, null, 2) });
  }
  const content = limitParts(parts, ctx.session, label, maxTokens);
  const empty = content === "" || (Array.isArray(content) && content.length === 0);
  const isError = result.isError === true;
  if (empty) return { content: isError ? "The tool reported an error without details." : "(no output)", ...(isError ? { isError } : {}) };
  return isError ? { content, isError } : { content };
}
