// The contract every built-in tool implements: a zod input schema (validated at run time and turned
// into the JSON Schema the model sees), a read-only flag (read-only tools may run concurrently and need
// no permission), and a run function that returns content for the model plus optional structured data.
import { z } from "zod";
import type { SessionState } from "./session-state.ts";

export interface TextContent {
  type: "text";
  text: string;
}
export interface ImageContent {
  type: "image";
  source: { type: "base64"; media_type: "image/png" | "image/jpeg" | "image/gif" | "image/webp"; data: string };
}
export type ToolContent = string | Array<TextContent | ImageContent>;

export interface ToolResult {
  content: ToolContent;
  isError?: boolean;
  /** Claude Code's structured `tool_use_result` for stream-json consumers. */
  structured?: unknown;
}

export interface ToolContext {
  /** The directory hone was started in (or --cwd); relative paths resolve against it. */
  readonly projectDir: string;
  readonly session: SessionState;
  readonly signal: AbortSignal;
  readonly toolUseId: string;
}

export interface Tool<I = unknown> {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<I>;
  readonly readOnly: boolean;
  /** A JSON Schema sent as is instead of one generated from `input` (MCP tools bring their own). */
  readonly inputSchema?: ToolSchema["input_schema"];
  /**
   * Deferred tools (MCP) are listed by name only; their schema is sent from the request after a
   * ToolSearch or a first call loaded it (session.loadedTools), so unused servers cost no context.
   */
  readonly deferred?: boolean;
  run(input: I, ctx: ToolContext): Promise<ToolResult>;
}

/** An expected failure whose message is written for the model (it becomes an is_error tool_result). */
export class ToolError extends Error {
  override name = "ToolError";
}

export function defineTool<S extends z.ZodType>(def: {
  name: string;
  description: string;
  input: S;
  readOnly: boolean;
  run(input: z.output<S>, ctx: ToolContext): Promise<ToolResult>;
}): Tool<z.output<S>> {
  return def as unknown as Tool<z.output<S>>;
}

export interface ToolSchema {
  name: string;
  description: string;
  input_schema: { type: "object"; [key: string]: unknown };
}

/** The JSON Schema the model sees, generated from the zod schema (input side: defaults are optional). */
export function toolSchema(tool: Tool): ToolSchema {
  if (tool.inputSchema) return { name: tool.name, description: tool.description, input_schema: tool.inputSchema };
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return { name: tool.name, description: tool.description, input_schema: { ...schema, type: "object" } };
}

export function textOf(content: ToolContent): string {
  if (typeof content === "string") return content;
  return content.map((c) => (c.type === "text" ? c.text : "[image]")).join("\n");
}
