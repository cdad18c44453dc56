// The core promise: a multi-tool task completes through every transient fault the API can throw at it,
// with the files on disk exactly as expected and no output printed twice.
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { reply, startMockApi, text, toolUse, type MockApi } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { expectFaultTaskFiles, faultTaskSteps } from "../support/fault-task.ts";

let api: MockApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function toolResults(body: { messages?: Array<{ role: string; content: unknown }> }) {
  const last = body.messages?.[body.messages.length - 1];
  return Array.isArray(last?.content) ? (last.content as Array<{ type: string; is_error?: boolean; content: unknown }>) : [];
}

test("a write/run/read/edit/run task survives 429, 529, 500, a cut stream and a hang", async () => {
  const dir = tempProject();
  api = await startMockApi({
    steps: faultTaskSteps(dir),
  });
  const started = Date.now();
  const run = await runHone(
    ["-p", "make a greeting script", "--output-format", "stream-json", "--verbose", "--allowedTools", "Write,Edit,Bash"],
    { cwd: dir, apiUrl: api.url, env: { API_TIMEOUT_MS: "1500" } },
  );
  expect(run.stderr).not.toContain("Error");
  expect(run.code).toBe(0);
  expectFaultTaskFiles(dir);
  expect(api.requests).toHaveLength(11);
  expect(api.remaining()).toBe(0);
  // The 429 asked for one second; it was honoured.
  expect(api.requests[1]!.receivedAt - api.requests[0]!.receivedAt).toBeGreaterThanOrEqual(950);
  expect(Date.now() - started).toBeLessThan(20_000);

  // Every tool ran without error, and each retried request repeats the same conversation.
  for (const index of [3, 5, 7, 9, 10]) {
    const results = toolResults(api.requests[index]!.body);
    expect(results.length).toBe(1);
    expect(results[0]!.is_error ?? false).toBe(false);
  }
  expect(JSON.stringify(toolResults(api.requests[7]!.body))).toContain("hello world");
  expect(api.requests[2]!.body.messages).toEqual(api.requests[3]!.body.messages!);

  const lines = run.lines();
  expect(lines[0]).toMatchObject({ type: "system", subtype: "init" });
  const retries = lines.filter((l) => l.subtype === "api_retry");
  expect(retries.map((r) => r.error)).toEqual(["rate_limit", "overloaded", "server_error", "connection", "connection"]);
  const texts = lines
    .filter((l) => l.type === "assistant")
    .flatMap((l) => (l.message as { content: Array<{ type: string; text?: string }> }).content)
    .filter((b) => b.type === "text")
    .map((b) => b.text);
  expect(texts).toEqual(["Writing the script.", "Now I edit the greeting.", "Done: greet.sh now says goodbye."]);
  expect(run.stdout).not.toContain("Now I edit the gree\"");
  const result = lines[lines.length - 1]!;
  expect(result).toMatchObject({ type: "result", subtype: "success", is_error: false, num_turns: 6, result: "Done: greet.sh now says goodbye." });
}, 30_000);

test("text output prints the answer once even when the first stream was cut mid-sentence", async () => {
  const dir = tempProject();
  api = await startMockApi({ steps: [{ fault: "cut", partialText: "The answer is 4" }, reply(text("The answer is 42."))] });
  const run = await runHone(["-p", "what is the answer"], { cwd: dir, apiUrl: api.url });
  expect(run.code).toBe(0);
  expect(run.stdout).toBe("The answer is 42.\n");
});

test("a 400 'prompt is too long' is compacted and retried once; a second refusal ends the run with a clear error and exit 1", async () => {
  const dir = tempProject();
  api = await startMockApi({ steps: [{ fault: "too_long" }, reply(text("<summary>the user said hi</summary>")), { fault: "too_long" }, reply(text("never sent"))] });
  const run = await runHone(["-p", "hi", "--output-format", "json"], { cwd: dir, apiUrl: api.url });
  expect(run.code).toBe(1);
  // The refused request, the summary request, the one retry; nothing after.
  expect(api.requests).toHaveLength(3);
  expect(JSON.stringify(api.requests[1]!.body.messages)).toContain("context summary request");
  const result = run.json();
  expect(result).toMatchObject({ type: "result", subtype: "error_during_execution", is_error: true });
  expect(String((result.errors as string[])[0])).toContain("prompt is too long");
});

test("retries are bounded: a server that keeps failing ends the run with exit 1", async () => {
  const dir = tempProject();
  api = await startMockApi({ steps: [], fallback: { fault: "overloaded" } });
  const run = await runHone(["-p", "hi"], { cwd: dir, apiUrl: api.url, env: { HONE_MAX_RETRIES: "3" } });
  expect(run.code).toBe(1);
  expect(api.requests).toHaveLength(4);
  expect(run.stderr).toContain("Error: API error 529");
  expect(run.stdout).toBe("");
});

test("a non-retryable 401 is reported once with a hint about the key", async () => {
  const dir = tempProject();
  api = await startMockApi({
    steps: [{ fault: "status", status: 401, type: "authentication_error", message: "invalid x-api-key" }],
  });
  const run = await runHone(["-p", "hi"], { cwd: dir, apiUrl: api.url });
  expect(run.code).toBe(1);
  expect(api.requests).toHaveLength(1);
  expect(run.stderr).toContain("invalid x-api-key");
  expect(run.stderr).toContain("ANTHROPIC_API_KEY");
});

test("a silent stream is abandoned after HONE_STREAM_IDLE_TIMEOUT_MS and retried", async () => {
  const dir = tempProject();
  api = await startMockApi({ steps: [{ fault: "hang" }, reply(text("Back again."))] });
  const started = Date.now();
  const run = await runHone(["-p", "hi", "--output-format", "stream-json", "--verbose"], {
    cwd: dir,
    apiUrl: api.url,
    env: { HONE_STREAM_IDLE_TIMEOUT_MS: "300" },
  });
  expect(run.code).toBe(0);
  expect(Date.now() - started).toBeLessThan(5000);
  const retry = run.lines().find((l) => l.subtype === "api_retry")!;
  expect(String(retry.message)).toContain("No data from the API for 300 ms");
  expect(run.lines().at(-1)).toMatchObject({ result: "Back again." });
});
