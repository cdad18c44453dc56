import { expect, test } from "bun:test";
import { APIConnectionError, APIError, APIUserAbortError, InternalServerError, RateLimitError } from "@anthropic-ai/sdk";
import { classifyFailure, parseRetryAfter, retryDelay, retryPolicy, shouldRetry } from "../src/retry.ts";

const policy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

function apiError(status: number, message: string, headers: Record<string, string> = {}) {
  return APIError.generate(status, { type: "error", error: { type: "x", message } }, message, new Headers(headers));
}

test("classifies statuses: 429/529/5xx/408/409 retry, 400/401 do not", () => {
  expect(classifyFailure(apiError(429, "slow down", { "retry-after": "2" }))).toMatchObject({ retryable: true, kind: "rate_limit", retryAfterMs: 2000 });
  expect(classifyFailure(apiError(529, "overloaded"))).toMatchObject({ retryable: true, kind: "overloaded" });
  expect(classifyFailure(apiError(503, "unavailable"))).toMatchObject({ retryable: true, kind: "server_error" });
  expect(classifyFailure(apiError(408, "timeout")).retryable).toBe(true);
  expect(classifyFailure(apiError(400, "prompt is too long: 300000 tokens > 200000 maximum"))).toMatchObject({ retryable: false, kind: "prompt_too_long" });
  expect(classifyFailure(apiError(400, "bad field"))).toMatchObject({ retryable: false, kind: "invalid_request", message: "bad field" });
  expect(classifyFailure(apiError(401, "invalid x-api-key"))).toMatchObject({ retryable: false, kind: "authentication_failed" });
  expect(classifyFailure(new APIConnectionError({ message: "reset" }))).toMatchObject({ retryable: true, kind: "connection" });
  expect(classifyFailure(new TypeError("terminated"))).toMatchObject({ retryable: true, kind: "connection" });
  expect(classifyFailure(new APIUserAbortError())).toMatchObject({ retryable: false, kind: "aborted" });
  expect(apiError(429, "x")).toBeInstanceOf(RateLimitError);
  expect(apiError(500, "x")).toBeInstanceOf(InternalServerError);
});

test("Retry-After in seconds, as a date, and retry-after-ms", () => {
  expect(parseRetryAfter(new Headers({ "retry-after": "3" }))).toBe(3000);
  expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
  const now = Date.parse("2026-01-01T00:00:00Z");
  expect(parseRetryAfter(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5000);
  expect(parseRetryAfter(new Headers({}))).toBeUndefined();
});

test("backoff doubles up to the cap with at most 25% jitter; Retry-After wins", () => {
  const failure = { retryable: true, kind: "overloaded" as const, message: "" };
  expect(retryDelay(1, failure, policy, () => 0)).toBe(1000);
  expect(retryDelay(3, failure, policy, () => 0)).toBe(4000);
  expect(retryDelay(10, failure, policy, () => 0)).toBe(8000);
  expect(retryDelay(2, failure, policy, () => 0.999)).toBeGreaterThanOrEqual(1500);
  expect(retryDelay(2, failure, policy, () => 0.999)).toBeLessThan(2000);
  expect(retryDelay(1, { ...failure, retryAfterMs: 1234 }, policy)).toBe(1234);
});

test("tries are bounded and absurd Retry-After values are not waited for", () => {
  const failure = { retryable: true, kind: "rate_limit" as const, message: "" };
  expect(shouldRetry(3, failure, policy)).toBe(true);
  expect(shouldRetry(4, failure, policy)).toBe(false);
  expect(shouldRetry(1, { ...failure, retryAfterMs: 3_600_000 }, policy)).toBe(false);
  expect(shouldRetry(1, { ...failure, retryable: false }, policy)).toBe(false);
});

test("policy comes from the environment with sane defaults", () => {
  expect(retryPolicy({})).toMatchObject({ maxRetries: 8, baseDelayMs: 1000 });
  expect(retryPolicy({ HONE_MAX_RETRIES: "2", HONE_RETRY_BASE_MS: "5" })).toMatchObject({ maxRetries: 2, baseDelayMs: 5 });
  expect(retryPolicy({ HONE_MAX_RETRIES: "nope" }).maxRetries).toBe(8);
});
