import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createScheduler, type FireInfo, type SchedulerOptions } from "../src/scheduler.ts";
import type { CronJob } from "../src/session-state.ts";
import { at, fakeClock, job, settle } from "./support/cron-fixture.ts";

interface Fired {
  job: CronJob;
  at: Date;
  info: FireInfo;
}

function setup(start: Date, extra: Partial<SchedulerOptions> = {}) {
  const clock = fakeClock(start);
  const fired: Fired[] = [];
  const errors: string[] = [];
  const scheduler = createScheduler({
    now: clock.now,
    timers: clock.timers,
    onFire: (job, info) => void fired.push({ job, at: clock.now(), info }),
    onError: (message) => void errors.push(message),
    ...extra,
  });
  return { clock, fired, errors, scheduler };
}

/** A scheduler whose onFire stays pending until release() settles the latest firing. */
function slowSetup(start: Date) {
  const clock = fakeClock(start);
  const fired: Date[] = [];
  let latest = (): void => undefined;
  const scheduler = createScheduler({
    now: clock.now,
    timers: clock.timers,
    onFire: () => {
      fired.push(clock.now());
      return new Promise<void>((resolve) => {
        latest = resolve;
      });
    },
  });
  return { clock, fired, scheduler, release: () => latest() };
}

describe("scheduler timing", () => {
  test("fires at each match and not before", async () => {
    const { clock, fired, scheduler } = setup(at(2025, 1, 15, 10, 0, 30));
    const created = scheduler.add(job("*/15 * * * *"));
    expect(created.id).toMatch(/^[0-9a-f]{8}$/);
    expect(created.createdAt).toBe(at(2025, 1, 15, 10, 0, 30).toISOString());
    expect(scheduler.nextRun(created.id)).toEqual(at(2025, 1, 15, 10, 15));
    await clock.advanceTo(at(2025, 1, 15, 10, 14, 59));
    expect(fired).toHaveLength(0);
    await clock.advanceTo(at(2025, 1, 15, 10, 15));
    expect(fired.map((f) => f.at)).toEqual([at(2025, 1, 15, 10, 15)]);
    expect(fired[0]?.job).toEqual(created);
    expect(fired[0]?.info.scheduledFor).toEqual(at(2025, 1, 15, 10, 15));
    expect(scheduler.nextRun(created.id)).toEqual(at(2025, 1, 15, 10, 30));
    await clock.advanceTo(at(2025, 1, 15, 11, 0));
    expect(fired.map((f) => f.at.getMinutes())).toEqual([15, 30, 45, 0]);
  });

  test("waits are at most a minute and every timer is unref'd", async () => {
    const { clock, fired, scheduler } = setup(at(2025, 1, 15, 10, 0));
    scheduler.add(job("0 9 1 * *")); // Feb 1, weeks away
    expect(clock.pending()).toBe(1);
    await clock.advance(10 * 60_000);
    expect(fired).toHaveLength(0);
    expect(clock.unrefs()).toBeGreaterThanOrEqual(10);
    expect(clock.pending()).toBe(1);
    await clock.advanceTo(at(2025, 2, 1, 9, 0));
    expect(fired).toHaveLength(1);
  });

  test("a one-shot fires once and is removed", async () => {
    const { clock, fired, scheduler } = setup(at(2025, 1, 15, 10, 0));
    const once = scheduler.add(job("20 10 * * *", { recurring: false }));
    await clock.advanceTo(at(2025, 1, 15, 10, 20));
    expect(fired.map((f) => f.job.id)).toEqual([once.id]);
    expect(scheduler.list()).toEqual([]);
    expect(scheduler.nextRun(once.id)).toBeUndefined();
    await clock.advanceTo(at(2025, 1, 17, 10, 30));
    expect(fired).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  test("a job is not fired again while its previous firing is pending; missed minutes are dropped", async () => {
    const { clock, fired, release, scheduler } = slowSetup(at(2025, 1, 15, 10, 0));
    const busy = scheduler.add(job("* * * * *"));
    const other = scheduler.add(job("*/2 * * * *"));
    await clock.advanceTo(at(2025, 1, 15, 10, 5, 30));
    // Each job fired once (10:01 and 10:02); both are still being handled.
    expect(fired).toEqual([at(2025, 1, 15, 10, 1), at(2025, 1, 15, 10, 2)]);
    release(); // the second job's firing is done
    await settle();
    expect(scheduler.nextRun(other.id)).toEqual(at(2025, 1, 15, 10, 6));
    expect(scheduler.nextRun(busy.id)).toEqual(at(2025, 1, 15, 10, 2)); // stale until it settles
    await clock.advanceTo(at(2025, 1, 15, 10, 6));
    expect(fired).toHaveLength(3);
  });

  test("after a pending firing settles, the job waits for its next match", async () => {
    const { clock, fired, release, scheduler } = slowSetup(at(2025, 1, 15, 10, 0));
    const created = scheduler.add(job("* * * * *"));
    await clock.advanceTo(at(2025, 1, 15, 10, 3, 20));
    expect(fired).toEqual([at(2025, 1, 15, 10, 1)]);
    release();
    await settle();
    expect(scheduler.nextRun(created.id)).toEqual(at(2025, 1, 15, 10, 4));
    await clock.advanceTo(at(2025, 1, 15, 10, 4));
    expect(fired).toEqual([at(2025, 1, 15, 10, 1), at(2025, 1, 15, 10, 4)]);
  });

  test("a failing onFire is reported and the job keeps its schedule", async () => {
    const clock = fakeClock(at(2025, 1, 15, 10, 0));
    const errors: string[] = [];
    let calls = 0;
    const scheduler = createScheduler({
      now: clock.now,
      timers: clock.timers,
      onError: (m) => void errors.push(m),
      onFire: (j) => {
        calls++;
        if (calls === 1) throw new Error("conversation closed");
        return Promise.reject(new Error(`no ${j.prompt}`));
      },
    });
    const created = scheduler.add(job("*/10 * * * *", { prompt: "coffee" }));
    await clock.advanceTo(at(2025, 1, 15, 10, 20));
    expect(calls).toBe(2);
    expect(errors).toEqual([`scheduled task ${created.id} failed: conversation closed`, `scheduled task ${created.id} failed: no coffee`]);
    expect(scheduler.nextRun(created.id)).toEqual(at(2025, 1, 15, 10, 30));
  });

  test("remove stops a job; stop clears everything", async () => {
    const { clock, fired, scheduler } = setup(at(2025, 1, 15, 10, 0));
    const a = scheduler.add(job("*/5 * * * *"));
    const b = scheduler.add(job("*/5 * * * *"));
    expect(scheduler.remove(a.id)).toBe(true);
    expect(scheduler.remove(a.id)).toBe(false);
    await clock.advanceTo(at(2025, 1, 15, 10, 5));
    expect(fired.map((f) => f.job.id)).toEqual([b.id]);
    scheduler.stop();
    expect(scheduler.list()).toEqual([]);
    expect(clock.pending()).toBe(0);
    await clock.advanceTo(at(2025, 1, 15, 11, 0));
    expect(fired).toHaveLength(1);
    expect(() => scheduler.add(job("* * * * *"))).toThrow(/stopped/);
  });
});

describe("scheduler checks", () => {
  test("bad, impossible and empty jobs are refused", () => {
    const { scheduler } = setup(at(2025, 1, 15));
    expect(() => scheduler.add(job("61 * * * *"))).toThrow(/minute field "61"/);
    expect(() => scheduler.add(job("0 0 31 2 *"))).toThrow(/"0 0 31 2 \*" never matches a real date/);
    expect(() => scheduler.add(job("* * * * *", { prompt: "  " }))).toThrow(/prompt is empty/);
    expect(() => scheduler.add(job("* * * * *", { durable: true }))).toThrow(/durable tasks cannot be saved here/);
    expect(scheduler.list()).toEqual([]);
  });

  test("at most 50 jobs, with distinct ids", () => {
    const { scheduler } = setup(at(2025, 1, 15));
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add(scheduler.add(job(`${i} * * * *`)).id);
    expect(ids.size).toBe(50);
    expect(() => scheduler.add(job("* * * * *"))).toThrow(/already 50 scheduled tasks \(the limit is 50\)/);
    expect(scheduler.list().map((j) => j.cron)).toEqual(Array.from({ length: 50 }, (_, i) => `${i} * * * *`));
  });

  test("jobs returned by list are copies", () => {
    const { scheduler } = setup(at(2025, 1, 15));
    const created = scheduler.add(job("* * * * *"));
    const listed = scheduler.list()[0] as CronJob;
    listed.prompt = "changed";
    expect(scheduler.list()[0]?.prompt).toBe(created.prompt);
  });

  test("real timers do not keep the process alive", () => {
    const script = `
      const { createScheduler } = await import(${JSON.stringify(join(import.meta.dir, "../src/scheduler.ts"))});
      const s = createScheduler({ onFire: () => {} });
      s.add({ cron: "* * * * *", prompt: "tick", recurring: true, durable: false });
      console.log("armed");
    `;
    // Without unref this child would never exit (the job re-arms every minute); the timeout is a backstop.
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe("armed");
    expect(run.status).toBe(0);
  });
});
