// For the cron scheduler's tests: a hand-driven clock and timer set (advance() runs due timers in
// time order, letting promises settle after each, without real waiting), local dates and job inputs.
import type { SchedulerTimers } from "../../src/scheduler.ts";

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

export interface FakeClock {
  now(): Date;
  readonly timers: SchedulerTimers;
  /** How many timers are pending. */
  pending(): number;
  /** How many timer handles were unref'd. */
  unrefs(): number;
  advance(ms: number): Promise<void>;
  /** Advances to the given local time. */
  advanceTo(date: Date): Promise<void>;
}

/** A local time; month is 1-12. */
export function at(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  return new Date(y, mo - 1, d, h, mi, s);
}

/** Lets queued promise callbacks run (one macrotask turn is enough for chains of thens). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function fakeClock(start: Date): FakeClock {
  let t = start.getTime();
  let seq = 0;
  let unrefCount = 0;
  const live = new Map<object, FakeTimer>();
  const timers: SchedulerTimers = {
    setTimeout(callback, ms) {
      const handle = { unref: () => void unrefCount++ };
      live.set(handle, { at: t + Math.max(0, ms), seq: seq++, callback });
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle as object);
    },
  };
  const advanceTo = async (target: number): Promise<void> => {
    await settle();
    for (;;) {
      let first: [object, FakeTimer] | undefined;
      for (const pair of live) {
        if (pair[1].at > target) continue;
        if (!first || pair[1].at < first[1].at || (pair[1].at === first[1].at && pair[1].seq < first[1].seq)) first = pair;
      }
      if (!first) break;
      live.delete(first[0]);
      t = Math.max(t, first[1].at);
      first[1].callback();
      await settle();
    }
    t = Math.max(t, target);
  };
  return {
    now: () => new Date(t),
    timers,
    pending: () => live.size,
    unrefs: () => unrefCount,
    advance: (ms) => advanceTo(t + ms),
    advanceTo: (date) => advanceTo(date.getTime()),
  };
}

/** CronCreate-style input: recurring and session-only unless told otherwise. */
export function job(cron: string, more: Partial<{ prompt: string; recurring: boolean; durable: boolean }> = {}) {
  return { cron, prompt: more.prompt ?? `run ${cron}`, recurring: more.recurring ?? true, durable: more.durable ?? false };
}
