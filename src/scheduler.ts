// Runs scheduled prompts (CronCreate) while hone runs. The scheduler only keeps time: when a job comes
// due it calls `onFire`, and the integrator turns that into a prompt for the conversation.
//
// Timing rules:
// - One timer for the soonest job, never longer than a minute, so a changed wall clock or a machine
//   waking from sleep is noticed within a minute. Timers are unref'd: they never keep hone alive.
// - Occurrences missed while hone was busy or asleep are not replayed: a recurring job fires once,
//   then waits for its next match after that moment.
// - No double queuing: while the promise returned by `onFire` for a job is pending, that job is not
//   fired again; occurrences that pass meanwhile are dropped, and the job is re-armed for its next
//   match after the promise settles.
// - One-shot jobs (recurring: false) are removed when they fire (at most once, even if hone then exits).
import { nextMatch, parseCron, type CronSpec } from "./cron.ts";
import { createCronStore, type CronStore } from "./cron-store.ts";
import type { CronJob, CronScheduler } from "./session-state.ts";
import { randomHex } from "./random-id.ts";

export const MAX_CRON_JOBS = 50;
/** Longest single wait, so wall-clock jumps are caught up with soon. */
const MAX_DELAY_MS = 60_000;

export interface SchedulerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FireInfo {
  /** The minute the job was due; earlier than now when it fires late (e.g. a missed one-shot at start). */
  scheduledFor: Date;
}

export interface SchedulerOptions {
  /**
   * Runs the job's prompt. Return a promise that settles when the prompt has been handled (its turn
   * finished, or it was dropped); the job is not fired again until then.
   */
  onFire(job: CronJob, info: FireInfo): void | Promise<unknown>;
  now?: () => Date;
  timers?: SchedulerTimers;
  /** Where durable jobs are saved; without it, durable jobs are refused. */
  store?: Pick<CronStore, "add" | "remove">;
  /** Problems nobody is waiting for (a failed onFire, a store write after a one-shot fired). */
  onError?: (message: string) => void;
  maxJobs?: number;
}

export interface Scheduler extends CronScheduler {
  /** Re-adds stored durable jobs (keeping their ids) without writing them back; returns warnings. */
  restore(jobs: CronJob[]): string[];
  /** Cancels the timer and forgets every job (the durable file is left as it is). */
  stop(): void;
}

interface Entry {
  job: CronJob;
  spec: CronSpec;
  next: Date | undefined;
  inFlight: boolean;
}

const systemTimers: SchedulerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createScheduler(options: SchedulerOptions): Scheduler {
  const now = options.now ?? (() => new Date());
  const timers = options.timers ?? systemTimers;
  const maxJobs = options.maxJobs ?? MAX_CRON_JOBS;
  const report = options.onError ?? (() => undefined);
  const entries = new Map<string, Entry>();
  let timer: unknown;
  let stopped = false;

  const arm = (): void => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    let soonest: number | undefined;
    for (const entry of entries.values()) {
      if (entry.inFlight || entry.next === undefined) continue;
      if (soonest === undefined || entry.next.getTime() < soonest) soonest = entry.next.getTime();
    }
    if (soonest === undefined) return;
    const delay = Math.min(Math.max(soonest - now().getTime(), 0), MAX_DELAY_MS);
    timer = timers.setTimeout(tick, delay);
    (timer as { unref?: () => void } | null)?.unref?.();
  };

  const dropFromStore = (job: CronJob): void => {
    if (!job.durable || !options.store) return;
    options.store.remove(job.id);
  };

  const settle = (entry: Entry): void => {
    entry.inFlight = false;
    if (entries.get(entry.job.id) !== entry) return; // removed meanwhile
    const t = now();
    if (entry.next !== undefined && entry.next.getTime() <= t.getTime()) entry.next = nextMatch(entry.spec, t);
    arm();
  };

  const fire = (entry: Entry, t: Date): void => {
    const scheduledFor = entry.next ?? t;
    const job = { ...entry.job };
    if (job.recurring) {
      entry.next = nextMatch(entry.spec, t);
    } else {
      entries.delete(job.id);
      try {
        dropFromStore(job);
      } catch (error) {
        report(`the one-shot task ${job.id} fired but could not be removed from the saved tasks: ${(error as Error).message}`);
      }
    }
    entry.inFlight = true;
    let pending: unknown;
    try {
      pending = options.onFire(job, { scheduledFor });
    } catch (error) {
      pending = Promise.reject(error);
    }
    Promise.resolve(pending).then(
      () => settle(entry),
      (error: unknown) => {
        report(`scheduled task ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        settle(entry);
      },
    );
  };

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    const t = now();
    for (const entry of [...entries.values()]) {
      if (entry.inFlight || entry.next === undefined || entry.next.getTime() > t.getTime()) continue;
      fire(entry, t);
    }
    arm();
  }

  const freshId = (): string => {
    for (;;) {
      const id = randomHex(4);
      if (!entries.has(id)) return id;
    }
  };

  const checkRoom = (): void => {
    if (stopped) throw new Error("the scheduler has stopped; no new tasks can be scheduled");
    if (entries.size >= maxJobs) {
      throw new Error(`there are already ${entries.size} scheduled tasks (the limit is ${maxJobs}); delete some with CronDelete first`);
    }
  };

  const schedule = (job: CronJob, spec: CronSpec, next: Date): CronJob => {
    entries.set(job.id, { job, spec, next, inFlight: false });
    arm();
    return { ...job };
  };

  return {
    add(input) {
      checkRoom();
      const spec = parseCron(input.cron);
      const prompt = input.prompt.trim();
      if (prompt === "") throw new Error("the prompt is empty");
      const t = now();
      const next = nextMatch(spec, t);
      if (next === undefined) throw new Error(`cron expression "${spec.source}" never matches a real date`);
      const job: CronJob = { id: freshId(), cron: spec.source, prompt: input.prompt, recurring: input.recurring, durable: input.durable, createdAt: t.toISOString() };
      if (job.durable) {
        if (!options.store) throw new Error("durable tasks cannot be saved here (no project store); use durable: false");
        options.store.add(job); // first, so a failed save creates nothing
      }
      return schedule(job, spec, next);
    },
    remove(id) {
      const entry = entries.get(id);
      if (!entry) return false;
      entries.delete(id);
      arm();
      try {
        dropFromStore(entry.job);
      } catch (error) {
        throw new Error(`task ${id} is cancelled for this session, but it is still in the saved tasks and will come back next start: ${(error as Error).message}`);
      }
      return true;
    },
    list() {
      return [...entries.values()].map((e) => ({ ...e.job }));
    },
    nextRun(id) {
      const next = entries.get(id)?.next;
      return next === undefined ? undefined : new Date(next.getTime());
    },
    restore(jobs) {
      const warnings: string[] = [];
      const t = now();
      for (const stored of jobs) {
        if (entries.has(stored.id)) {
          warnings.push(`scheduled task ${stored.id} is already loaded; skipped the duplicate`);
          continue;
        }
        try {
          checkRoom();
        } catch (error) {
          warnings.push(`scheduled task ${stored.id} not restored: ${(error as Error).message}`);
          continue;
        }
        let spec: CronSpec;
        try {
          spec = parseCron(stored.cron);
        } catch (error) {
          warnings.push(`scheduled task ${stored.id} not restored: ${(error as Error).message}`);
          continue;
        }
        // A one-shot whose time passed while hone was not running fires now (late) rather than never.
        const created = new Date(Date.parse(stored.createdAt));
        const due = stored.recurring ? undefined : nextMatch(spec, created);
        const next = due !== undefined && due.getTime() <= t.getTime() ? due : nextMatch(spec, t);
        if (next === undefined) {
          warnings.push(`scheduled task ${stored.id} ("${stored.cron}") never matches; not restored`);
          continue;
        }
        schedule({ ...stored, durable: true }, spec, next);
      }
      return warnings;
    },
    stop() {
      stopped = true;
      entries.clear();
      arm();
    },
  };
}

/**
 * The scheduler for a session in `projectDir`: durable jobs are saved in its .hone/scheduled_tasks.json
 * and the ones saved there are restored now. `warnings` lists skipped entries for the user.
 */
export function startProjectScheduler(
  projectDir: string,
  options: Omit<SchedulerOptions, "store">,
): { scheduler: Scheduler; warnings: string[] } {
  const store = createCronStore(projectDir);
  const loaded = store.load();
  const scheduler = createScheduler({ ...options, store });
  return { scheduler, warnings: [...loaded.warnings, ...scheduler.restore(loaded.jobs)] };
}
