// Folds a chat completions stream into one assistant message. Servers differ in small ways, all handled
// here without asking which server it is: tool calls without ids or indexes, arguments as a string in
// pieces or as an object in one go, reasoning under two field names, no usage chunk at all, and a
// finish reason of "stop" on a turn that called tools.
import type { AssistantBlock, AssistantMessage, StopReason } from "./messages.ts";
import type { Usage } from "./models.ts";
import type { ProviderEvent } from "./provider.ts";

export interface ChunkToolCall {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: unknown };
}

export interface ChatChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null; tool_calls?: ChunkToolCall[] | null } | null;
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

export interface StreamFold {
  /** Reads one chunk; returns the deltas to show. */
  add(chunk: ChatChunk): ProviderEvent[];
  /** The message so far; `estimateInput` sizes the prompt when the server sent no usage. */
  finish(estimateInput: () => number): AssistantMessage;
}

const FINISH: Record<string, StopReason> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", function_call: "tool_use", content_filter: "refusal" };

/** Arguments arrive as a JSON string in pieces from most servers, as a finished object from a few. */
function argumentText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parseArguments(raw: string): unknown {
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw);
  } catch {
    // Kept as the raw string: the tool runner tells the model its arguments were not JSON.
    return raw;
  }
}

export function createStreamFold(requestedModel: string, newId: () => string): StreamFold {
  let id = "";
  let model = requestedModel;
  let text = "";
  let finish: string | undefined;
  let usage: ChatChunk["usage"];
  const calls: PendingCall[] = [];
  const byIndex = new Map<number, PendingCall>();

  function callFor(piece: ChunkToolCall): PendingCall {
    if (piece.index !== undefined && byIndex.has(piece.index)) return byIndex.get(piece.index)!;
    const known = piece.id ? calls.find((c) => c.id === piece.id) : undefined;
    if (known) return known;
    // A piece with neither a known index nor id, and no name, continues the newest call.
    if (piece.index === undefined && !piece.id && !piece.function?.name && calls.length > 0) return calls[calls.length - 1]!;
    const call: PendingCall = { id: piece.id || newId(), name: "", args: "" };
    calls.push(call);
    if (piece.index !== undefined) byIndex.set(piece.index, call);
    return call;
  }

  function add(chunk: ChatChunk): ProviderEvent[] {
    if (chunk.id && !id) id = chunk.id;
    if (chunk.model) model = chunk.model;
    if (chunk.usage) usage = chunk.usage;
    const events: ProviderEvent[] = [];
    for (const choice of chunk.choices ?? []) {
      if (choice.finish_reason) finish = choice.finish_reason;
      const delta = choice.delta;
      if (!delta) continue;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) events.push({ type: "thinking_delta", text: reasoning });
      if (delta.content) {
        text += delta.content;
        events.push({ type: "text_delta", text: delta.content });
      }
      for (const piece of delta.tool_calls ?? []) {
        const call = callFor(piece);
        if (piece.function?.name) call.name = call.name || piece.function.name;
        call.args += argumentText(piece.function?.arguments);
      }
    }
    return events;
  }

  function finishMessage(estimateInput: () => number): AssistantMessage {
    const content: AssistantBlock[] = [];
    if (text) content.push({ type: "text", text });
    for (const call of calls) if (call.name) content.push({ type: "tool_use", id: call.id, name: call.name, input: parseArguments(call.args) });
    const calledTools = content.some((b) => b.type === "tool_use");
    const stop: StopReason = calledTools && finish !== "length" ? "tool_use" : (FINISH[finish ?? "stop"] ?? "end_turn");
    return { id: id || newId(), model, content, stop_reason: stop, usage: usageOf(usage, estimateInput, text, calls) };
  }

  return { add, finish: finishMessage };
}

/** Four characters a token: only for servers that report no usage, so compaction still sees the size. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function usageOf(raw: ChatChunk["usage"], estimateInput: () => number, text: string, calls: PendingCall[]): Usage {
  const cached = raw?.prompt_tokens_details?.cached_tokens ?? 0;
  if (raw && typeof raw.prompt_tokens === "number") {
    return { input_tokens: raw.prompt_tokens - cached, output_tokens: raw.completion_tokens ?? 0, cache_creation_input_tokens: 0, cache_read_input_tokens: cached };
  }
  const outputChars = text.length + calls.reduce((n, c) => n + c.name.length + c.args.length, 0);
  return { input_tokens: estimateInput(), output_tokens: estimateTokens(outputChars), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}
