import { describe, expect, test } from "bun:test";
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHistoryCursor, historyFile, openInputHistory, readHistoryTail, searchHistory } from "../src/input-history.ts";

function freshEnv(): { HONE_CONFIG_DIR: string; HOME: string } {
  const dir = mkdtempSync(join(tmpdir(), "hone-history-"));
  return { HONE_CONFIG_DIR: join(dir, "hone"), HOME: dir };
}

const line = (display: string, project: string, extra: Record<string, unknown> = {}) => `${JSON.stringify({ display, pastedContents: {}, timestamp: 1, project, ...extra })}\n`;

describe("openInputHistory", () => {
  test("records prompts per project in one JSONL file and reads them back oldest first", () => {
    const env = freshEnv();
    const a = openInputHistory(env, "/proj/a", { now: () => 42 });
    const b = openInputHistory(env, "/proj/b");
    a.add("first");
    b.add("other project");
    a.add("second");
    expect(a.entries()).toEqual(["first", "second"]);
    const lines = readFileSync(historyFile(env), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ display: "first", pastedContents: {}, timestamp: 42, project: "/proj/a" });
    expect(statSync(historyFile(env)).mode & 0o777).toBe(0o600);
    // A new session sees only its own project's prompts.
    expect(openInputHistory(env, "/proj/a").entries()).toEqual(["first", "second"]);
    expect(openInputHistory(env, "/proj/b").entries()).toEqual(["other project"]);
  });

  test("skips empty prompts and an immediate duplicate, but not an earlier one", () => {
    const env = freshEnv();
    const h = openInputHistory(env, "/p");
    h.add("  ");
    h.add("run tests");
    h.add("run tests");
    h.add("fix it");
    h.add("run tests");
    expect(h.entries()).toEqual(["run tests", "fix it", "run tests"]);
    expect(openInputHistory(env, "/p").entries()).toEqual(["run tests", "fix it", "run tests"]);
  });

  test("skips malformed lines and entries of the wrong shape", () => {
    const env = freshEnv();
    openInputHistory(env, "/p").add("seed"); // creates the folder
    appendFileSync(historyFile(env), `not json\n{"display": 5, "project": "/p"}\n{broken\n\n${line("good", "/p")}[1,2]\nnull\n`);
    expect(openInputHistory(env, "/p").entries()).toEqual(["seed", "good"]);
  });

  test("a large file is read from its tail only, keeping the last 1,000 entries of the project", () => {
    const env = freshEnv();
    openInputHistory(env, "/p").add("oldest");
    const chunks: string[] = [];
    // ~6 MB of other projects' prompts, then 1,500 of ours interleaved with others.
    const filler = "x".repeat(2000);
    for (let i = 0; i < 3000; i++) chunks.push(line(`${filler} ${i}`, "/elsewhere"));
    for (let i = 0; i < 1500; i++) chunks.push(line(`prompt ${i} ünïcode`, "/p") + line(`noise ${i}`, "/q"));
    appendFileSync(historyFile(env), chunks.join(""));
    const entries = openInputHistory(env, "/p").entries();
    expect(entries).toHaveLength(1000);
    expect(entries[0]).toBe("prompt 500 ünïcode");
    expect(entries[999]).toBe("prompt 1499 ünïcode");
    // With a small scan window only what lies in the window is read: nothing before it.
    const tail = readHistoryTail(historyFile(env), "/p", 1000, 4096);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.length).toBeLessThan(60);
    expect(tail[tail.length - 1]?.display).toBe("prompt 1499 ünïcode");
    // The 'oldest' entry at the file's start lies beyond a 1 MB window.
    expect(openInputHistory(env, "/p", { limit: 5000, scanBytes: 1 << 20 }).entries()).not.toContain("oldest");
    expect(openInputHistory(env, "/p", { limit: 5000, scanBytes: 1e9 }).entries()[0]).toBe("oldest");
  });

  test("the first line of a small file is read (no newline before it)", () => {
    const env = freshEnv();
    openInputHistory(env, "/p").add("only");
    expect(readHistoryTail(historyFile(env), "/p", 10, 1 << 20).map((e) => e.display)).toEqual(["only"]);
    expect(readHistoryTail(join(env.HOME, "missing.jsonl"), "/p", 10, 1 << 20)).toEqual([]);
  });

  test("write failures are reported once through onError and never thrown", () => {
    const env = freshEnv();
    writeFileSync(join(env.HOME, "blocker"), "a file, not a folder");
    const blocked = { ...env, HONE_CONFIG_DIR: join(env.HOME, "blocker", "hone") };
    const errors: string[] = [];
    const h = openInputHistory(blocked, "/p", { onError: (m) => errors.push(m) });
    h.add("one");
    h.add("two");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("Could not save prompt history");
    // Still usable in this session.
    expect(h.entries()).toEqual(["one", "two"]);
  });

  test("a read-only history file does not break the session", () => {
    if (process.getuid?.() === 0) return; // root ignores file modes
    const env = freshEnv();
    openInputHistory(env, "/p").add("kept");
    chmodSync(historyFile(env), 0o400);
    const errors: string[] = [];
    const h = openInputHistory(env, "/p", { onError: (m) => errors.push(m) });
    h.add("new");
    expect(errors).toHaveLength(1);
    expect(h.entries()).toEqual(["kept", "new"]);
  });

  test("pasted text is stored with the prompt and found again by its display text", () => {
    const env = freshEnv();
    const h = openInputHistory(env, "/p");
    h.add("look at [Pasted text #1 +2 lines]", { "1": "a\nb\nc" });
    const record = JSON.parse(readFileSync(historyFile(env), "utf8"));
    expect(record.pastedContents).toEqual({ "1": { id: 1, type: "text", content: "a\nb\nc" } });
    const again = openInputHistory(env, "/p");
    expect(again.pastesFor("look at [Pasted text #1 +2 lines]")).toEqual({ "1": "a\nb\nc" });
    expect(again.pastesFor("unknown")).toBeUndefined();
  });
});

describe("createHistoryCursor", () => {
  test("Up walks back, Down comes forward and returns the unsent draft", () => {
    const c = createHistoryCursor(["one", "two", "three"]);
    expect(c.next()).toBeUndefined(); // already at the draft
    expect(c.prev("half typed")).toBe("three");
    expect(c.prev("three")).toBe("two");
    expect(c.prev("two")).toBe("one");
    expect(c.prev("one")).toBeUndefined(); // oldest reached
    expect(c.index).toBe(0);
    expect(c.next()).toBe("two");
    expect(c.next()).toBe("three");
    expect(c.next()).toBe("half typed");
    expect(c.next()).toBeUndefined();
    // Going up again keeps the (possibly edited) draft.
    expect(c.prev("edited draft")).toBe("three");
    expect(c.next()).toBe("edited draft");
  });

  test("an empty history has nothing to recall", () => {
    const c = createHistoryCursor([]);
    expect(c.prev("x")).toBeUndefined();
    expect(c.next()).toBeUndefined();
  });

  test("takes a snapshot: entries added later do not shift it", () => {
    const list = ["a", "b"];
    const c = createHistoryCursor(list);
    list.push("c");
    expect(c.prev("")).toBe("b");
  });
});

describe("searchHistory", () => {
  const entries = ["git status", "npm test", "Git log --oneline", "echo hi", "git status", "npm run build"];
  test("finds the newest match, case-insensitively", () => {
    expect(searchHistory(entries, "GIT")).toEqual({ index: 4, text: "git status" });
    expect(searchHistory(entries, "")).toBeUndefined();
    expect(searchHistory(entries, "nothing")).toBeUndefined();
  });
  test("repeated Ctrl+R finds older matches, skipping a repeat of the current one", () => {
    const first = searchHistory(entries, "git");
    const second = searchHistory(entries, "git", first?.index);
    expect(second).toEqual({ index: 2, text: "Git log --oneline" });
    const third = searchHistory(entries, "git", second?.index);
    expect(third).toEqual({ index: 0, text: "git status" });
    expect(searchHistory(entries, "git", third?.index)).toBeUndefined();
    // The skip only applies to the same text: "git status" at 0 is skipped when searching from 4.
    expect(searchHistory(entries, "status", 4)).toBeUndefined();
  });
});
