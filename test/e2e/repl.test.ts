// The interactive terminal end to end: the compiled binary in a tmux pane against the scripted API.
// A turn typed and sent, streamed markdown as drawn (snapshot), an edit's diff, permission asks answered
// each way, Esc stopping a running command, Shift+Tab's modes, /compact and /rewind. What reached the
// model is read from the API's request log; files are checked on disk. Input features: repl-input.test.ts.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { spawnSync } from "node:child_process";
import { COMPACT_REQUEST_MARKER, COMPACT_SUMMARY_PREFIX } from "../../src/compact-prompt.ts";
import { reply, startMockApi, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { messagesText, replHarness } from "../support/repl-commands-fixture.ts";
import { lastToolResults, lastUserText, messageText, PLACEHOLDER, press, submit, turnDone } from "../support/repl-checks.ts";
import { requireBinary, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";
import { hasTmux, startTmux, stripTiming } from "../support/tmux.ts";

const start = replHarness();
const NO_COLOR = { NO_COLOR: "1" };
const TIMEOUT = 30_000;

/** How many times `needle` occurs in `haystack`. */
const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

describe.skipIf(!hasTmux())("the interactive terminal", () => {
  test("typed text echoes in the box, Enter sends it to the model, the answer is shown and the box is empty again", async () => {
    const { t, api } = await start({ steps: [reply(text("The answer is 42."))], env: NO_COLOR, width: 100, height: 30 });
    expect(t.screen()).toContain(`❯ ${PLACEHOLDER}`);
    t.type("what is the answer?");
    const typed = await t.waitFor("❯ what is the answer?");
    expect(typed).not.toContain(PLACEHOLDER);
    expect(api.requests).toHaveLength(0);
    t.keys("Enter");
    const done = await turnDone(t, "The answer is 42.");
    expect(api.requests).toHaveLength(1);
    expect(lastUserText(api.requests[0])).toContain("what is the answer?");
    // The sent prompt moved into the scrollback above the answer; the box holds only its placeholder.
    expect(done.indexOf("> what is the answer?")).toBeLessThan(done.indexOf("The answer is 42."));
    expect(done).toContain(`❯ ${PLACEHOLDER}`);
    expect(done).not.toContain("❯ what is the answer?");
  }, TIMEOUT);

  test("streamed markdown is drawn as formatted text, with no colour codes under NO_COLOR (snapshot)", async () => {
    const markdown = ["# Release notes", "", "Some **bold** words and `code`.", "", "- first item", "- second item", "", "```ts", "const answer = 42;", "```", "", "| name | size |", "|------|-----:|", "| app  | 12 |", "| lib  | 3 |", ""].join("\n");
    const api = await startMockApi({ steps: [{ ...reply(text(markdown)), chunkSize: 5 }] });
    const dir = tempProject("hone-repl-");
    const log = `${dir}.typescript`;
    // `script` records every byte hone writes, to check that NO_COLOR leaves out colour codes.
    const script = Bun.which("script");
    const command = script ? [script, "-qfe", "-c", requireBinary(), log] : undefined;
    const t = startTmux({ cwd: dir, apiUrl: api.url, env: { HOME: tempHome(), ...NO_COLOR }, width: 80, height: 26, ...(command ? { command } : {}) });
    try {
      await t.waitFor("? for shortcuts");
      await submit(t, "show the notes");
      const screen = await turnDone(t, "│ lib");
      expect(stripTiming(screen)).toBe(
        [
          "",
          "> show the notes",
          "⏺ # Release notes",
          "",
          "  Some bold words and `code`.",
          "",
          "  • first item",
          "  • second item",
          "",
          "    const answer = 42;",
          "",
          "  ┌──────┬──────┐",
          "  │ name │ size │",
          "  ├──────┼──────┤",
          "  │ app  │   12 │",
          "  │ lib  │    3 │",
          "  └──────┴──────┘",
          "─".repeat(80),
          `❯ ${PLACEHOLDER}, / for commands, @ for files, ! for shell`,
          "─".repeat(80),
          "  ? for shortcuts · esc esc to rewind",
        ].join("\n"),
      );
      if (script) {
        const raw = readFileSync(log, "utf8");
        expect(raw).toContain("Release notes");
        expect(raw.match(/\x1b\[[0-9;]*m/g) ?? []).toEqual([]);
      }
    } finally {
      t.kill();
      await api.close();
      rmSync(log, { force: true });
    }
  }, TIMEOUT);

  test("an Edit shows its diff with line numbers and changes the file", async () => {
    const files = { "notes.txt": "alpha\nbeta\ngamma\n" };
    const repl = await start({ files, args: ["--permission-mode", "acceptEdits"], env: NO_COLOR, width: 100, height: 30, steps: [] });
    const path = join(repl.dir, "notes.txt");
    repl.api.push(reply(toolUse("Read", { file_path: path })), reply(toolUse("Edit", { file_path: path, old_string: "beta", new_string: "BETA" })), reply(text("Edited the notes.")));
    await submit(repl.t, "capitalise beta");
    const screen = await turnDone(repl.t, "Edited the notes.");
    expect(screen).toContain("Edit(notes.txt)");
    expect(screen).toContain("Added 1 line, removed 1 line");
    // Two gutters, old and new line numbers: a removal has only the old one, an addition only the new.
    expect(screen).toMatch(/^ +1 1   alpha\n +2   - beta\n +2 \+ BETA\n +3 3   gamma$/m);
    expect(readFileSync(path, "utf8")).toBe("alpha\nBETA\ngamma\n");
  }, TIMEOUT);

  test("permission asks: Yes runs the tool; Yes-and-remember saves the rule and stops asking; No with a note tells the model", async () => {
    const repl = await start({ env: NO_COLOR, width: 100, height: 40, steps: [] });
    const { t, api, dir } = repl;
    api.push(
      reply(toolUse("Bash", { command: "touch once.txt" })),
      reply(text("made once")),
      reply(toolUse("Bash", { command: "touch twice.txt" })),
      reply(toolUse("Bash", { command: "touch twice.txt" })),
      reply(text("made twice")),
      reply(toolUse("Bash", { command: "rm once.txt" })),
      reply(text("left it")),
    );
    await submit(t, "make once");
    await t.waitFor(`◆  Bash(touch once.txt)`);
    t.keys("Enter");
    await turnDone(t, "made once");
    expect(existsSync(join(dir, "once.txt"))).toBe(true);
    expect(lastToolResults(api.requests[1])[0]?.is_error).not.toBe(true);

    await submit(t, "make twice");
    await t.waitFor(`◆  Bash(touch twice.txt)`);
    await press(t, "Down", "● Yes, and don't ask again for Bash(touch twice.txt)");
    t.keys("Enter");
    const twice = await turnDone(t, "made twice");
    expect(twice).toContain(`Saved "Bash(touch twice.txt)" to .hone/settings.local.json`);
    const local = JSON.parse(readFileSync(join(dir, ".hone", "settings.local.json"), "utf8")) as { permissions?: { allow?: string[] } };
    expect(local.permissions?.allow).toContain("Bash(touch twice.txt)");
    // The same call again in the same session ran without a second question.
    expect(api.requests).toHaveLength(5);
    expect(lastToolResults(api.requests[4])[0]?.is_error).not.toBe(true);
    expect(occurrences(t.history(), "Do you want to proceed?")).toBe(2);

    await submit(t, "remove once");
    await t.waitFor(`◆  Bash(rm once.txt)`);
    await press(t, ["Down", "Down"], "● No, and tell hone what to do differently");
    await press(t, "Enter", "What should hone do instead?");
    t.type("keep that file");
    await t.waitFor("│  keep that file");
    t.keys("Enter");
    await turnDone(t, "left it");
    expect(existsSync(join(dir, "once.txt"))).toBe(true);
    const denied = lastToolResults(api.requests[6])[0];
    expect(denied?.is_error).toBe(true);
    expect(messageText(api.requests[6]!.body.messages!.at(-1))).toContain("keep that file");
  }, TIMEOUT);

  test("the window title names the folder then the first prompt, a permission ask rings with preferredNotifChannel terminal_bell, and the title is put back at exit", async () => {
    const api = await startMockApi({ steps: [reply(toolUse("Bash", { command: "touch rung.txt" })), reply(text("rang once"))] });
    const dir = tempProject("hone-repl-");
    mkdirSync(join(dir, ".hone"), { recursive: true });
    writeFileSync(join(dir, ".hone", "settings.json"), JSON.stringify({ preferredNotifChannel: "terminal_bell" }));
    const log = `${dir}.typescript`;
    const script = Bun.which("script");
    if (!script) throw new Error("this test needs script(1) from util-linux");
    const t = startTmux({ cwd: dir, apiUrl: api.url, env: { HOME: tempHome(), ...NO_COLOR }, width: 100, height: 30, command: [script, "-qfe", "-c", requireBinary(), log] });
    try {
      await t.waitFor("? for shortcuts");
      const raw = (): string => readFileSync(log, "utf8");
      expect(raw()).toContain(`\x1b[22;0t\x1b]0;hone · ${basename(dir)}\x07`);
      const bells = (): string => raw().replace(/\x1b\][^\x07]*\x07/g, "");
      expect(bells()).not.toContain("\x07");
      await submit(t, "make the file");
      await t.waitFor("◆  Bash(touch rung.txt)");
      expect(raw()).toContain("\x1b]0;hone · make the file\x07");
      // The bell: a BEL of its own, not the end of a title sequence.
      expect(bells()).toContain("\x07");
      t.keys("Enter");
      await turnDone(t, "rang once");
      t.keys("C-d");
      await t.waitFor(() => !t.alive());
      expect(raw()).toContain("\x1b[23;0t");
    } finally {
      t.kill();
      await api.close();
      rmSync(log, { force: true });
    }
  }, TIMEOUT);

  // Fails: a declined call is drawn three times: the view's permission_denied row, the REPL's notify of
  // the same denial (src/conversation.ts notifies every denial; src/repl.ts prints every notify), and the
  // tool_result row with the raw <tool_use_error> tags the model gets.
  test("a declined tool call is shown once, without the tags meant for the model", async () => {
    const { t } = await start({ env: NO_COLOR, width: 100, height: 30, steps: [reply(toolUse("Bash", { command: "touch no.txt" })), reply(text("fine"))] });
    await submit(t, "make it");
    await t.waitFor("◆  Bash(touch no.txt)");
    await press(t, "Up", "● No, and tell hone");
    await press(t, "Enter", "What should hone do instead?");
    t.keys("Enter");
    const history = await turnDone(t, "fine");
    expect(history).not.toContain("<tool_use_error>");
    expect(occurrences(history, "The user declined this tool call.")).toBe(1);
  }, TIMEOUT);

  // Fails: notices are drawn twice, once by the turn view (src/repl-view.ts, case "notice") and once by
  // the REPL's notify (src/conversation.ts passes every notice event to notify as well).
  test("a notice (the switch to a fallback model) is shown once", async () => {
    const fallback = (req: LoggedRequest) => (req.body.model === "claude-haiku-4-5" ? reply(text("fallback answered")) : { fault: "overloaded" as const });
    const env = { ...NO_COLOR, HONE_MAX_RETRIES: "1" };
    const { t } = await start({ env, width: 100, height: 30, args: ["--fallback-model", "claude-haiku-4-5"], steps: [], fallback });
    await submit(t, "hello");
    const screen = await turnDone(t, "fallback answered");
    expect(occurrences(screen, "switching to the fallback model claude-haiku-4-5")).toBe(1);
  }, TIMEOUT);

  test("Esc stops a running command at once, kills its process, and the session goes on", async () => {
    const marker = `30.${process.pid % 10_000}`;
    const steps = [reply(toolUse("Bash", { command: `sleep ${marker}` })), reply(text("ready again")), { fault: "hang" as const }, reply(text("still here"))];
    const repl = await start({ args: ["--allowedTools", "Bash(sleep:*)"], env: NO_COLOR, width: 100, height: 30, steps });
    const { t, api } = repl;
    const sleeping = (): boolean => spawnSync("pgrep", ["-f", `sleep ${marker}`]).status === 0;
    await submit(t, "wait a while");
    await t.waitFor(`Bash(sleep ${marker})`);
    await t.waitFor(() => sleeping());
    t.keys("Escape");
    // Well under the 30 s the command would take.
    const stopped = await t.waitFor("Interrupted", { timeoutMs: 5_000 });
    expect(stopped).toContain(PLACEHOLDER);
    await t.waitFor(() => !sleeping(), { timeoutMs: 5_000 });
    expect(api.requests).toHaveLength(1);

    await submit(t, "what now?");
    await turnDone(t, "ready again");
    const next = api.requests[1]!;
    expect(lastUserText(next)).toContain("what now?");
    // The interrupted call was answered, so the conversation stays well formed.
    expect(messagesText(next)).toContain('"tool_result"');

    // Esc also stops a turn still waiting for the model's reply.
    await submit(t, "and then?");
    await t.waitFor(() => api.requests.length === 3);
    t.keys("Escape");
    await t.waitFor((s) => s.split("Interrupted").length === 3 && s.includes(PLACEHOLDER), { history: true });
    await submit(t, "still there?");
    await turnDone(t, "still here");
  }, TIMEOUT);

  test("Shift+Tab cycles accept edits, plan mode and back to default, and the mode takes effect", async () => {
    const repl = await start({ args: ["--permission-mode", "default"], env: NO_COLOR, width: 100, height: 30, steps: [] });
    const { t, api, dir } = repl;
    const footer = (s: string): string => s.split("\n").at(-1) ?? "";
    t.keys("BTab");
    await t.waitFor((s) => footer(s).includes("⏵⏵ accept edits on"));
    t.keys("BTab");
    await t.waitFor((s) => footer(s).includes("⏸ plan mode on"));
    t.keys("BTab");
    await t.waitFor((s) => footer(s).includes("? for shortcuts"));
    t.keys("BTab");
    await t.waitFor((s) => footer(s).includes("accept edits on"));
    const path = join(dir, "made.txt");
    api.push(reply(toolUse("Write", { file_path: path, content: "made\n" })), reply(text("wrote it")));
    await submit(t, "write the file");
    await turnDone(t, "wrote it");
    expect(readFileSync(path, "utf8")).toBe("made\n");
    expect(t.history()).not.toContain("Do you want to proceed?");
  }, TIMEOUT);

  test("/compact after two turns sends one summary request, says so, and the next turn starts from the summary", async () => {
    const repl = await start({
      env: NO_COLOR,
      width: 100,
      height: 30,
      steps: [reply(text("first answer")), reply(text("second answer")), reply(text("<summary>We talked about SUMMARY-MARK.</summary>")), reply(text("third answer"))],
    });
    const { t, api } = repl;
    await submit(t, "first question");
    await turnDone(t, "first answer");
    await submit(t, "second question");
    await turnDone(t, "second answer");
    await submit(t, "/compact");
    await t.waitFor((s) => api.requests.length === 3 && /compacted/i.test(s) && s.includes(PLACEHOLDER), { history: true });
    const summaryRequest: LoggedRequest = api.requests[2]!;
    expect(messagesText(summaryRequest)).toContain(COMPACT_REQUEST_MARKER.slice(1, -1));
    expect(messagesText(summaryRequest)).toContain("second answer");
    await submit(t, "third question");
    await turnDone(t, "third answer");
    const after = api.requests[3]!;
    const first = messageText(after.body.messages![0]);
    expect(first).toContain(COMPACT_SUMMARY_PREFIX.slice(1, -1));
    expect(first).toContain("SUMMARY-MARK");
    expect(messagesText(after)).not.toContain("second answer");
    expect(lastUserText(after)).toContain("third question");
  }, TIMEOUT);

  test("Esc Esc rewinds code and conversation to before the first prompt: the file is gone and the prompt is back in the box", async () => {
    const repl = await start({ env: NO_COLOR, width: 100, height: 40, steps: [], fallback: reply(text("fresh start")) });
    const { t, api, dir } = repl;
    const path = join(dir, "story.txt");
    api.push(
      reply(toolUse("Write", { file_path: path, content: "v1\n" })),
      reply(text("created it")),
      reply(toolUse("Read", { file_path: path })),
      reply(toolUse("Edit", { file_path: path, old_string: "v1", new_string: "v2" })),
      reply(text("edited it")),
    );
    await submit(t, "create the story");
    await t.waitFor("◆  Write(story.txt)");
    t.keys("Enter");
    await turnDone(t, "created it");
    await submit(t, "edit the story");
    await t.waitFor("◆  Edit(story.txt)");
    t.keys("Enter");
    await turnDone(t, "edited it");
    expect(readFileSync(path, "utf8")).toBe("v2\n");

    await press(t, ["Escape", "Escape"], "Rewind to just before which prompt?");
    await press(t, "Down", "● 1. create the story");
    await press(t, "Enter", "● Code and conversation");
    await press(t, "Enter", "❯ create the story");
    expect(existsSync(path)).toBe(false);
    // Sending it again starts from an empty conversation.
    t.keys("Enter");
    await turnDone(t, "fresh start");
    const resent = api.requests.at(-1)!;
    expect(resent.body.messages).toHaveLength(1);
    expect(lastUserText(resent)).toContain("create the story");
  }, TIMEOUT);
});
