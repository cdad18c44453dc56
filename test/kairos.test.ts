// The KAIROS loop end to end, in process: real conversation over the scripted API, a real git project,
// real processes, a fake gh on PATH, and a hand-driven clock for the tick interval and the budget.
import { afterEach, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installBlockingBudget } from "../src/kairos-budget.ts";
import { dailyLogPath } from "../src/kairos-log.ts";
import { runKairos, type KairosRunOptions, type TickReport } from "../src/kairos.ts";
import type { Message } from "../src/messages.ts";
import { eventually, kairosConversation, kairosWorld, tickWaiter, writePr, type KairosRun, type KairosWorld } from "./support/kairos-fixture.ts";
import { makeRepo, tempDir } from "./support/git-repo.ts";
import { reply, text, toolUse, type LoggedRequest, type Step } from "./support/mock-api.ts";

const MINUTE = 60_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

interface Started {
  world: KairosWorld;
  run: KairosRun;
  ticks: ReturnType<typeof tickWaiter<TickReport>>;
  written: string[];
  done: Promise<unknown>;
}

async function start(cwd: string, steps: Step[], extra: Partial<KairosRunOptions> & { fallback?: Step } = {}, world = kairosWorld()): Promise<Started> {
  const run = await kairosConversation(world, cwd, { steps, ...(extra.fallback ? { fallback: extra.fallback } : {}) });
  const ticks = tickWaiter<TickReport>();
  const written: string[] = [];
  const stop = new AbortController();
  const done = runKairos({
    conversation: run.conversation,
    kairos: world.kairos,
    tasks: run.setup.agent.session.tasks,
    cwd,
    tickIntervalSecs: 60,
    signal: stop.signal,
    write: (line) => void written.push(line),
    timers: world.clock.timers,
    onTick: ticks.onTick,
    ...(extra.git ? { git: extra.git } : {}),
  });
  cleanups.push(async () => {
    stop.abort();
    await done;
    await run.close();
  });
  return { world, run, ticks, written, done };
}

const lastUserText = (req: LoggedRequest): string => {
  const last = req.body.messages?.at(-1);
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  const partText = (p: Record<string, unknown>): string => {
    if (typeof p.text === "string") return p.text;
    if (typeof p.content === "string") return p.content;
    return Array.isArray(p.content) ? p.content.map((c: Record<string, unknown>) => partText(c)).join("\n") : "";
  };
  return last.content.map(partText).join("\n");
};

const historyChars = (history: readonly Message[]): number => JSON.stringify(history).length;

test("a new file produces a tick that names it; the Read it leads to is logged and printed", async () => {
  const dir = makeRepo();
  const s = await start(dir, [reply(text("Watching.")), reply(toolUse("Read", { file_path: join(dir, "src", "new.ts") })), reply(text("Read the new file."))]);
  const first = await s.ticks.until(1);
  expect(first.text).toContain("watching 4 files");
  expect(first.text).toContain("git: branch main at");
  expect(first.dropped).toBe(true);

  writeFileSync(join(dir, "src", "new.ts"), "export const x = 1;\n");
  await s.world.clock.advance(MINUTE);
  const second = await s.ticks.until(2);
  expect(second.text).toContain("files added: src/new.ts");
  expect(second.text).toContain("1 uncommitted change (was 0)");
  expect(lastUserText(s.run.api.requests[1] as LoggedRequest)).toContain("files added: src/new.ts");
  expect(second.actions.map((a) => a.label)).toEqual(["Read(src/new.ts)"]);
  expect(second.dropped).toBe(false);
  expect(s.written).toEqual(["09:01:00 Read(src/new.ts)"]);

  const log = readFileSync(dailyLogPath(s.world.env, s.world.clock.now()), "utf8");
  expect(log).toStartWith("# KAIROS log 2026-05-01\n");
  expect(log).toContain("## 09:01:00 tick\n- files added: src/new.ts");
  expect(log).toContain("- 09:01:00 action: Read(src/new.ts)");
  expect(log).toContain("- 09:01:00 reply: Read the new file.");
});

test("a command over the blocking budget goes to the background and its result comes in a later tick", async () => {
  const dir = makeRepo();
  const command = "while [ ! -f go ]; do sleep 0.02; done; echo slow-done";
  const world = kairosWorld();
  const run = await kairosConversation(world, dir, { steps: [reply(toolUse("Bash", { command })), reply(text("It is running in the background.")), reply(text("The slow command finished."))] });
  const restore = installBlockingBudget(run.setup.agent, { budgetSecs: 15, timers: world.clock.timers });
  const ticks = tickWaiter<TickReport>();
  const stop = new AbortController();
  const state = run.setup.agent.session;
  const done = runKairos({ conversation: run.conversation, kairos: world.kairos, tasks: state.tasks, cwd: dir, tickIntervalSecs: 60, signal: stop.signal, write: () => {}, timers: world.clock.timers, onTick: ticks.onTick });
  cleanups.push(async () => {
    stop.abort();
    await done;
    restore();
    await run.close();
  });

  await eventually(() => state.sendToBackground !== undefined, "the command to start");
  await world.clock.advance(15_000);
  const first = await ticks.until(1);
  expect(first.actions.map((a) => a.label)).toEqual([`Bash(${command})`]);
  const result = lastUserText(run.api.requests[1] as LoggedRequest);
  expect(result).toContain("still running after the blocking budget (15 s)");
  expect(result).toContain("moved to the background as bash_1");
  expect(state.shells.get("bash_1")?.status).toBe("running");

  writeFileSync(join(dir, "go"), "");
  await eventually(() => state.tasks.waiting() > 0, "the background command to end");
  await world.clock.advance(MINUTE);
  const second = await ticks.until(2);
  expect(second.text).toContain("<status>completed</status>");
  expect(second.text).toContain("slow-done");
  expect(lastUserText(run.api.requests[2] as LoggedRequest)).toContain("slow-done");
  // Finished work stays in the history even though the answer did nothing.
  expect(second.dropped).toBe(false);
  expect(JSON.stringify(run.conversation.history)).toContain("slow-done");
});

test("200 idle ticks keep the history at a fixed size, each costing one request", async () => {
  const dir = tempDir("hone-kairos-idle-");
  const notRepo = async () => ({ code: 128, stdout: "", stderr: "not a git repository" });
  const s = await start(dir, [], { fallback: reply(text("Nothing to do.")), git: notRepo });
  let maxLength = 0;
  let maxChars = 0;
  for (let n = 1; n <= 200; n++) {
    if (n > 1) await s.world.clock.advance(MINUTE);
    const report = await s.ticks.until(n);
    expect(report.dropped).toBe(true);
    maxLength = Math.max(maxLength, s.run.conversation.history.length);
    maxChars = Math.max(maxChars, historyChars(s.run.conversation.history));
  }
  expect(s.ticks.reports[199]?.text).toBe('<tick time="2026-05-01 12:19:00 Fri">nothing changed</tick>');
  expect(maxLength).toBe(0);
  expect(maxChars).toBeLessThan(10);
  expect(s.run.api.requests).toHaveLength(200);
  // Each request carries only the tick it is about.
  expect(s.run.api.requests[199]?.body.messages).toHaveLength(1);
}, 60_000);

test("a tick that did something stays; idle ones around it do not pile up", async () => {
  const dir = tempDir("hone-kairos-mixed-");
  writeFileSync(join(dir, "notes.txt"), "one\n");
  const notRepo = async () => ({ code: 128, stdout: "", stderr: "not a git repository" });
  const s = await start(dir, [reply(toolUse("Read", { file_path: join(dir, "notes.txt") })), reply(text("Read the notes."))], { fallback: reply(text("Nothing new.")), git: notRepo });
  await s.ticks.until(1);
  const kept = s.run.conversation.history.length;
  expect(kept).toBe(4);
  for (let n = 2; n <= 20; n++) {
    await s.world.clock.advance(MINUTE);
    await s.ticks.until(n);
  }
  expect(s.run.conversation.history.length).toBe(kept);
});

test("SubscribePR through the fake gh, then the next tick reports the pull request's change", async () => {
  const dir = makeRepo();
  const world = kairosWorld();
  writePr(world, "42", { number: 42, title: "Fix the parser", state: "OPEN", reviewDecision: "REVIEW_REQUIRED", statusCheckRollup: [{ status: "IN_PROGRESS", conclusion: "" }] });
  const s = await start(dir, [reply(toolUse("SubscribePR", { pr: 42 })), reply(text("Subscribed to the PR.")), reply(text("PR 42 merged."))], { fallback: reply(text("Nothing new.")) }, world);
  const first = await s.ticks.until(1);
  expect(first.actions.map((a) => [a.label, a.isError])).toEqual([["SubscribePR(#42)", false]]);
  expect(lastUserText(s.run.api.requests[1] as LoggedRequest)).toContain('Subscribed to PR #42 "Fix the parser": OPEN, review REVIEW_REQUIRED, checks: 1 pending');

  writePr(s.world, "42", { number: 42, title: "Fix the parser", state: "MERGED", reviewDecision: "APPROVED", updatedAt: "2026-05-01T09:00:30Z", statusCheckRollup: [{ status: "COMPLETED", conclusion: "SUCCESS" }] });
  await s.world.clock.advance(MINUTE);
  const second = await s.ticks.until(2);
  expect(second.text).toContain('PR #42 "Fix the parser": state OPEN → MERGED; review REVIEW_REQUIRED → APPROVED; checks 1 pending → 1 passed');
  expect(lastUserText(s.run.api.requests[2] as LoggedRequest)).toContain("state OPEN → MERGED");
  const calls = readFileSync(join(s.world.ghState, "calls.log"), "utf8").trim().split("\n");
  expect(calls).toEqual(["pr view 42 --json number,title,state,updatedAt,reviewDecision,statusCheckRollup", "pr view 42 --json number,title,state,updatedAt,reviewDecision,statusCheckRollup"]);

  // Nothing changed since: the third tick is quiet.
  await s.world.clock.advance(MINUTE);
  expect((await s.ticks.until(3)).text).toEndWith("nothing changed</tick>");
});
