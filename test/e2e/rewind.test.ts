// `hone rewind` through the real binary: a three-prompt session whose model creates and edits files with
// Write/Edit, then listing, code-only, conversation-only and combined rewinds, checked against the files
// on disk (byte for byte) and against what the next `hone -p -c` sends to the API.
import { afterEach, expect, test } from "bun:test";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, startMockApi, text, toolUse, type MockApi } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { conversationProblems, messagesOf, normalize, tempHome, type WireMessage } from "../support/sessions.ts";

let api: MockApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

type Snapshot = Record<string, { bytes: string; mode: number }>;

/** Every file in the project: base64 bytes and permission bits, so comparisons are byte-exact. */
function snapshot(dir: string): Snapshot {
  const out: Snapshot = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    out[name] = { bytes: readFileSync(path).toString("base64"), mode: statSync(path).mode & 0o777 };
  }
  return out;
}

/** The typed prompts in a request, in order (tool results and answers left out). */
function promptsSent(messages: WireMessage[]): string[] {
  return normalize(messages)
    .filter((m) => m.role === "user")
    .flatMap((m) => (m.content as Array<Record<string, unknown>>).filter((b) => b.type === "text").map((b) => b.text as string));
}

interface Session {
  dir: string;
  env: { HOME: string };
  server: MockApi;
  id: string;
  /** Project files before prompt 1, 2, 3 and after prompt 3. */
  states: Snapshot[];
  hone: (args: string[]) => ReturnType<typeof runHone>;
}

/**
 * Prompt 1 creates a.txt; prompt 2 edits the pre-existing notes.txt (CRLF, no final newline, mode 640) and
 * a.txt and creates c.txt; prompt 3 edits a.txt and c.txt and creates d.txt.
 */
async function threePrompts(): Promise<Session> {
  const dir = tempProject();
  const env = { HOME: tempHome() };
  const p = (name: string) => join(dir, name);
  writeFileSync(p("notes.txt"), "line1\r\nline2");
  chmodSync(p("notes.txt"), 0o640);
  const server = await startMockApi({
    steps: [
      reply(toolUse("Write", { file_path: p("a.txt"), content: "A1\n" })),
      reply(text("one done")),
      reply(toolUse("Read", { file_path: p("notes.txt") }), toolUse("Read", { file_path: p("a.txt") })),
      reply(
        toolUse("Edit", { file_path: p("notes.txt"), old_string: "line2", new_string: "LINE2" }),
        toolUse("Edit", { file_path: p("a.txt"), old_string: "A1", new_string: "A2" }),
        toolUse("Write", { file_path: p("c.txt"), content: "C2\n" }),
      ),
      reply(text("two done")),
      reply(toolUse("Read", { file_path: p("a.txt") }), toolUse("Read", { file_path: p("c.txt") })),
      reply(
        toolUse("Edit", { file_path: p("a.txt"), old_string: "A2", new_string: "A3" }),
        toolUse("Edit", { file_path: p("c.txt"), old_string: "C2", new_string: "C3" }),
        toolUse("Write", { file_path: p("d.txt"), content: "D3\n" }),
      ),
      reply(text("three done")),
    ],
  });
  api = server;
  const hone = (args: string[]) => runHone(args, { cwd: dir, apiUrl: server.url, env });
  const edits = ["--permission-mode", "acceptEdits", "--output-format", "json"];
  const states = [snapshot(dir)];
  const first = await hone(["-p", "prompt one", ...edits]);
  expect(first.code).toBe(0);
  states.push(snapshot(dir));
  for (const prompt of ["prompt two", "prompt three"]) {
    const run = await hone(["-p", "-c", prompt, ...edits]);
    expect(run.code).toBe(0);
    states.push(snapshot(dir));
  }
  expect(Object.keys(states[3]!)).toEqual(["a.txt", "c.txt", "d.txt", "notes.txt"]);
  expect(readFileSync(p("a.txt"), "utf8")).toBe("A3\n");
  return { dir, env, server, id: first.json().session_id as string, states, hone };
}

/** Runs one more `-c` turn and returns the messages it sent. */
async function nextTurn(s: Session, prompt: string): Promise<WireMessage[]> {
  s.server.push(reply(text("ok")));
  const run = await s.hone(["-p", "-c", prompt, "--output-format", "json"]);
  expect(run.code).toBe(0);
  expect(run.json().session_id).toBe(s.id);
  const sent = messagesOf(s.server.requests[s.server.requests.length - 1]!.body);
  expect(conversationProblems(normalize(sent))).toEqual([]);
  return sent;
}

test("hone rewind lists the prompts of the latest session with the files each changed", async () => {
  const s = await threePrompts();
  const list = await s.hone(["rewind"]);
  expect(list.code).toBe(0);
  const lines = list.stdout.split("\n");
  expect(lines[0]).toContain(s.id.slice(0, 8));
  const numbered = lines.filter((l) => /^\s+\d\s{2}\d{4}-\d\d-\d\d \d\d:\d\d {2}/.test(l));
  expect(numbered.map((l) => l.replace(/^\s+(\d).*?\d\d:\d\d {2}/, "$1 "))).toEqual(["1 prompt one", "2 prompt two", "3 prompt three"]);
  const changed = lines.filter((l) => l.includes("changed:")).map((l) => l.trim());
  expect(changed).toEqual(["changed: a.txt", "changed: notes.txt, a.txt, c.txt", "changed: a.txt, c.txt, d.txt"]);
  expect(list.stdout).toContain("Bash");

  const json = await s.hone(["rewind", "--json", "--session", s.id.slice(0, 8)]);
  const parsed = JSON.parse(json.stdout) as { sessionId: string; prompts: Array<{ number: number; text: string; files: string[] }> };
  expect(parsed.sessionId).toBe(s.id);
  expect(parsed.prompts.map((p) => [p.number, p.text, p.files.length])).toEqual([
    [1, "prompt one", 1],
    [2, "prompt two", 3],
    [3, "prompt three", 3],
  ]);
  expect(parsed.prompts[0]!.files).toEqual([join(s.dir, "a.txt")]);
});

test("rewind 2 --code puts files back byte for byte to before prompt 2 and leaves the conversation", async () => {
  const s = await threePrompts();
  const run = await s.hone(["rewind", "2", "--code"]);
  expect(run.code).toBe(0);
  expect(snapshot(s.dir)).toEqual(s.states[1]!);
  expect(existsSync(join(s.dir, "d.txt"))).toBe(false);
  expect(run.stdout).toContain("restored  notes.txt");
  expect(run.stdout).toContain("restored  a.txt");
  expect(run.stdout).toContain("removed   c.txt");
  expect(run.stdout).toContain("removed   d.txt");
  expect(run.stdout).toContain("Conversation: unchanged.");
  expect(run.stdout).toContain("not tracked");
  expect(run.stdout).toContain("Prompt 2 was:\n  prompt two\n");
  const sent = await nextTurn(s, "after code rewind");
  expect(promptsSent(sent)).toEqual(["prompt one", "prompt two", "prompt three", "after code rewind"]);
});

test("rewind 2 --conversation makes the next -c send only prompt 1's exchange; files stay", async () => {
  const s = await threePrompts();
  const run = await s.hone(["rewind", "2", "--conversation"]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("prompts 2-3 were removed");
  expect(run.stdout).toContain("Code: unchanged.");
  expect(snapshot(s.dir)).toEqual(s.states[3]!);
  const sent = await nextTurn(s, "try again differently");
  // Prompt two's first request held prompt one's whole exchange followed by "prompt two".
  const exchangeOne = normalize(messagesOf(s.server.requests[2]!.body)).slice(0, -1);
  expect(exchangeOne.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  expect(normalize(sent)).toEqual([...exchangeOne, { role: "user", content: [{ type: "text", text: "try again differently" }] }]);
  expect(promptsSent(sent)).toEqual(["prompt one", "try again differently"]);
  const list = await s.hone(["rewind", "--json"]);
  expect((JSON.parse(list.stdout) as { prompts: Array<{ text: string }> }).prompts.map((p) => p.text)).toEqual(["prompt one", "try again differently"]);
  // Prompt 2 is now the new one, which changed nothing, and nothing was written after it.
  const code = await s.hone(["rewind", "2", "--code"]);
  expect(code.stdout).toContain("no file changes to undo");
  expect(snapshot(s.dir)).toEqual(s.states[3]!);
});

test("rewind 2 (both) restores files and conversation together", async () => {
  const s = await threePrompts();
  const run = await s.hone(["rewind", "2", "--json"]);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { prompt: { number: number; text: string }; conversation: { removedPrompts: number }; code: { removed: string[] } };
  expect(result.prompt).toMatchObject({ number: 2, text: "prompt two" });
  expect(result.conversation.removedPrompts).toBe(2);
  expect(result.code.removed.sort()).toEqual([join(s.dir, "c.txt"), join(s.dir, "d.txt")]);
  expect(snapshot(s.dir)).toEqual(s.states[1]!);
  const sent = await nextTurn(s, "redo two");
  expect(promptsSent(sent)).toEqual(["prompt one", "redo two"]);
});

test("rewinding to prompt 1 empties the conversation and restores the files from before the session", async () => {
  const s = await threePrompts();
  const run = await s.hone(["rewind", "1"]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("removed   a.txt");
  expect(snapshot(s.dir)).toEqual(s.states[0]!);
  const sent = await nextTurn(s, "fresh start");
  expect(normalize(sent)).toEqual([{ role: "user", content: [{ type: "text", text: "fresh start" }] }]);
});

test("code rewind to a prompt without changes also undoes changes on a branch an earlier rewind abandoned", async () => {
  const dir = tempProject();
  const env = { HOME: tempHome() };
  const server = await startMockApi({ steps: [reply(text("just talking")), reply(toolUse("Write", { file_path: join(dir, "x.txt"), content: "X\n" })), reply(text("wrote x"))] });
  api = server;
  const hone = (args: string[]) => runHone(args, { cwd: dir, apiUrl: server.url, env });
  expect((await hone(["-p", "talk"])).code).toBe(0);
  expect((await hone(["-p", "-c", "write x", "--permission-mode", "acceptEdits"])).code).toBe(0);
  expect(existsSync(join(dir, "x.txt"))).toBe(true);
  expect((await hone(["rewind", "2", "--conversation"])).code).toBe(0);
  // Prompt 1 has no checkpoint of its own; the abandoned prompt 2 came after it, so its backup applies.
  const code = await hone(["rewind", "1", "--code"]);
  expect(code.code).toBe(0);
  expect(code.stdout).toContain("removed   x.txt");
  expect(existsSync(join(dir, "x.txt"))).toBe(false);
});

test("bad prompt numbers and options exit 2; a missing session exits 1 with its message", async () => {
  const s = await threePrompts();
  for (const bad of ["4", "0", "abc", "-1", "1.5"]) {
    const run = await s.hone(["rewind", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`"${bad}" is not a prompt number (this session has 3 prompts: use 1-3)`);
  }
  const option = await s.hone(["rewind", "--bogus"]);
  expect(option.code).toBe(2);
  expect(option.stderr).toContain("Usage: hone rewind");
  const missing = await s.hone(["rewind", "--session", "0123abcd"]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("No conversation found with session ID: 0123abcd");
  const none = await runHone(["rewind"], { cwd: tempProject(), env: { HOME: tempHome() } });
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("No conversation found to continue");
  // Nothing above changed the files or the conversation.
  expect(snapshot(s.dir)).toEqual(s.states[3]!);
  expect(promptsSent(await nextTurn(s, "still all there"))).toEqual(["prompt one", "prompt two", "prompt three", "still all there"]);
});
