// The task registry, the limiter, the work queue and the wait for background notices.
import { describe, expect, test } from "bun:test";
import { nextNotice } from "../src/background-turns.ts";
import { createLimiter } from "../src/limiter.ts";
import { createWorkQueue } from "../src/repl-queue.ts";
import { createTaskRegistry, noticeLine, noticeText, type AgentTask, type TaskNotice } from "../src/tasks.ts";

const notice = (id: string, extra: Partial<TaskNotice> = {}): TaskNotice => ({ id, kind: "agent", description: `job ${id}`, status: "completed", result: `result <${id}> & more`, ...extra });

function runningAgent(id: string): AgentTask & { finish(): void } {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { id, description: id, type: "Explore", startedAt: 0, status: "running", activity: [], usage: { inputTokens: 0, outputTokens: 0, toolUses: 0, costUsd: 0 }, inbox: [], stop: () => undefined, done, finish };
}

describe("task notices", () => {
  test("drain hands every waiting notice over once, tells each it was delivered, and listeners hear each post", () => {
    const tasks = createTaskRegistry();
    let heard = 0;
    const off = tasks.subscribe(() => heard++);
    let delivered = 0;
    tasks.post(notice("a1", { delivered: () => delivered++ }));
    tasks.post(notice("a2"));
    expect(heard).toBe(2);
    expect(tasks.waiting()).toBe(2);
    expect(tasks.drain().map((n) => n.id)).toEqual(["a1", "a2"]);
    expect(delivered).toBe(1);
    expect(tasks.drain()).toEqual([]);
    off();
    tasks.post(notice("a3"));
    expect(heard).toBe(2);
  });

  test("the model's text is XML with escaped results; scheduled prompts say what to do", () => {
    const text = noticeText([notice("a1"), notice("c1", { kind: "cron", description: "cron 0 9 * * *", result: "check the build" })]);
    expect(text).toContain("<task-notification>\n<task-id>a1</task-id>\n<status>completed</status>");
    expect(text).toContain("<result>result &lt;a1&gt; &amp; more</result>");
    expect(text).toContain('<scheduled-task id="c1">');
    expect(text).toContain("check the build");
    expect(noticeLine(notice("s1", { kind: "shell", status: "failed", description: "npm test" }))).toBe("background command s1 (npm test) failed");
  });

  test("nextNotice resolves true when one arrives, false when nothing runs or the run is interrupted", async () => {
    const tasks = createTaskRegistry();
    const never = new AbortController().signal;
    expect(await nextNotice(tasks, never)).toBe(false);
    const agent = runningAgent("a9");
    tasks.agents.set("a9", agent);
    const waiting = nextNotice(tasks, never);
    tasks.post(notice("a9"));
    expect(await waiting).toBe(true);
    tasks.drain();
    const stop = new AbortController();
    const interrupted = nextNotice(tasks, stop.signal);
    stop.abort();
    expect(await interrupted).toBe(false);
  });
});

describe("the limiter", () => {
  test("runs at most N jobs at once, the rest in order, and an aborted waiter never runs", async () => {
    const limiter = createLimiter(2);
    const gates = [0, 1, 2, 3].map(() => Promise.withResolvers<void>());
    const started: number[] = [];
    const jobs = [0, 1, 2].map((i) => limiter.run(async () => (started.push(i), await gates[i]!.promise, i)));
    const stop = new AbortController();
    const aborted = limiter.run(async () => started.push(3), stop.signal);
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limiter.waiting()).toBe(2);
    stop.abort();
    await expect(aborted).rejects.toBeDefined();
    gates[1]!.resolve();
    expect(await jobs[1]).toBe(1);
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(jobs)).toEqual([0, 1, 2]);
    expect(started).not.toContain(3);
    expect(limiter.active()).toBe(0);
  });
});

describe("the REPL's work queue", () => {
  test("typed messages go first, joined; notices get a turn when nothing typed waits; nothing runs after close", async () => {
    const tasks = createTaskRegistry();
    const log: string[] = [];
    let open = true;
    const gate = Promise.withResolvers<void>();
    const queue = createWorkQueue({
      act: async (text) => {
        log.push(`act:${text}`);
        if (text === "first") await gate.promise;
      },
      drainNotices: () => tasks.drain(),
      noticesWaiting: () => tasks.waiting() > 0,
      deliver: async (notices) => void log.push(`deliver:${notices.map((n) => n.id).join(",")}`),
      open: () => open,
      idle: () => log.push("idle"),
    });
    queue.push("first");
    queue.push("second");
    queue.push("third");
    tasks.post(notice("a1"));
    expect(queue.items).toEqual(["second", "third"]);
    gate.resolve();
    await queue.pump();
    await Bun.sleep(0);
    expect(log).toEqual(["act:first", "act:second\nthird", "deliver:a1", "idle"]);
    open = false;
    tasks.post(notice("a2"));
    await queue.pump();
    expect(log.filter((l) => l.startsWith("deliver"))).toEqual(["deliver:a1"]);
  });
});
