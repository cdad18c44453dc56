// Conversation data in the Anthropic Messages shape, which is also what Claude Code writes to its
// transcripts. Providers translate to and from this; nothing else in hone depends on a vendor SDK type.
import type { Usage } from "./models.ts";
import type { ImageContent, TextContent, ToolContent } from "./tool.ts";

export interface TextBlock extends TextContent {
  cache_control?: CacheControl;
}
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}
export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  cache_control?: CacheControl;
}
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: ToolContent;
  is_error?: boolean;
  cache_control?: CacheControl;
}
export interface CacheControl {
  type: "ephemeral";
}

export type AssistantBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock;
export type UserBlock = TextBlock | (ImageContent & { cache_control?: CacheControl }) | ToolResultBlock;

export type Message = { role: "user"; content: string | UserBlock[] } | { role: "assistant"; content: AssistantBlock[] };

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "pause_turn" | "refusal";

export interface AssistantMessage {
  id: string;
  model: string;
  content: AssistantBlock[];
  stop_reason: StopReason | null;
  usage: Usage;
}

export function assistantText(message: { content: AssistantBlock[] }): string {
  return message.content
    .filter((b): b is TextBlock => b.type === "text")
    .map((b) => b.text)
    .join("");
}

export function toolUses(message: { content: AssistantBlock[] }): ToolUseBlock[] {
  return message.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
}

/** A user message's content as blocks (a plain string is one text block). */
export function userBlocks(content: string | UserBlock[]): UserBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

/** Adds a prompt; after a user message (tool results, or a prompt whose run was cut off) it joins that message. */
export function appendPrompt(history: Message[], prompt: string): Message[] {
  const last = history[history.length - 1];
  if (last?.role !== "user") return [...history, { role: "user", content: prompt }];
  return [...history.slice(0, -1), { role: "user", content: [...userBlocks(last.content), { type: "text", text: prompt }] }];
}

/** The API's message object for some of an assistant message's blocks, as transcripts and stream-json carry it. */
export function wireAssistantMessage(message: AssistantMessage, content: AssistantBlock[]) {
  return {
    id: message.id,
    type: "message" as const,
    role: "assistant" as const,
    model: message.model,
    content,
    stop_reason: message.stop_reason as string | null,
    stop_sequence: null,
    usage: message.usage as unknown,
  };
}
