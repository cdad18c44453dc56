// Everything beside the main request follows the active provider: sub-agents (their model aliases
// included), compaction after the server's own overflow wording, WebFetch's answer. And the ways a
// run without a usable model explains itself: no key, no model named, a local server found.
import { afterEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { startMockOpenAI, type MockOpenAI } from "../support/mock-openai.ts";
import { runHone, tempProject } from "../support/run-hone.ts";

let api: MockOpenAI | undefined;
const servers: Array<{ stop(): void }> = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  for (const s of servers.splice(0)) s.stop();
});

function requestText(body: unknown): string {
  return JSON.stringify(body);
}

test("a sub-agent, WebFetch's answer and the final reply all go to the session's provider and model", async () => {
  const dir = tempProject();
  const page = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("<html><body><h1>Release notes</h1><p>Version 7 adds streaming.</p></body></html>", { headers: { "content-type": "text/html" } }) });
  servers.push(page);
  api = await startMockOpenAI({
    steps: [
      reply(toolUse("Agent", { description: "Check the notes", prompt: "Read the release notes page and report the version", subagent_type: "Explore" })),
      // The sub-agent's conversation: one WebFetch, then its report.
      reply(toolUse("WebFetch", { url: `http://127.0.0.1:${page.port}/notes`, prompt: "Which version adds streaming?" })),
      reply(text("Version 7 adds streaming.")),
      reply(text("The sub-agent found it: version 7.")),
      reply(text("Version 7 adds streaming, according to the notes.")),
    ],
  });
  const run = await runHone(["-p", "which version adds streaming?", "--provider", "vllm", "--model", "Qwen/Qwen3-Coder-30B-A3B-Instruct", "--allowedTools", "WebFetch", "--output-format", "json"], {
    cwd: dir,
    env: { VLLM_BASE_URL: `${api.url}/v1` },
  });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.json().result).toBe("Version 7 adds streaming, according to the notes.");
  expect(api.requests).toHaveLength(5);
  // Explore asks for haiku; on vLLM that alias means the session's own model.
  for (const request of api.requests) expect(request.body.model).toBe("Qwen/Qwen3-Coder-30B-A3B-Instruct");
  // Request 3 is WebFetch's question over the page, without tools.
  const side = api.requests[2]!.body;
  expect(side.tools).toBeUndefined();
  expect(requestText(side)).toContain("Release notes");
  expect(requestText(side)).toContain("Which version adds streaming?");
  // The sub-agent's report reached the main agent as the Agent tool's result.
  expect(requestText(api.requests[4]!.body)).toContain("The sub-agent found it: version 7.");
}, 60_000);

test("llama.cpp's overflow wording is recognised: hone compacts through the same server and carries on", async () => {
  const dir = tempProject();
  for (let i = 0; i < 6; i++) writeFileSync(join(dir, `part${i}.txt`), `part ${i}\n${"lorem ipsum dolor sit amet\n".repeat(800)}\n`);
  api = await startMockOpenAI({
    quirks: { overflow: { status: 400, message: "the request exceeds the available context size, try increasing it" } },
    steps: [
      ...Array.from({ length: 6 }, (_, i) => reply(toolUse("Read", { file_path: join(dir, `part${i}.txt`) }))),
      { fault: "too_long" },
      reply(text("<summary>The six parts were read; each is filler text.</summary>")),
      reply(text("All six parts are filler.")),
    ],
  });
  const run = await runHone(["-p", "read the parts", "--provider", "llamacpp", "--model", "gemma3-12b", "--output-format", "stream-json", "--verbose"], {
    cwd: dir,
    env: { LLAMACPP_BASE_URL: `${api.url}/v1` },
  });
  expect(run.code).toBe(0);
  const lines = run.lines();
  expect(lines.some((l) => l.subtype === "compact_boundary")).toBe(true);
  expect(lines[lines.length - 1]).toMatchObject({ subtype: "success", result: "All six parts are filler." });
  expect(api.requests).toHaveLength(9);
  // The summary request went to llama.cpp too, and the retried request is much shorter than the refused one.
  expect(api.requests[7]!.body.model).toBe("gemma3-12b");
  expect(requestText(api.requests[8]!.body).length).toBeLessThan(requestText(api.requests[6]!.body).length / 2);
  // The refusal taught hone the server's real window, far below gemma3's trained 131k.
  const usage = (lines[lines.length - 1]!.modelUsage as Record<string, { contextWindow: number }>)["gemma3-12b"]!;
  expect(usage.contextWindow).toBeLessThan(60_000);
}, 60_000);

test("a local provider without --model uses the server's only model, and lists them when there are several", async () => {
  const dir = tempProject();
  api = await startMockOpenAI({ models: ["llama3.2:3b"], steps: [reply(text("hello"))] });
  const one = await runHone(["-p", "hi", "--provider", "ollama", "--output-format", "json"], { cwd: dir, env: { OLLAMA_HOST: api.url } });
  expect(one.code).toBe(0);
  expect(api.requests[0]!.body.model).toBe("llama3.2:3b");
  await api.close();
  api = await startMockOpenAI({ models: ["qwen3:8b", "gemma3:4b"] });
  const several = await runHone(["-p", "hi", "--provider", "ollama"], { cwd: dir, env: { OLLAMA_HOST: api.url } });
  expect(several.code).not.toBe(0);
  expect(several.stderr).toContain("Ollama serves several models; name one with --model: qwen3:8b, gemma3:4b");
  const gone = await runHone(["-p", "hi", "--provider", "lmstudio"], { cwd: dir, env: { LMSTUDIO_BASE_URL: "http://127.0.0.1:9/v1" } });
  expect(gone.code).not.toBe(0);
  expect(gone.stderr).toContain("LM Studio does not answer at http://127.0.0.1:9/v1");
}, 60_000);

test("hosted providers without their key, and unknown providers, are refused with what to set", async () => {
  const dir = tempProject();
  const openrouter = await runHone(["-p", "hi", "--model", "openrouter/anthropic/claude-sonnet-4.5"], { cwd: dir, env: { OPENROUTER_API_KEY: undefined } });
  expect(openrouter.code).not.toBe(0);
  expect(openrouter.stderr).toContain("OpenRouter needs an API key: set OPENROUTER_API_KEY");
  const unknown = await runHone(["-p", "hi", "--provider", "bedrock"], { cwd: dir });
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('--provider: unknown provider "bedrock"');
}, 30_000);

test("OpenRouter keeps the vendor folder of its model ids and sends its key", async () => {
  const dir = tempProject();
  api = await startMockOpenAI({ apiKey: "or-key", steps: [reply(text("hi from the gateway"))] });
  const run = await runHone(["-p", "hi", "--model", "openrouter/anthropic/claude-sonnet-4.5", "--output-format", "json"], {
    cwd: dir,
    env: { OPENROUTER_API_KEY: "or-key", OPENROUTER_BASE_URL: `${api.url}/v1` },
  });
  expect(run.code).toBe(0);
  expect(api.requests[0]!.body.model).toBe("anthropic/claude-sonnet-4.5");
  expect(api.requests[0]!.headers["x-title"]).toBe("hone");
  // The table knows the model behind the gateway: its window and its price.
  const usage = (run.json().modelUsage as Record<string, { contextWindow: number; costUSD: number }>)["anthropic/claude-sonnet-4.5"]!;
  expect(usage.contextWindow).toBe(200_000);
  expect(usage.costUSD).toBeGreaterThan(0);
}, 30_000);

test("no Anthropic key: a local server on its usual port is found and offered with its models", async () => {
  const dir = tempProject();
  let ollama: ReturnType<typeof Bun.serve>;
  try {
    ollama = Bun.serve({ port: 11434, hostname: "127.0.0.1", fetch: (req) => (new URL(req.url).pathname === "/v1/models" ? Response.json({ data: [{ id: "qwen3:8b" }, { id: "llama3.2:3b" }] }) : new Response("not found", { status: 404 })) });
  } catch {
    // Something real listens on Ollama's port here: the probe would find it instead of ours.
    return;
  }
  servers.push(ollama);
  const found = await runHone(["-p", "hi"], { cwd: dir, env: { ANTHROPIC_API_KEY: undefined } });
  expect(found.code).toBe(1);
  expect(found.stderr).toContain("Ollama");
  expect(found.stderr).toContain("qwen3:8b");
  expect(found.stderr).toContain("hone --provider ollama --model qwen3:8b");
  ollama.stop();
  servers.length = 0;
  const none = await runHone(["-p", "hi"], { cwd: dir, env: { ANTHROPIC_API_KEY: undefined } });
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("export ANTHROPIC_API_KEY=");
  expect(none.stderr).toContain("--provider ollama");
}, 30_000);
