// `hone sessions`: listing real transcript files written with the transcript builders into a private HOME.
import { describe, expect, test } from "bun:test";
import { statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { emptyUsage } from "../src/models.ts";
import { openTranscript } from "../src/session-file.ts";
import { transcriptPath } from "../src/session-store.ts";
import { localTime, oneLine, sessionsCommand } from "../src/sessions-command.ts";
import type { CommandIO } from "../src/subcommands.ts";
import { assistantEntries, userEntry, type EntryContext, type TranscriptEntry } from "../src/transcript.ts";
import { tempHome } from "./support/sessions.ts";

interface Collected extends CommandIO {
  stdout: () => string;
  stderr: () => string;
}

function io(home: string, cwd: string): Collected {
  let out = "";
  let err = "";
  return { cwd, env: { HOME: home }, out: (t) => (out += t), err: (t) => (err += t), stdout: () => out, stderr: () => err };
}

/** Writes a session with one answered exchange per prompt; `turns` extra replies go to the last prompt. */
function writeSession(home: string, cwd: string, id: string, prompts: string[], ageMinutes: number, extra: TranscriptEntry[] = []): string {
  const ctx: EntryContext = { sessionId: id, cwd, version: "test", entrypoint: "cli" };
  const path = transcriptPath({ HOME: home }, cwd, id);
  const writer = openTranscript(path);
  let parent: string | null = null;
  for (const [i, prompt] of prompts.entries()) {
    const user = userEntry(ctx, parent, prompt);
    const reply = assistantEntries(ctx, user.uuid, {
      id: `msg_${id.slice(0, 4)}_${i}`,
      model: "claude-test",
      content: [{ type: "text", text: `answer ${i}` }],
      stop_reason: "end_turn",
      usage: emptyUsage(),
    });
    writer.append([user, ...reply]);
    parent = reply[reply.length - 1]!.uuid;
  }
  writer.append(extra);
  writer.close();
  const when = new Date(Date.now() - ageMinutes * 60_000);
  utimesSync(path, when, when);
  return path;
}

const A = "aaaaaaaa-1111-4111-8111-111111111111";
const B = "bbbbbbbb-2222-4222-8222-222222222222";
const C = "cccccccc-3333-4333-8333-333333333333";

function setup() {
  const home = tempHome();
  const here = join(home, "work", "app");
  const other = join(home, "work", "other");
  writeSession(home, here, A, ["fix the login bug", "now add a test"], 60);
  writeSession(home, here, B, ["rename the config loader"], 5);
  writeSession(home, other, C, ["unrelated project task", "second", "third"], 1);
  return { home, here, other };
}

describe("hone sessions", () => {
  test("lists this directory's sessions, most recent first, with short id, time, counts and first prompt", async () => {
    const { home, here } = setup();
    const run = io(home, here);
    expect(await sessionsCommand([], run)).toBe(0);
    const lines = run.stdout().split("\n");
    const rows = lines.filter((l) => /^[0-9a-f]{8} {2}/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toStartWith("bbbbbbbb  ");
    expect(rows[0]).toMatch(/\s1\s+1\s+rename the config loader$/);
    expect(rows[1]).toStartWith("aaaaaaaa  ");
    expect(rows[1]).toMatch(/\s2\s+2\s+fix the login bug$/);
    expect(rows[1]).toContain(`  ${localTime(statSync(transcriptPath({ HOME: home }, here, A)).mtime.toISOString())}  `);
    expect(run.stdout()).not.toContain("cccccccc");
    expect(run.stdout()).toContain("hone -p --resume <id>");
    expect(run.stderr()).toBe("");
  });

  test("--all lists every project's sessions, newest first, each with its folder", async () => {
    const { home, here, other } = setup();
    const run = io(home, here);
    expect(await sessionsCommand(["--all"], run)).toBe(0);
    const lines = run.stdout().split("\n");
    const ids = lines.filter((l) => /^[0-9a-f]{8} {2}/.test(l)).map((l) => l.slice(0, 8));
    expect(ids).toEqual(["cccccccc", "bbbbbbbb", "aaaaaaaa"]);
    const row = lines.findIndex((l) => l.startsWith("cccccccc"));
    expect(lines[row + 1]!.trim()).toBe(`in ${other}`);
    expect(lines[row]).toMatch(/\s3\s+3\s+unrelated project task$/);
  });

  test("--json gives full ids, ISO times, paths and counts in the same order", async () => {
    const { home, here } = setup();
    const run = io(home, here);
    expect(await sessionsCommand(["--json"], run)).toBe(0);
    const list = JSON.parse(run.stdout()) as Array<Record<string, unknown>>;
    expect(list.map((s) => s.id)).toEqual([B, A]);
    expect(list[1]).toMatchObject({ shortId: "aaaaaaaa", prompts: 2, turns: 2, firstPrompt: "fix the login bug", cwd: here, path: transcriptPath({ HOME: home }, here, A) });
    expect(Date.parse(list[0]!.lastActive as string)).toBeGreaterThan(Date.parse(list[1]!.lastActive as string));
    const all = io(home, here);
    await sessionsCommand(["--all", "--json"], all);
    expect((JSON.parse(all.stdout()) as unknown[]).length).toBe(3);
  });

  test("counts follow the current conversation after a rewind marker", async () => {
    const home = tempHome();
    const cwd = join(home, "proj");
    writeSession(home, cwd, A, ["one", "two", "three"], 1, [{ type: "rewind", leafUuid: null, sessionId: A, timestamp: new Date().toISOString() }]);
    const run = io(home, cwd);
    await sessionsCommand(["--json"], run);
    expect(JSON.parse(run.stdout())[0]).toMatchObject({ prompts: 0, turns: 0, firstPrompt: "" });
    const text = io(home, cwd);
    await sessionsCommand([], text);
    expect(text.stdout()).toContain("(no prompt)");
  });

  test("a long multi-line first prompt is shown on one line that fits 80 columns", async () => {
    const home = tempHome();
    const cwd = join(home, "proj");
    const prompt = `Please refactor\n\n  the whole payment module so that ${"every handler ".repeat(20)}is covered`;
    writeSession(home, cwd, A, [prompt], 1);
    const run = io(home, cwd);
    await sessionsCommand([], run);
    const row = run.stdout().split("\n").find((l) => l.startsWith("aaaaaaaa"))!;
    expect(Array.from(row).length).toBeLessThanOrEqual(80);
    expect(row).toContain("Please refactor the whole payment");
    expect(row.endsWith("…")).toBe(true);
  });

  test("no sessions: a friendly line saying how to start one, exit 0; --json prints []", async () => {
    const home = tempHome();
    const cwd = join(home, "empty");
    const run = io(home, cwd);
    expect(await sessionsCommand([], run)).toBe(0);
    expect(run.stdout()).toBe(`No saved sessions for ${cwd} yet. Start one with: hone -p "<your task>"\n`);
    const all = io(home, cwd);
    expect(await sessionsCommand(["--all"], all)).toBe(0);
    expect(all.stdout()).toStartWith("No saved sessions yet.");
    const json = io(home, cwd);
    await sessionsCommand(["--json"], json);
    expect(JSON.parse(json.stdout())).toEqual([]);
  });

  test("an unknown option prints usage on stderr and exits 2", async () => {
    const home = tempHome();
    const run = io(home, home);
    expect(await sessionsCommand(["--bogus"], run)).toBe(2);
    expect(run.stderr()).toContain('unknown option "--bogus"');
    expect(run.stderr()).toContain("Usage: hone sessions");
    expect(run.stdout()).toBe("");
  });
});

test("oneLine collapses whitespace and cuts with an ellipsis at the width", () => {
  expect(oneLine("a\n  b\tc", 10)).toBe("a b c");
  expect(oneLine("abcdefghij", 5)).toBe("abcd…");
  expect(Array.from(oneLine("😀".repeat(10), 4))).toHaveLength(4);
});
