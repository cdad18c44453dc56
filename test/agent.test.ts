// The loop in-process, with the real Anthropic provider against the scripted API and small test tools
// injected through the Tool interface.
import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { batchCalls, runAgent, type AgentConfig, type AgentEvent, type AgentOutcome } from "../src/agent.ts";
import { createAnthropicProvider } from "../src/anthropic.ts";
import type { Message, ToolUseBlock } from "../src/messages.ts";
import { createSessionState } from "../src/session-state.ts";
import { defineTool, type Tool } from "../src/tool.ts";
import { reply, startMockApi, text, toolUse, type MockApi } from "./support/mock-api.ts";

let api: MockApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

let active = 0;
let peak = 0;
const order: string[] = [];
function slowTool(name: string, readOnly: boolean, ms = 150): Tool {
  return defineTool({
    name,
    description: "test tool",
    input: z.object({ tag: z.string() }),
    readOnly,
    async run(input, ctx) {
      active++;
      peak = Math.max(peak, active);
      order.push(`start:${input.tag}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      active--;
      order.push(`end:${input.tag}`);
      if (input.tag === "boom") throw new Error("exploded");
      return { content: `ran ${input.tag}` };
    },
  }) as Tool;
}

function config(url: string, tools: Tool[], extra: Partial<AgentConfig> = {}): AgentConfig {
  return {
    provider: createAnthropicProvider({ apiKey: "k", baseURL: url, caching: true, idleTimeoutMs: 5000, requestTimeoutMs: 5000, headers: {}, userAgent: "test" }),
    model: "claude-sonnet-4-5",
    system: [{ type: "text", text: "sys" }],
    tools,
    maxTokens: 1000,
    thinking: undefined,
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1000 },
    session: createSessionState("agent-test", process.cwd()),
    projectDir: process.cwd(),
    authorize: async () => ({ allow: true }),
    ...extra,
  };
}

async function drain(gen: AsyncGenerator<AgentEvent, AgentOutcome>, onEvent?: (e: AgentEvent) => void) {
  const events: AgentEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, outcome: next.value };
    events.push(next.value);
    onEvent?.(next.value);
  }
}

test("batching: consecutive read-only calls share a batch, mutating calls run alone", () => {
  const calls = ["R1", "R2", "W1", "R3", "W2", "W3"].map((id) => ({ type: "tool_use", id, name: id[0]!, input: {} }) as ToolUseBlock);
  const batches = batchCalls(calls, (name) => name === "R").map((b) => b.map((c) => c.id));
  expect(batches).toEqual([["R1", "R2"], ["W1"], ["R3"], ["W2"], ["W3"]]);
});

test("read-only tools of one message run concurrently; the others in order", async () => {
  active = 0;
  peak = 0;
  order.length = 0;
  api = await startMockApi({
    steps: [
      reply(toolUse("Look", { tag: "a" }), toolUse("Look", { tag: "b" }), toolUse("Look", { tag: "c" })),
      reply(toolUse("Change", { tag: "x" }), toolUse("Change", { tag: "y" })),
      reply(text("done")),
    ],
  });
  const history: Message[] = [{ role: "user", content: "go" }];
  const started = performance.now();
  const { outcome } = await drain(runAgent(history, config(api.url, [slowTool("Look", true), slowTool("Change", false)]), new AbortController().signal));
  expect(outcome.reason).toBe("end_turn");
  expect(peak).toBe(3);
  expect(order.slice(6)).toEqual(["start:x", "end:x", "start:y", "end:y"]);
  // Three 150 ms reads together plus two 150 ms writes in a row: well under five sequential runs.
  expect(performance.now() - started).toBeLessThan(5 * 150 + 400);
  const results = history[2]!.content as Array<{ tool_use_id: string; content: string }>;
  expect(results.map((r) => r.content)).toEqual(["ran a", "ran b", "ran c"]);
  expect(history).toHaveLength(6);
});

test("a throwing tool becomes an is_error result and the loop continues", async () => {
  api = await startMockApi({ steps: [reply(toolUse("Look", { tag: "boom" })), reply(text("recovered"))] });
  const history: Message[] = [{ role: "user", content: "go" }];
  const { outcome } = await drain(runAgent(history, config(api.url, [slowTool("Look", true, 1)]), new AbortController().signal));
  expect(outcome.reason).toBe("end_turn");
  expect(history[2]!.content).toEqual([{ type: "tool_result", tool_use_id: expect.any(String), content: "<tool_use_error>Look failed: exploded</tool_use_error>", is_error: true }]);
});

test("aborting mid-tool leaves every tool_use answered, so the history stays valid", async () => {
  api = await startMockApi({ steps: [reply(toolUse("Change", { tag: "slow" }), toolUse("Change", { tag: "never" }))] });
  const controller = new AbortController();
  const history: Message[] = [{ role: "user", content: "go" }];
  const { outcome } = await drain(runAgent(history, config(api.url, [slowTool("Change", false, 5000)]), controller.signal), (event) => {
    if (event.type === "tool_start") setTimeout(() => controller.abort(), 50);
  });
  expect(outcome.reason).toBe("aborted");
  const assistant = history[1]!.content as ToolUseBlock[];
  const results = history[2]!.content as Array<{ tool_use_id: string; is_error?: boolean }>;
  expect(results.map((r) => r.tool_use_id)).toEqual(assistant.map((b) => b.id));
  expect(results[1]!.is_error).toBe(true);
});

test("a denied call is reported as an event and answered with the denial message", async () => {
  order.length = 0;
  api = await startMockApi({ steps: [reply(toolUse("Change", { tag: "x" })), reply(text("ok"))] });
  const history: Message[] = [{ role: "user", content: "go" }];
  const { events } = await drain(
    runAgent(history, config(api.url, [slowTool("Change", false, 1)], { authorize: async () => ({ allow: false, message: "nope" }) }), new AbortController().signal),
  );
  expect(events.filter((e) => e.type === "permission_denied")).toHaveLength(1);
  expect(JSON.stringify(history[2])).toContain("nope");
  expect(order).not.toContain("start:x");
});

test("deferred tools are sent only once loaded, appended after the others; calling one loads it", async () => {
  const deferred = (name: string): Tool => ({ ...slowTool(name, true, 1), deferred: true, inputSchema: { type: "object", properties: { tag: { type: "string" } } } });
  const tools = [slowTool("Plain", true, 1), deferred("mcp__s__a"), deferred("mcp__s__b")];
  api = await startMockApi({ steps: [reply(toolUse("mcp__s__b", { tag: "x" }, "t1")), reply(text("done"))] });
  const cfg = config(api.url, tools);
  await drain(runAgent([{ role: "user", content: "go" }], cfg, new AbortController().signal));
  const names = api.requests.map((r) => (r.body.tools ?? []).map((t) => (t as { name: string }).name));
  expect(names[0]).toEqual(["Plain"]);
  expect(names[1]).toEqual(["Plain", "mcp__s__b"]);
  expect((api.requests[1]!.body.tools as Array<{ input_schema: unknown }>)[1]!.input_schema).toEqual({ type: "object", properties: { tag: { type: "string" } } });
  expect([...cfg.session.loadedTools]).toEqual(["mcp__s__b"]);
});
