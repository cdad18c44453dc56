// Turns hone's conversation (the Anthropic Messages shape) into an OpenAI chat completions request:
// tool results become `tool` messages right after the assistant turn that called them, images become
// data URLs, thinking stays behind (other vendors cannot verify its signature). Pure.
import type { Message, UserBlock } from "./messages.ts";
import type { ModelRequest } from "./provider.ts";
import type { ProviderQuirks } from "./provider-profiles.ts";
import type { ImageContent, TextContent, ToolContent } from "./tool.ts";

type TextPart = { type: "text"; text: string };
type ImagePart = { type: "image_url"; image_url: { url: string } };

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | Array<TextPart | ImagePart> }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream: true;
  stream_options: { include_usage: true };
  tools?: Array<{ type: "function"; function: { name: string; description: string; parameters: Record<string, unknown> } }>;
  max_tokens?: number;
  max_completion_tokens?: number;
  reasoning_effort?: string;
}

function dataUrl(image: ImageContent): string {
  return `data:${image.source.media_type};base64,${image.source.data}`;
}

/** A tool result's text; its images travel in a user message after the tool messages (tool messages are text only). */
function splitToolContent(content: ToolContent): { text: string; images: ImageContent[] } {
  if (typeof content === "string") return { text: content, images: [] };
  const texts = content.filter((c): c is TextContent => c.type === "text").map((c) => c.text);
  const images = content.filter((c): c is ImageContent => c.type === "image");
  const note = images.length > 0 ? `${texts.length > 0 ? "\n" : ""}[${images.length} image(s) follow in the next message]` : "";
  return { text: texts.join("\n") + note, images };
}

function userMessages(content: string | UserBlock[]): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const out: ChatMessage[] = [];
  const parts: Array<TextPart | ImagePart> = [];
  for (const block of content) {
    if (block.type === "tool_result") {
      const { text, images } = splitToolContent(block.content);
      out.push({ role: "tool", tool_call_id: block.tool_use_id, content: block.is_error ? `Error: ${text}` : text || "(no output)" });
      for (const image of images) parts.push({ type: "image_url", image_url: { url: dataUrl(image) } });
      continue;
    }
    if (block.type === "text") parts.push({ type: "text", text: block.text });
    else parts.push({ type: "image_url", image_url: { url: dataUrl(block) } });
  }
  if (parts.length === 0) return out;
  // A lone text part goes as a plain string: some local servers only accept string content.
  const only = parts.length === 1 ? parts[0] : undefined;
  out.push({ role: "user", content: only?.type === "text" ? only.text : parts });
  return out;
}

function assistantMessage(message: Extract<Message, { role: "assistant" }>, quirks: ProviderQuirks): ChatMessage {
  const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  const calls: ChatToolCall[] = message.content.flatMap((b) =>
    b.type === "tool_use" ? [{ id: b.id, type: "function" as const, function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }] : [],
  );
  if (calls.length === 0) return { role: "assistant", content: text };
  const empty = quirks.toolCallContent === "empty" ? "" : null;
  return { role: "assistant", content: text || empty, tool_calls: calls };
}

export function chatMessages(request: Pick<ModelRequest, "system" | "messages">, quirks: ProviderQuirks): ChatMessage[] {
  const system = request.system.map((b) => b.text).join("\n\n");
  const out: ChatMessage[] = system ? [{ role: "system", content: system }] : [];
  for (const message of request.messages) {
    if (message.role === "user") out.push(...userMessages(message.content));
    else out.push(assistantMessage(message, quirks));
  }
  return out;
}

const EFFORT_TO_REASONING: Record<string, string> = { low: "low", medium: "medium", high: "high", xhigh: "high", max: "high" };

export function buildChatRequest(request: ModelRequest, quirks: ProviderQuirks): ChatRequestBody {
  const body: ChatRequestBody = {
    model: request.model,
    messages: chatMessages(request, quirks),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.input_schema } }));
  }
  body[quirks.maxTokensField] = request.maxTokens;
  if (quirks.reasoningEffort && request.effort) body.reasoning_effort = EFFORT_TO_REASONING[request.effort];
  return body;
}
