// Compaction inside the agent loop: measuring the context before each request, compacting when it
// would pass the threshold (or when the API said it did), replacing the history in place, and stopping
// with a clear error when compaction cannot keep the conversation under the window.
import type { AgentConfig, AgentEvent } from "./agent.ts";
import type { CompactTrigger } from "./compact.ts";
import { anchorAfterReply, DEFAULT_TOKENS_PER_CHAR, estimateContext, fixedChars, type ContextAnchor } from "./compact-estimate.ts";
import { learnedPolicy, newGuard, noteCompaction, noteTurn, type CompactGuard, type CompactPolicy } from "./compact-policy.ts";
import type { AssistantMessage, Message } from "./messages.ts";
import type { Usage } from "./models.ts";
import { overflowTokens, type FailureInfo } from "./retry.ts";
import type { ToolSchema } from "./tool.ts";
import { collectGarbage } from "./runtime.ts";

/** Tracks the real size of the context across requests (and across user turns of one session). */
export interface ContextMeter {
  anchor?: ContextAnchor;
  ratio: number;
}

export function createContextMeter(): ContextMeter {
  return { ratio: DEFAULT_TOKENS_PER_CHAR };
}

export interface CompactionSetup {
  policy: CompactPolicy;
  clearFirst: boolean;
  meter: ContextMeter;
  transcriptPath?: string;
  /** Subfolder instruction files loaded so far, rendered, to carry over. */
  instructions?: () => string | undefined;
  /** After the history was replaced (skills loaded before may be loaded again in full). */
  onCompacted?: () => void;
}

export type CompactEvent = {
  type: "compacted";
  trigger: CompactTrigger;
  kind: "summary" | "cleared";
  preTokens: number;
  postTokens: number;
  /** The new history (already in place). */
  history: Message[];
  /** The summary reply, for the usage ledger. */
  reply?: AssistantMessage;
};

/** The estimated context of `history`; `fixed` is the size of the system prompt and tool schemas. */
function measure(history: Message[], config: AgentConfig, fixed: number): number {
  const meter = config.compaction?.meter;
  return estimateContext(history, fixed, meter?.anchor, meter?.ratio);
}

/** After a reply: the API's count becomes the new anchor. */
export function observeReply(config: AgentConfig, usage: Usage, promptChars: number, messageCount: number): void {
  const meter = config.compaction?.meter;
  if (!meter) return;
  meter.anchor = anchorAfterReply(usage, promptChars, messageCount);
  meter.ratio = meter.anchor.ratio;
}

function overflow(message: string): FailureInfo {
  return { retryable: false, kind: "context_overflow", message };
}

export interface CompactCall {
  trigger: CompactTrigger;
  custom?: string;
  overflow?: boolean;
  /** Known prompt size (from an overflow error); measured otherwise. */
  preTokens?: number;
  /** Summarise only this part of the history (see CompactRequest). */
  range?: { from: number; to: number };
}

/**
 * Compacts `history` in place. Returns a failure when the run must stop; a PreCompact block of a
 * proactive compaction is only reported (the request may still fit).
 */
export async function* compactInPlace(history: Message[], call: CompactCall, config: AgentConfig, tools: ToolSchema[], guard: CompactGuard | undefined, signal: AbortSignal): AsyncGenerator<AgentEvent, FailureInfo | undefined> {
  const setup = config.compaction;
  if (!setup?.policy.enabled) return overflow("Compaction is turned off (DISABLE_COMPACT), and the conversation no longer fits the context window.");
  const preTokens = call.preTokens ?? measure(history, config, fixedChars(config.system, tools));
  // Loaded when first needed: most runs never compact, and every run pays for what it loads at start.
  const { compact } = await import("./compact.ts");
  const run = compact(
    history,
    { trigger: call.trigger, custom: call.custom, overflow: call.overflow, preTokens, ratio: setup.meter.ratio, ...(call.range ? { range: call.range } : {}) },
    {
      provider: config.provider,
      model: config.model,
      system: config.system,
      tools,
      maxTokens: config.maxTokens,
      thinking: config.thinking,
      retry: config.retry,
      policy: setup.policy,
      clearFirst: setup.clearFirst,
      ...(config.hooks ? { hooks: config.hooks } : {}),
      transcriptPath: setup.transcriptPath,
      instructions: setup.instructions,
    },
    signal,
  );
  const outcome = yield* run;
  for (const text of outcome.notices) yield { type: "notice", text };
  if (!outcome.ok) {
    if (outcome.reply) yield { type: "usage", message: outcome.reply };
    if (outcome.blocked && !call.overflow && call.trigger === "auto") {
      yield { type: "notice", text: outcome.message };
      return undefined;
    }
    return outcome.failure?.kind === "aborted" ? outcome.failure : overflow(outcome.message);
  }
  history.splice(0, history.length, ...outcome.history);
  setup.meter.anchor = undefined;
  // The summarised messages are garbage now, and they were most of the heap.
  collectGarbage();
  setup.onCompacted?.();
  yield { type: "compacted", trigger: call.trigger, kind: outcome.kind, preTokens: outcome.preTokens, postTokens: outcome.postTokens, history: outcome.history, ...(outcome.reply ? { reply: outcome.reply } : {}) };
  if (!guard) return undefined;
  const stop = noteCompaction(guard, outcome.postTokens, setup.policy.threshold);
  return stop ? overflow(stop) : undefined;
}

/** The loop's per-user-turn compaction state. */
export function compactionTurn(config: AgentConfig) {
  const guard = newGuard();
  let retriedOverflow = false;
  return {
    /** Before a request: compact when the estimate passes the threshold (`fixed`: system and tool schema size). */
    async *before(history: Message[], tools: ToolSchema[], fixed: number, signal: AbortSignal): AsyncGenerator<AgentEvent, FailureInfo | undefined> {
      const setup = config.compaction;
      if (!setup?.policy.auto) return undefined;
      const preTokens = measure(history, config, fixed);
      if (preTokens <= setup.policy.threshold) return undefined;
      return yield* compactInPlace(history, { trigger: "auto", preTokens }, config, tools, guard, signal);
    },
    /** After a failed request: true when it was an overflow that compaction handled (resend once). */
    async *overflowed(failure: FailureInfo, history: Message[], tools: ToolSchema[], signal: AbortSignal): AsyncGenerator<AgentEvent, { retry: boolean; failure?: FailureInfo }> {
      if (failure.kind !== "prompt_too_long" || !config.compaction?.policy.auto || retriedOverflow) return { retry: false };
      retriedOverflow = true;
      const preTokens = overflowTokens(failure.message);
      // A refusal below the window we assumed teaches the real one (local servers started with a small context).
      const refused = preTokens ?? measure(history, config, fixedChars(config.system, tools));
      config.compaction.policy = learnedPolicy(config.compaction.policy, refused);
      const stop = yield* compactInPlace(history, { trigger: "auto", overflow: true, ...(preTokens ? { preTokens } : {}) }, config, tools, guard, signal);
      return stop ? { retry: false, failure: stop } : { retry: true };
    },
    answered(): void {
      retriedOverflow = false;
      noteTurn(guard);
    },
  };
}
