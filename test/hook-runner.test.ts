import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interpretRuns } from "../src/hook-outcome.ts";
import { createHookDispatcher, runHooks } from "../src/hook-runner.ts";
import { HOOK_EVENTS, type HookCommand, type HookEvent } from "../src/hooks.ts";

function tempDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), "hone-hook-run-")));
}

/** Writes an executable sh script and returns a command that runs it. */
function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return `'${path}'`;
}

function hook(event: HookEvent, command: string, timeoutSec = 20, matcher = ""): HookCommand {
  return { event, matcher, command, timeoutSec, source: { file: "/test/settings.json", scope: "user" } };
}

const baseEnv = (dir: string) => ({ PATH: process.env.PATH, HOME: dir, SHELL: "/bin/sh" });
const opts = (dir: string) => ({ cwd: dir, projectDir: dir, env: baseEnv(dir) });

/** Runs one script for every event at once through a dispatcher, so stdin and the input fields are real. */
async function fireAll(dir: string, command: string, timeoutSec = 20) {
  const hooks = HOOK_EVENTS.map((event) => hook(event, command, timeoutSec));
  const dispatcher = createHookDispatcher({
    hooks, cwd: dir, projectDir: dir, env: baseEnv(dir),
    base: () => ({ session_id: "sess-1", transcript_path: join(dir, "t.jsonl"), cwd: dir, permission_mode: "default" }),
  });
  const outcomes = await Promise.all(HOOK_EVENTS.map((event) => dispatcher.fire(event, { marker: event })));
  return new Map(HOOK_EVENTS.map((event, i) => [event, outcomes[i]!]));
}

const EXIT2_BLOCKS = new Set<HookEvent>(["PreToolUse", "PostToolUse", "PostToolUseFailure", "UserPromptSubmit", "Stop", "SubagentStop", "PreCompact"]);
const PLAIN_CONTEXT = new Set<HookEvent>(["UserPromptSubmit", "SessionStart"]);
const CONTEXT_EVENTS = new Set<HookEvent>(["PreToolUse", "PostToolUse", "PostToolUseFailure", "UserPromptSubmit", "SessionStart"]);

describe("every event, every exit class", () => {
  test("exit 0 with plain stdout: context only for UserPromptSubmit and SessionStart; stdin carries the input", async () => {
    const dir = tempDir();
    const record = script(dir, "record.sh", `input=$(cat); ev=$(printf '%s' "$input" | sed 's/.*"hook_event_name":"\\([A-Za-z]*\\)".*/\\1/'); printf '%s' "$input" > "${dir}/$ev.json"; echo "plain output"`);
    const outcomes = await fireAll(dir, record);
    for (const event of HOOK_EVENTS) {
      const outcome = outcomes.get(event)!;
      expect(outcome.context).toEqual(PLAIN_CONTEXT.has(event) ? ["plain output"] : []);
      expect(outcome.block).toBeUndefined();
      expect(outcome.permission).toBeUndefined();
      expect(outcome.notices).toEqual([]);
      const input = JSON.parse(readFileSync(join(dir, `${event}.json`), "utf8"));
      expect(input).toEqual({
        session_id: "sess-1", transcript_path: join(dir, "t.jsonl"), cwd: dir, permission_mode: "default",
        hook_event_name: event, marker: event,
      });
    }
  });

  test("exit 0 with JSON: systemMessage to notices, additionalContext where the event takes context, stdout not context", async () => {
    const dir = tempDir();
    const cmd = script(dir, "json.sh", `ev=$(sed 's/.*"hook_event_name":"\\([A-Za-z]*\\)".*/\\1/'); printf '{"systemMessage":"note %s","hookSpecificOutput":{"hookEventName":"%s","additionalContext":"ctx %s"}}' "$ev" "$ev" "$ev"`);
    const outcomes = await fireAll(dir, cmd);
    for (const event of HOOK_EVENTS) {
      const outcome = outcomes.get(event)!;
      expect(outcome.notices).toEqual([`note ${event}`]);
      expect(outcome.context).toEqual(CONTEXT_EVENTS.has(event) ? [`ctx ${event}`] : []);
      expect(outcome.block).toBeUndefined();
      expect(outcome.stop).toBeUndefined();
    }
  });

  test("exit 2 blocks where the event can block, with stderr as the reason; elsewhere stderr is a notice", async () => {
    const dir = tempDir();
    const cmd = script(dir, "two.sh", `cat >/dev/null; echo "ignored stdout"; echo "not allowed here" >&2; exit 2`);
    const outcomes = await fireAll(dir, cmd);
    for (const event of HOOK_EVENTS) {
      const outcome = outcomes.get(event)!;
      expect(outcome.context).toEqual([]);
      if (EXIT2_BLOCKS.has(event)) {
        expect(outcome.block).toEqual({ reason: "not allowed here" });
        expect(outcome.notices).toEqual([]);
      } else {
        expect(outcome.block).toBeUndefined();
        expect(outcome.notices).toEqual([`${cmd}: not allowed here`]);
      }
      if (event === "PreToolUse") expect(outcome.permission).toEqual({ decision: "deny", reason: "not allowed here" });
      else expect(outcome.permission).toBeUndefined();
    }
  });

  test("exit 1 and other codes never block: a notice with the first stderr line", async () => {
    const dir = tempDir();
    const one = script(dir, "one.sh", `cat >/dev/null; echo "first problem" >&2; echo "second line" >&2; exit 1`);
    const seven = script(dir, "seven.sh", `cat >/dev/null; exit 7`);
    for (const [cmd, notice] of [[one, `${one}: exit 1: first problem`], [seven, `${seven}: exit 7`]] as const) {
      const outcomes = await fireAll(dir, cmd);
      for (const event of HOOK_EVENTS) {
        const outcome = outcomes.get(event)!;
        expect(outcome.block).toBeUndefined();
        expect(outcome.permission).toBeUndefined();
        expect(outcome.context).toEqual([]);
        expect(outcome.notices).toEqual([notice]);
      }
    }
  });

  test("a hook past its timeout is killed and decides nothing, even if it would have blocked", async () => {
    const dir = tempDir();
    const cmd = script(dir, "slow.sh", `echo '{"decision":"block","reason":"late"}'; echo late >&2; sleep 5; exit 2`);
    const started = Date.now();
    const outcomes = await fireAll(dir, cmd, 1);
    expect(Date.now() - started).toBeLessThan(3500);
    for (const event of HOOK_EVENTS) {
      const outcome = outcomes.get(event)!;
      expect(outcome.block).toBeUndefined();
      expect(outcome.permission).toBeUndefined();
      expect(outcome.notices).toEqual([`${cmd}: timed out after 1 s; its result was ignored`]);
    }
  });

  test("a missing script exits 127 (notice); a hook that cannot start at all is a notice too", async () => {
    const dir = tempDir();
    const missing = `'${join(dir, "nope.sh")}'`;
    const outcomes = await fireAll(dir, missing);
    for (const event of HOOK_EVENTS) {
      const outcome = outcomes.get(event)!;
      expect(outcome.block).toBeUndefined();
      expect(outcome.notices).toHaveLength(1);
      expect(outcome.notices[0]).toStartWith(`${missing}: exit 127: `);
      expect(outcome.notices[0]).toContain("nope.sh");
    }
    // A working directory that does not exist makes the spawn itself fail.
    const gone = join(dir, "no-such-dir");
    const runs = await Promise.all(HOOK_EVENTS.map((event) => runHooks([hook(event, "true")], {}, { ...opts(dir), cwd: gone })));
    for (const [i, event] of HOOK_EVENTS.entries()) {
      const run = runs[i]![0]!;
      expect(run.exitCode).toBeNull();
      expect(run.spawnError).toBeString();
      const outcome = interpretRuns(event, runs[i]!);
      expect(outcome.block).toBeUndefined();
      expect(outcome.notices).toEqual([`true: could not start: ${run.spawnError}`]);
    }
  });
});

describe("running", () => {
  test("hooks of one firing run in parallel", async () => {
    const dir = tempDir();
    const a = script(dir, "a.sh", "sleep 1; echo a");
    const b = script(dir, "b.sh", "sleep 1; echo b");
    const started = Date.now();
    const runs = await runHooks([hook("Stop", a), hook("Stop", b)], {}, opts(dir));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1800);
    expect(runs.map((r) => r.stdout)).toEqual(["a\n", "b\n"]);
    expect(runs.every((r) => r.exitCode === 0 && !r.timedOut && r.durationMs >= 950)).toBe(true);
  });

  test("runs in cwd with the given env plus CLAUDE_PROJECT_DIR, HONE_PROJECT_DIR and CLAUDECODE", async () => {
    const dir = tempDir();
    const project = tempDir();
    const cmd = script(dir, "env.sh", `echo "$(pwd)|$CLAUDE_PROJECT_DIR|$HONE_PROJECT_DIR|$CLAUDECODE|$MY_SETTING"`);
    const [run] = await runHooks([hook("SessionStart", cmd)], {}, { cwd: dir, projectDir: project, env: { ...baseEnv(dir), MY_SETTING: "from-settings" } });
    expect(run!.stdout).toBe(`${dir}|${project}|${project}|1|from-settings\n`);
  });

  test("the command goes through a shell, so $CLAUDE_PROJECT_DIR in the command expands", async () => {
    const dir = tempDir();
    script(dir, "in-project.sh", "echo found it");
    const [run] = await runHooks([hook("UserPromptSubmit", '"$CLAUDE_PROJECT_DIR"/in-project.sh')], {}, opts(dir));
    expect(run!.stdout).toBe("found it\n");
    expect(interpretRuns("UserPromptSubmit", [run!]).context).toEqual(["found it"]);
  });

  test("PreToolUse stdin holds the tool fields next to the common ones", async () => {
    const dir = tempDir();
    const cmd = script(dir, "tool.sh", `cat > "${dir}/pre.json"`);
    const dispatcher = createHookDispatcher({
      hooks: [hook("PreToolUse", cmd, 20, "Bash")], cwd: dir, projectDir: dir, env: baseEnv(dir),
      base: () => ({ session_id: "abc", transcript_path: "/x/abc.jsonl", cwd: dir, permission_mode: "plan" }),
    });
    expect(dispatcher.has("PreToolUse")).toBe(true);
    expect(dispatcher.has("PostToolUse")).toBe(false);
    const fields = { tool_name: "Bash", tool_input: { command: "npm test", timeout: 120000 }, tool_use_id: "toolu_1" };
    await dispatcher.fire("PreToolUse", fields, "Read");
    expect(existsSync(join(dir, "pre.json"))).toBe(false);
    await dispatcher.fire("PreToolUse", fields, "Bash");
    const input = JSON.parse(readFileSync(join(dir, "pre.json"), "utf8"));
    expect(input).toEqual({ session_id: "abc", transcript_path: "/x/abc.jsonl", cwd: dir, permission_mode: "plan", hook_event_name: "PreToolUse", ...fields });
  });

  test("a timeout kills the hook's whole process group, background children included", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "child.pid");
    const cmd = script(dir, "bg.sh", `sleep 30 & echo $! > "${pidFile}"; wait`);
    const [run] = await runHooks([hook("Stop", cmd, 1)], {}, opts(dir));
    expect(run!.timedOut).toBe(true);
    const pid = Number(readFileSync(pidFile, "utf8"));
    const state = (() => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      } catch {
        return "gone";
      }
    })();
    expect(["gone", "Z", "X"]).toContain(state);
  });

  test("an abort kills running hooks at once and they decide nothing", async () => {
    const dir = tempDir();
    const cmd = script(dir, "wait.sh", "sleep 10; exit 2");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const runs = await runHooks([hook("PreToolUse", cmd)], {}, { ...opts(dir), signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(runs[0]!.interrupted).toBe(true);
    const outcome = interpretRuns("PreToolUse", runs);
    expect(outcome.block).toBeUndefined();
    expect(outcome.permission).toBeUndefined();
    expect(outcome.notices).toEqual([`${cmd}: interrupted; its result was ignored`]);
  });

  test("with the signal already aborted no hook starts", async () => {
    const dir = tempDir();
    const cmd = script(dir, "mark.sh", `touch "${dir}/ran"`);
    const runs = await runHooks([hook("Stop", cmd)], {}, { ...opts(dir), signal: AbortSignal.abort() });
    expect(runs[0]).toMatchObject({ exitCode: null, interrupted: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(dir, "ran"))).toBe(false);
  });

  test("huge output is capped: stderr kept to 10,000 characters, context text capped with a note", async () => {
    const dir = tempDir();
    const cmd = script(dir, "big.sh", `i=0; while [ $i -lt 3000 ]; do echo "line $i of many lines"; echo "err $i of many" >&2; i=$((i+1)); done`);
    const runs = await runHooks([hook("UserPromptSubmit", cmd)], {}, opts(dir));
    expect(runs[0]!.stderr.length).toBe(10_000);
    expect(runs[0]!.stdout.length).toBeGreaterThan(50_000);
    const [context] = interpretRuns("UserPromptSubmit", runs).context;
    expect(context!.length).toBeLessThan(10_100);
    expect(context).toStartWith("line 0 of many lines\n");
    expect(context).toEndWith(`[hook output truncated: ${runs[0]!.stdout.trim().length} characters in all]`);
  });

  test("bash does not source ~/.bashrc for a hook (its stdin is a file, not a socket), so stdout stays clean", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".bashrc"), "echo from-bashrc; echo from-bashrc >&2\n");
    const env = { PATH: process.env.PATH, HOME: dir, SHELL: "/bin/bash" };
    const [run] = await runHooks([hook("PreToolUse", `read -r line; echo "$line"`)], { tool_name: "Bash" }, { cwd: dir, projectDir: dir, env });
    expect(run!.stderr).toBe("");
    expect(run!.stdout).toBe('{"tool_name":"Bash"}\n');
    expect(run!.json).toEqual({ tool_name: "Bash" });
  });

  test("a hook that ignores stdin still gets a clean result", async () => {
    const dir = tempDir();
    const [run] = await runHooks([hook("Notification", "exit 0")], { big: "x".repeat(500_000) }, opts(dir));
    expect(run!.exitCode).toBe(0);
    expect(run!.spawnError).toBeUndefined();
  });
});

describe("callback hooks (an SDK host's hooks)", () => {
  const callback = (answer: (input: Record<string, unknown>) => Promise<Record<string, unknown>>, timeoutSec = 5): HookCommand => ({
    event: "PreToolUse", matcher: "Bash", command: `callback:${Math.random()}`, timeoutSec, source: { file: "the SDK host", scope: "sdk" }, callback: answer,
  });
  const opts = { cwd: tmpdir(), projectDir: tmpdir(), env: { PATH: process.env.PATH } };

  test("a callback's answer is the hook's JSON output and decides like a command's", async () => {
    const seen: Array<Record<string, unknown>> = [];
    const hook = callback(async (input) => {
      seen.push(input);
      return { decision: "block", reason: "not today" };
    });
    const shell: HookCommand = { event: "PreToolUse", matcher: "Bash", command: "echo '{}'", timeoutSec: 5, source: { file: "x", scope: "user" } };
    const runs = await runHooks([shell, hook], { tool_name: "Bash" }, opts);
    expect(runs.map((r) => r.hook)).toEqual([shell, hook]);
    expect(runs[1]).toMatchObject({ exitCode: 0, json: { decision: "block", reason: "not today" } });
    expect(seen).toEqual([{ tool_name: "Bash" }]);
    expect(interpretRuns("PreToolUse", runs).block?.reason).toBe("not today");
  });

  test("a failing callback is a non-blocking error; a slow one times out; registered hooks fire and are observed", async () => {
    const [failed] = await runHooks([callback(async () => Promise.reject(new Error("host gone")))], {}, opts);
    expect(failed).toMatchObject({ exitCode: 1, stderr: "host gone" });
    const [slow] = await runHooks([callback(() => new Promise(() => undefined), 0.05)], {}, opts);
    expect(slow!.timedOut).toBe(true);
    const dispatcher = createHookDispatcher({ hooks: [], cwd: tmpdir(), projectDir: tmpdir(), env: {}, base: () => ({ session_id: "s" }) });
    expect(dispatcher.has("PreToolUse")).toBe(false);
    const phases: string[] = [];
    dispatcher.observe?.((e) => void phases.push(e.phase));
    dispatcher.register?.([callback(async (input) => ({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: String(input.session_id) } }))]);
    const outcome = await dispatcher.fire("PreToolUse", { tool_name: "Bash" }, "Bash");
    expect(outcome.permission).toMatchObject({ decision: "deny", reason: "s" });
    expect(phases).toEqual(["started", "finished"]);
  });
});
