// The interactive terminal's input end to end (the compiled binary in tmux against the scripted API):
// prompt history (Up, Ctrl+R, kept across runs), @ completion, re-wrapping on resize, messages queued
// while a turn runs, ! shell commands, multi-line input, the exit keys, and refusing to start without a
// terminal. What reached the model is read from the API's request log.
import { describe, expect, test } from "bun:test";
import { basename } from "node:path";
import { reply, startMockApi, text, type Outcome } from "../support/mock-api.ts";
import { replHarness } from "../support/repl-commands-fixture.ts";
import { lastUserText, PLACEHOLDER, press, ruleRows, submit, turnDone } from "../support/repl-checks.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { sessionFiles, tempHome } from "../support/sessions.ts";
import { hasTmux, startTmux } from "../support/tmux.ts";

const start = replHarness();
const NO_COLOR = { NO_COLOR: "1" };
const SIZE = { env: NO_COLOR, width: 100, height: 30 };
const TIMEOUT = 30_000;

/** The prompt box's rows: everything between its two rules. */
function boxRows(screen: string): string[] {
  const rows = screen.split("\n");
  const rules = rows.flatMap((row, i) => (/^─+$/.test(row) ? [i] : []));
  return rows.slice(rules.at(-2)! + 1, rules.at(-1));
}

describe.skipIf(!hasTmux())("the interactive terminal's input", () => {
  // Fails: the history cursor is made when the box is cleared on submit, before the prompt is added to
  // the history (src/repl-input.ts reset(), src/repl.ts act()), so Up skips the prompt just sent.
  test("Up right after sending a prompt recalls that prompt", async () => {
    const { t } = await start({ ...SIZE, steps: [reply(text("one")), reply(text("two"))] });
    await submit(t, "first alpha prompt");
    await turnDone(t, "⏺ one");
    await submit(t, "second beta prompt");
    await turnDone(t, "⏺ two");
    t.keys("Up");
    await t.waitFor("❯ second beta prompt", { timeoutMs: 2_000 });
  }, TIMEOUT);

  test("Ctrl+R finds an older prompt and Enter sends it; the history outlives the run and Up walks it", async () => {
    const first = await start({ ...SIZE, steps: [reply(text("one")), reply(text("two")), reply(text("three"))] });
    const { t, api } = first;
    await submit(t, "first alpha prompt");
    await turnDone(t, "⏺ one");
    await submit(t, "second beta prompt");
    await turnDone(t, "⏺ two");
    await press(t, "C-r", "(reverse-i-search)`':");
    t.type("alpha");
    await t.waitFor("(reverse-i-search)`alpha': first alpha prompt");
    t.keys("Enter");
    await turnDone(t, "⏺ three");
    expect(api.requests).toHaveLength(3);
    expect(lastUserText(api.requests[2])).toContain("first alpha prompt");
    t.keys("C-d");
    await t.waitFor(() => !t.alive());

    const second = await start({ ...SIZE, dir: first.dir, home: first.home });
    await press(second.t, "Up", "❯ first alpha prompt");
    await press(second.t, "Up", "❯ second beta prompt");
    await press(second.t, "Down", "❯ first alpha prompt");
  }, TIMEOUT);

  test("@ completion lists matching files and Tab completes the mention", async () => {
    const files = { "src/app.ts": "export const APP_MARK = 1;\n", "src/lib/util.ts": "export {};\n" };
    const { t, api } = await start({ ...SIZE, files, steps: [reply(text("seen it"))] });
    t.type("explain @src/a");
    const menu = await t.waitFor("src/app.ts");
    expect(menu).not.toContain("src/lib");
    t.keys("Tab");
    t.type("x");
    // The space after the completed path is there: the x lands after it.
    await t.waitFor("❯ explain @src/app.ts x");
    t.keys("BSpace", "Enter");
    await turnDone(t, "seen it");
    expect(lastUserText(api.requests[0])).toContain("explain @src/app.ts");
  }, TIMEOUT);

  test("narrowing the window re-wraps the prompt box to the new width with no leftover boxes", async () => {
    const { t } = await start({ ...SIZE, steps: [reply(text("earlier answer"))] });
    await submit(t, "an earlier prompt");
    await turnDone(t, "earlier answer");
    const long = Array.from({ length: 16 }, (_, i) => `word${i}-`).join("");
    t.type(long);
    await t.waitFor((s) => boxRows(s).length === 2);
    t.resize(60, 30);
    const joined = (s: string): string => boxRows(s).map((row) => row.slice(2)).join("");
    const screen = await t.waitFor((s) => ruleRows(s).every((row) => row.length === 60) && joined(s) === long);
    expect(ruleRows(screen)).toHaveLength(2);
    expect(screen.split("\n").filter((row) => row.startsWith("❯ "))).toHaveLength(1);
    const rows = boxRows(screen);
    expect(rows.length).toBe(Math.ceil(long.length / 58));
    expect(rows.every((row) => row.length <= 60)).toBe(true);
    // Rows above the box stay as they were (tmux may scroll them into the scrollback); none is erased
    // and no second box is left behind there either.
    const history = t.history();
    expect(history.split("earlier answer")).toHaveLength(2);
    expect(history.split("❯ word0-")).toHaveLength(2);
  }, TIMEOUT);

  test("a message sent while the model works is shown as queued and sent as the next turn", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async (): Promise<Outcome> => {
      await gate;
      return reply(text("first answer"));
    };
    const { t, api } = await start({ ...SIZE, steps: [slow, reply(text("second answer"))] });
    await submit(t, "first question");
    await t.waitFor("esc to interrupt");
    await submit(t, "second question");
    const queued = await t.waitFor((s) => s.includes("❯ second question") && s.includes(`❯ ${PLACEHOLDER}`));
    expect(queued).toContain("esc to interrupt");
    expect(api.requests).toHaveLength(1);
    release();
    await turnDone(t, "second answer");
    expect(api.requests).toHaveLength(2);
    expect(lastUserText(api.requests[0])).not.toContain("second question");
    expect(lastUserText(api.requests[1])).toContain("second question");
    expect(JSON.stringify(api.requests[1]!.body.messages)).toContain("first answer");
  }, TIMEOUT);

  test("!command runs at once, shows its output, and the model gets the command and output with the next prompt", async () => {
    const { t, api } = await start({ ...SIZE, steps: [reply(text("noted"))] });
    await submit(t, "!echo hi-there");
    await t.waitFor((s) => /^ {2}hi-there$/m.test(s) && s.includes(PLACEHOLDER));
    expect(api.requests).toHaveLength(0);
    await submit(t, "what did it print?");
    await turnDone(t, "noted");
    const sent = JSON.stringify(api.requests[0]!.body.messages);
    expect(sent).toContain("<bash-input>echo hi-there</bash-input>");
    expect(sent).toContain("<bash-stdout>hi-there</bash-stdout>");
    expect(lastUserText(api.requests[0])).toContain("what did it print?");
  }, TIMEOUT);

  test("\\ then Enter and Alt+Enter start new lines; Enter sends all of them", async () => {
    const { t, api } = await start({ ...SIZE, steps: [reply(text("three lines"))] });
    t.type("line one\\");
    await t.waitFor("❯ line one\\");
    t.keys("Enter");
    await t.waitFor((s) => boxRows(s).length === 2 && boxRows(s)[0] === "❯ line one");
    t.type("line two");
    t.raw("\x1b\r");
    t.type("line three");
    const screen = await t.waitFor("  line three");
    expect(boxRows(screen)).toEqual(["❯ line one", "  line two", "  line three"]);
    expect(api.requests).toHaveLength(0);
    t.keys("Enter");
    await turnDone(t, "three lines");
    expect(lastUserText(api.requests[0])).toContain("line one\nline two\nline three");
  }, TIMEOUT);

  test("Shift+Enter starts a new line where the terminal reports modified keys (tmux extended-keys); Ctrl+C and Esc still work", async () => {
    const { t, api } = await start({ ...SIZE, extendedKeys: true, steps: [reply(text("two lines"))] });
    t.type("upper line");
    t.keys("S-Enter");
    await t.waitFor((s) => boxRows(s).length === 2);
    t.type("lower line");
    const screen = await t.waitFor("  lower line");
    expect(boxRows(screen)).toEqual(["❯ upper line", "  lower line"]);
    expect(api.requests).toHaveLength(0);
    t.keys("Enter");
    await turnDone(t, "two lines");
    expect(lastUserText(api.requests[0])).toContain("upper line\nlower line");
    // Keys the protocols re-encode are still understood: Esc Esc opens the rewind menu, Esc backs out.
    await press(t, ["Escape", "Escape"], "Rewind to just before which prompt?");
    await press(t, "Escape", PLACEHOLDER);
    t.keys("C-c");
    await t.waitFor("Press Ctrl+C again to exit");
    t.keys("C-c");
    await t.waitFor(() => !t.alive());
  }, TIMEOUT);

  test("Ctrl+C twice on an empty prompt exits with the resume hint; Ctrl+D exits too", async () => {
    const repl = await start({ ...SIZE, steps: [reply(text("hello back"))] });
    const { t } = repl;
    await submit(t, "hello");
    await turnDone(t, "hello back");
    await press(t, "C-c", "Press Ctrl+C again to exit");
    expect(t.alive()).toBe(true);
    t.keys("C-c");
    const last = await t.waitFor(() => !t.alive(), { history: true });
    const id = basename(sessionFiles(repl.home, repl.dir)[0]!, ".jsonl");
    expect(last).toContain(`Resume this session with: hone --resume ${id}`);
    // The live prompt box is erased on the way out.
    expect(t.screen()).not.toContain(PLACEHOLDER);

    const other = await start(SIZE);
    other.t.keys("C-d");
    await other.t.waitFor(() => !other.t.alive());
  }, TIMEOUT);

  test("plain hone draws its prompt while still loading, and keys typed then are neither lost nor echoed twice", async () => {
    const api = await startMockApi({ steps: [reply(text("Early bird answered."))] });
    const t = startTmux({ cwd: tempProject("hone-repl-"), apiUrl: api.url, env: { HOME: tempHome(), ...NO_COLOR }, width: 100, height: 30 });
    try {
      const first = await t.waitFor("❯ ");
      expect(first).toContain("─".repeat(100));
      t.type("typed early");
      t.keys("Enter");
      const done = await turnDone(t, "Early bird answered.");
      expect(lastUserText(api.requests[0])).toContain("typed early");
      // Once, as the sent prompt: the tty did not echo the keys on its own while hone was loading.
      expect(done.split("typed early")).toHaveLength(2);
      expect(done).toContain("> typed early");
    } finally {
      t.kill();
      await api.close();
    }
  }, TIMEOUT);

  test("without a terminal on stdin, hone without -p refuses with a usage error", async () => {
    const run = await runHone([], { cwd: tempProject() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("needs a terminal");
    expect(run.stderr).toContain("hone -p");
  }, TIMEOUT);
});
