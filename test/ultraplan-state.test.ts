// The run's state file: atomic writes, tolerant reads, capped progress and the in-order store.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MAX_PROGRESS_LINES,
  createRun,
  createStateStore,
  initialState,
  isFinal,
  newProgress,
  newRunId,
  readState,
  runDir,
  statePath,
  withProgress,
  writeState,
} from "../src/ultraplan-state.ts";

const tempDir = () => mkdtempSync(join(tmpdir(), "hone-upstate-"));
const env = () => ({ HOME: tempDir(), HONE_CONFIG_DIR: join(tempDir(), "cfg") });

describe("ids and folders", () => {
  test("ids are sortable, distinct and usable as folder names; crafted ids are refused", () => {
    const a = newRunId(new Date("2026-04-01T10:20:30Z"));
    const b = newRunId(new Date("2026-04-01T10:20:30Z"));
    expect(a).toMatch(/^up-20260401102030-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    const e = env();
    expect(runDir(e, a)).toBe(join(e.HONE_CONFIG_DIR, "ultraplan", a));
    expect(() => runDir(e, "../../etc")).toThrow("not an ultraplan id");
    expect(() => runDir(e, "")).toThrow();
  });
});

describe("writing and reading", () => {
  test("createRun writes a readable first state, private to the user, with no temp file left", async () => {
    const e = env();
    const { dir, state } = await createRun(e, { task: "plan it", cwd: "/p", model: "opus", maxDurationSecs: 60 });
    expect(state.status).toBe("planning");
    const read = readState(dir);
    expect(read).toEqual({ ok: true, state });
    expect(statSync(statePath(dir)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  test("a missing, torn or foreign file is reported, not thrown", async () => {
    const dir = tempDir();
    const missing = readState(dir);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problem).toBe("missing");

    const state = initialState({ id: "up-1", task: "t", cwd: "/" }, new Date());
    const full = JSON.stringify(state);
    writeFileSync(statePath(dir), full.slice(0, full.length / 2));
    const torn = readState(dir);
    expect(torn.ok).toBe(false);
    if (!torn.ok) {
      expect(torn.problem).toBe("torn");
      expect(torn.message).toContain("cut off");
    }

    writeFileSync(statePath(dir), JSON.stringify({ ...state, status: "thinking" }));
    const foreign = readState(dir);
    expect(foreign.ok).toBe(false);
    if (!foreign.ok) expect(foreign.message).toContain('unknown status "thinking"');

    writeFileSync(statePath(dir), "[1,2]");
    expect(readState(dir).ok).toBe(false);

    await writeState(dir, state);
    expect(readState(dir)).toEqual({ ok: true, state });
  });
});

describe("progress", () => {
  test("lines are folded and capped; readers find the new ones even after old ones were dropped", () => {
    let state = initialState({ id: "up-1", task: "t", cwd: "/" }, new Date());
    state = withProgress(state, "  Read(\n src/a.ts)  ");
    state = withProgress(state, "   ");
    expect(state.progress).toEqual(["Read( src/a.ts)"]);
    expect(state.progressCount).toBe(1);
    state = withProgress(state, "x".repeat(1000));
    expect(state.progress[1]!.length).toBe(300);
    for (let i = 0; i < MAX_PROGRESS_LINES + 50; i++) state = withProgress(state, `line ${i}`);
    expect(state.progress.length).toBe(MAX_PROGRESS_LINES);
    expect(state.progress.at(-1)).toBe(`line ${MAX_PROGRESS_LINES + 49}`);
    expect(newProgress(state, state.progressCount - 3)).toEqual([`line ${MAX_PROGRESS_LINES + 47}`, `line ${MAX_PROGRESS_LINES + 48}`, `line ${MAX_PROGRESS_LINES + 49}`]);
    // A reader that fell far behind gets what is kept, not more.
    expect(newProgress(state, 0).length).toBe(MAX_PROGRESS_LINES);
    expect(newProgress(state, state.progressCount)).toEqual([]);
  });

  test("final statuses", () => {
    expect(["approved", "local", "timeout", "failed", "stopped"].every((s) => isFinal(s as never))).toBe(true);
    expect(["planning", "ready", "rejected-revising"].some((s) => isFinal(s as never))).toBe(false);
  });
});

describe("the store", () => {
  test("updates apply at once and reach the file in order, the last one winning", async () => {
    const dir = tempDir();
    let tick = 0;
    const clock = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
    const store = createStateStore(dir, initialState({ id: "up-1", task: "t", cwd: "/" }, clock()), clock);
    for (let i = 0; i < 100; i++) store.update((s) => withProgress(s, `step ${i}`));
    store.update((s) => ({ ...s, status: "ready", plan: "# plan", revision: 1 }));
    expect(store.get().status).toBe("ready");
    await store.flush();
    const read = readState(dir);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.state).toEqual(store.get());
    expect(read.state.progressCount).toBe(100);
    expect(read.state.updatedAt).toBe(store.get().updatedAt);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("a failed write is reported by flush", async () => {
    const dir = tempDir();
    const blocker = join(dir, "file");
    writeFileSync(blocker, "");
    // The run's folder would be under a regular file: every write fails.
    const store = createStateStore(join(blocker, "run"), initialState({ id: "up-1", task: "t", cwd: "/" }, new Date()));
    store.update((s) => ({ ...s, plan: "x" }));
    await expect(store.flush()).rejects.toThrow();
  });
});
