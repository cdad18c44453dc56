// KAIROS proactive mode (`hone --kairos`, feature `proactive`): a long-running session that gets a
// <tick> every tick_interval_secs with what changed, decides whether to act, and keeps a daily log of
// what it saw and did. Ticks never overlap: the next interval starts when the previous turn is over.
import type { Conversation } from "./conversation.ts";
import type { GitRunner } from "./git-run.ts";
import { systemTimers } from "./kairos-budget.ts";
import type { KairosContext } from "./kairos-context.ts";
import { appendDailyLog, clockTime, noteEntry, tickEntry } from "./kairos-log.ts";
import { dropIdleTick, observationLines, tickActions, tickReply, tickText, type TickAction } from "./kairos-tick.ts";
import { createWatcher, type Observation } from "./kairos-watch.ts";
import type { SchedulerTimers } from "./scheduler.ts";
import type { TaskRegistry } from "./tasks.ts";

export interface KairosRunOptions {
  /** The run's conversation; ticks are its turns, idle ones are taken out of its history again. */
  conversation: Pick<Conversation, "history" | "turn">;
  kairos: KairosContext;
  /** The session's task registry: finished background work goes into the next tick. */
  tasks: TaskRegistry;
  /** The folder watched (the project folder). */
  cwd: string;
  tickIntervalSecs: number;
  /** Stops the loop (and the turn under way). */
  signal: AbortSignal;
  /** One line per action, for the person watching. */
  write: (line: string) => void;
  timers?: SchedulerTimers;
  git?: GitRunner;
  maxFiles?: number;
  /** Told after each tick (a status line; tests wait on it). */
  onTick?: (tick: TickReport) => void;
}

export interface TickReport {
  n: number;
  at: Date;
  /** The <tick> message sent. */
  text: string;
  observation: Observation;
  actions: TickAction[];
  /** The tick and its answer were taken out of the history (nothing was done). */
  dropped: boolean;
  /** The turn failed (API error, interruption). */
  error?: string;
}

export interface KairosSummary {
  ticks: number;
  dropped: number;
  actions: number;
}

/** What the model is told about the mode (appended to the system prompt of a KAIROS run). */
export function kairosPrompt(settings: { tickIntervalSecs: number; blockingBudgetSecs: number }): string {
  return `# KAIROS proactive mode
Nobody is typing prompts in this session. About every ${settings.tickIntervalSecs} s you receive a <tick> message with the current time and what changed since the previous tick: project files, git state, pull requests you subscribed to (SubscribePR) and background work that finished. Decide whether anything is worth doing.
- When nothing is, answer in one short sentence without calling tools; such ticks are removed from the conversation afterwards.
- Act on clear, useful, low-risk work. Prefer telling the user (SendUserFile, PushNotification, used sparingly) over changing their files unless they asked for it.
- A command still running after ${settings.blockingBudgetSecs} s is moved to the background by itself; its result comes in a later tick. Use Sleep instead of busy-waiting.`;
}

/** Resolves true after ms, or false as soon as the signal aborts. */
function wait(ms: number, timers: SchedulerTimers, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      resolve(false);
    };
    const handle = timers.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export async function runKairos(opts: KairosRunOptions): Promise<KairosSummary> {
  const { conversation, kairos, signal } = opts;
  const timers = opts.timers ?? systemTimers;
  const watcher = createWatcher({
    cwd: opts.cwd,
    env: kairos.env,
    tasks: opts.tasks,
    subscriptions: kairos.subscriptions,
    run: kairos.run,
    ...(opts.git ? { git: opts.git } : {}),
    ...(opts.maxFiles ? { maxFiles: opts.maxFiles } : {}),
  });
  const log = (at: Date, text: string): void => void appendDailyLog(kairos.env, at, text);
  const summary: KairosSummary = { ticks: 0, dropped: 0, actions: 0 };
  const started = kairos.now();
  log(started, noteEntry(started, "started", `watching ${opts.cwd}, a tick every ${opts.tickIntervalSecs} s`));

  const tick = async (): Promise<void> => {
    const observation = await watcher.observe();
    const at = kairos.now();
    const text = tickText(observation, at);
    log(at, tickEntry(at, observationLines(observation)));
    let error: string | undefined;
    try {
      const turn = await conversation.turn(text, signal);
      if (turn.code !== 0) error = turn.error ?? `the turn ended with code ${turn.code}`;
    } catch (failure) {
      error = (failure as Error).message;
    }
    const history = conversation.history;
    const actions = tickActions(history, text, opts.cwd);
    const done = kairos.now();
    for (const action of actions) {
      const failed = action.isError ? " (failed)" : "";
      log(done, noteEntry(done, `action${failed}`, action.label));
      opts.write(`${clockTime(done)} ${action.label}${failed}`);
    }
    const reply = tickReply(history, text);
    if (reply && actions.length > 0) log(done, noteEntry(done, "reply", reply));
    if (error) {
      log(done, noteEntry(done, "error", error));
      opts.write(`${clockTime(done)} tick failed: ${error}`);
    }
    // Finished background work is the result of earlier actions: it stays even when left unanswered.
    const dropped = observation.notices.length === 0 && !signal.aborted && dropIdleTick(history, text);
    summary.ticks++;
    summary.actions += actions.length;
    if (dropped) summary.dropped++;
    opts.onTick?.({ n: summary.ticks, at, text, observation, actions, dropped, ...(error ? { error } : {}) });
  };

  while (!signal.aborted) {
    try {
      await tick();
    } catch (failure) {
      // A look that failed (a folder that went away) costs this tick, not the session.
      const at = kairos.now();
      log(at, noteEntry(at, "error", (failure as Error).message));
      opts.write(`${clockTime(at)} tick failed: ${(failure as Error).message}`);
    }
    if (!(await wait(opts.tickIntervalSecs * 1000, timers, signal))) break;
  }
  const stopped = kairos.now();
  log(stopped, noteEntry(stopped, "stopped", `${summary.ticks} ticks, ${summary.actions} actions`));
  return summary;
}
