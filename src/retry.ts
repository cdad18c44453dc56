// When and how long to wait before trying a model request again. Pure functions: the provider decides
// what failed, this module decides whether that is worth another try and how long to back off.
import { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { ProviderHttpError } from "./provider.ts";

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we are willing to honour; longer ones fail the run instead of stalling it. */
  maxRetryAfterMs: number;
}

function envInt(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const value = Number(env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function retryPolicy(env: Record<string, string | undefined> = process.env): RetryPolicy {
  return {
    maxRetries: envInt(env, "HONE_MAX_RETRIES", envInt(env, "CLAUDE_CODE_MAX_RETRIES", 8)),
    baseDelayMs: envInt(env, "HONE_RETRY_BASE_MS", 1000),
    maxDelayMs: envInt(env, "HONE_RETRY_MAX_MS", 32_000),
    maxRetryAfterMs: 5 * 60_000,
  };
}

export interface FailureInfo {
  retryable: boolean;
  status?: number;
  /** Server-requested wait, from Retry-After / retry-after-ms. */
  retryAfterMs?: number;
  message: string;
  /** A stable short name for the kind of failure (stream-json `error` field vocabulary). */
  /** `context_overflow`: compaction could not make the conversation fit (hone's own verdict, not the API's). */
  kind: "rate_limit" | "overloaded" | "server_error" | "connection" | "authentication_failed" | "invalid_request" | "prompt_too_long" | "context_overflow" | "aborted" | "unknown";
}

const RETRY_STATUSES = new Set([408, 409, 429]);

export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get("retry-after");
  if (!raw) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function apiMessage(error: APIError): string {
  const body = error.error as { error?: { message?: string } } | undefined;
  return body?.error?.message ?? error.message;
}

// How the Anthropic API and OpenAI-compatible servers (OpenAI, vLLM, llama.cpp, Ollama, LM Studio,
// OpenRouter) word a request that does not fit the model's context window.
const OVERFLOW_TEXTS = [
  /prompt is too long/i,
  /context[_ ]length[_ ]exceeded/i,
  /maximum context length/i,
  /exceeds? (the )?(model'?s? )?(maximum )?context (window|length|size)/i,
  /context window (is )?(full|exceeded)/i,
  /too many tokens/i,
  /input is too long/i,
  /requested \d+ tokens/i,
  /exceed context limit/i,
  /exceeds the available context size/i,
  /exceeds the maximum allowed length/i,
];

export function isContextOverflow(message: string): boolean {
  return OVERFLOW_TEXTS.some((pattern) => pattern.test(message));
}

/** The prompt size an overflow error names ("prompt is too long: 210000 tokens > 200000 maximum"). */
export function overflowTokens(message: string): number | undefined {
  const match =
    /(\d{3,})\s*tokens?\s*>/i.exec(message) ??
    /resulted in (\d+) tokens/i.exec(message) ??
    /requested (\d+) tokens/i.exec(message) ??
    /context limit: (\d+) \+/i.exec(message) ??
    /^\D*?\((\d+) tokens\) exceeds/i.exec(message) ??
    /Input length \((\d+) tokens\)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

export function classifyFailure(error: unknown): FailureInfo {
  if (error instanceof APIUserAbortError || (error instanceof Error && error.name === "AbortError")) {
    return { retryable: false, kind: "aborted", message: "Request aborted" };
  }
  if (error instanceof ProviderHttpError) {
    if (error.overflow) return { retryable: false, status: error.status, kind: "prompt_too_long", message: error.message };
    return classifyStatus(error.status, error.headers, error.message);
  }
  if (error instanceof APIError) return classifyStatus(error.status, error.headers, apiMessage(error));
  // Anything else thrown while talking to the API is a transport failure (reset socket, stream cut
  // mid-way, idle timeout): worth another try.
  const message = error instanceof Error ? error.message : String(error);
  return { retryable: true, kind: "connection", message };
}

function classifyStatus(status: number | undefined, headers: Headers | undefined, message: string): FailureInfo {
  if (status === undefined) return { retryable: true, kind: "connection", message };
  const retryAfterMs = parseRetryAfter(headers);
  if (status === 429) return { retryable: true, status, retryAfterMs, kind: "rate_limit", message };
  if (status === 529) return { retryable: true, status, retryAfterMs, kind: "overloaded", message };
  if (status >= 500 || RETRY_STATUSES.has(status)) return { retryable: true, status, retryAfterMs, kind: "server_error", message };
  if (status === 401 || status === 403) return { retryable: false, status, kind: "authentication_failed", message };
  if ((status === 400 || status === 413) && isContextOverflow(message)) return { retryable: false, status, kind: "prompt_too_long", message };
  return { retryable: false, status, kind: "invalid_request", message };
}

/** Exponential backoff with up to 25% jitter; a server's Retry-After wins when present. */
export function retryDelay(attempt: number, failure: FailureInfo, policy: RetryPolicy, random = Math.random): number {
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (1 - random() * 0.25));
}

export function shouldRetry(attempt: number, failure: FailureInfo, policy: RetryPolicy): boolean {
  if (!failure.retryable || attempt > policy.maxRetries) return false;
  return failure.retryAfterMs === undefined || failure.retryAfterMs <= policy.maxRetryAfterMs;
}

/** Waits `ms`, but an abort ends the wait early instead of failing it (polling loops that stop quietly). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException("Aborted", "AbortError"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException("Aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
