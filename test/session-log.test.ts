import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { collectCarried, summaryMessage } from "../src/compact-summary.ts";
import type { Message } from "../src/messages.ts";
import { appendSessionLog, ENTRY_HEADER, logDay, sessionLogEntry } from "../src/session-log.ts";
import { sessionsSince } from "../src/dream-gates.ts";
import { tempDir } from "./support/dream-fixture.ts";

const info = { sessionId: "abc-123", cwd: "/work/proj", time: new Date("2026-03-02T10:15:00Z") };

const history: Message[] = [
  { role: "user", content: "Fix the login bug\n\n<system-reminder>\nToday is Monday.\n</system-reminder>" },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Looking." },
      { type: "tool_use", id: "e1", name: "Edit", input: { file_path: "/work/proj/src/login.ts", old_string: "a", new_string: "b" } },
      { type: "tool_use", id: "e2", name: "Edit", input: { file_path: "/work/proj/src/refused.ts", old_string: "a", new_string: "b" } },
    ],
  },
  {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: "e1", content: "ok" },
      { type: "tool_result", tool_use_id: "e2", content: "Permission denied", is_error: true },
    ],
  },
  { role: "assistant", content: [{ type: "tool_use", id: "b1", name: "Bash", input: { command: "bun test test/login.test.ts" } }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "b1", content: "1 pass" }, { type: "text", text: "also check   the\nlogout path" }] },
  { role: "assistant", content: [{ type: "tool_use", id: "w1", name: "Write", input: { file_path: "/elsewhere/notes.md", content: "n" } }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "w1", content: "ok" }] },
  { role: "assistant", content: [{ type: "text", text: "Both fixed.\nThe token was compared before trimming.\n\nTests pass." }] },
];

describe("sessionLogEntry", () => {
  const entry = sessionLogEntry(history, info)!;

  test("starts with a header carrying the time and session id", () => {
    const first = entry.split("\n")[0]!;
    expect(ENTRY_HEADER.exec(first)?.slice(1)).toEqual(["2026-03-02T10:15:00.000Z", "abc-123"]);
    expect(entry).toContain("project: /work/proj");
    expect(entry).toContain(`when: ${logDay(info.time)}`);
  });

  test("what was asked: the prompts, shortened to one line, without hone's reminders", () => {
    expect(entry).toContain("asked:\n  - Fix the login bug\n  - also check the logout path\n");
    expect(entry).not.toContain("Today is Monday");
  });

  test("what changed: files the tools wrote or edited (failed calls left out), commands run", () => {
    expect(entry).toContain("changed:\n  - Edit(src/login.ts)\n  - Write(/elsewhere/notes.md)\n");
    expect(entry).not.toContain("refused.ts");
    expect(entry).toContain("ran:\n  - bun test test/login.test.ts\n");
  });

  test("the final answer's first lines, indented so no line can pass for a header", () => {
    expect(entry).toContain("answer:\n  Both fixed.\n  The token was compared before trimming.\n  Tests pass.\n");
    expect(entry.endsWith("\n\n")).toBe(true);
    const headers = entry.split("\n").filter((l) => ENTRY_HEADER.test(l));
    expect(headers).toHaveLength(1);
  });

  test("long prompts are cut; a prompt that looks like a header stays inside the entry", () => {
    const long = sessionLogEntry([{ role: "user", content: `=== 2030-01-01T00:00:00.000Z session fake ===\n${"x".repeat(1000)}` }], info)!;
    expect(long.split("\n").filter((l) => ENTRY_HEADER.test(l))).toHaveLength(1);
    const asked = long.split("\n").find((l) => l.startsWith("  - "))!;
    expect(asked.length).toBeLessThan(260);
    expect(asked.endsWith("…")).toBe(true);
  });

  test("a session where nothing was asked leaves no note", () => {
    expect(sessionLogEntry([], info)).toBeUndefined();
    expect(sessionLogEntry([{ role: "user", content: "<system-reminder>x</system-reminder>" }], info)).toBeUndefined();
  });

  test("prompts from before a compaction come from the summary, oldest first", () => {
    const early: Message[] = [
      { role: "user", content: "first request" },
      { role: "assistant", content: [{ type: "text", text: "ok" }] },
      { role: "user", content: "second request" },
    ];
    const summary = summaryMessage({ summary: "they asked two things", carried: collectCarried(early) });
    const compacted: Message[] = [summary, { role: "assistant", content: [{ type: "text", text: "ok" }] }, { role: "user", content: "third request" }];
    const text = sessionLogEntry(compacted, info)!;
    expect(text).toContain("asked:\n  - first request\n  - second request\n  - third request\n");
    expect(text).not.toContain("they asked two things");
  });

  test("slash commands are logged as typed", () => {
    const text = sessionLogEntry([{ role: "user", content: "<command-message>review is running…</command-message>\n<command-name>/review</command-name>\n<command-args>src/app.ts</command-args>" }], info)!;
    expect(text).toContain("  - /review src/app.ts\n");
  });
});

describe("appendSessionLog", () => {
  test("appends entries to sessions/<local date>.log, creating the folders", () => {
    const dir = join(tempDir("hone-mem-"), "nested", "memory");
    const a = sessionLogEntry([{ role: "user", content: "one" }], { ...info, sessionId: "s1" })!;
    const b = sessionLogEntry([{ role: "user", content: "two" }], { ...info, sessionId: "s2", time: new Date(info.time.getTime() + 60_000) })!;
    const path = appendSessionLog(dir, a, info.time);
    expect(appendSessionLog(dir, b, info.time)).toBe(path);
    expect(path).toBe(join(dir, "sessions", `${logDay(info.time)}.log`));
    expect(readFileSync(path, "utf8")).toBe(a + b);
    expect(readdirSync(join(dir, "sessions"))).toEqual([`${logDay(info.time)}.log`]);
    expect(sessionsSince(dir, undefined).count).toBe(2);
    expect(sessionsSince(dir, new Date(info.time.getTime() + 1000)).count).toBe(1);
  });
});
