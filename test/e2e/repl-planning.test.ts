// Planning and asking in the interactive terminal, through the compiled binary in tmux against the
// scripted API: ExitPlanMode's approval dialog answered each way (and what the mode is afterwards),
// EnterPlanMode called by the model, AskUserQuestion answered with the keys (including "Other"), and a
// durable one-shot scheduled prompt that came due while hone was closed running as a turn of its own.
// What the model got is read from the API's request log; modes from the footer; files on disk.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { replHarness } from "../support/repl-commands-fixture.ts";
import { lastUserText, submit, turnDone } from "../support/repl-checks.ts";
import { toolResultText } from "../support/request-text.ts";
import { hasTmux } from "../support/tmux.ts";

const start = replHarness();
const NO_COLOR = { NO_COLOR: "1" };
const TIMEOUT = 30_000;
const PLAN_MODE = "⏸ plan mode on";
const ACCEPT_EDITS = "⏵⏵ accept edits on";
const DEFAULT_HINT = "? for shortcuts";
const ASK = "Do you want to proceed?";

/** The screen's last row: the footer with the permission mode. */
const footer = (screen: string): string => screen.split("\n").at(-1) ?? "";

const PLAN = ["# Ship the notes file", "", "1. Write `notes.txt` with one line", "2. Read it back to check", "", "Nothing else changes."].join("\n");

/** A session started in plan mode whose model presents PLAN, then writes notes.txt, then says `done`. */
async function planSession(done: string) {
  const repl = await start({ args: ["--permission-mode", "plan"], env: NO_COLOR, width: 100, height: 40 });
  const file = join(repl.dir, "notes.txt");
  repl.api.push(reply(toolUse("ExitPlanMode", { plan: PLAN }, "plan1")), reply(toolUse("Write", { file_path: file, content: "the notes\n" }, "write1")), reply(text(done)));
  await repl.t.waitFor((s) => footer(s).includes(PLAN_MODE));
  await submit(repl.t, "plan the notes file");
  // The plan is drawn as markdown above the three choices.
  const dialog = await repl.t.waitFor("No, keep planning");
  return { ...repl, file, dialog };
}

describe.skipIf(!hasTmux())("planning and asking in the terminal", () => {
  test('ExitPlanMode shows the plan; "Yes, and auto-accept edits" switches to accept edits and the next Write runs unasked', async () => {
    const { t, api, file, dialog } = await planSession("notes written");
    expect(dialog).toContain("hone's plan:");
    expect(dialog).toContain("Ship the notes file");
    expect(dialog).toContain("1. Write `notes.txt` with one line");
    expect(dialog).toContain("Would you like to go ahead with this plan?");
    expect(dialog).toContain("● Yes, and auto-accept edits");
    expect(dialog).toContain("Yes, and approve each edit");
    t.keys("Enter");
    const done = await t.waitFor((s) => s.includes("notes written") && footer(s).includes(ACCEPT_EDITS));
    expect(done).not.toContain(ASK);
    expect(readFileSync(file, "utf8")).toBe("the notes\n");
    expect(toolResultText(api.requests[1]!, "plan1")).toContain("approved");
    expect(toolResultText(api.requests[2]!, "write1")).not.toContain("plan mode");
    expect(t.history()).not.toContain(ASK);
  }, TIMEOUT);

  test('"No, keep planning" with feedback: the model gets the feedback and the session stays in plan mode', async () => {
    const { t, api, file } = await planSession("still planning");
    t.keys("Down", "Down");
    await t.waitFor("● No, keep planning");
    t.keys("Enter");
    await t.waitFor("What should hone change in the plan?");
    t.type("also cover the README");
    await t.waitFor("│  also cover the README");
    t.keys("Enter");
    const done = await t.waitFor((s) => s.includes("still planning") && footer(s).includes(PLAN_MODE));
    expect(done).not.toContain(ASK);
    const rejected = toolResultText(api.requests[1]!, "plan1");
    expect(rejected).toContain("also cover the README");
    expect(rejected).toContain("still in plan mode");
    // The Write the model tried next was refused for plan mode, without asking.
    expect(toolResultText(api.requests[2]!, "write1")).toContain("not allowed in plan mode");
    expect(existsSync(file)).toBe(false);
    expect(t.history()).not.toContain(ASK);
  }, TIMEOUT);

  test('"Yes, and approve each edit" leaves plan mode for the default mode: the next Write asks first', async () => {
    const { t, api, file } = await planSession("notes written after asking");
    t.keys("Down");
    await t.waitFor("● Yes, and approve each edit");
    t.keys("Enter");
    await t.waitFor(ASK);
    expect(existsSync(file)).toBe(false);
    t.keys("Enter");
    await t.waitFor((s) => s.includes("notes written after asking") && footer(s).includes(DEFAULT_HINT));
    expect(readFileSync(file, "utf8")).toBe("the notes\n");
    expect(toolResultText(api.requests[1]!, "plan1")).toContain("approved");
  }, TIMEOUT);

  test("EnterPlanMode called by the model in a default session: the footer shows plan mode and its next Write is refused", async () => {
    const repl = await start({ env: NO_COLOR, width: 100, height: 40 });
    const { t, api, dir } = repl;
    const file = join(dir, "early.txt");
    api.push(reply(toolUse("EnterPlanMode", {}, "enter1")), reply(toolUse("Write", { file_path: file, content: "too soon\n" }, "write1")), reply(text("planning first")));
    await submit(t, "refactor the module");
    await t.waitFor((s) => s.includes("planning first") && footer(s).includes(PLAN_MODE));
    expect(toolResultText(api.requests[1]!, "enter1")).toContain("Plan mode is on");
    expect(toolResultText(api.requests[2]!, "write1")).toContain("not allowed in plan mode");
    expect(existsSync(file)).toBe(false);
    expect(t.history()).not.toContain(ASK);
  }, TIMEOUT);

  test('AskUserQuestion: a single choice, a multiSelect and an "Other" answer typed in reach the model exactly', async () => {
    const questions = [
      { question: "Which database should the service use?", header: "Database", multiSelect: false, options: [{ label: "PostgreSQL", description: "a server" }, { label: "SQLite", description: "a file" }] },
      { question: "Which features should ship first?", header: "Features", multiSelect: true, options: [{ label: "Auth", description: "log in" }, { label: "Search", description: "find things" }, { label: "Export", description: "CSV files" }] },
      { question: "What should the service be called?", header: "Name", multiSelect: false, options: [{ label: "notes-api", description: "plain" }, { label: "jotter", description: "cute" }] },
    ];
    const repl = await start({ env: NO_COLOR, width: 100, height: 40 });
    const { t, api } = repl;
    api.push(reply(toolUse("AskUserQuestion", { questions }, "ask1")), reply(text("thanks for the answers")));
    await submit(t, "set up the service");
    // 1: the second option.
    await t.waitFor("Which database should the service use?");
    t.keys("Down");
    await t.waitFor("● SQLite");
    t.keys("Enter");
    // 2: the first and third options, toggled with Space.
    await t.waitFor("Which features should ship first?");
    t.keys("Space", "Down", "Down", "Space");
    await t.waitFor((s) => /◼ Auth/.test(s) && /◼ Export/.test(s) && /◻ Search/.test(s));
    t.keys("Enter");
    // 3: "Other" (after the two options), then the user's own words.
    await t.waitFor("What should the service be called?");
    t.keys("Down", "Down");
    await t.waitFor("● Other (type your own answer)");
    t.keys("Enter");
    await t.waitFor("Your answer to: What should the service be called?");
    t.type("quill notes");
    await t.waitFor("│  quill notes");
    t.keys("Enter");
    await turnDone(t, "thanks for the answers");
    expect(toolResultText(api.requests[1]!, "ask1")).toBe(
      [
        "The user answered your questions:",
        "- [Database] Which database should the service use?",
        "  Answer: SQLite",
        "- [Features] Which features should ship first?",
        "  Answer: Auth, Export",
        "- [Name] What should the service be called?",
        '  Answer: in the user\'s own words: "quill notes"',
        "Take these answers into account as you continue.",
      ].join("\n"),
    );
  }, TIMEOUT);

  test("a durable one-shot scheduled while hone was closed runs as a turn at start and leaves the saved tasks", async () => {
    const task = { id: "feedc0de", cron: "30 10 5 3 *", prompt: "summarize the changelog for the release", recurring: false, durable: true, createdAt: "2024-03-01T00:00:00.000Z" };
    const other = { id: "cafe1234", cron: "0 9 29 2 *", prompt: "weekly check", recurring: true, durable: true, createdAt: "2024-03-01T00:00:00.000Z" };
    const repl = await start({ env: NO_COLOR, width: 100, height: 40, steps: [reply(text("changelog summarized"))], files: { ".hone/scheduled_tasks.json": { tasks: [task, other] } } });
    const { t, api, dir } = repl;
    // Nothing is typed: the due prompt starts a turn by itself.
    const done = await turnDone(t, "changelog summarized");
    expect(done).toContain("scheduled task feedc0de (cron 30 10 5 3 *) is due");
    expect(api.requests).toHaveLength(1);
    const sent = lastUserText(api.requests[0]);
    expect(sent).toContain('<scheduled-task id="feedc0de">');
    expect(sent).toContain("summarize the changelog for the release");
    expect(sent).not.toContain("weekly check");
    const saved = JSON.parse(readFileSync(join(dir, ".hone", "scheduled_tasks.json"), "utf8")) as { tasks: Array<{ id: string }> };
    expect(saved.tasks.map((s) => s.id)).toEqual(["cafe1234"]);
  }, TIMEOUT);
});
