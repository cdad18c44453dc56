// The pure parts of the OpenAI-compatible provider: the conversation turned into chat messages, the
// stream folded back into one message whatever the server's habits, and the provider choice.
import { describe, expect, test } from "bun:test";
import type { Message } from "../src/messages.ts";
import { buildChatRequest, chatMessages } from "../src/openai-request.ts";
import { createStreamFold, type ChatChunk } from "../src/openai-stream.ts";
import { PROVIDERS } from "../src/provider-profiles.ts";
import { chooseProvider, modelLimits, resolveModelFor, splitModelPrefix } from "../src/provider-select.ts";

const PNG = { type: "image" as const, source: { type: "base64" as const, media_type: "image/png" as const, data: "iVBORw0KGgo=" } };

describe("chat messages", () => {
  const history: Message[] = [
    { role: "user", content: "fix it" },
    { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "s" }, { type: "tool_use", id: "c1", name: "Read", input: { file_path: "/a" } }, { type: "tool_use", id: "c2", name: "Grep", input: { pattern: "x" } }] },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "c1", content: [{ type: "text", text: "file text" }, PNG] },
        { type: "tool_result", tool_use_id: "c2", content: "no matches", is_error: true },
        { type: "text", text: "also check b" },
      ],
    },
  ];

  test("tool results follow their calls as tool messages; images and the user's words come after; thinking stays behind", () => {
    const out = chatMessages({ system: [{ type: "text", text: "be brief" }], messages: history }, PROVIDERS.openai.quirks);
    expect(out.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "tool", "user"]);
    expect(out[2]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "Read", arguments: '{"file_path":"/a"}' } }, { id: "c2", type: "function", function: { name: "Grep", arguments: '{"pattern":"x"}' } }] });
    expect(out[3]).toMatchObject({ role: "tool", tool_call_id: "c1" });
    expect((out[3] as { content: string }).content).toContain("file text");
    expect(out[4]).toEqual({ role: "tool", tool_call_id: "c2", content: "Error: no matches" });
    expect(out[5]).toEqual({ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }, { type: "text", text: "also check b" }] });
    expect(JSON.stringify(out)).not.toContain("hmm");
  });

  test("servers that refuse null content get an empty string; the output cap and effort use each server's field", () => {
    expect(chatMessages({ system: [], messages: history }, PROVIDERS.ollama.quirks)[1]).toMatchObject({ role: "assistant", content: "" });
    const request = { model: "m", system: [], messages: history, tools: [{ name: "Read", description: "reads", input_schema: { type: "object" as const } }], maxTokens: 900, thinking: undefined, effort: "high" as const };
    const openai = buildChatRequest(request, PROVIDERS.openai.quirks);
    expect(openai).toMatchObject({ max_completion_tokens: 900, reasoning_effort: "high", stream: true, stream_options: { include_usage: true } });
    expect(openai.max_tokens).toBeUndefined();
    expect(openai.tools).toEqual([{ type: "function", function: { name: "Read", description: "reads", parameters: { type: "object" } } }]);
    const vllm = buildChatRequest(request, PROVIDERS.vllm.quirks);
    expect(vllm.max_tokens).toBe(900);
    expect(vllm.reasoning_effort).toBeUndefined();
  });
});

describe("stream fold", () => {
  let n = 0;
  const newId = () => `gen_${++n}`;
  const delta = (d: Record<string, unknown>, finish: string | null = null): ChatChunk => ({ id: "chatcmpl-1", model: "served-model", choices: [{ delta: d, finish_reason: finish }] });

  test("arguments in pieces, by index, with text and reasoning; usage from the last chunk", () => {
    const fold = createStreamFold("asked", newId);
    const events = [
      delta({ reasoning_content: "think" }),
      delta({ content: "Let me " }),
      delta({ content: "look." }),
      delta({ tool_calls: [{ index: 0, id: "a", function: { name: "Read", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 1, id: "b", function: { name: "Glob", arguments: '{"pat' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"file_path":' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"/x"}' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: 'tern":"*"}' } }] }, "tool_calls"),
      { choices: [], usage: { prompt_tokens: 120, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 100 } } },
    ].flatMap((c) => fold.add(c));
    expect(events).toEqual([{ type: "thinking_delta", text: "think" }, { type: "text_delta", text: "Let me " }, { type: "text_delta", text: "look." }]);
    const message = fold.finish(() => 999);
    expect(message).toMatchObject({ id: "chatcmpl-1", model: "served-model", stop_reason: "tool_use" });
    expect(message.content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: "a", name: "Read", input: { file_path: "/x" } },
      { type: "tool_use", id: "b", name: "Glob", input: { pattern: "*" } },
    ]);
    expect(message.usage).toEqual({ input_tokens: 20, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 });
  });

  test("no ids, no indexes, arguments as an object, 'stop' after calls, no usage: still one good message", () => {
    const fold = createStreamFold("asked", newId);
    fold.add(delta({ tool_calls: [{ function: { name: "Bash", arguments: { command: "ls" } } }] }));
    fold.add(delta({ tool_calls: [{ function: { name: "Read", arguments: "" } }] }));
    fold.add(delta({ tool_calls: [{ function: { arguments: '{"file_path":"/y"}' } }] }, "stop"));
    const message = fold.finish(() => 4321);
    expect(message.stop_reason).toBe("tool_use");
    const calls = message.content.filter((b) => b.type === "tool_use");
    expect(calls.map((c) => (c.type === "tool_use" ? [c.name, c.input] : []))).toEqual([["Bash", { command: "ls" }], ["Read", { file_path: "/y" }]]);
    expect(new Set(calls.map((c) => (c.type === "tool_use" ? c.id : ""))).size).toBe(2);
    // Without a usage chunk the prompt size is estimated, so compaction still sees it.
    expect(message.usage.input_tokens).toBe(4321);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  test("malformed arguments stay as text for the tool runner to report; 'length' is max_tokens", () => {
    const fold = createStreamFold("asked", newId);
    fold.add(delta({ tool_calls: [{ index: 0, id: "z", function: { name: "Write", arguments: '{"file_path": "/a", "content": "unterminated' } }] }, "length"));
    const message = fold.finish(() => 1);
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content[0]).toMatchObject({ type: "tool_use", input: '{"file_path": "/a", "content": "unterminated' });
  });
});

describe("choosing the provider", () => {
  test("--provider, a model prefix, HONE_PROVIDER, settings, OPENAI_BASE_URL without an Anthropic key, else Anthropic", () => {
    const base = { model: "sonnet", modelIsDefault: false, env: {} };
    expect(chooseProvider({ ...base, flag: "Ollama", model: "qwen3:8b" })).toMatchObject({ id: "ollama", model: "qwen3:8b", baseURL: "http://127.0.0.1:11434/v1", reason: "--provider" });
    expect(chooseProvider({ ...base, model: "lmstudio/qwen3-coder" })).toMatchObject({ id: "lmstudio", model: "qwen3-coder", reason: "model prefix" });
    expect(chooseProvider({ ...base, model: "m", env: { HONE_PROVIDER: "vllm", VLLM_BASE_URL: "http://gpu:8000/v1/" } })).toMatchObject({ id: "vllm", baseURL: "http://gpu:8000/v1" });
    expect(chooseProvider({ ...base, model: "m", settings: "llamacpp" }).id).toBe("llamacpp");
    expect(chooseProvider({ ...base, model: "m", env: { OPENAI_BASE_URL: "http://box/v1", OPENAI_API_KEY: "k" } })).toMatchObject({ id: "openai", apiKey: "k", keySource: "OPENAI_API_KEY" });
    expect(chooseProvider({ ...base, model: "m", env: { OPENAI_BASE_URL: "http://box/v1", ANTHROPIC_API_KEY: "a" } }).id).toBe("anthropic");
    expect(chooseProvider(base)).toMatchObject({ id: "anthropic", model: "claude-sonnet-4-6" });
    // OLLAMA_HOST is host:port; the default alias names no local model.
    expect(chooseProvider({ ...base, flag: "ollama", modelIsDefault: true, env: { OLLAMA_HOST: "0.0.0.0:11500" } })).toMatchObject({ model: "", baseURL: "http://0.0.0.0:11500/v1" });
    expect(() => chooseProvider({ ...base, flag: "bedrock" })).toThrow('unknown provider "bedrock"');
  });

  test("OpenRouter ids keep their vendor folder; only the provider's own prefix is stripped", () => {
    expect(splitModelPrefix("meta-llama/Llama-3.1-8B")).toEqual({ rest: "meta-llama/Llama-3.1-8B" });
    expect(chooseProvider({ model: "openrouter/openai/gpt-5", modelIsDefault: false, env: {} }).model).toBe("openai/gpt-5");
    expect(chooseProvider({ flag: "openrouter", model: "anthropic/claude-sonnet-4.5", modelIsDefault: false, env: {} }).model).toBe("anthropic/claude-sonnet-4.5");
  });

  test("aliases map onto the session's models away from Anthropic; limits take fallbacks and overrides", () => {
    expect(resolveModelFor("anthropic", "haiku", {}, "x")).toBe("claude-haiku-4-5");
    expect(resolveModelFor("ollama", "haiku", {}, "qwen3:8b")).toBe("qwen3:8b");
    expect(resolveModelFor("ollama", "haiku", { HONE_SMALL_MODEL: "qwen3:1.7b" }, "qwen3:8b")).toBe("qwen3:1.7b");
    expect(resolveModelFor("openai", "opus", {}, "gpt-5", "gpt-5-mini")).toBe("gpt-5");
    const local = { model: "mystery:7b", profile: PROVIDERS.ollama };
    expect(modelLimits(local, {})).toMatchObject({ contextWindow: 32_768, maxOutputTokens: 8_192 });
    expect(modelLimits({ model: "mystery", profile: PROVIDERS.openai }, {})).toMatchObject({ contextWindow: 128_000 });
    expect(modelLimits(local, { HONE_CONTEXT_WINDOW: "4096" })).toMatchObject({ contextWindow: 4_096, maxOutputTokens: 4_096 });
    expect(modelLimits(local, {}, { "mystery:7b": { contextWindow: 65_536 } }).contextWindow).toBe(65_536);
  });
});
