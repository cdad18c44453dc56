// When to compact: the threshold below the model's window, from the model table, the settings and the
// environment; and the guard that stops a run whose compactions cannot keep up.
import { envFlag, envNumber, type Env } from "./config-dir.ts";

export interface CompactSettings {
  /** Treat the window as this many tokens (smaller than the model's own only). */
  autoCompactWindow?: number;
  /** false turns automatic compaction off (manual /compact still works). */
  autoCompactEnabled?: boolean;
}

export interface CompactPolicy {
  /** The window compaction works against. */
  window: number;
  /** Compact before a request whose estimated context passes this. */
  threshold: number;
  /** Automatic compaction (proactive and on overflow). */
  auto: boolean;
  /** Any compaction at all, /compact included (DISABLE_COMPACT turns it off). */
  enabled: boolean;
  /** Newest turns kept word for word after a summary, in tokens. */
  keepRecentTokens: number;
}

/** Room kept for the reply, at most: the API counts max_tokens against the window too. */
const OUTPUT_RESERVE = 20_000;
/** Covers estimate error on what was added since the last count. */
const SAFETY_MARGIN = 13_000;
const KEEP_RECENT = 20_000;

export function compactPolicy(model: { contextWindow: number }, maxTokens: number, env: Env, settings: CompactSettings = {}): CompactPolicy {
  const limit = settings.autoCompactWindow ?? envNumber(env, "HONE_AUTOCOMPACT_WINDOW", "CLAUDE_CODE_AUTO_COMPACT_WINDOW");
  const window = Math.floor(Math.min(model.contextWindow, limit ?? Number.POSITIVE_INFINITY));
  // Small windows (local models) get proportionally smaller reserves, or nothing would fit.
  const reserve = Math.min(maxTokens, OUTPUT_RESERVE, Math.floor(window * 0.15)) + Math.min(SAFETY_MARGIN, Math.floor(window * 0.065));
  let threshold = window - reserve;
  const pct = envNumber(env, "HONE_AUTOCOMPACT_PCT", "CLAUDE_AUTOCOMPACT_PCT_OVERRIDE");
  if (pct !== undefined && pct <= 100) threshold = Math.min(threshold, Math.floor((window * pct) / 100));
  const enabled = !envFlag(env.DISABLE_COMPACT);
  const auto = enabled && !envFlag(env.DISABLE_AUTO_COMPACT) && settings.autoCompactEnabled !== false;
  return { window, threshold, auto, enabled, keepRecentTokens: Math.min(KEEP_RECENT, Math.floor(threshold * 0.15)) };
}

/**
 * The server refused a prompt of `refusedTokens` as too long, below the window we assumed: it runs
 * with less context than the model was trained for (a local server's n_ctx). The rest of the session
 * works against what was refused, scaled down, so compaction keeps little enough to fit.
 */
export function learnedPolicy(policy: CompactPolicy, refusedTokens: number): CompactPolicy {
  if (refusedTokens >= policy.window) return policy;
  const window = Math.max(1_024, Math.floor(refusedTokens * 0.9));
  const threshold = Math.floor(policy.threshold * (window / policy.window));
  return { ...policy, window, threshold, keepRecentTokens: Math.min(policy.keepRecentTokens, Math.floor(threshold * 0.15)) };
}

/**
 * Counts compactions since the last user turn. A compaction that comes within `REFILL_TURNS` model turns
 * of the previous one means the context refills as fast as it is freed; three of those in a row stop
 * the run. Compactions with real work between them are the normal life of a long task.
 */
export interface CompactGuard {
  /** Model turns answered since the last compaction (Infinity when none happened this user turn). */
  turnsSince: number;
  refills: number;
}

export const REFILL_TURNS = 2;
export const MAX_REFILLS = 3;

export function newGuard(): CompactGuard {
  return { turnsSince: Number.POSITIVE_INFINITY, refills: 0 };
}

/** Records a compaction; returns an error message when the run must stop instead. */
export function noteCompaction(guard: CompactGuard, after: number, threshold: number): string | undefined {
  if (after >= threshold) {
    return `The context is still about ${after} tokens after compaction, above the ${threshold}-token limit; the newest messages alone are too large to continue. Start a new session or /compact with instructions to drop more.`;
  }
  guard.refills = guard.turnsSince <= REFILL_TURNS ? guard.refills + 1 : 1;
  guard.turnsSince = 0;
  if (guard.refills >= MAX_REFILLS) {
    return `The context filled up again right after each of the last ${MAX_REFILLS} compactions; stopping instead of compacting in a loop. The work in progress produces more context than a summary can free: split the task or reduce what the tools return.`;
  }
  return undefined;
}

export function noteTurn(guard: CompactGuard): void {
  guard.turnsSince++;
}
