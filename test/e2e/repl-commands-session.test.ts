// The REPL's conversation commands through the compiled binary in tmux: /help (and the guard that every
// built-in it lists has a test), /clear, /compact, /context, /cost, /resume, /rewind, /export, /exit.
// Effects are checked where they land: the requests hone sends, the files it writes, the screen.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPACT_REQUEST_MARKER, COMPACT_SUMMARY_PREFIX } from "../../src/compact-prompt.ts";
import { reply, startMockApi, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { messagesText, replHarness, TESTED_COMMANDS } from "../support/repl-commands-fixture.ts";
import { press } from "../support/repl-checks.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { sessionFiles, tempHome } from "../support/sessions.ts";
import { hasTmux } from "../support/tmux.ts";

const start = replHarness();
const isSummaryRequest = (r: LoggedRequest) => messagesText(r).includes(COMPACT_REQUEST_MARKER.slice(1, -1));

/** The names of one /help section ("Built-in commands:", "Skills and commands:"). */
function helpSection(history: string, title: string): string[] {
  const lines = history.slice(history.lastIndexOf("hone: type a task, or a command.")).split("\n");
  const from = lines.indexOf(title);
  if (from < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(from + 1)) {
    // The section ends at a blank line or the prompt's rule; rows the terminal wrapped are skipped.
    if (line.trim() === "" || line.startsWith("─")) break;
    const match = /^ {2}\/([\w:-]+)/.exec(line);
    if (match) names.push(match[1]!);
  }
  return names;
}

describe.skipIf(!hasTmux())("REPL session commands", () => {
  test("/help lists every built-in and the bundled skills, and each built-in has a test in repl-commands-*.test.ts", async () => {
    const repl = await start();
    const history = await repl.command("/help", "Skills and commands:");
    const builtins = helpSection(history, "Built-in commands:");
    const skills = helpSection(history, "Skills and commands:");
    expect(builtins.length).toBeGreaterThan(20);
    expect(skills).toEqual(expect.arrayContaining(["init", "review", "commit"]));
    const tested = new Set<string>(Object.values(TESTED_COMMANDS).flat());
    // A new built-in without a test here fails this line: add a test and its name to TESTED_COMMANDS.
    expect(builtins.filter((name) => !tested.has(name))).toEqual([]);
    // And every name claimed as tested has a test titled with it in its group's file.
    for (const [group, names] of Object.entries(TESTED_COMMANDS)) {
      const source = readFileSync(join(import.meta.dir, `repl-commands-${group}.test.ts`), "utf8");
      for (const name of names) expect(source, `a test titled "/${name}..." in repl-commands-${group}.test.ts`).toMatch(new RegExp(`test\\("[^"]*/${name}\\b`));
    }
  });

  // Regression test (fixed): it used to be that /help pads names to 28 columns without a minimum gap, so a long argument hint runs
  // into its description ("/effort [auto|low|medium|high|xhigh|max]Set how much ...").
  test("/help keeps a gap between a long argument hint and its description", async () => {
    const repl = await start();
    const history = await repl.command("/help", "Built-in commands:");
    expect(history).toMatch(/\/effort \[auto\|low\|medium\|high\|xhigh\|max\] +Set how much effort/);
    expect(history).toMatch(/\/permissions \[allow\|ask\|deny <rule>\] +List permission rules/);
  });

  test("/clear starts a new session: the next request holds only the new prompt, and the old session stays saved", async () => {
    const repl = await start({ steps: [reply(text("first answer")), reply(text("second answer"))] });
    await repl.prompt("the first prompt", "first answer");
    await repl.command("/clear", "Started a new conversation.");
    const request = await repl.prompt("the second prompt", "second answer");
    expect(request.body.messages).toHaveLength(1);
    expect(messagesText(request)).toContain("the second prompt");
    expect(messagesText(request)).not.toContain("the first prompt");
    expect(sessionFiles(repl.home, repl.dir)).toHaveLength(2);
  });

  test("/compact [instructions] sends one summary request with the instructions, and the next turn starts from the summary", async () => {
    const repl = await start({
      steps: [reply(text("noted one")), reply(text("noted two")), reply(text("<summary>They counted to two.</summary>")), reply(text("after compact"))],
    });
    await repl.prompt("count ONE-MARK", "noted one");
    await repl.prompt("count TWO-MARK", "noted two");
    await repl.command("/compact keep the numbers", "Compacted the conversation");
    const summary = repl.api.requests[2]!;
    expect(isSummaryRequest(summary)).toBe(true);
    expect(messagesText(summary)).toContain("keep the numbers");
    const next = await repl.prompt("go on", "after compact");
    expect(messagesText(next)).toContain(COMPACT_SUMMARY_PREFIX.slice(1, -1));
    expect(messagesText(next)).toContain("They counted to two.");
    expect(messagesText(next)).not.toContain("noted one");
  });

  // Regression test (fixed): it used to be that the REPL's /compact runs runBuiltin with a no-op onEvent, so the compaction is not
  // written to the transcript; resuming the session brings the whole uncompacted conversation back.
  test("after /compact in the REPL, a later --resume continues from the summary", async () => {
    const repl = await start({ steps: [reply(text("noted one")), reply(text("<summary>They counted to one.</summary>"))], fallback: reply(text("resumed")) });
    await repl.prompt("count ONE-MARK", "noted one");
    await repl.command("/compact", "Compacted the conversation");
    const id = /hone --resume (\S+)/.exec(await repl.command("/exit", "hone --resume"))![1]!;
    const resumed = await runHone(["-p", "and now?", "--resume", id], { cwd: repl.dir, apiUrl: repl.api.url, env: { HOME: repl.home } });
    expect(resumed.code).toBe(0);
    const last = repl.api.requests.at(-1)!;
    expect(messagesText(last)).toContain("They counted to one.");
    expect(messagesText(last)).not.toContain("noted one");
  });

  test("/context and /cost print their reports without calling the model", async () => {
    const repl = await start({ steps: [reply(text("counted"))] });
    await repl.command("/cost", "No API usage recorded in this session yet.");
    await repl.prompt("count something", "counted");
    const context = await repl.command("/context", "Free space");
    expect(context).toMatch(/Context: [\d,]+ of 200,000 tokens/);
    expect(context).toContain("System prompt");
    const cost = await repl.command("/cost", "Input read from cache");
    expect(cost).toMatch(/Total cost: \$\d+\.\d+/);
    expect(cost).toContain("By model:");
    expect(repl.api.requests).toHaveLength(1);
  });

  test("/resume picks a session saved by an earlier run in this folder, and the next request carries its history", async () => {
    const first = await startMockApi({ steps: [reply(text("I will remember it"))] });
    const dir = tempProject("hone-repl-");
    const home = tempHome();
    try {
      const seeded = await runHone(["-p", "remember the word PELICAN"], { cwd: dir, apiUrl: first.url, env: { HOME: home } });
      expect(seeded.code).toBe(0);
    } finally {
      await first.close();
    }
    const repl = await start({ dir, home, steps: [reply(text("the word was pelican"))] });
    repl.send("/resume");
    await repl.t.waitFor("Resume which session?");
    await repl.t.waitFor("remember the word PELICAN");
    repl.t.keys("Enter");
    await repl.t.waitFor("Resumed session", { history: true });
    const request = await repl.prompt("which word?", "the word was pelican");
    expect(request.body.messages).toHaveLength(3);
    expect(messagesText(request)).toContain("remember the word PELICAN");
    expect(messagesText(request)).toContain("I will remember it");
  });

  test("/rewind to before a prompt restores the code and the conversation and puts the prompt back in the box", async () => {
    const repl = await start({
      args: ["--permission-mode", "acceptEdits"],
      steps: [reply(text("alpha done")), reply(toolUse("Write", { file_path: "made.txt", content: "by beta\n" })), reply(text("beta done")), reply(text("beta again"))],
    });
    await repl.prompt("the ALPHA prompt", "alpha done");
    await repl.prompt("the BETA prompt", "beta done");
    expect(readFileSync(join(repl.dir, "made.txt"), "utf8")).toBe("by beta\n");
    repl.send("/rewind");
    await repl.t.waitFor("Rewind to just before which prompt?");
    await repl.t.waitFor("2. the BETA prompt");
    repl.t.keys("Enter");
    await repl.t.waitFor("Restore what?");
    repl.t.keys("Enter"); // Code and conversation
    await repl.t.waitFor("Rewound the conversation to before prompt 2", { history: true });
    expect(existsSync(join(repl.dir, "made.txt"))).toBe(false);
    await repl.t.waitFor("❯ the BETA prompt");
    repl.t.keys("Enter");
    await repl.t.waitFor("beta again", { history: true });
    const request = repl.api.requests.at(-1)!;
    expect(request.body.messages).toHaveLength(3);
    expect(messagesText(request)).toContain("the ALPHA prompt");
    expect(messagesText(request)).not.toContain("tool_use");
  });

  test("/rewind's Summarize up to here and Summarize from here replace only that part of the conversation", async () => {
    const repl = await start({
      steps: [
        reply(text("alpha done")),
        reply(text("beta done")),
        reply(text("gamma done")),
        reply(text("<summary>EARLY-SUMMARY of alpha</summary>")),
        reply(text("delta done")),
        reply(text("<summary>LATE-SUMMARY of gamma and delta</summary>")),
        reply(text("epsilon done")),
      ],
    });
    const { t, api } = repl;
    await repl.prompt("the ALPHA prompt", "alpha done");
    await repl.prompt("the BETA prompt", "beta done");
    await repl.prompt("the GAMMA prompt", "gamma done");
    const rewindTo = async (prompt: string, choice: string): Promise<void> => {
      repl.send("/rewind");
      await t.waitFor("Rewind to just before which prompt?");
      await press(t, "Down", `● ${prompt}`);
      await press(t, "Enter", "Restore what?");
      for (const option of ["Conversation only", "Code only", "Summarize from here", "Summarize up to here"]) {
        await press(t, "Down", `● ${option}`);
        if (option === choice) break;
      }
      t.keys("Enter");
    };

    // Up to BETA: ALPHA and its answer become a summary, BETA on stays word for word.
    await rewindTo("2. the BETA prompt", "Summarize up to here");
    await t.waitFor("Summarised that part of the conversation", { history: true });
    const early = api.requests.at(-1)!;
    expect(isSummaryRequest(early)).toBe(true);
    expect(messagesText(early)).toContain('before the user message that begins \\"the BETA prompt\\"');
    await repl.prompt("the DELTA prompt", "delta done");
    const afterEarly = api.requests.at(-1)!;
    const [first, ...rest] = afterEarly.body.messages ?? [];
    expect(JSON.stringify(first)).toContain(COMPACT_SUMMARY_PREFIX);
    expect(JSON.stringify(first)).toContain("EARLY-SUMMARY of alpha");
    expect(JSON.stringify(first)).toContain("the BETA prompt");
    expect(JSON.stringify(rest)).not.toContain("alpha done");
    expect(JSON.stringify(rest)).toContain("beta done");
    expect(afterEarly.body.messages).toHaveLength(5);

    // From GAMMA: BETA stays, GAMMA and DELTA become a summary the next prompt follows.
    await rewindTo("2. the GAMMA prompt", "Summarize from here");
    await t.waitFor((s) => s.split("Summarised that part of the conversation").length === 3, { history: true });
    expect(messagesText(api.requests.at(-1)!)).toContain('from the user message that begins \\"the GAMMA prompt\\" to the end');
    await repl.prompt("the EPSILON prompt", "epsilon done");
    const afterLate = api.requests.at(-1)!;
    expect(afterLate.body.messages).toHaveLength(3);
    const last = JSON.stringify(afterLate.body.messages?.[2]);
    expect(last).toContain("LATE-SUMMARY of gamma and delta");
    expect(last).toContain("the EPSILON prompt");
    expect(last).not.toContain("delta done");
    expect(JSON.stringify(afterLate.body.messages?.[1])).toContain("beta done");
  }, 30_000);

  test("/export [file] writes the conversation to the file", async () => {
    const repl = await start({ steps: [reply(text("an exported answer"))] });
    await repl.prompt("a prompt to export", "an exported answer");
    await repl.command("/export out.txt", "Exported the conversation to out.txt");
    const written = readFileSync(join(repl.dir, "out.txt"), "utf8");
    expect(written).toContain("a prompt to export");
    expect(written).toContain("an exported answer");
  });

  test("/exit leaves hone and says how to resume the session", async () => {
    const repl = await start({ steps: [reply(text("bye then"))] });
    await repl.prompt("hello", "bye then");
    const history = await repl.command("/exit", "hone --resume");
    const id = /hone --resume (\S+)/.exec(history)![1]!;
    expect(sessionFiles(repl.home, repl.dir).map((f) => f.endsWith(`${id}.jsonl`))).toEqual([true]);
    await repl.t.waitFor(() => !repl.t.alive());
  });
});
