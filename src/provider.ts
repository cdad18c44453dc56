// What the agent loop needs from a model provider: one streamed request at a time, yielding deltas as
// they arrive and returning the complete assistant message. Retries live above this (see retry.ts).
import type { AssistantMessage, Message, TextBlock } from "./messages.ts";
import type { ToolSchema } from "./tool.ts";
import type { WebSearchHit, WebSearchRequest } from "./session-state.ts";

export type ThinkingConfig = { type: "enabled"; budget_tokens: number } | { type: "adaptive" } | undefined;

/** How much effort the model puts into an answer (the API's output_config.effort). */
export const EFFORT_LEVELS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

export interface ModelRequest {
  model: string;
  system: TextBlock[];
  messages: Message[];
  tools: ToolSchema[];
  maxTokens: number;
  thinking: ThinkingConfig;
  effort?: Effort;
}

export type ProviderEvent =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; text: string }
  /** The provider's raw stream event, for --include-partial-messages. */
  | { type: "raw"; event: unknown };

export interface Provider {
  readonly name: string;
  stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent, AssistantMessage>;
  /** A search the provider runs on its side (Anthropic's web search tool); absent when it has none. */
  webSearch?: (request: WebSearchRequest, signal: AbortSignal) => Promise<WebSearchHit[]>;
}

/**
 * An HTTP failure from a provider other than Anthropic's SDK, in one shape retry.ts classifies:
 * `overflow` is the provider's own verdict that the prompt did not fit (its wording is in its quirks).
 */
export class ProviderHttpError extends Error {
  override name = "ProviderHttpError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly headers: Headers | undefined,
    readonly overflow = false,
  ) {
    super(message);
  }
}

/** A stream that went silent mid-way; thrown so the request can be tried again. */
export class StreamIdleError extends Error {
  override name = "StreamIdleError";
}

/**
 * What both providers do around a stream: their own abort signal following the caller's, a timer that
 * aborts a stream silent for `idleMs` (so it can be retried), and a turn handed to the event loop now
 * and then, since buffered chunks are read without one and would hold up the terminal's frames and keys.
 */
export function watchStream(signal: AbortSignal, idleMs: number) {
  const local = new AbortController();
  const forward = () => local.abort(signal.reason);
  signal.addEventListener("abort", forward, { once: true });
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let slice = performance.now();
  return {
    signal: local.signal,
    /** Restarts the idle timer: call when the request starts and at each chunk. */
    arm(): void {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        local.abort();
      }, idleMs);
    },
    /** Resolves at once, or after one turn of the event loop when the stream has held it for a while. */
    async breathe(): Promise<void> {
      if (performance.now() - slice <= 4) return;
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      slice = performance.now();
    },
    /** The error to throw for a failure: a StreamIdleError when the idle timer caused it. */
    failure(error: unknown, what: string): unknown {
      return idle && !signal.aborted ? new StreamIdleError(`No data from ${what} for ${idleMs} ms`) : error;
    },
    dispose(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", forward);
    },
  };
}
