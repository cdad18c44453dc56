// Reading what hone sent the scripted API: the text of a tool_result, the first user message, the
// system prompt and the tool names of one logged request.
import type { LoggedRequest } from "./mock-api.ts";

export function toolResultText(request: LoggedRequest, id: string): string {
  for (const message of request.body.messages ?? []) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type !== "tool_result" || block.tool_use_id !== id) continue;
      const content = block.content;
      if (typeof content === "string") return content;
      return (content as Array<{ text?: string }>).map((p) => p.text ?? "").join("\n");
    }
  }
  throw new Error(`no tool_result ${id} in the request`);
}

/** The text of the first user message. */
export function firstPrompt(request: LoggedRequest): string {
  const content = request.body.messages?.[0]?.content;
  if (typeof content === "string") return content;
  return (content ?? []).map((b) => (b.type === "text" ? String(b.text) : "")).join("\n");
}

export function systemText(request: LoggedRequest): string {
  const system = request.body.system;
  if (typeof system === "string") return system;
  return (system ?? []).map((b) => String((b as { text?: unknown }).text ?? "")).join("\n");
}

export function toolNames(request: LoggedRequest): string[] {
  return (request.body.tools ?? []).map((t) => String((t as { name: string }).name));
}
