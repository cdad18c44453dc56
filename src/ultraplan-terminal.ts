// The terminal's side of an ULTRAPLAN run: it polls the run's state file every poll_interval_secs,
// passes new progress lines on, and returns once the run is decided or ended. A plan is never dropped:
// approved, local, timeout, failed and stopped all come back with whatever plan exists, and a planner
// process that died without writing its end is reported as failed with its last plan.
import type { Env } from "./config-dir.ts";
import { isFinal, newProgress, processAlive, readState, runDir, withProgress, type UltraplanState } from "./ultraplan-state.ts";
import { pause } from "./retry.ts";

export interface PollOptions {
  env: Env;
  /** ultraplan.pollIntervalSecs × 1000. */
  intervalMs: number;
  /** Stops waiting (the planner keeps running); the latest state is returned, not final. */
  signal?: AbortSignal;
  /** New progress lines and the state they came with, each time the state changed. */
  onProgress?: (lines: string[], state: UltraplanState) => void;
  /** Injectable for tests: waiting and the liveness check. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  isAlive?: (pid: number) => boolean;
  /** Unreadable polls in a row before giving up. Default 5. */
  maxMisses?: number;
}

export class UltraplanLostError extends Error {}

function failedCopy(state: UltraplanState, reason: string): UltraplanState {
  return withProgress({ ...state, status: "failed", reason }, reason);
}

/**
 * Polls until the run is final and returns that state. Aborting returns the latest state as it is. Throws
 * UltraplanLostError only when the state could never be read (nothing, not even a plan, to return).
 */
export async function pollUntilDecided(id: string, options: PollOptions): Promise<UltraplanState> {
  const dir = runDir(options.env, id);
  const sleep = options.sleep ?? pause;
  const isAlive = options.isAlive ?? processAlive;
  const maxMisses = options.maxMisses ?? 5;
  let last: UltraplanState | undefined;
  let seen = 0;
  let seenUpdate = "";
  let misses = 0;
  for (;;) {
    const read = readState(dir);
    if (read.ok) {
      misses = 0;
      const state = read.state;
      if (state.updatedAt !== seenUpdate || state.progressCount !== seen) {
        const lines = newProgress(state, seen);
        seen = state.progressCount;
        seenUpdate = state.updatedAt;
        options.onProgress?.(lines, state);
      }
      last = state;
      if (isFinal(state.status)) return state;
      // A planner killed without a chance to write its end (kill -9, a crash) must not leave us waiting.
      if (state.pid !== undefined && !isAlive(state.pid)) {
        return failedCopy(state, `The planner process (pid ${state.pid}) ended without finishing the run${state.plan ? "; its last plan is kept" : ""}`);
      }
    } else if (++misses >= maxMisses) {
      if (last) return failedCopy(last, `The run's state became unreadable: ${read.message}`);
      throw new UltraplanLostError(`ultraplan ${id}: ${read.message}`);
    }
    if (options.signal?.aborted) {
      if (last) return last;
      throw new UltraplanLostError(`ultraplan ${id}: stopped waiting before the state could be read`);
    }
    await sleep(options.intervalMs, options.signal);
    if (options.signal?.aborted && last) return last;
  }
}

/** The line the terminal prints when the planner started. */
export function startedMessage(run: { id: string; url: string }): string {
  return `ULTRAPLAN ${run.id}: planning in the background. Follow it and approve the plan at ${run.url}`;
}

/** One line saying how the run ended, for the terminal. */
export function outcomeMessage(state: UltraplanState): string {
  const plan = state.plan ? `plan revision ${state.revision}${state.edited ? ", edited by you" : ""}` : "no plan was produced";
  switch (state.status) {
    case "approved":
      return `ULTRAPLAN ${state.id}: approved (${plan}).`;
    case "local":
      return `ULTRAPLAN ${state.id}: sent back to the terminal to run here (${plan}).`;
    case "timeout":
    case "failed":
    case "stopped":
      return `ULTRAPLAN ${state.id}: ${state.status}${state.reason ? `: ${state.reason}` : ""} (${plan}).`;
    default:
      return `ULTRAPLAN ${state.id}: still ${state.status}${state.url ? ` at ${state.url}` : ""}; the planner keeps running.`;
  }
}

/** The prompt that carries out an approved (or sent back) plan in a normal run. */
export function executionPrompt(state: UltraplanState): string {
  return `Carry out this implementation plan, which the user reviewed and approved. The task was:\n\n${state.task}\n\nThe plan:\n\n${state.plan}`;
}

export interface TerminalUltraplanOptions {
  env: Env;
  cwd: string;
  /** The merged settings' ultraplan section (pollIntervalSecs and maxDurationSecs have defaults). */
  settings: { model?: string; pollIntervalSecs: number; maxDurationSecs: number };
  /** Where the URL, progress and the outcome go (stderr in -p, the transcript in the REPL). */
  say: (line: string) => void;
  signal?: AbortSignal;
  /** How to start hone again (tests from source); default: this program. */
  command?: readonly string[];
}

export interface TerminalUltraplanResult {
  state: UltraplanState;
  /** The prompt that carries out the plan: set for approved and local, absent otherwise. */
  prompt?: string;
}

/**
 * The whole terminal side of `--ultraplan "<task>"` and `/ultraplan <task>`: starts the detached planner,
 * says where its page is, relays its progress while polling, and says how it ended. The caller runs
 * `prompt` when there is one; otherwise it shows `state.plan` (if any) and reports the failure.
 */
export async function terminalUltraplan(task: string, options: TerminalUltraplanOptions): Promise<TerminalUltraplanResult> {
  const { startDetached } = await import("./ultraplan-detached.ts");
  const run = await startDetached(task, {
    env: options.env,
    cwd: options.cwd,
    ...(options.settings.model ? { model: options.settings.model } : {}),
    maxDurationSecs: options.settings.maxDurationSecs,
    ...(options.command ? { command: options.command } : {}),
  });
  options.say(startedMessage(run));
  let announcedReady = 0;
  const state = await pollUntilDecided(run.id, {
    env: options.env,
    intervalMs: options.settings.pollIntervalSecs * 1000,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (lines, current) => {
      for (const line of lines) options.say(`ultraplan: ${line}`);
      if (current.status === "ready" && current.revision !== announcedReady) {
        announcedReady = current.revision;
        options.say(`ULTRAPLAN ${run.id}: plan revision ${current.revision} is ready for review at ${run.url}`);
      }
    },
  });
  options.say(outcomeMessage(state));
  const decided = state.status === "approved" || state.status === "local";
  return decided ? { state, prompt: executionPrompt(state) } : { state };
}
