// Dreams in-process against the scripted API (the real provider, the real file tools and permission
// engine), and one in a separate process killed with SIGKILL half-way.
import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readLastDream, shouldDream } from "../src/dream-gates.ts";
import { parseLock, releaseLock } from "../src/dream-lock.ts";
import { DREAM_TASK_OPENING, DREAM_TOOLS } from "../src/dream-prompt.ts";
import { dreamWhenDue, runDream, type DreamOptions } from "../src/dream.ts";
import { loadMemoryIndex } from "../src/memory-dir.ts";
import { servedApi } from "./support/api-fixture.ts";
import { logSessions, memoryOnly, OLD_INDEX, parentConfig, seedMemory, snapshot, tempDir } from "./support/dream-fixture.ts";
import { firstUserText, reply, text, toolUse, type LoggedRequest, type Step } from "./support/mock-api.ts";
import { toolNames, toolResultText } from "./support/request-text.ts";

const serve = servedApi();
const SETTINGS = { dreamIntervalHours: 24, dreamSessionThreshold: 5 };
const NOW = new Date("2026-04-10T12:00:00Z");

/** The staging folder and the logs a dream's task names. */
function task(req: LoggedRequest): { staging: string; logs: string[] } {
  const opening = firstUserText(req.body);
  const staging = /^Memory folder \([^)]*\): (.+)$/m.exec(opening)?.[1];
  if (!staging) throw new Error(`no staging folder in the task: ${opening}`);
  return { staging, logs: [...opening.matchAll(/^- (\/\S+\.log)$/gm)].map((m) => m[1]!) };
}

/** A memory folder with an old memory and five sessions, one per day, and a passed gate. */
function readyDream(url: string, extra: Partial<DreamOptions> = {}): { dir: string; options: DreamOptions } {
  // Where the default memory folder is: inside ~/.hone, whose files are otherwise protected from edits.
  const dir = seedMemory(join(tempDir("hone-home-"), ".hone", "memory"));
  logSessions(dir, 5, new Date("2026-04-05T09:00:00Z"), 24);
  const gate = shouldDream(dir, SETTINGS, NOW);
  if (!gate.run) throw new Error(gate.reason);
  return { dir, options: { dir, gate, config: parentConfig(url, dir), env: { HOME: process.env.HOME }, now: () => NOW, ...extra } };
}

/** Dream bookkeeping still in the folder: the lock, staging, backup and trash folders. */
const noLeftovers = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(".dream"));

const NEW_INDEX = "# Memory\n- topics/old-notes.md: what was known before\n- topics/project-alpha.md: the alpha project: files, commands\n- topics/preferences.md: how the user likes to work\n";

describe("a scripted dream", () => {
  test("five session logs become topic files and an index; writes outside the copy are refused", async () => {
    let staging = "";
    const orient: Step = (req) => {
      const t = task(req);
      staging = t.staging;
      return reply(
        toolUse("Glob", { pattern: "**/*" }, "g1"),
        toolUse("Read", { file_path: join(staging, "MEMORY.md") }, "r0"),
        ...t.logs.map((log, i) => toolUse("Read", { file_path: log }, `log${i}`)),
      );
    };
    const commit: Step = (req) => {
      const dir = join(staging, "..");
      return reply(
        toolUse("Write", { file_path: join(staging, "topics", "project-alpha.md"), content: "# Alpha\n- Files f1..f5 in src/ (2026-04-05 to 2026-04-09).\n" }, "w1"),
        toolUse("Write", { file_path: join(staging, "topics", "preferences.md"), content: "# Preferences\n- Use pnpm, not npm (since 2026-04-05).\n" }, "w2"),
        toolUse("Write", { file_path: join(staging, "MEMORY.md"), content: NEW_INDEX }, "w3"),
        toolUse("Write", { file_path: join(dir, "MEMORY.md"), content: "hijacked" }, "x1"),
        toolUse("Write", { file_path: join(dir, "topics", "evil.md"), content: "x" }, "x2"),
        toolUse("Edit", { file_path: task(req).logs[0]!, old_string: "task", new_string: "job" }, "x3"),
      );
    };
    const api = await serve({ routes: [{ prompt: DREAM_TASK_OPENING, steps: [orient, commit, reply(text("Merged five sessions into project-alpha and preferences."))] }] });
    const { dir, options } = readyDream(api.url);
    const logsBefore = snapshot(join(dir, "sessions"));
    const result = await runDream(options);

    expect(result.status).toBe("completed");
    expect(result.message).toContain("Merged five sessions");
    expect(result.topics).toEqual(["old-notes.md", "preferences.md", "project-alpha.md"]);
    expect(result.warnings).toEqual([]);
    // The task named the five daily logs; the dream read them and its copy of the memory.
    expect(task(api.requests[0]!).logs).toHaveLength(5);
    const second = api.requests[1]!;
    for (let i = 0; i < 5; i++) expect(toolResultText(second, `log${i}`)).toContain(`task number ${i + 1}`);
    expect(toolResultText(second, "r0")).toContain("old-notes.md");
    expect(toolNames(second).sort()).toEqual([...DREAM_TOOLS].sort());
    // Its writes landed in the copy only.
    const third = api.requests[2]!;
    for (const id of ["x1", "x2", "x3"]) expect(toolResultText(third, id)).toContain("denied");
    expect(readFileSync(join(dir, "MEMORY.md"), "utf8")).toBe(NEW_INDEX);
    expect(readFileSync(join(dir, "topics", "preferences.md"), "utf8")).toContain("Use pnpm, not npm");
    expect(readdirSync(join(dir, "topics")).sort()).toEqual(["old-notes.md", "preferences.md", "project-alpha.md"]);
    expect(snapshot(join(dir, "sessions"))).toEqual(logsBefore);
    // Bookkeeping: the lock is released, no copies are left, the time is recorded.
    expect(noLeftovers(dir)).toEqual([]);
    expect(existsSync(join(dir, ".dream.lock"))).toBe(false);
    expect(readLastDream(dir)).toEqual(NOW);
    // The next session's prompt carries the new index; the next gate waits for new sessions.
    expect(loadMemoryIndex(dir).text).toContain("- topics/preferences.md: how the user likes to work");
    const next = shouldDream(dir, SETTINGS, new Date(NOW.getTime() + 25 * 3600_000));
    expect(next.run ? "run" : next.blocked).toBe("sessions");
    const again = await dreamWhenDue({ ...options, settings: SETTINGS });
    expect(again.ran ? "ran" : again.blocked).toBe("interval");
    expect(api.requests).toHaveLength(3);
  });
});

describe("a dream that does not finish leaves the memory byte for byte", () => {
  const readThenWrite = (garbage: string): Step[] => [
    (req) => reply(toolUse("Read", { file_path: join(task(req).staging, "MEMORY.md") })),
    (req) => reply(toolUse("Write", { file_path: join(task(req).staging, "MEMORY.md"), content: garbage })),
  ];

  test("an API error half-way", async () => {
    const api = await serve({ routes: [{ prompt: DREAM_TASK_OPENING, steps: [...readThenWrite("half written"), { fault: "status", status: 400, type: "invalid_request_error", message: "scripted failure" }] }] });
    const { dir, options } = readyDream(api.url);
    const before = snapshot(dir, memoryOnly);
    const result = await runDream(options);
    expect(result.status).toBe("failed");
    expect(result.message).toContain("scripted failure");
    expect(api.requests).toHaveLength(3);
    expect(snapshot(dir, memoryOnly)).toEqual(before);
    expect(readFileSync(join(dir, "MEMORY.md"), "utf8")).toBe(OLD_INDEX);
    expect(noLeftovers(dir)).toEqual([]);
    expect(readLastDream(dir)).toBeUndefined();
  });

  test("a result over the index limit is not used", async () => {
    const long = Array.from({ length: 250 }, (_, i) => `- topics/t${i}.md: topic`).join("\n");
    const api = await serve({ routes: [{ prompt: DREAM_TASK_OPENING, steps: [...readThenWrite(long), reply(text("done"))] }] });
    const { dir, options } = readyDream(api.url);
    const before = snapshot(dir, memoryOnly);
    const result = await runDream(options);
    expect(result.status).toBe("failed");
    expect(result.message).toContain("250 lines");
    expect(snapshot(dir, memoryOnly)).toEqual(before);
    expect(noLeftovers(dir)).toEqual([]);
  });

  test("stopped by its signal", async () => {
    const api = await serve({ routes: [{ prompt: DREAM_TASK_OPENING, steps: readThenWrite("never used"), fallback: { fault: "hang" } }] });
    const controller = new AbortController();
    let requests = 0;
    const { dir, options } = readyDream(api.url, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "tool_result" && ++requests === 2) controller.abort();
      },
    });
    const before = snapshot(dir, memoryOnly);
    const result = await runDream(options);
    expect(result.status).toBe("stopped");
    expect(snapshot(dir, memoryOnly)).toEqual(before);
    expect(noLeftovers(dir)).toEqual([]);
  });

  test("kill -9 half-way: the old memory stays; the next gate takes the stale lock and clears the copy", async () => {
    const api = await serve({ routes: [{ prompt: DREAM_TASK_OPENING, steps: readThenWrite("half written by a dream that will be killed"), fallback: { fault: "hang" } }] });
    const dir = seedMemory();
    logSessions(dir, 5, new Date("2026-04-05T09:00:00Z"), 24);
    const before = snapshot(dir, memoryOnly);
    const child = spawn(process.execPath, [join(import.meta.dir, "support", "dream-child.ts"), dir, api.url], { stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let exitCode: number | null = null;
    const exited = new Promise((resolve) => child.once("exit", (code) => resolve((exitCode = code ?? -1))));
    // The third request hangs: by then the dream has written its copy of MEMORY.md.
    while (api.requests.length < 3 && exitCode === null) await Bun.sleep(10);
    expect(output).toBe("");
    const staging = join(dir, `.dream-staging-${child.pid}`);
    expect(readFileSync(join(staging, "MEMORY.md"), "utf8")).toContain("half written");
    child.kill("SIGKILL");
    await exited;

    expect(snapshot(dir, memoryOnly)).toEqual(before);
    expect(parseLock(readFileSync(join(dir, ".dream.lock"), "utf8"))?.pid).toBe(child.pid!);
    expect(existsSync(staging)).toBe(true);
    const gate = shouldDream(dir, SETTINGS, new Date(), { force: true });
    if (!gate.run) throw new Error(`blocked: ${gate.reason}`);
    expect(gate.notes.join("\n")).toContain(`its process ${child.pid} is gone`);
    expect(gate.notes.join("\n")).toContain(`removed .dream-staging-${child.pid}`);
    expect(existsSync(staging)).toBe(false);
    expect(loadMemoryIndex(dir).text).toContain(OLD_INDEX.trim());
    releaseLock(gate.lock);
  });
});
