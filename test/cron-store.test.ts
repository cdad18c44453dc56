// Durable scheduled tasks: saved in <project>/.hone/scheduled_tasks.json through a real temp folder,
// restored at start, and the store's rules for broken entries and broken files.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCronStore, cronStorePath } from "../src/cron-store.ts";
import { startProjectScheduler, type FireInfo } from "../src/scheduler.ts";
import type { CronJob } from "../src/session-state.ts";
import { at, fakeClock, job, type FakeClock } from "./support/cron-fixture.ts";

function tempProject(): string {
  return mkdtempSync(join(tmpdir(), "hone-cron-"));
}

describe("durable jobs", () => {
  function projectScheduler(dir: string, clock: FakeClock, fired: CronJob[] = []) {
    return startProjectScheduler(dir, { now: clock.now, timers: clock.timers, onFire: (j) => void fired.push(j) });
  }

  test("are saved on add, restored with their ids, and forgotten on remove", async () => {
    const dir = tempProject();
    const clock = fakeClock(at(2025, 1, 15, 10, 0));
    const first = projectScheduler(dir, clock);
    expect(first.warnings).toEqual([]);
    const kept = first.scheduler.add(job("0 9 * * mon-fri", { durable: true, prompt: "standup notes" }));
    const session = first.scheduler.add(job("*/5 * * * *"));
    const saved = JSON.parse(readFileSync(cronStorePath(dir), "utf8")) as { tasks: CronJob[] };
    expect(saved.tasks).toEqual([kept]);
    first.scheduler.stop();
    expect(JSON.parse(readFileSync(cronStorePath(dir), "utf8"))).toEqual(saved); // stop keeps the file

    const fired: CronJob[] = [];
    const second = projectScheduler(dir, clock, fired);
    expect(second.warnings).toEqual([]);
    expect(second.scheduler.list()).toEqual([kept]);
    expect(second.scheduler.list().some((j) => j.id === session.id)).toBe(false);
    expect(second.scheduler.nextRun(kept.id)).toEqual(at(2025, 1, 16, 9, 0));
    await clock.advanceTo(at(2025, 1, 16, 9, 0));
    expect(fired.map((j) => j.prompt)).toEqual(["standup notes"]);

    expect(second.scheduler.remove(kept.id)).toBe(true);
    expect(JSON.parse(readFileSync(cronStorePath(dir), "utf8"))).toEqual({ tasks: [] });
    second.scheduler.stop();
  });

  test("a durable one-shot is removed from the file when it fires; one missed while hone was closed fires at start", async () => {
    const dir = tempProject();
    const clock = fakeClock(at(2025, 1, 15, 8, 0));
    const first = projectScheduler(dir, clock);
    const fireNow = first.scheduler.add(job("30 8 * * *", { durable: true, recurring: false, prompt: "soon" }));
    const missed = first.scheduler.add(job("0 9 * * *", { durable: true, recurring: false, prompt: "late" }));
    const recurring = first.scheduler.add(job("0 9 * * *", { durable: true, prompt: "daily" }));
    await clock.advanceTo(at(2025, 1, 15, 8, 30));
    expect(createCronStore(dir).load().jobs.map((j) => j.id)).toEqual([missed.id, recurring.id]);
    expect(first.scheduler.list().some((j) => j.id === fireNow.id)).toBe(false);
    first.scheduler.stop(); // hone quits before 9:00

    const later = fakeClock(at(2025, 1, 15, 11, 0));
    const fired: Array<{ job: CronJob; info: FireInfo }> = [];
    const second = startProjectScheduler(dir, { now: later.now, timers: later.timers, onFire: (j, info) => void fired.push({ job: j, info }) });
    await later.advance(0);
    expect(fired.map((f) => [f.job.prompt, f.info.scheduledFor])).toEqual([["late", at(2025, 1, 15, 9, 0)]]);
    // The recurring one does not replay its missed 9:00; it waits for tomorrow.
    expect(second.scheduler.nextRun(recurring.id)).toEqual(at(2025, 1, 16, 9, 0));
    expect(createCronStore(dir).load().jobs.map((j) => j.id)).toEqual([recurring.id]);
    second.scheduler.stop();
  });

  test("bad entries are skipped with a warning, kept in the file, and the rest load", () => {
    const dir = tempProject();
    const path = cronStorePath(dir);
    mkdirSync(join(dir, ".hone"));
    const good = { id: "aaaa0001", cron: "0 9 * * *", prompt: "good", recurring: true, durable: true, createdAt: "2025-01-01T00:00:00.000Z" };
    const bad = { id: "bbbb0002", cron: "0 25 * * *", prompt: "bad hour", recurring: true, durable: true, createdAt: "2025-01-01T00:00:00.000Z" };
    writeFileSync(path, JSON.stringify({ tasks: [good, bad, "junk", { ...good, prompt: "same id" }, { id: "c", cron: "* * * * *" }] }));
    const clock = fakeClock(at(2025, 1, 15, 10, 0));
    const { scheduler, warnings } = projectScheduler(dir, clock);
    expect(warnings).toEqual([
      `${path}: skipped task 2 (id "bbbb0002"): cron hour field "25": 25 is outside 0-23`,
      `${path}: skipped task 3: not an object`,
      `${path}: skipped task 4 (id "aaaa0001"): the id is used by an earlier task`,
      `${path}: skipped task 5 (id "c"): "prompt" must be a non-empty string`,
    ]);
    expect(scheduler.list()).toEqual([good]);
    const added = scheduler.add(job("0 12 * * *", { durable: true }));
    scheduler.remove(good.id);
    const tasks = (JSON.parse(readFileSync(path, "utf8")) as { tasks: unknown[] }).tasks;
    expect(tasks).toEqual([bad, "junk", { id: "c", cron: "* * * * *" }, added]);
    scheduler.stop();
  });

  test("a malformed file is reported, never overwritten, and durable adds fail until it is fixed", () => {
    const dir = tempProject();
    const path = cronStorePath(dir);
    mkdirSync(join(dir, ".hone"));
    const broken = '{ "tasks": [ {"id": "aaaa0001", ';
    writeFileSync(path, broken);
    const clock = fakeClock(at(2025, 1, 15, 10, 0));
    const { scheduler, warnings } = projectScheduler(dir, clock);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toStartWith(`${path}: not valid JSON (`);
    expect(warnings[0]).toEndWith("fix or delete the file; no scheduled tasks were restored from it");
    expect(() => scheduler.add(job("* * * * *", { durable: true }))).toThrow(`${path}: not valid JSON`);
    expect(scheduler.list()).toEqual([]);
    const sessionOnly = scheduler.add(job("* * * * *"));
    expect(scheduler.list()).toEqual([sessionOnly]);
    expect(readFileSync(path, "utf8")).toBe(broken);

    writeFileSync(path, JSON.stringify([1, 2]));
    expect(() => scheduler.add(job("* * * * *", { durable: true }))).toThrow(`${path}: expected an object {"tasks": [...]}`);

    writeFileSync(path, "");
    const durable = scheduler.add(job("* * * * *", { durable: true }));
    expect(createCronStore(dir).load().jobs).toEqual([durable]);
    scheduler.stop();
  });

  test("tasks added to the file by another hone meanwhile survive our writes", () => {
    const dir = tempProject();
    const clock = fakeClock(at(2025, 1, 15, 10, 0));
    const ours = projectScheduler(dir, clock).scheduler;
    const theirs = projectScheduler(dir, clock).scheduler;
    const a = ours.add(job("0 1 * * *", { durable: true }));
    const b = theirs.add(job("0 2 * * *", { durable: true }));
    ours.remove(a.id);
    expect(createCronStore(dir).load().jobs).toEqual([b]);
    ours.stop();
    theirs.stop();
  });

  test("a failed remove from the file still stops the job and says it will come back", () => {
    const dir = tempProject();
    const clock = fakeClock(at(2025, 1, 15, 10, 0));
    const { scheduler } = projectScheduler(dir, clock);
    const created = scheduler.add(job("0 1 * * *", { durable: true }));
    writeFileSync(cronStorePath(dir), "not json");
    expect(() => scheduler.remove(created.id)).toThrow(/cancelled for this session, but it is still in the saved tasks/);
    expect(scheduler.list()).toEqual([]);
    expect(readFileSync(cronStorePath(dir), "utf8")).toBe("not json");
    scheduler.stop();
  });
});
