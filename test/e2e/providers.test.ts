// OpenAI-compatible providers end to end: the real binary against the scripted chat completions
// stand-in, with each server's quirks played by the stand-in, faults on the way, and the side
// requests (sub-agents, compaction, WebFetch's answers) going to the same provider.
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, thinking, toolUse } from "../support/mock-api.ts";
import { startMockOpenAI, type ChatBody, type MockOpenAI, type OpenAIQuirks } from "../support/mock-openai.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { expectFaultTaskFiles, faultTaskSteps } from "../support/fault-task.ts";

let api: MockOpenAI | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** The tool messages of a request's newest turn. */
function toolMessages(body: ChatBody): Array<{ content?: unknown }> {
  const messages = body.messages ?? [];
  const out: Array<{ content?: unknown }> = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role === "tool"; i--) out.unshift(messages[i]!);
  return out;
}

test("hone -p finishes the fault-injected write/run/read/edit/run task through an OpenAI-compatible server", async () => {
  const dir = tempProject();
  api = await startMockOpenAI({
    apiKey: "sk-openai-test",
    quirks: { requireMaxCompletionTokens: true, argumentPiece: 5 },
    steps: faultTaskSteps(dir),
  });
  const run = await runHone(
    ["-p", "make a greeting script", "--model", "openai/gpt-4.1-mini", "--output-format", "stream-json", "--verbose", "--allowedTools", "Write,Edit,Bash"],
    { cwd: dir, env: { OPENAI_BASE_URL: `${api.url}/v1`, OPENAI_API_KEY: "sk-openai-test", API_TIMEOUT_MS: "1500" } },
  );
  expect(run.stderr).not.toContain("Error");
  expect(run.code).toBe(0);
  expectFaultTaskFiles(dir);
  expect(api.requests).toHaveLength(11);
  expect(api.remaining()).toBe(0);
  // The provider prefix is stripped; the key goes as a bearer token; OpenAI's own output cap field.
  for (const request of api.requests) {
    expect(request.body.model).toBe("gpt-4.1-mini");
    expect(request.headers.authorization).toBe("Bearer sk-openai-test");
    expect(request.body.max_completion_tokens).toBeGreaterThan(0);
  }
  for (const index of [3, 5, 7, 9, 10]) {
    const results = toolMessages(api.requests[index]!.body);
    expect(results).toHaveLength(1);
    expect(String(results[0]!.content)).not.toStartWith("Error");
  }
  expect(String(toolMessages(api.requests[7]!.body)[0]!.content)).toContain("hello world");
  const lines = run.lines();
  expect(lines[0]).toMatchObject({ type: "system", subtype: "init", model: "gpt-4.1-mini" });
  expect(lines.filter((l) => l.subtype === "api_retry").map((r) => r.error)).toEqual(["rate_limit", "server_error", "server_error", "connection", "connection"]);
  const result = lines[lines.length - 1]!;
  expect(result).toMatchObject({ type: "result", subtype: "success", num_turns: 6, result: "Done: greet.sh now says goodbye." });
  // Usage came from the server's final chunk.
  const usage = (result.modelUsage as Record<string, { inputTokens: number; contextWindow: number }>)["gpt-4.1-mini"]!;
  expect(usage.inputTokens).toBeGreaterThan(100);
  expect(usage.contextWindow).toBe(1_047_576);
}, 60_000);

const LOCAL: Array<{ provider: string; envName: string; quirks: OpenAIQuirks; model: string }> = [
  // Ollama: each call's arguments whole in one chunk, refuses null content.
  { provider: "ollama", envName: "OLLAMA_HOST", quirks: { argumentPiece: 0, rejectNullContent: true }, model: "qwen2.5-coder:7b" },
  // LM Studio: arguments as an object, refuses null content, reasoning under `reasoning`.
  { provider: "lmstudio", envName: "LMSTUDIO_BASE_URL", quirks: { argumentsAsObject: true, rejectNullContent: true, reasoningField: "reasoning" }, model: "qwen3-coder-30b" },
  // llama.cpp: calls without ids or indexes, "stop" after tool calls, no usage chunk.
  { provider: "llamacpp", envName: "LLAMACPP_BASE_URL", quirks: { noToolCallIds: true, noIndex: true, stopAfterToolCalls: true, noUsage: true }, model: "gemma3-12b" },
  // vLLM: tiny argument pieces, reasoning_content.
  { provider: "vllm", envName: "VLLM_BASE_URL", quirks: { argumentPiece: 1, reasoningField: "reasoning_content" }, model: "Qwen/Qwen2.5-Coder-32B-Instruct" },
];

for (const server of LOCAL) {
  test(`${server.provider}: its quirks are handled, no key is needed and the model's window comes from the table`, async () => {
    const dir = tempProject();
    const note = join(dir, "note.txt");
    api = await startMockOpenAI({
      quirks: server.quirks,
      steps: [
        reply(thinking("I should write the note first."), toolUse("Write", { file_path: note, content: "first\n" }), toolUse("Read", { file_path: note })),
        reply(text("Now the edit."), toolUse("Edit", { file_path: note, old_string: "first", new_string: "second" })),
        reply(text("The note says second.")),
      ],
    });
    const base = server.provider === "ollama" ? api.url.replace("http://", "") : `${api.url}/v1`;
    const run = await runHone(["-p", "write a note", "--provider", server.provider, "--model", server.model, "--output-format", "json", "--allowedTools", "Write,Edit"], {
      cwd: dir,
      env: { [server.envName]: base, ANTHROPIC_API_KEY: undefined },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(readFileSync(note, "utf8")).toBe("second\n");
    const result = run.json();
    expect(result.result).toBe("The note says second.");
    expect(api.requests).toHaveLength(3);
    for (const request of api.requests) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body.model).toBe(server.model);
      expect(request.body.max_tokens).toBeGreaterThan(0);
    }
    // Both calls of the first turn were answered, in order, with the file's text.
    const first = toolMessages(api.requests[1]!.body);
    expect(first).toHaveLength(2);
    expect(String(first[1]!.content)).toContain("first");
    const usage = Object.values(result.modelUsage as Record<string, { inputTokens: number; contextWindow: number }>)[0]!;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.contextWindow).toBeGreaterThan(8_000);
  }, 60_000);
}

test("model windows: the table for known local models, the provider's fallback for unknown ones, and the overrides", async () => {
  const dir = tempProject();
  const window = async (model: string, env: Record<string, string> = {}, extra: string[] = []) => {
    api = await startMockOpenAI({ steps: [reply(text("ok"))] });
    const run = await runHone(["-p", "hi", "--provider", "ollama", "--model", model, "--output-format", "json", ...extra], { cwd: dir, env: { OLLAMA_HOST: api.url, ...env } });
    await api.close();
    api = undefined;
    expect(run.code).toBe(0);
    const usage = (run.json().modelUsage as Record<string, { contextWindow: number; maxOutputTokens: number }>)[model]!;
    return usage;
  };
  expect((await window("qwen2.5-coder:7b")).contextWindow).toBe(32_768);
  expect((await window("llama3.1:8b")).contextWindow).toBe(131_072);
  expect(await window("my-finetune:latest")).toMatchObject({ contextWindow: 32_768, maxOutputTokens: 8_192 });
  expect((await window("llama3.1:8b", { HONE_CONTEXT_WINDOW: "16384" })).contextWindow).toBe(16_384);
  const settings = JSON.stringify({ modelLimits: { "llama3.1:8b": { contextWindow: 16_384, maxOutputTokens: 2_048 } } });
  expect(await window("llama3.1:8b", {}, ["--settings", settings])).toMatchObject({ contextWindow: 16_384, maxOutputTokens: 2_048 });
}, 60_000);
