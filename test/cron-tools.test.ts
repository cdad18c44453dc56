import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { cronStorePath } from "../src/cron-store.ts";
import { createScheduler, startProjectScheduler, type Scheduler } from "../src/scheduler.ts";
import { cronCreateTool } from "../src/tools/cron-create.ts";
import { cronDeleteTool } from "../src/tools/cron-delete.ts";
import { cronListTool } from "../src/tools/cron-list.ts";
import { formatLocal } from "../src/tools/cron-shared.ts";
import { sleepTool } from "../src/tools/sleep.ts";
import { toolSchema, type Tool } from "../src/tool.ts";
import { fakeClock } from "./support/cron-fixture.ts";
import { harness, type Harness } from "./support/tool-harness.ts";

const START = new Date(2025, 0, 15, 10, 0, 30); // Wed 10:00:30 local

function withScheduler(durableStore = false): { h: Harness; scheduler: Scheduler; fired: string[] } {
  const h = harness();
  const clock = fakeClock(START);
  const fired: string[] = [];
  const options = { now: clock.now, timers: clock.timers, onFire: (job: { prompt: string }) => void fired.push(job.prompt) };
  const scheduler = durableStore ? startProjectScheduler(h.dir, options).scheduler : createScheduler(options);
  h.state.scheduler = scheduler;
  return { h, scheduler, fired };
}

describe("CronCreate", () => {
  test("schedules a recurring session task by default and reports its next run", async () => {
    const { h, scheduler } = withScheduler();
    const r = await h.call(cronCreateTool, { cron: "*/15 9-17 * * mon-fri", prompt: "check the build" });
    expect(r.isError).toBeFalsy();
    const [job] = scheduler.list();
    expect(job).toMatchObject({ cron: "*/15 9-17 * * mon-fri", prompt: "check the build", recurring: true, durable: false });
    const next = new Date(2025, 0, 15, 10, 15);
    expect(r.text).toBe(`Scheduled task ${job?.id} (recurring, this session only) for "*/15 9-17 * * mon-fri". Next run: ${formatLocal(next)}.`);
    expect(r.structured).toEqual({ id: job?.id, cron: "*/15 9-17 * * mon-fri", recurring: true, durable: false, nextRun: next.toISOString() });
  });

  test("one-shot durable tasks are saved in the project", async () => {
    const { h, scheduler } = withScheduler(true);
    const r = await h.call(cronCreateTool, { cron: "0 9 * * *", prompt: "good morning", recurring: false, durable: true });
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain("(one-shot, durable)");
    const saved = JSON.parse(readFileSync(cronStorePath(h.dir), "utf8")) as { tasks: unknown[] };
    expect(saved.tasks).toEqual(scheduler.list());
  });

  test("bad expressions come back as errors naming the field", async () => {
    const { h, scheduler } = withScheduler();
    const bad = await h.call(cronCreateTool, { cron: "0 9 * * funday", prompt: "x" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('Could not schedule the task: cron day-of-week field "funday"');
    const never = await h.call(cronCreateTool, { cron: "0 0 30 2 *", prompt: "x" });
    expect(never.text).toContain("never matches a real date");
    const noStore = await h.call(cronCreateTool, { cron: "0 0 * * *", prompt: "x", durable: true });
    expect(noStore.text).toContain("durable tasks cannot be saved here");
    const missing = await h.call(cronCreateTool, { prompt: "x" });
    expect(missing.text).toContain("InputValidationError");
    expect(scheduler.list()).toEqual([]);
  });
});

describe("CronList and CronDelete", () => {
  test("list shows each task; delete removes it; unknown ids are explained", async () => {
    const { h, scheduler } = withScheduler(true);
    expect((await h.call(cronListTool, {})).text).toBe("No scheduled tasks.");
    const long = `Summarize   the open pull requests\nand ${"x".repeat(200)}`;
    await h.call(cronCreateTool, { cron: "0 9 * * 1", prompt: long, durable: true });
    await h.call(cronCreateTool, { cron: "30 10 * * *", prompt: "stretch", recurring: false });
    const [weekly, once] = scheduler.list();
    const list = await h.call(cronListTool, {});
    const lines = list.text.split("\n");
    expect(lines[0]).toBe("2 scheduled tasks:");
    expect(lines[1]).toStartWith(`${weekly?.id}  "0 9 * * 1"  next: ${formatLocal(new Date(2025, 0, 20, 9, 0))}  (recurring, durable)  "Summarize the open pull requests and xxx`);
    expect(lines[1]).toEndWith('x…"');
    expect(lines[1]?.length).toBeLessThan(200);
    expect(lines[2]).toBe(`${once?.id}  "30 10 * * *"  next: ${formatLocal(new Date(2025, 0, 15, 10, 30))}  (one-shot, this session only)  "stretch"`);
    expect((list.structured as { jobs: Array<{ prompt: string }> }).jobs[0]?.prompt).toBe(long);

    const unknown = await h.call(cronDeleteTool, { id: "ffffffff" });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain(`No scheduled task has the id "ffffffff". Current task ids: ${weekly?.id}, ${once?.id}.`);

    const del = await h.call(cronDeleteTool, { id: weekly?.id });
    expect(del.text).toBe(`Deleted scheduled task ${weekly?.id} ("0 9 * * 1") and removed it from the saved tasks.`);
    expect(scheduler.list().map((j) => j.id)).toEqual([once?.id as string]);
    expect(JSON.parse(readFileSync(cronStorePath(h.dir), "utf8"))).toEqual({ tasks: [] });
    const again = await h.call(cronDeleteTool, { id: once?.id });
    expect(again.text).toBe(`Deleted scheduled task ${once?.id} ("30 10 * * *").`);
    expect((await h.call(cronDeleteTool, { id: "x" })).text).toContain("There are no scheduled tasks.");
  });

  test("without a scheduler (plain -p) every cron tool explains why it cannot work", async () => {
    const h = harness();
    for (const [tool, input] of [
      [cronCreateTool, { cron: "* * * * *", prompt: "x" }],
      [cronDeleteTool, { id: "abc" }],
      [cronListTool, {}],
    ] as const) {
      const r = await h.call(tool, input);
      expect(r.isError).toBe(true);
      expect(r.text).toContain("Scheduled prompts need a running hone session (the interactive REPL or --input-format stream-json)");
    }
  });

  test("schemas the model sees: Claude Code's field names, defaults optional", () => {
    const required = (tool: Tool): unknown => toolSchema(tool).input_schema.required;
    expect(required(cronCreateTool as Tool)).toEqual(["cron", "prompt"]);
    expect(Object.keys(toolSchema(cronCreateTool as Tool).input_schema.properties as object)).toEqual(["cron", "prompt", "recurring", "durable"]);
    expect(required(cronDeleteTool as Tool)).toEqual(["id"]);
    expect(required(sleepTool as Tool)).toEqual(["duration_ms"]);
    expect(toolSchema(cronListTool as Tool).input_schema.properties).toEqual({});
  });

  test("read-only flags", () => {
    expect(cronListTool.readOnly).toBe(true);
    expect(sleepTool.readOnly).toBe(true);
    expect(cronCreateTool.readOnly).toBe(false);
    expect(cronDeleteTool.readOnly).toBe(false);
  });
});

describe("Sleep", () => {
  test("waits the requested time", async () => {
    const h = harness();
    const r = await h.call(sleepTool, { duration_ms: 5 });
    expect(r.isError).toBeFalsy();
    expect(r.text).toBe("Slept 5 ms.");
    expect((r.structured as { interrupted: boolean }).interrupted).toBe(false);
  });

  test("an interrupt ends a long sleep at once", async () => {
    const h = harness();
    const controller = new AbortController();
    const pending = h.call(sleepTool, { duration_ms: 600_000 }, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const r = await pending; // a ten-minute sleep that ignored the abort would time the test out
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^Sleep interrupted after \d+ ms of the requested 600 s\.$/);
    expect((r.structured as { interrupted: boolean; slept_ms: number }).interrupted).toBe(true);
  });

  test("durations over ten minutes or negative are refused", async () => {
    const h = harness();
    expect((await h.call(sleepTool, { duration_ms: 600_001 })).text).toContain("InputValidationError");
    expect((await h.call(sleepTool, { duration_ms: -1 })).text).toContain("InputValidationError");
    expect((await h.call(sleepTool, { duration_ms: 1.5 })).text).toContain("InputValidationError");
  });
});
