// One compaction: first, when allowed, clear old tool outputs; otherwise ask the model for a summary
// of everything before the cut and rebuild the history as that summary plus the newest turns verbatim.
// The summary request resends the conversation unchanged (its prefix is a cache read) when it fits the
// window, and a flattened, clipped copy when it does not. PreCompact hooks may block; SessionStart
// hooks (source "compact") may add context to the new history.
import { assistantText, userBlocks, type AssistantMessage, type Message, type TextBlock } from "./messages.ts";
import { callModel, type CallEvent } from "./model-call.ts";
import type { ModelRequest, Provider, ThinkingConfig } from "./provider.ts";
import type { FailureInfo, RetryPolicy } from "./retry.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import type { ToolSchema } from "./tool.ts";
import type { CompactPolicy } from "./compact-policy.ts";
import { charsOf, estimateContext, estimateTokens, fixedChars } from "./compact-estimate.ts";
import { chooseCut, clearOldToolResults, isCompactSummary, lastTurnStart } from "./compact-cut.ts";
import { summaryInstruction, type SummaryScope } from "./compact-prompt.ts";
import { collectCarried, compactedHistory, extractSummary, flattenedRequest, inPlaceRequest, summaryMessage } from "./compact-summary.ts";

export type CompactTrigger = "auto" | "manual";

/** What a compaction needs from the run; the model settings are the ones the conversation uses. */
export interface CompactContext {
  provider: Provider;
  model: string;
  system: TextBlock[];
  tools: ToolSchema[];
  maxTokens: number;
  thinking: ThinkingConfig;
  retry: RetryPolicy;
  policy: CompactPolicy;
  /** Clear old tool outputs before summarising (the measured trade-off is in BENCHMARKS.md). */
  clearFirst: boolean;
  hooks?: HookDispatcher;
  transcriptPath?: string;
  /** Instruction files loaded lazily during the session, to carry over. */
  instructions?: () => string | undefined;
}

export interface CompactRequest {
  trigger: CompactTrigger;
  /** The user's /compact instructions. */
  custom?: string;
  /** The API already refused the conversation as too long: never resend it whole. */
  overflow?: boolean;
  /** The context before compaction, in tokens. */
  preTokens: number;
  /** Tokens per character observed on the last request. */
  ratio: number;
  /** Summarise only history[from, to) and keep the rest word for word (the rewind menu's targeted
   * summaries); both must be turn starts or the ends. Without it: everything (manual) or all but the
   * newest turns (auto). */
  range?: { from: number; to: number };
}

export type CompactOutcome =
  | { ok: true; kind: "summary" | "cleared"; history: Message[]; preTokens: number; postTokens: number; reply?: AssistantMessage; notices: string[] }
  | { ok: false; blocked?: boolean; message: string; failure?: FailureInfo; reply?: AssistantMessage; notices: string[] };

/** Clearing stops once the context is down to this share of the threshold; less would recur at once. */
const CLEAR_TARGET = 0.6;
/** Tool results smaller than this (tokens) are not worth a cache rewrite. */
const CLEAR_MIN_RESULT = 500;

/** A summary needs far less room than a turn; max_tokens is not part of the cache key, so it may differ. */
const SUMMARY_OUTPUT = 16_000;

function summaryMaxTokens(ctx: CompactContext): number {
  // Thinking stays as the conversation had it (changing it would miss the cache); its budget must fit.
  const floor = ctx.thinking?.type === "enabled" ? ctx.thinking.budget_tokens + 4096 : 0;
  return Math.min(ctx.maxTokens, Math.max(SUMMARY_OUTPUT, floor));
}

async function* summaryCall(ctx: CompactContext, request: ModelRequest, signal: AbortSignal): AsyncGenerator<CallEvent, { ok: true; message: AssistantMessage } | { ok: false; failure: FailureInfo }> {
  const call = callModel(ctx.provider, request, ctx.retry, signal);
  for (;;) {
    const next = await call.next();
    if (next.done) return next.value.ok ? { ok: true, message: next.value.message } : { ok: false, failure: next.value.failure };
    // Only retries are worth reporting: the summary's text is not shown as it streams.
    if (next.value.type === "retry") yield next.value;
  }
}

function tryClearing(history: Message[], request: CompactRequest, ctx: CompactContext): Message[] | undefined {
  const target = Math.floor(ctx.policy.threshold * CLEAR_TARGET);
  const need = request.preTokens - target;
  if (need <= 0) return undefined;
  // The newest turn is never cleared, even when it alone is bigger than the verbatim budget.
  const protectFrom = Math.min(chooseCut(history, ctx.policy.keepRecentTokens, request.ratio), lastTurnStart(history));
  const cleared = clearOldToolResults(history, { protectFrom, minTokens: CLEAR_MIN_RESULT, needTokens: need, tokensPerChar: request.ratio });
  return cleared.freed >= need ? cleared.history : undefined;
}

/** Share of the threshold the newest turn may take and still be kept verbatim when nothing smaller fits. */
const NEWEST_TURN_SHARE = 0.4;

/**
 * The cut of an automatic compaction: as many newest turns as fit the verbatim budget; when even the
 * newest turn does not, that turn alone if it is not huge (its results are what the model is about to
 * read, and a summary of them is a poor substitute).
 */
function autoCut(history: Message[], policy: CompactPolicy, ratio: number): number {
  const cut = chooseCut(history, policy.keepRecentTokens, ratio);
  if (cut < history.length) return cut;
  const newest = lastTurnStart(history);
  // Cutting right after a previous summary would summarise nothing new.
  if (newest <= (isCompactSummary(history[0]) ? 1 : 0)) return cut;
  return charsOf(history, newest) * ratio <= policy.threshold * NEWEST_TURN_SHARE ? newest : cut;
}

/** The opening of a user message's text, to name where a targeted summary starts or stops. */
function openingOf(message: Message | undefined): string | undefined {
  if (!message || message.role !== "user") return undefined;
  const text = userBlocks(message.content).find((b) => b.type === "text")?.text ?? "";
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

function scopeOf(history: readonly Message[], from: number, to: number): SummaryScope {
  const start = from > 0 ? openingOf(history[from]) : undefined;
  const end = to < history.length ? openingOf(history[to]) : undefined;
  return { ...(start !== undefined ? { from: start } : {}), ...(end !== undefined ? { before: end } : {}) };
}

export async function* compact(history: Message[], request: CompactRequest, ctx: CompactContext, signal: AbortSignal): AsyncGenerator<CallEvent, CompactOutcome> {
  const notices: string[] = [];
  if (ctx.hooks?.has("PreCompact")) {
    const pre = await ctx.hooks.fire("PreCompact", { trigger: request.trigger, custom_instructions: request.custom ?? "" }, request.trigger, signal);
    notices.push(...pre.notices);
    if (pre.block) return { ok: false, blocked: true, message: `A PreCompact hook blocked the compaction: ${pre.block.reason}`, notices };
  }
  const fixed = fixedChars(ctx.system, ctx.tools);
  const estimate = (messages: Message[]) => estimateContext(messages, fixed, undefined, request.ratio);
  if (request.trigger === "auto" && !request.overflow && ctx.clearFirst) {
    const cleared = tryClearing(history, request, ctx);
    const after = cleared ? estimate(cleared) : Number.POSITIVE_INFINITY;
    // Trust the measured result, not the tally: if clearing did not get under the target, summarise.
    if (cleared && after <= ctx.policy.threshold * CLEAR_TARGET) return { ok: true, kind: "cleared", history: cleared, preTokens: request.preTokens, postTokens: after, notices };
  }

  // /compact asks for the most room: everything is summarised (the user's messages are carried verbatim).
  const { from, to } = request.range ?? { from: 0, to: request.trigger === "manual" ? history.length : autoCut(history, ctx.policy, request.ratio) };
  const summarised = history.slice(from, to);
  const instruction = summaryInstruction(request.custom, request.range ? scopeOf(history, from, to) : {});
  const base = { model: ctx.model, system: ctx.system, maxTokens: summaryMaxTokens(ctx), thinking: ctx.thinking };
  const fitsWhole = !request.overflow && request.preTokens + estimateTokens(instruction) + base.maxTokens <= ctx.policy.window;
  let reply: AssistantMessage | undefined;
  if (fitsWhole) {
    const call = yield* summaryCall(ctx, { ...base, tools: ctx.tools, messages: inPlaceRequest(history, instruction) }, signal);
    if (call.ok) reply = call.message;
    else if (call.failure.kind !== "prompt_too_long") return { ok: false, message: `The summary request failed: ${call.failure.message}`, failure: call.failure, notices };
  }
  if (!reply) {
    // Half the room left after the reply, in characters at the observed ratio, minus the system prompt.
    const room = Math.max(Math.min(4000, ctx.policy.window * 0.25), (ctx.policy.window - base.maxTokens) * 0.5);
    const maxChars = Math.floor(room / request.ratio) - JSON.stringify(ctx.system).length;
    const call = yield* summaryCall(ctx, { ...base, tools: [], messages: flattenedRequest(summarised, instruction, maxChars) }, signal);
    if (!call.ok) return { ok: false, message: `The summary request failed: ${call.failure.message}`, failure: call.failure, notices };
    reply = call.message;
  }
  const summary = extractSummary(assistantText(reply));
  if (summary === "") return { ok: false, message: "The model returned an empty summary; the conversation was left as it was.", reply, notices };

  const context: string[] = [];
  if (ctx.hooks?.has("SessionStart")) {
    const start = await ctx.hooks.fire("SessionStart", { source: "compact", model: ctx.model }, "compact", signal);
    notices.push(...start.notices);
    context.push(...start.context);
  }
  const message = summaryMessage({
    summary,
    carried: collectCarried(summarised),
    instructions: ctx.instructions?.(),
    context,
    transcriptPath: ctx.transcriptPath,
    part: from > 0 ? "later" : "earlier",
  });
  const next = [...history.slice(0, from), ...compactedHistory(message, history.slice(to))];
  return { ok: true, kind: "summary", history: next, preTokens: request.preTokens, postTokens: estimate(next), reply, notices };
}
