import { describe, expect, test } from "bun:test";
import { APIError } from "@anthropic-ai/sdk";
import { compact, type CompactContext, type CompactOutcome, type CompactRequest } from "../src/compact.ts";
import { CLEARED_MARK, isCompactSummary } from "../src/compact-cut.ts";
import { estimateContext } from "../src/compact-estimate.ts";
import { compactPolicy } from "../src/compact-policy.ts";
import { COMPACT_REQUEST_MARKER, COMPACT_SUMMARY_PREFIX } from "../src/compact-prompt.ts";
import type { HookDispatcher } from "../src/hook-runner.ts";
import type { HookOutcome } from "../src/hook-outcome.ts";
import type { HookEvent } from "../src/hooks.ts";
import { userBlocks, type AssistantMessage, type Message, type ToolResultBlock } from "../src/messages.ts";
import type { CallEvent } from "../src/model-call.ts";
import { emptyUsage } from "../src/models.ts";
import type { ModelRequest, Provider, ProviderEvent } from "../src/provider.ts";
import type { ToolSchema } from "../src/tool.ts";

const reply = (text: string): AssistantMessage => ({ id: "msg_s", model: "m", content: [{ type: "text", text }], stop_reason: "end_turn", usage: emptyUsage() });
const SUMMARY = reply("<analysis>thinking it over</analysis>\n<summary>\n1. Goal: refactor the parser\n</summary>");

/** Answers each request with the next scripted reply (or throws it), remembering what it was sent. */
class ScriptedProvider implements Provider {
  readonly name = "scripted";
  readonly requests: ModelRequest[] = [];
  constructor(private readonly script: Array<AssistantMessage | Error>) {}
  async *stream(request: ModelRequest): AsyncGenerator<ProviderEvent, AssistantMessage> {
    this.requests.push(request);
    const next = this.script.shift();
    if (!next) throw new Error("no scripted reply left");
    if (next instanceof Error) throw next;
    return next;
  }
}

class StubHooks implements HookDispatcher {
  readonly fired: Array<{ event: HookEvent; fields: Record<string, unknown>; target?: string }> = [];
  constructor(private readonly outcomes: Partial<Record<HookEvent, HookOutcome>>) {}
  has = (event: HookEvent): boolean => event in this.outcomes;
  async fire(event: HookEvent, fields: Record<string, unknown>, target?: string): Promise<HookOutcome> {
    this.fired.push({ event, fields, target });
    return this.outcomes[event] ?? { context: [], notices: [] };
  }
}

const apiError = (status: number, message: string) => APIError.generate(status, { type: "error", error: { type: "invalid_request_error", message } }, message, new Headers());
const TOOLS: ToolSchema[] = [{ name: "Read", description: "reads a file", input_schema: { type: "object", properties: {} } }];
const SYSTEM = [{ type: "text" as const, text: "You are hone." }];

const RETRY = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1_000 };
const POLICY = compactPolicy({ contextWindow: 200_000 }, 32_000, {});
const context = (provider: Provider, extra: Partial<CompactContext> = {}): CompactContext =>
  ({ provider, model: "m", system: SYSTEM, tools: TOOLS, maxTokens: 32_000, thinking: undefined, retry: RETRY, policy: POLICY, clearFirst: false, ...extra });

const ORIGINAL = "Review every module under src/ and list the bugs: be precise, cite lines.";
const prompt = (text: string): Message => ({ role: "user", content: text });
const say = (text: string): Message => ({ role: "assistant", content: [{ type: "text", text }] });

/** A session of reads: `rounds` tool calls, each returning `size` characters, then a final answer. */
function session(rounds: number, size: number): Message[] {
  const history: Message[] = [prompt(ORIGINAL)];
  for (let i = 0; i < rounds; i++) {
    history.push({ role: "assistant", content: [{ type: "tool_use", id: `t${i}`, name: "Read", input: { file_path: `/src/m${i}.ts` } }] });
    history.push({ role: "user", content: [{ type: "tool_result", tool_use_id: `t${i}`, content: `${i}:`.padEnd(size, "x") }] });
  }
  history.push(say("Here is the list so far."));
  return history;
}

async function run(history: Message[], request: Partial<CompactRequest>, ctx: CompactContext): Promise<{ outcome: CompactOutcome; events: CallEvent[] }> {
  const events: CallEvent[] = [];
  const full: CompactRequest = { trigger: "auto", preTokens: estimateContext(history, 0, undefined), ratio: 0.25, ...request };
  const gen = compact(history, full, ctx, new AbortController().signal);
  for (;;) {
    const next = await gen.next();
    if (next.done) return { outcome: next.value, events };
    events.push(next.value);
  }
}

const lastText = (r: ModelRequest): string => userBlocks(r.messages.at(-1)!.content as string).map((b) => (b.type === "text" ? b.text : "")).join("\n");
const firstText = (h: Message[]): string => userBlocks(h[0]!.content as string).map((b) => (b.type === "text" ? b.text : "")).join("\n");

function okHistory(outcome: CompactOutcome): Message[] {
  if (!outcome.ok) throw new Error(`compaction failed: ${outcome.message}`);
  return outcome.history;
}

describe("the summary request", () => {
  test("resends the conversation unchanged plus the instruction when it fits, tools kept", async () => {
    const history = session(30, 8_000);
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, {}, context(provider));
    expect(provider.requests).toHaveLength(1);
    const sent = provider.requests[0]!;
    expect(sent.messages).toHaveLength(history.length + 1);
    history.forEach((m, i) => expect(sent.messages[i]).toBe(m));
    expect(lastText(sent)).toStartWith(COMPACT_REQUEST_MARKER);
    expect(sent.tools).toBe(TOOLS);
    expect(sent.system).toBe(SYSTEM);
    expect(sent.maxTokens).toBe(16_000);
    expect(outcome).toMatchObject({ ok: true, kind: "summary" });
  });

  test("after tool results the instruction rides in the last user message", async () => {
    const history = session(3, 100).slice(0, -1);
    const provider = new ScriptedProvider([SUMMARY]);
    await run(history, {}, context(provider));
    const sent = provider.requests[0]!;
    expect(sent.messages).toHaveLength(history.length);
    const blocks = sent.messages.at(-1)!.content as Array<{ type: string }>;
    expect(blocks.map((b) => b.type)).toEqual(["tool_result", "text"]);
  });

  test("custom instructions reach the request and the PreCompact hook", async () => {
    const provider = new ScriptedProvider([SUMMARY]);
    const hooks = new StubHooks({ PreCompact: { context: [], notices: [] } });
    await run(session(2, 100), { custom: "focus on the TypeScript errors" }, context(provider, { hooks }));
    expect(lastText(provider.requests[0]!)).toContain("focus on the TypeScript errors");
    expect(hooks.fired[0]).toMatchObject({ event: "PreCompact", fields: { trigger: "auto", custom_instructions: "focus on the TypeScript errors" }, target: "auto" });
  });

  test("thinking is kept as the conversation had it, with room for its budget", async () => {
    const provider = new ScriptedProvider([SUMMARY]);
    await run(session(2, 100), {}, context(provider, { thinking: { type: "enabled", budget_tokens: 20_000 } }));
    expect(provider.requests[0]).toMatchObject({ thinking: { type: "enabled", budget_tokens: 20_000 }, maxTokens: 24_096 });
  });

  test("after an overflow the conversation goes flattened, without tools, and within the window", async () => {
    const history = session(100, 12_000);
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { overflow: true, trigger: "auto", preTokens: 210_000 }, context(provider));
    expect(provider.requests).toHaveLength(1);
    const sent = provider.requests[0]!;
    expect(sent.messages).toHaveLength(1);
    expect(sent.tools).toEqual([]);
    const text = lastText(sent);
    expect(text).toContain("<conversation>");
    expect(text).toContain(COMPACT_REQUEST_MARKER);
    expect(text).toContain(ORIGINAL);
    // The newest turns stay verbatim after the summary, so they are not part of what is summarised.
    expect(text).not.toContain("Here is the list so far.");
    expect((text.length + JSON.stringify(SYSTEM).length) * 0.25 + sent.maxTokens).toBeLessThan(200_000);
    expect(outcome.ok).toBe(true);
  });

  test("a context too big to resend whole is flattened without trying", async () => {
    const provider = new ScriptedProvider([SUMMARY]);
    await run(session(10, 1_000), { preTokens: 190_000 }, context(provider));
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]!.tools).toEqual([]);
  });

  test("a prompt-is-too-long refusal of the in-place request falls back to the flattened one", async () => {
    const provider = new ScriptedProvider([apiError(400, "prompt is too long: 204000 tokens > 200000 maximum"), SUMMARY]);
    const { outcome } = await run(session(30, 8_000), {}, context(provider));
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[0]!.tools).toBe(TOOLS);
    expect(provider.requests[1]!.tools).toEqual([]);
    expect(provider.requests[1]!.messages).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: true, kind: "summary" });
  });

  test("any other failure of the summary request fails the compaction with its reason", async () => {
    const provider = new ScriptedProvider([apiError(400, "messages: bad field")]);
    const { outcome } = await run(session(2, 100), {}, context(provider));
    expect(provider.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "invalid_request" } });
    if (!outcome.ok) expect(outcome.message).toContain("bad field");
  });

  test("a failed flattened request fails the compaction too", async () => {
    const provider = new ScriptedProvider([apiError(400, "prompt is too long"), apiError(400, "prompt is too long")]);
    const { outcome } = await run(session(2, 100), {}, context(provider));
    expect(provider.requests).toHaveLength(2);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "prompt_too_long" } });
  });

  test("retries of the summary request are reported as events", async () => {
    const provider = new ScriptedProvider([apiError(529, "overloaded"), SUMMARY]);
    const ctx = context(provider, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1_000 } });
    const { outcome, events } = await run(session(2, 100), {}, ctx);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "retry", kind: "overloaded", attempt: 1 });
    expect(outcome.ok).toBe(true);
  });
});

describe("the compacted history", () => {
  test("starts with the summary, carries the first request verbatim and keeps the newest turns as they were", async () => {
    const history = session(60, 8_000);
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, {}, context(provider));
    const next = okHistory(outcome);
    const head = firstText(next);
    expect(head).toStartWith(COMPACT_SUMMARY_PREFIX);
    expect(head).toContain("1. Goal: refactor the parser");
    expect(head).not.toContain("thinking it over");
    expect(head).toContain(ORIGINAL);
    expect(isCompactSummary(next[0])).toBe(true);
    expect(next.length).toBeLessThan(history.length);
    expect(next.length).toBeGreaterThan(2);
    // The tail is the original messages, same objects.
    for (let i = 1; i <= 4; i++) expect(next.at(-i)).toBe(history.at(-i)!);
    for (let i = 1; i < next.length; i++) expect(next[i]!.role).not.toBe(next[i - 1]!.role);
    if (outcome.ok) {
      expect(outcome.postTokens).toBeLessThan(outcome.preTokens / 3);
      expect(outcome.postTokens).toBeLessThan(POLICY.threshold);
      expect(outcome.reply).toBe(SUMMARY);
    }
  });

  test("/compact summarises everything, the user's messages still carried verbatim", async () => {
    const history = [...session(30, 8_000), prompt("LATEST: now fix them"), say("on it")];
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { trigger: "manual" }, context(provider));
    const next = okHistory(outcome);
    expect(next).toHaveLength(1);
    expect(firstText(next)).toContain(ORIGINAL);
    expect(firstText(next)).toContain("LATEST: now fix them");
    // Still the cache-friendly request: the conversation resent as it was.
    expect(provider.requests[0]!.messages).toHaveLength(history.length + 1);
    const flat = new ScriptedProvider([SUMMARY]);
    await run(history, { trigger: "manual", overflow: true }, context(flat));
    expect(lastText(flat.requests[0]!)).toContain("on it");
  });

  test("a summary from a prompt on keeps everything before it word for word and summarises the rest", async () => {
    const head = [prompt("FIRST: set up the project"), say("set up"), prompt("SECOND: add the parser"), say("parser added")];
    const history = [...head, prompt("THIRD: refactor the parser\nwith details"), say("refactoring"), prompt("FOURTH: test it"), say("tested")];
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { trigger: "manual", range: { from: 4, to: history.length } }, context(provider));
    const next = okHistory(outcome);
    expect(next.slice(0, 4)).toEqual(head);
    expect(next).toHaveLength(5);
    const summary = userBlocks(next[4]!.content as string).map((b) => (b.type === "text" ? b.text : "")).join("\n");
    expect(isCompactSummary(next[4])).toBe(true);
    expect(summary).toContain("refactor the parser");
    expect(summary).toContain("FOURTH: test it");
    expect(summary).not.toContain("FIRST: set up");
    expect(summary).toContain("the messages after the ones above were replaced");
    // The request names where the part starts, by its first line.
    const instruction = lastText(provider.requests[0]!);
    expect(instruction).toContain(COMPACT_REQUEST_MARKER);
    expect(instruction).toContain('from the user message that begins "THIRD: refactor the parser" to the end');
  });

  test("a summary up to a prompt replaces only what came before it, and that prompt stays verbatim", async () => {
    const tail = [prompt("THIRD: refactor the parser"), say("refactoring")];
    const history = [prompt("FIRST: set up the project"), say("set up"), prompt("SECOND: add the parser"), say("parser added"), ...tail];
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { trigger: "manual", range: { from: 0, to: 4 } }, context(provider));
    const next = okHistory(outcome);
    expect(next).toHaveLength(2);
    expect(firstText(next)).toContain("SECOND: add the parser");
    expect(firstText(next).endsWith("THIRD: refactor the parser")).toBe(true);
    expect(next[1]).toEqual(tail[1]!);
    expect(lastText(provider.requests[0]!)).toContain('before the user message that begins "THIRD: refactor the parser"');
  });

  test("a later compaction carries what a mid-history summary carried, not its text as a request", async () => {
    const history = [prompt("FIRST: set up the project"), say("set up"), prompt("SECOND: add the parser"), say("parser added")];
    const fromSecond = okHistory((await run(history, { trigger: "manual", range: { from: 2, to: 4 } }, context(new ScriptedProvider([SUMMARY])))).outcome);
    expect(fromSecond).toHaveLength(3);
    expect(isCompactSummary(fromSecond[2])).toBe(true);
    const whole = okHistory((await run(fromSecond, { trigger: "manual" }, context(new ScriptedProvider([SUMMARY])))).outcome);
    const carried = firstText(whole);
    expect(carried).toContain("<user-message>\nFIRST: set up the project\n</user-message>");
    expect(carried).toContain("<user-message>\nSECOND: add the parser\n</user-message>");
    expect(carried.split(COMPACT_SUMMARY_PREFIX)).toHaveLength(2);
  });

  test("SessionStart context, instruction files and the transcript path go into the summary message", async () => {
    const provider = new ScriptedProvider([SUMMARY]);
    const hooks = new StubHooks({ SessionStart: { context: ["branch is feature/x"], notices: ["hook ran"] } });
    const ctx = context(provider, { hooks, transcriptPath: "/tmp/t.jsonl", instructions: () => "sub/CLAUDE.md: no semicolons" });
    const { outcome } = await run(session(2, 100), {}, ctx);
    const head = firstText(okHistory(outcome));
    expect(head).toContain("branch is feature/x");
    expect(head).toContain("no semicolons");
    expect(head).toContain("/tmp/t.jsonl");
    expect(hooks.fired).toEqual([{ event: "SessionStart", fields: { source: "compact", model: "m" }, target: "compact" }]);
    expect(outcome.notices).toEqual(["hook ran"]);
  });

  test("an empty summary leaves the conversation alone", async () => {
    for (const text of ["<analysis>only analysis</analysis>", "<summary>\n\n</summary>", "   "]) {
      const provider = new ScriptedProvider([reply(text)]);
      const { outcome } = await run(session(2, 100), {}, context(provider));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.message).toContain("empty summary");
    }
  });
});

describe("PreCompact", () => {
  test("a blocking hook stops the compaction before any request", async () => {
    const provider = new ScriptedProvider([SUMMARY]);
    const hooks = new StubHooks({ PreCompact: { block: { reason: "not now" }, context: [], notices: ["checked"] } });
    const { outcome } = await run(session(2, 100), { trigger: "manual" }, context(provider, { hooks }));
    expect(provider.requests).toHaveLength(0);
    expect(outcome).toMatchObject({ ok: false, blocked: true, notices: ["checked"] });
    if (!outcome.ok) expect(outcome.message).toContain("not now");
    expect(hooks.fired[0]).toMatchObject({ fields: { trigger: "manual", custom_instructions: "" }, target: "manual" });
  });

  test("a hook that does not block lets it go ahead, its notices reported", async () => {
    const provider = new ScriptedProvider([SUMMARY]);
    const hooks = new StubHooks({ PreCompact: { context: [], notices: ["saved a backup"] } });
    const { outcome } = await run(session(2, 100), {}, context(provider, { hooks }));
    expect(outcome).toMatchObject({ ok: true, notices: ["saved a backup"] });
  });
});

describe("clearing old tool results first", () => {
  /** Old reads worth clearing, then small recent turns. */
  function clearable(): Message[] {
    const history = session(20, 40_000).slice(0, -1);
    history.push(say("ok"), prompt("now the tests"), say("looking"));
    return history;
  }

  test("an automatic compaction clears the oldest outputs instead of summarising", async () => {
    const history = clearable();
    const provider = new ScriptedProvider([]);
    const preTokens = estimateContext(history, 0, undefined);
    expect(preTokens).toBeGreaterThan(167_000);
    const { outcome } = await run(history, { trigger: "auto", preTokens }, context(provider, { clearFirst: true }));
    expect(provider.requests).toHaveLength(0);
    expect(outcome).toMatchObject({ ok: true, kind: "cleared" });
    const next = okHistory(outcome);
    expect(next).toHaveLength(history.length);
    expect(((next[2]!.content as ToolResultBlock[])[0]!.content as string)).toStartWith(CLEARED_MARK);
    expect(next.at(-1)).toBe(history.at(-1)!);
    if (outcome.ok) expect(outcome.postTokens).toBeLessThan(0.65 * 167_000);
  });

  test("manual and overflow compactions, and clearFirst off, summarise", async () => {
    const cases: Array<[Partial<CompactRequest>, boolean]> = [
      [{ trigger: "manual" }, true],
      [{ trigger: "auto", overflow: true }, true],
      [{ trigger: "auto" }, false],
    ];
    for (const [request, clearFirst] of cases) {
      const provider = new ScriptedProvider([SUMMARY]);
      const { outcome } = await run(clearable(), request, context(provider, { clearFirst }));
      expect(outcome).toMatchObject({ ok: true, kind: "summary" });
      expect(provider.requests).toHaveLength(1);
    }
  });

  test("when clearing cannot free enough, it summarises", async () => {
    // Many small outputs: none is worth clearing.
    const history = session(400, 1_800);
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { trigger: "auto" }, context(provider, { clearFirst: true }));
    expect(outcome).toMatchObject({ ok: true, kind: "summary" });
    expect(provider.requests).toHaveLength(1);
  });

  test("an image in an old result counts at its fixed cost, so clearing it frees little and a summary follows", async () => {
    const history = session(400, 1_800).slice(0, -1);
    const image = { type: "image" as const, source: { type: "base64" as const, media_type: "image/png" as const, data: "A".repeat(500_000) } };
    history.splice(1, 2, { role: "assistant", content: [{ type: "tool_use", id: "img", name: "Read", input: { file_path: "/shot.png" } }] }, { role: "user", content: [{ type: "tool_result", tool_use_id: "img", content: [image] }] });
    history.push(say("done"));
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { trigger: "auto" }, context(provider, { clearFirst: true }));
    expect(outcome).toMatchObject({ ok: true, kind: "summary" });
    if (outcome.ok) expect(outcome.postTokens).toBeLessThan(167_000);
  });

  test("the newest turn's results are never cleared, even when that turn alone exceeds the verbatim budget", async () => {
    const history = session(4, 40_000).slice(0, -1);
    history.push({ role: "assistant", content: [{ type: "tool_use", id: "big", name: "Read", input: { file_path: "/big.ts" } }] });
    history.push({ role: "user", content: [{ type: "tool_result", tool_use_id: "big", content: "y".repeat(160_000) }] });
    const provider = new ScriptedProvider([SUMMARY]);
    const { outcome } = await run(history, { trigger: "auto", preTokens: 200_000 }, context(provider, { clearFirst: true }));
    const next = okHistory(outcome);
    expect(JSON.stringify(next)).toContain("y".repeat(1000));
  });
});
