// The Anthropic Messages API provider: builds the request (prompt-cache breakpoints on the tool list,
// the system prompt and the newest user message), streams it through the official SDK, and converts
// the final message into hone's vendor-neutral shape.
import Anthropic from "@anthropic-ai/sdk";
import { userBlocks, type AssistantBlock, type AssistantMessage, type Message, type TextBlock } from "./messages.ts";
import { watchStream, type ModelRequest, type Provider, type ProviderEvent } from "./provider.ts";
import type { ToolSchema } from "./tool.ts";
import { resolveModel } from "./models.ts";
import type { WebSearchHit, WebSearchRequest } from "./session-state.ts";

export interface AnthropicConfig {
  apiKey?: string;
  authToken?: string;
  baseURL?: string;
  caching: boolean;
  /** Abort a stream that has been silent this long (a stall mid-stream), so it can be retried. */
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  headers: Record<string, string>;
  userAgent: string;
  /** --record / --replay put their fetch here. */
  fetch?: typeof fetch;
  /** The model that runs WebSearch's server-side search (the session's small model). */
  searchModel?: string;
}

export type Credentials = { source: "ANTHROPIC_API_KEY" | "ANTHROPIC_AUTH_TOKEN" | "none"; apiKey?: string; authToken?: string };

export function credentialsFromEnv(env: Record<string, string | undefined> = process.env): Credentials {
  if (env.ANTHROPIC_API_KEY) return { source: "ANTHROPIC_API_KEY", apiKey: env.ANTHROPIC_API_KEY };
  if (env.ANTHROPIC_AUTH_TOKEN) return { source: "ANTHROPIC_AUTH_TOKEN", authToken: env.ANTHROPIC_AUTH_TOKEN };
  return { source: "none" };
}

/** ANTHROPIC_CUSTOM_HEADERS: one `Name: Value` per line. */
export function parseCustomHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (raw ?? "").split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const EPHEMERAL = { type: "ephemeral" } as const;

function markLastTool(tools: ToolSchema[]): Array<ToolSchema & { cache_control?: typeof EPHEMERAL }> {
  return tools.map((tool, i) => (i === tools.length - 1 ? { ...tool, cache_control: EPHEMERAL } : tool));
}

function markLastSystem(system: TextBlock[]): TextBlock[] {
  return system.map((block, i) => (i === system.length - 1 ? { ...block, cache_control: EPHEMERAL } : block));
}

/**
 * Copies the history and puts a breakpoint on the last block of the two newest user messages: the
 * newest writes this request's prefix for the next one, and the one before matches exactly where the
 * previous request wrote, so a turn that added many blocks (a batch of parallel tool results) still
 * reads the whole earlier prefix (the API only looks back a limited number of blocks from a breakpoint).
 */
function markNewestUsers(messages: Message[]): Message[] {
  const copy = messages.slice();
  let marked = 0;
  for (let index = copy.length - 1; index >= 0 && marked < 2; index--) {
    const target = copy[index]!;
    if (target.role !== "user") continue;
    const blocks = userBlocks(target.content).slice();
    const last = blocks[blocks.length - 1];
    if (!last) continue;
    blocks[blocks.length - 1] = { ...last, cache_control: EPHEMERAL };
    copy[index] = { role: "user", content: blocks };
    marked++;
  }
  return copy;
}

/** DISABLE_PROMPT_CACHING for every model, or DISABLE_PROMPT_CACHING_HAIKU/_SONNET/_OPUS for one family. */
export function cachingEnabled(model: string, env: Record<string, string | undefined>): boolean {
  if (env.DISABLE_PROMPT_CACHING) return false;
  const family = ["haiku", "sonnet", "opus"].find((f) => model.toLowerCase().includes(f));
  return !(family && env[`DISABLE_PROMPT_CACHING_${family.toUpperCase()}`]);
}

export function buildRequestBody(request: ModelRequest, caching: boolean): Anthropic.MessageCreateParamsStreaming {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens,
    system: caching ? markLastSystem(request.system) : request.system,
    messages: caching ? markNewestUsers(request.messages) : request.messages,
    stream: true,
  };
  if (request.tools.length > 0) body.tools = caching ? markLastTool(request.tools) : request.tools;
  if (request.thinking) body.thinking = request.thinking;
  if (request.effort) body.output_config = { effort: request.effort };
  return body as unknown as Anthropic.MessageCreateParamsStreaming;
}

function toAssistantBlock(block: Anthropic.ContentBlock): AssistantBlock | undefined {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    default:
      return undefined;
  }
}

export function toAssistantMessage(message: Anthropic.Message): AssistantMessage {
  const u = message.usage;
  return {
    id: message.id,
    model: message.model,
    content: message.content.map(toAssistantBlock).filter((b): b is AssistantBlock => b !== undefined),
    stop_reason: message.stop_reason as AssistantMessage["stop_reason"],
    usage: {
      input_tokens: u.input_tokens ?? 0,
      output_tokens: u.output_tokens ?? 0,
      cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
    },
  };
}

let warningsDeduped = false;

/**
 * The SDK warns on stderr about a deprecated model on every request; a long session would repeat it
 * hundreds of times. Each distinct warning is shown once per process.
 */
function dedupeSdkWarnings(): void {
  if (warningsDeduped) return;
  warningsDeduped = true;
  const seen = new Set<string>();
  const original = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const key = args.map(String).join(" ");
    if (seen.has(key)) return;
    seen.add(key);
    original(...args);
  };
}

export function createAnthropicProvider(config: AnthropicConfig): Provider {
  dedupeSdkWarnings();
  const client = new Anthropic({
    apiKey: config.apiKey ?? null,
    authToken: config.authToken ?? null,
    baseURL: config.baseURL ?? null,
    maxRetries: 0,
    timeout: config.requestTimeoutMs,
    defaultHeaders: { "User-Agent": config.userAgent, ...config.headers },
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });

  async function* stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent, AssistantMessage> {
    const watch = watchStream(signal, config.idleTimeoutMs);
    try {
      const response = client.messages.stream(buildRequestBody(request, config.caching), { signal: watch.signal });
      watch.arm();
      for await (const event of response) {
        watch.arm();
        await watch.breathe();
        // The SDK fills message_start's message in place as the stream goes on; the raw event had no content yet.
        yield { type: "raw", event: event.type === "message_start" ? { ...event, message: { ...event.message, content: [] } } : event };
        if (event.type !== "content_block_delta") continue;
        if (event.delta.type === "text_delta") yield { type: "text_delta", text: event.delta.text };
        else if (event.delta.type === "thinking_delta") yield { type: "thinking_delta", text: event.delta.thinking };
      }
      return toAssistantMessage(await response.finalMessage());
    } catch (error) {
      throw watch.failure(error, "the API");
    } finally {
      watch.dispose();
    }
  }

  const webSearch = async (request: WebSearchRequest, signal: AbortSignal): Promise<WebSearchHit[]> => (await import("./web-search-anthropic.ts")).anthropicWebSearch(client, config.searchModel ?? resolveModel("haiku"), request, signal);
  return { name: "anthropic", stream, webSearch };
}
