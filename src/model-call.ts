// One model request with retries: transport failures, 429/529/5xx and streams cut mid-way are tried
// again with backoff. Deltas of a failed attempt were already yielded, so a `retry` event tells
// consumers to drop whatever partial text they showed; only the successful attempt's message counts.
import type { AssistantMessage } from "./messages.ts";
import type { ModelRequest, Provider } from "./provider.ts";
import { classifyFailure, retryDelay, shouldRetry, sleep, type FailureInfo, type RetryPolicy } from "./retry.ts";

export type CallEvent =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; text: string }
  | { type: "stream_event"; event: unknown }
  | { type: "retry"; attempt: number; maxRetries: number; delayMs: number; status?: number; error: string; kind: FailureInfo["kind"] };

export type CallOutcome =
  | { ok: true; message: AssistantMessage; durationMs: number }
  | { ok: false; failure: FailureInfo; durationMs: number };

export async function* callModel(
  provider: Provider,
  request: ModelRequest,
  policy: RetryPolicy,
  signal: AbortSignal,
): AsyncGenerator<CallEvent, CallOutcome> {
  let durationMs = 0;
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    try {
      const stream = provider.stream(request, signal);
      for (;;) {
        const next = await stream.next();
        if (next.done) {
          durationMs += performance.now() - started;
          return { ok: true, message: next.value, durationMs };
        }
        const event = next.value;
        if (event.type === "raw") yield { type: "stream_event", event: event.event };
        else yield event;
      }
    } catch (error) {
      durationMs += performance.now() - started;
      const failure = signal.aborted ? { retryable: false, kind: "aborted" as const, message: "Interrupted" } : classifyFailure(error);
      if (!shouldRetry(attempt, failure, policy)) return { ok: false, failure, durationMs };
      const delayMs = retryDelay(attempt, failure, policy);
      yield {
        type: "retry",
        attempt,
        maxRetries: policy.maxRetries,
        delayMs,
        status: failure.status,
        error: failure.message,
        kind: failure.kind,
      };
      try {
        await sleep(delayMs, signal);
      } catch {
        return { ok: false, failure: { retryable: false, kind: "aborted", message: "Interrupted" }, durationMs };
      }
    }
  }
}
