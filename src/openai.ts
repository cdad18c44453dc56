// The OpenAI-compatible provider: chat completions with streamed tool calls through the official
// `openai` SDK (its SSE handling), for OpenAI, OpenRouter and local servers (Ollama, LM Studio,
// llama.cpp, vLLM). How each server differs is data (provider-profiles.ts); the SDK is loaded on the
// first request, so runs on the Anthropic provider never load it.
import type { AssistantMessage } from "./messages.ts";
import { buildChatRequest } from "./openai-request.ts";
import { createStreamFold, estimateTokens, type ChatChunk } from "./openai-stream.ts";
import { ProviderHttpError, watchStream, type ModelRequest, type Provider, type ProviderEvent } from "./provider.ts";
import type { ProviderProfile } from "./provider-profiles.ts";
import { isContextOverflow } from "./retry.ts";
import { randomHex } from "./random-id.ts";

export interface OpenAIConfig {
  profile: ProviderProfile;
  baseURL: string;
  apiKey?: string;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  headers: Record<string, string>;
  userAgent: string;
  /** --record / --replay put their fetch here. */
  fetch?: typeof fetch;
}

type OpenAIModule = typeof import("openai");
type Client = InstanceType<OpenAIModule["default"]>;

/** The server's own words: the SDK prefixes its message with the status. */
function serverMessage(error: { message: string; error?: unknown }): string {
  const body = error.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const text = typeof body?.message === "string" ? body.message : typeof body?.error?.message === "string" ? body.error.message : undefined;
  return text ?? error.message;
}

/** Puts an SDK error into the one shape retry.ts classifies, deciding overflow by the profile's wording. */
export function normaliseError(error: unknown, sdk: OpenAIModule, profile: ProviderProfile): unknown {
  if (error instanceof sdk.APIUserAbortError) return error;
  if (error instanceof sdk.APIConnectionError) return error;
  if (!(error instanceof sdk.APIError)) return error;
  const message = serverMessage(error);
  const overflow = isContextOverflow(message) || profile.quirks.overflow.some((p) => p.test(message));
  return new ProviderHttpError(message, error.status, error.headers, overflow);
}

export function createOpenAIProvider(config: OpenAIConfig): Provider {
  let loaded: { sdk: OpenAIModule; client: Client } | undefined;
  async function client(): Promise<{ sdk: OpenAIModule; client: Client }> {
    if (loaded) return loaded;
    const sdk = await import("openai");
    const instance = new sdk.default({
      // Local servers take no key. The SDK insists on one, so it gets a placeholder and sends no Authorization header.
      apiKey: config.apiKey ?? "no-key",
      baseURL: config.baseURL,
      maxRetries: 0,
      timeout: config.requestTimeoutMs,
      defaultHeaders: { "User-Agent": config.userAgent, ...config.profile.headers, ...config.headers, ...(config.apiKey ? {} : { Authorization: null }) },
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
    loaded = { sdk, client: instance };
    return loaded;
  }

  async function* stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent, AssistantMessage> {
    const { sdk, client: api } = await client();
    const watch = watchStream(signal, config.idleTimeoutMs);
    const body = buildChatRequest(request, config.profile.quirks);
    const fold = createStreamFold(request.model, () => `chatcmpl-${randomHex(12)}`);
    try {
      watch.arm();
      const chunks = await api.chat.completions.create(body as never, { signal: watch.signal });
      for await (const chunk of chunks as unknown as AsyncIterable<ChatChunk>) {
        watch.arm();
        await watch.breathe();
        yield { type: "raw", event: chunk };
        for (const event of fold.add(chunk)) yield event;
      }
      return fold.finish(() => estimateTokens(JSON.stringify(body.messages).length + JSON.stringify(body.tools ?? []).length));
    } catch (error) {
      throw normaliseError(watch.failure(error, config.profile.label), sdk, config.profile);
    } finally {
      watch.dispose();
    }
  }

  return { name: config.profile.id, stream };
}
