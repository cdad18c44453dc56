// The REPL's commands that change how the session runs, through the compiled binary in tmux: /model,
// /think, /effort, /plan, /output-style, /vim, /statusline, /add-dir, and the statusLine setting. Each
// is checked by what the next request carries, what the footer shows or what lands in settings files.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveModel } from "../../src/models.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { messagesText, replHarness } from "../support/repl-commands-fixture.ts";
import { tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";
import { systemText, toolResultText } from "../support/request-text.ts";
import { hasTmux } from "../support/tmux.ts";
import { decide, plannerPids } from "../support/ultraplan-fixture.ts";

const start = replHarness();
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe.skipIf(!hasTmux())("REPL settings commands", () => {
  test("/model [name] by name and from the menu: the next request uses that model", async () => {
    const repl = await start({ steps: [reply(text("opus here")), reply(text("haiku here"))] });
    const opus = resolveModel("opus", {});
    await repl.command("/model opus", `Model set to ${opus} for this session.`);
    expect((await repl.prompt("who are you?", "opus here")).body.model).toBe(opus);
    // Without a name: a menu of aliases (sonnet, opus, haiku, ...); the third is haiku.
    repl.send("/model");
    await repl.t.waitFor(`Model (now ${opus})`);
    repl.t.keys("Down", "Down", "Enter");
    await repl.t.waitFor(`Model set to ${resolveModel("haiku", {})}`, { history: true });
    expect((await repl.prompt("and now?", "haiku here")).body.model).toBe(resolveModel("haiku", {}));
  });

  test("/think on|off and /effort level: the next request has thinking and output_config.effort, and not after turning them off", async () => {
    const repl = await start({ steps: [reply(text("thought hard")), reply(text("plain answer"))] });
    await repl.command("/think on", "Extended thinking is on");
    await repl.command("/effort high", "Effort set to high for this session.");
    await repl.command("/effort extreme", 'Unknown effort level "extreme"');
    const on = await repl.prompt("think about it", "thought hard");
    expect(on.body.thinking?.type).toMatch(/^(adaptive|enabled)$/);
    expect(on.body.output_config).toEqual({ effort: "high" });
    await repl.command("/think off", "Extended thinking is off.");
    await repl.command("/effort auto", "Effort: auto");
    const off = await repl.prompt("just answer", "plain answer");
    expect(off.body.thinking).toBeUndefined();
    expect(off.body.output_config).toBeUndefined();
  });

  test("/plan turns on plan mode: the footer says so and a Write is refused", async () => {
    const repl = await start({ steps: [reply(toolUse("Write", { file_path: "plan.txt", content: "x" }, "w1")), reply(text("I will only plan"))] });
    await repl.command("/plan", "Plan mode on");
    await repl.t.waitFor("⏸ plan mode on");
    await repl.prompt("write plan.txt", "I will only plan");
    expect(existsSync(join(repl.dir, "plan.txt"))).toBe(false);
    expect(toolResultText(repl.api.requests[1]!, "w1")).toContain("plan mode");
  });

  test("/output-style [name] lists the styles, and a chosen one reaches the system prompt and .hone/settings.local.json", async () => {
    const repl = await start({ steps: [reply(text("styled answer"))] });
    const list = await repl.command("/output-style", "Learning");
    expect(list).toContain("Explanatory");
    await repl.command("/output-style explanatory", "Output style set to Explanatory");
    const request = await repl.prompt("explain it", "styled answer");
    expect(systemText(request)).toContain("# Output style: Explanatory");
    expect(readJson(join(repl.dir, ".hone", "settings.local.json")).outputStyle).toBe("Explanatory");
  });

  test("/vim switches the prompt to vim editing (Esc, 0, x edit in normal mode) and saves editorMode in ~/.hone/settings.json", async () => {
    const repl = await start();
    const settings = join(repl.home, ".hone", "settings.json");
    await repl.command("/vim", "Vim editing is on");
    await repl.t.waitFor("-- INSERT --");
    expect(readJson(settings).editorMode).toBe("vim");
    // The saved setting applies to the next session: it starts in vim's insert mode.
    const again = await start({ home: repl.home, dir: repl.dir });
    await again.t.waitFor("-- INSERT --");
    again.t.kill();
    repl.t.type("hello world");
    await repl.t.waitFor("❯ hello world");
    repl.t.keys("Escape");
    await repl.t.waitFor("-- NORMAL --");
    repl.t.type("0");
    repl.t.type("x");
    await repl.t.waitFor("❯ ello world");
    // Ctrl+C empties the box; i goes back to insert mode; /vim again turns it off.
    repl.t.keys("C-c", "i");
    await repl.t.waitFor((s) => s.includes("-- INSERT --") && !s.includes("ello world"));
    await repl.command("/vim", "Vim editing is off");
    await repl.t.waitFor((s) => !s.includes("-- INSERT --") && !s.includes("-- NORMAL --"));
    expect(readJson(settings).editorMode).toBe("normal");
  });

  test("/statusline [what to show] asks the model to set up the statusLine setting", async () => {
    const repl = await start({ steps: [reply(text("status line set up"))] });
    const request = await repl.prompt("/statusline show the git branch in green", "status line set up");
    const sent = messagesText(request);
    expect(sent).toContain("show the git branch in green");
    expect(sent).toContain('\\"statusLine\\": { \\"type\\": \\"command\\"');
    expect(sent).toContain(join(repl.home, ".hone", "settings.json"));
  });

  test("/add-dir <path> needs a directory; with one, an acceptEdits Write there goes through without asking", async () => {
    const other = tempProject("hone-repl-other-");
    const target = join(other, "from-hone.txt");
    const repl = await start({
      args: ["--permission-mode", "acceptEdits"],
      steps: [reply(toolUse("Write", { file_path: target, content: "written\n" }, "w1")), reply(text("wrote it there"))],
    });
    await repl.command("/add-dir", "/add-dir needs a directory path. Usage: /add-dir <path>");
    await repl.command("/add-dir /no/such/dir", "/no/such/dir is not a directory.");
    await repl.command(`/add-dir ${other}`, `Added ${other} as a working directory`);
    await repl.prompt("write the file in the other folder", "wrote it there");
    expect(readFileSync(target, "utf8")).toBe("written\n");
    const result = toolResultText(repl.api.requests[1]!, "w1");
    expect(result).not.toContain("outside the working directories");
    expect(repl.t.history()).not.toContain("Do you want to proceed?");
  });

  test("the statusLine setting: its command's output shows under the prompt and follows the model and the turns", async () => {
    const home = tempHome();
    const script = join(home, "status.sh");
    const repl = await start({
      home,
      steps: [reply(text("first turn done"))],
      files: {
        [script]: [
          "#!/bin/sh",
          "in=$(cat)",
          `model=$(printf '%s' "$in" | sed -n 's/.*"model":{"id":"\\([^"]*\\)".*/\\1/p')`,
          `sid=$(printf '%s' "$in" | sed -n 's/.*"session_id":"\\([^"]*\\)".*/\\1/p')`,
          `out=$(printf '%s' "$in" | sed -n 's/.*"total_output_tokens":\\([0-9]*\\).*/\\1/p')`,
          'echo "SL model=$model session=$sid out=$out"',
          "",
        ].join("\n"),
        [join(home, ".hone", "settings.json")]: { statusLine: { type: "command", command: `sh ${script}` } },
      },
    });
    const first = await repl.t.waitFor(/SL model=\S+ session=\S+ out=0/);
    const session = /session=(\S+)/.exec(first)![1]!;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    // Under the prompt box: below its bottom rule.
    const rows = first.split("\n");
    expect(rows.findIndex((r) => r.startsWith("SL model="))).toBeGreaterThan(rows.findLastIndex((r) => /^─+$/.test(r)));
    await repl.prompt("say something", "first turn done");
    await repl.t.waitFor(new RegExp(`SL model=\\S+ session=${session} out=[1-9]`));
    await repl.command("/model opus", "Model set to");
    await repl.t.waitFor(`SL model=${resolveModel("opus", {})} session=${session}`);
  });
  test("/ultraplan <task> starts the detached planner, shows its page, and the plan approved there becomes the next turn", async () => {
    const planners = plannerPids();
    try {
      const plan = "# Plan\n\n1. Add the flag.\n2. Test it. (repl-approved-plan)";
      const repl = await start({
        env: { NO_COLOR: "1" },
        routes: [{ prompt: /^Write the implementation plan for this task/, steps: [reply(text(plan))] }],
        fallback: reply(text("Carried out the approved plan.")),
      });
      await repl.command("/ultraplan", "/ultraplan needs a task to plan");
      const shown = await repl.command("/ultraplan add a shout flag", /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(shown)![0];
      const state = JSON.parse(readFileSync(join(repl.home, ".hone", "ultraplan", readdirSync(join(repl.home, ".hone", "ultraplan"))[0]!, "state.json"), "utf8")) as { pid?: number };
      if (state.pid) planners.add(state.pid);
      for (let i = 0; i < 200 && (await (await fetch(`${new URL(url).origin}/state?token=${new URL(url).searchParams.get("token")}`)).json() as { status: string }).status !== "ready"; i++) await Bun.sleep(50);
      expect((await decide(url, "/approve", {})).status).toBe(200);
      await repl.t.waitFor("Carried out the approved plan.", { history: true, timeoutMs: 20_000 });
      const executing = repl.api.requests.at(-1)!;
      expect(messagesText(executing)).toContain("repl-approved-plan");
    } finally {
      planners.endAll("SIGTERM");
    }
  }, 60_000);
});
