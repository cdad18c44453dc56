// KAIROS's pieces on their own: snapshots of real folders and repositories, the pure diffs, the tick
// text, the idle-tick policy over a history, pull request parsing, and the blocking budget on Bash.
import { expect, test } from "bun:test";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withBlockingBudget } from "../src/kairos-budget.ts";
import { countChecks, parsePr, prChanges, type PrState } from "../src/kairos-prs.ts";
import { actionLabel, dropIdleTick, isQuiet, tickActions, tickText } from "../src/kairos-tick.ts";
import { createWatcher, diffFiles, diffGit, parseGitStatus, takeSnapshot } from "../src/kairos-watch.ts";
import { PrSubscriptions } from "../src/kairos-prs.ts";
import { createGitRunner } from "../src/git-run.ts";
import type { Message } from "../src/messages.ts";
import { createTaskRegistry } from "../src/tasks.ts";
import { bashTool } from "../src/tools/bash.ts";
import { fakeClock } from "./support/cron-fixture.ts";
import { eventually } from "./support/kairos-fixture.ts";
import { git, makeRepo, tempDir } from "./support/git-repo.ts";
import { harness } from "./support/tool-harness.ts";

const gitRunner = createGitRunner();

test("a repository snapshot holds tracked and untracked files, not ignored ones, and the git state", async () => {
  const dir = makeRepo();
  mkdirSync(join(dir, "build"));
  writeFileSync(join(dir, "build", "out.js"), "ignored");
  mkdirSync(join(dir, "node_modules"));
  writeFileSync(join(dir, "node_modules", "dep.js"), "noise");
  writeFileSync(join(dir, "todo.md"), "untracked");
  const snap = await takeSnapshot({ cwd: dir, git: gitRunner });
  expect([...snap.files.keys()].sort()).toEqual([".gitignore", "a.txt", "b.txt", "src/c.txt", "todo.md"]);
  expect(snap.git).toMatchObject({ branch: "main", dirty: 2 });
  expect(snap.git?.head).toMatch(/^[0-9a-f]{7}$/);
  expect(snap.git?.ahead).toBeUndefined();
});

test("outside a repository the walk skips node_modules and ignored folders, up to the limit", async () => {
  const dir = tempDir("hone-kairos-walk-");
  writeFileSync(join(dir, ".gitignore"), "secret/\n");
  for (const sub of ["node_modules", "secret", "docs"]) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, "node_modules", "x.js"), "");
  writeFileSync(join(dir, "secret", "key"), "");
  for (const name of ["a.md", "b.md", "c.md"]) writeFileSync(join(dir, "docs", name), "");
  const snap = await takeSnapshot({ cwd: dir, git: gitRunner });
  expect(snap.git).toBeUndefined();
  expect([...snap.files.keys()].sort()).toEqual([".gitignore", "docs/a.md", "docs/b.md", "docs/c.md"]);
  const capped = await takeSnapshot({ cwd: dir, git: gitRunner, maxFiles: 2 });
  expect(capped.files.size).toBe(2);
  expect(capped.capped).toBe(true);
});

test("files are compared by mtime and size", () => {
  const before = new Map([["a", { mtimeMs: 1, size: 1 }], ["b", { mtimeMs: 1, size: 1 }], ["c", { mtimeMs: 1, size: 1 }]]);
  const after = new Map([["a", { mtimeMs: 1, size: 1 }], ["b", { mtimeMs: 2, size: 1 }], ["d", { mtimeMs: 1, size: 1 }]]);
  expect(diffFiles(before, after)).toEqual({ added: ["d"], modified: ["b"], deleted: ["c"] });
});

test("git status v2 headers and entries; a rename's second path is not counted", () => {
  const text = ["# branch.oid 0123456789abcdef", "# branch.head feature", "# branch.upstream origin/feature", "# branch.ab +2 -1", "1 .M N... 100644 100644 100644 a a a.txt", "2 R. N... 100644 100644 100644 a a R100 new.txt", "old.txt", "? untracked.txt", ""].join("\0");
  expect(parseGitStatus(text)).toEqual({ branch: "feature", head: "0123456", ahead: 2, behind: 1, dirty: 3 });
  const before = { branch: "main", head: "aaaaaaa", ahead: 0, behind: 0, dirty: 0 };
  expect(diffGit(before, parseGitStatus(text))).toEqual(["branch main → feature", "HEAD aaaaaaa → 0123456", "upstream: 2 ahead, 1 behind (was 0 ahead, 0 behind)", "3 uncommitted changes (was 0)"]);
  expect(diffGit(before, before)).toEqual([]);
});

test("the watcher sees a commit and a modified file, and drains finished background work", async () => {
  const dir = makeRepo();
  const tasks = createTaskRegistry();
  const watcher = createWatcher({ cwd: dir, env: process.env, tasks, subscriptions: new PrSubscriptions() });
  const first = await watcher.observe();
  expect(first.first).toBe(true);
  expect(tickText(first, new Date(2026, 0, 5, 8, 30))).toStartWith('<tick time="2026-01-05 08:30:00 Mon">\nwatching 4 files\ngit: branch main at');

  writeFileSync(join(dir, "a.txt"), "alpha, longer now\n");
  utimesSync(join(dir, "a.txt"), new Date(2030, 0, 1), new Date(2030, 0, 1));
  git(dir, "commit", "--quiet", "-am", "second");
  tasks.post({ id: "bash_1", kind: "shell", description: "npm test", status: "completed", result: "Exit code 0. 12 passed" });
  const second = await watcher.observe();
  expect(second.files.modified).toEqual(["a.txt"]);
  expect(second.git[0]).toMatch(/^HEAD [0-9a-f]{7} → [0-9a-f]{7}$/);
  const text = tickText(second, new Date(2026, 0, 5, 8, 31));
  expect(text).toContain("files modified: a.txt");
  expect(text).toContain("<task-id>bash_1</task-id>");
  expect(text).toContain("12 passed");
  expect(tasks.waiting()).toBe(0);

  const third = await watcher.observe();
  expect(isQuiet(third)).toBe(true);
  expect(tickText(third, new Date(2026, 0, 5, 8, 32))).toBe('<tick time="2026-01-05 08:32:00 Mon">nothing changed</tick>');
});

const tick = '<tick time="2026-01-05 08:32:00 Mon">nothing changed</tick>';
const kept: Message[] = [
  { role: "user", content: "first" },
  { role: "assistant", content: [{ type: "text", text: "ok" }] },
];

test("an idle answer and its tick leave the history; a tool call or a long reply keeps them", () => {
  const idle: Message[] = [...kept, { role: "user", content: tick }, { role: "assistant", content: [{ type: "text", text: "Nothing to do." }] }];
  expect(dropIdleTick(idle, tick)).toBe(true);
  expect(idle).toEqual(kept);
  expect(dropIdleTick(idle, tick)).toBe(false);

  const acted: Message[] = [
    ...kept,
    { role: "user", content: tick },
    { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Read", input: { file_path: "/p/a.txt" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "boom", is_error: true }] },
    { role: "assistant", content: [{ type: "text", text: "done" }] },
  ];
  expect(dropIdleTick(acted, tick)).toBe(false);
  expect(tickActions(acted, tick, "/p")).toEqual([{ name: "Read", input: { file_path: "/p/a.txt" }, label: "Read(a.txt)", isError: true }]);

  expect(actionLabel("PushNotification", { title: "CI red", message: "m" }, "/p")).toBe("PushNotification(CI red)");
  expect(actionLabel("SubscribePR", { pr: "https://github.com/o/r/pull/5" }, "/p")).toBe("SubscribePR(https://github.com/o/r/pull/5)");

  const talkative: Message[] = [...kept, { role: "user", content: tick }, { role: "assistant", content: [{ type: "text", text: "x".repeat(400) }] }];
  expect(dropIdleTick(talkative, tick)).toBe(false);
});

test("a tick that joined an earlier user message is removed from it alone", () => {
  const results: Message = { role: "user", content: [{ type: "tool_result", tool_use_id: "t9", content: "cut off" }] };
  const history: Message[] = [
    { role: "assistant", content: [{ type: "tool_use", id: "t9", name: "Bash", input: { command: "x" } }] },
    { role: "user", content: [...(results.content as []), { type: "text", text: tick }] },
    { role: "assistant", content: [{ type: "text", text: "Idle." }] },
  ];
  expect(dropIdleTick(history, tick)).toBe(true);
  expect(history).toEqual([history[0] as Message, results]);
});

const pr = (over: Partial<PrState>): PrState => ({ number: 7, title: "T", state: "OPEN", updatedAt: "a", reviewDecision: "", checks: { passed: 0, failed: 0, pending: 0 }, ...over });

test("gh's JSON: check runs and commit statuses are counted; changes are described", () => {
  const json = JSON.stringify({ number: 7, title: "T", state: "OPEN", updatedAt: "a", reviewDecision: null, statusCheckRollup: [{ status: "COMPLETED", conclusion: "SUCCESS" }, { status: "COMPLETED", conclusion: "FAILURE" }, { status: "QUEUED", conclusion: "" }, { state: "SUCCESS" }, { state: "PENDING" }] });
  expect(parsePr(json)).toEqual(pr({ checks: { passed: 2, failed: 1, pending: 2 } }));
  expect(parsePr("not json")).toBeUndefined();
  expect(parsePr('{"number":"x"}')).toBeUndefined();
  expect(countChecks([])).toEqual({ passed: 0, failed: 0, pending: 0 });
  expect(prChanges(pr({}), pr({ updatedAt: "b" }))).toEqual(["new activity (updated b)"]);
  expect(prChanges(pr({}), pr({ state: "CLOSED", title: "U", updatedAt: "b" }))).toEqual(["state OPEN → CLOSED", 'retitled from "T"']);
  expect(prChanges(pr({}), pr({}))).toEqual([]);
});

test("the budget sends a long foreground command to the background; a quick one is untouched", async () => {
  const clock = fakeClock(new Date(2026, 0, 1));
  const tool = withBlockingBudget(bashTool, { budgetSecs: 15, timers: clock.timers });
  const h = harness();
  const quick = await h.call(tool, { command: "echo quick" });
  expect(quick.text).toBe("quick");
  expect(clock.pending()).toBe(0);

  const call = h.call(tool, { command: `while [ ! -f ${join(h.dir, "go")} ]; do sleep 0.02; done; echo slow-done` });
  await eventually(() => h.state.sendToBackground !== undefined, "the command to start");
  await clock.advance(14_999);
  expect(h.state.shells.size).toBe(0);
  await clock.advance(1);
  const moved = await call;
  expect(moved.isError).toBeFalsy();
  expect(moved.text).toContain("moved to the background as bash_1");
  writeFileSync(join(h.dir, "go"), "");
  await eventually(() => h.state.tasks.waiting() > 0, "the notice");
  const [notice] = h.state.tasks.drain();
  expect(notice).toMatchObject({ id: "bash_1", kind: "shell", status: "completed" });
  expect(notice?.result).toContain("slow-done");
});
