// Hooks through the real binary: each event and exit-code class as a user would configure them in
// ~/.claude/settings.json, with sh scripts that record their stdin; the scripted API shows what the
// model was sent. (Project-file hooks need workspace trust; that is covered elsewhere.)
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { scriptedApi } from "../support/api-fixture.ts";
import { eventually, group, hookLab, printJson } from "../support/hook-lab.ts";
import { runHone } from "../support/run-hone.ts";
import { projectFolder, sessionFiles } from "../support/sessions.ts";

const withApi = scriptedApi();

type Part = Record<string, unknown>;

function toolResult(request: LoggedRequest, id: string): Part {
  for (const message of request.body.messages ?? []) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) if (block.type === "tool_result" && block.tool_use_id === id) return block;
  }
  throw new Error(`no tool_result for ${id} in the request`);
}

function contentText(block: Part): string {
  const content = block.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => String((p as { text?: unknown }).text ?? "")).join("\n");
}

/** All text of one message, whatever its shape. */
function messageText(request: LoggedRequest, index: number): string {
  const message = request.body.messages?.at(index);
  if (!message) return "";
  if (typeof message.content === "string") return message.content;
  return message.content.map((b) => (b.type === "text" ? String(b.text) : b.type === "tool_result" ? contentText(b) : "")).join("\n");
}

/** Gone, or a zombie nobody reaped: either way no longer running. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("PreToolUse", () => {
  test("exit 2 blocks the call: nothing written, stderr reaches the model as an error result; stdin has the documented fields", async () => {
    const lab = hookLab();
    const target = join(lab.dir, "blocked.txt");
    const envFile = join(lab.scripts, "env.txt");
    const hook = lab.recorder("pre", `echo "$CLAUDE_PROJECT_DIR|$HONE_PROJECT_DIR" > '${envFile}'\necho "writes are frozen today" >&2\nexit 2`);
    lab.settings({ PreToolUse: [group(hook, "Write")] });
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "x" }, "toolu_pre_1")), reply(text("ok")));
    const run = await runHone(["-p", "write it", "--allowedTools", "Write", "--output-format", "json"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(false);
    const result = toolResult(server.requests[1]!, "toolu_pre_1");
    expect(result.is_error).toBe(true);
    expect(contentText(result)).toContain("writes are frozen today");
    const sessionId = run.json().session_id as string;
    const transcript = join(projectFolder(lab.home, lab.dir), `${sessionId}.jsonl`);
    expect(lab.inputs("pre")).toEqual([
      {
        session_id: sessionId,
        transcript_path: transcript,
        cwd: lab.dir,
        permission_mode: "default",
        hook_event_name: "PreToolUse",
        tool_name: "Write",
        tool_input: { file_path: target, content: "x" },
        tool_use_id: "toolu_pre_1",
      },
    ]);
    expect(existsSync(transcript)).toBe(true);
    expect(readFileSync(envFile, "utf8").trim()).toBe(`${lab.dir}|${lab.dir}`);
  });

  // BUG: createAuthorizer (src/permissions.ts) fires PreToolUse with the input as the model wrote it, so a
  // relative file_path reaches the hook relative; Claude Code's hooks always get an absolute path.
  test("a relative file_path reaches the hook as an absolute path", async () => {
    const lab = hookLab();
    lab.settings({ PreToolUse: [group(lab.recorder("pre"), "Write")] });
    const server = await withApi(reply(toolUse("Write", { file_path: "sub/rel.txt", content: "r" })), reply(text("ok")));
    await runHone(["-p", "write", "--allowedTools", "Write"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(lab.inputs("pre")[0]?.tool_input).toEqual({ file_path: join(lab.dir, "sub", "rel.txt"), content: "r" });
  });

  test('permissionDecision "allow" lets a Write run in default -p mode, which would otherwise deny it', async () => {
    const lab = hookLab();
    const allow = lab.script("allow", printJson({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow", permissionDecisionReason: "docs are fine" } }));
    lab.settings({ PreToolUse: [group(allow, "Write")] });
    const target = join(lab.dir, "allowed.txt");
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "yes\n" })), reply(text("written")));
    const run = await runHone(["-p", "write", "--output-format", "json"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("yes\n");
    expect(run.json().permission_denials).toEqual([]);
  });

  test("a deny rule still wins over a hook's allow", async () => {
    const lab = hookLab();
    const allow = lab.script("allow", printJson({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow" } }));
    lab.settings({ PreToolUse: [group(allow, "Bash")] });
    const victim = join(lab.dir, "victim.txt");
    writeFileSync(victim, "keep me\n");
    const server = await withApi(
      reply(toolUse("Bash", { command: "touch made.txt" }, "toolu_touch"), toolUse("Bash", { command: "rm victim.txt" }, "toolu_rm")),
      reply(text("ok")),
    );
    const run = await runHone(["-p", "clean up", "--disallowedTools", "Bash(rm *)"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    // The hook's allow is in force (default -p would deny the touch), yet the deny rule keeps the file.
    expect(existsSync(join(lab.dir, "made.txt"))).toBe(true);
    expect(existsSync(victim)).toBe(true);
    const denied = toolResult(server.requests[1]!, "toolu_rm");
    expect(denied.is_error).toBe(true);
    expect(contentText(denied)).toMatch(/denied/i);
  });

  test('"deny" blocks the call and the model gets the reason', async () => {
    const lab = hookLab();
    const deny = lab.script("deny", printJson({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: "generated files are read-only" } }));
    lab.settings({ PreToolUse: [group(deny)] });
    const target = join(lab.dir, "gen.txt");
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "x" }, "toolu_deny")), reply(text("ok")));
    const run = await runHone(["-p", "write", "--allowedTools", "Write"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(false);
    const result = toolResult(server.requests[1]!, "toolu_deny");
    expect(result.is_error).toBe(true);
    expect(contentText(result)).toContain("generated files are read-only");
  });

  test("updatedInput replaces the input: the rewritten command is the one that runs", async () => {
    const lab = hookLab();
    const rewrite = lab.script(
      "rewrite",
      printJson({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow", updatedInput: { command: "touch rewritten.txt" } } }),
    );
    lab.settings({ PreToolUse: [group(rewrite, "Bash")] });
    const server = await withApi(reply(toolUse("Bash", { command: "touch original.txt" })), reply(text("ok")));
    const run = await runHone(["-p", "touch", "--allowedTools", "Bash"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(existsSync(join(lab.dir, "rewritten.txt"))).toBe(true);
    expect(existsSync(join(lab.dir, "original.txt"))).toBe(false);
  });

  test("PostToolUse hooks see the input that ran, as rewritten by a PreToolUse hook", async () => {
    const lab = hookLab();
    const rewrite = lab.script(
      "rewrite",
      printJson({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow", updatedInput: { command: "touch rewritten.txt" } } }),
    );
    lab.settings({ PreToolUse: [group(rewrite, "Bash")], PostToolUse: [group(lab.recorder("post"), "Bash")] });
    const server = await withApi(reply(toolUse("Bash", { command: "touch original.txt" })), reply(text("ok")));
    await runHone(["-p", "touch", "--allowedTools", "Bash"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(existsSync(join(lab.dir, "rewritten.txt"))).toBe(true);
    expect(lab.inputs("post")[0]?.tool_input).toMatchObject({ command: "touch rewritten.txt" });
  });

  test("the matcher picks the tools: exact names, lists and regular expressions; permission_mode is the run's", async () => {
    const lab = hookLab();
    writeFileSync(join(lab.dir, "a.txt"), "a\n");
    lab.settings({
      PreToolUse: [group(lab.recorder("read"), "Read"), group(lab.recorder("mutating"), "Bash|Write"), group(lab.recorder("regex"), "^Gl.b$")],
    });
    const server = await withApi(reply(toolUse("Read", { file_path: join(lab.dir, "a.txt") }), toolUse("Glob", { pattern: "*.txt" })), reply(text("ok")));
    const run = await runHone(["-p", "look", "--permission-mode", "acceptEdits"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(lab.inputs("read").map((i) => i.tool_name)).toEqual(["Read"]);
    expect(lab.inputs("regex").map((i) => i.tool_name)).toEqual(["Glob"]);
    expect(lab.inputs("mutating")).toEqual([]);
    expect(lab.inputs("read")[0]?.permission_mode).toBe("acceptEdits");
  });

  test("exit 1 does not block: the call runs and the user sees a notice", async () => {
    const lab = hookLab();
    lab.settings({ PreToolUse: [group(lab.script("crash", 'echo "linter crashed" >&2\nexit 1'))] });
    const target = join(lab.dir, "still.txt");
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "ok" })), reply(text("done")));
    const run = await runHone(["-p", "write", "--allowedTools", "Write"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(true);
    expect(run.stderr).toContain("linter crashed");
  });
});

describe("PostToolUse and PostToolUseFailure", () => {
  test("exit 2 cannot undo the call, but its stderr is appended to the result the model sees", async () => {
    const lab = hookLab();
    lab.settings({ PostToolUse: [group(lab.script("lint", 'echo "line 1: trailing whitespace" >&2\nexit 2'), "Write")] });
    const target = join(lab.dir, "w.txt");
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "w \n" }, "toolu_w")), reply(text("ok")));
    await runHone(["-p", "write", "--allowedTools", "Write"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(readFileSync(target, "utf8")).toBe("w \n");
    const result = toolResult(server.requests[1]!, "toolu_w");
    expect(contentText(result)).toContain(target);
    expect(contentText(result)).toContain("line 1: trailing whitespace");
  });

  test("JSON decision block and additionalContext are appended to the result; tool_response is on stdin", async () => {
    const lab = hookLab();
    const notes = join(lab.dir, "notes.md");
    writeFileSync(notes, "one\ntwo\n");
    const block = lab.recorder("post", printJson({ decision: "block", reason: "notes.md is owned by the docs team" }));
    const context = lab.script("context", printJson({ hookSpecificOutput: { hookEventName: "PostToolUse", additionalContext: "remember the style guide" } }));
    lab.settings({ PostToolUse: [group(block, "Read"), group(context, "Read")] });
    const server = await withApi(reply(toolUse("Read", { file_path: notes }, "toolu_r")), reply(text("ok")));
    const run = await runHone(["-p", "read"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    const seen = contentText(toolResult(server.requests[1]!, "toolu_r"));
    expect(seen).toContain("two");
    expect(seen).toContain("notes.md is owned by the docs team");
    expect(seen).toContain("remember the style guide");
    const [input] = lab.inputs("post");
    expect(input).toMatchObject({ hook_event_name: "PostToolUse", tool_name: "Read", tool_use_id: "toolu_r", tool_input: { file_path: notes } });
    expect(input?.tool_response).toMatchObject({ type: "text", file: { filePath: notes, numLines: 2 } });
  });

  test("a failing call fires PostToolUseFailure with the error, not PostToolUse", async () => {
    const lab = hookLab();
    const hint = printJson({ hookSpecificOutput: { hookEventName: "PostToolUseFailure", additionalContext: "try Glob first" } });
    lab.settings({ PostToolUse: [group(lab.recorder("post"))], PostToolUseFailure: [group(lab.recorder("failure", hint))] });
    const missing = join(lab.dir, "missing.txt");
    const server = await withApi(reply(toolUse("Read", { file_path: missing }, "toolu_missing")), reply(text("ok")));
    await runHone(["-p", "read"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(lab.inputs("post")).toEqual([]);
    const [input] = lab.inputs("failure");
    expect(input).toMatchObject({ hook_event_name: "PostToolUseFailure", tool_name: "Read", tool_use_id: "toolu_missing", tool_input: { file_path: missing } });
    expect(input?.error).toEqual(expect.stringContaining("missing.txt"));
    const result = toolResult(server.requests[1]!, "toolu_missing");
    expect(result.is_error).toBe(true);
    expect(contentText(result)).toContain("try Glob first");
  });

  test("continue:false stops the run: exit 0, no further request, stopReason is the result", async () => {
    const lab = hookLab();
    writeFileSync(join(lab.dir, "a.txt"), "a\n");
    lab.settings({ PostToolUse: [group(lab.script("halt", printJson({ continue: false, stopReason: "halted by the audit hook" })))] });
    const server = await withApi(reply(toolUse("Read", { file_path: join(lab.dir, "a.txt") })), reply(text("should never be asked for")));
    const run = await runHone(["-p", "read"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(run.stdout).toContain("halted by the audit hook");
  });
});

describe("UserPromptSubmit", () => {
  test("exit 0 plain stdout joins the first request's user message; the prompt is on stdin", async () => {
    const lab = hookLab();
    lab.settings({ UserPromptSubmit: [group(lab.recorder("submit", 'echo "Current sprint: ORCHID"'))] });
    const server = await withApi(reply(text("ok")));
    const run = await runHone(["-p", "what sprint is it?"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    const first = messageText(server.requests[0]!, 0);
    expect(first).toContain("what sprint is it?");
    expect(first).toContain("Current sprint: ORCHID");
    expect(lab.inputs("submit")).toEqual([expect.objectContaining({ hook_event_name: "UserPromptSubmit", prompt: "what sprint is it?" })]);
  });

  test("exit 2 blocks the prompt: exit 1, no request, the reason on stderr, the prompt not recorded", async () => {
    const lab = hookLab();
    lab.settings({ UserPromptSubmit: [group(lab.script("guard", 'echo "prompts may not mention secrets" >&2\nexit 2'))] });
    const server = await withApi(reply(text("unused")));
    const run = await runHone(["-p", "print the secrets file"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(run.stderr).toContain("prompts may not mention secrets");
    for (const file of sessionFiles(lab.home, lab.dir)) expect(readFileSync(file, "utf8")).not.toContain("print the secrets file");
  });

  test("JSON decision block blocks likewise and the json result carries the reason", async () => {
    const lab = hookLab();
    lab.settings({ UserPromptSubmit: [group(lab.script("guard", printJson({ decision: "block", reason: "outside office hours" })))] });
    const server = await withApi(reply(text("unused")));
    const run = await runHone(["-p", "deploy", "--output-format", "json"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(run.json()).toMatchObject({ type: "result", is_error: true, result: expect.stringContaining("outside office hours") });
  });
});

describe("Stop", () => {
  test("a block sends the model back once with the reason; stop_hook_active is true on the next firing", async () => {
    const lab = hookLab();
    const gate = lab.recorder(
      "stop",
      `case "$(tail -n 1 '${lab.logPath("stop")}')" in *'"stop_hook_active":false'*) echo "run the tests before stopping" >&2; exit 2;; esac`,
    );
    lab.settings({ Stop: [group(gate)] });
    const server = await withApi(reply(text("done, I think")), reply(text("tests pass, done")));
    const run = await runHone(["-p", "fix it"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(messageText(server.requests[1]!, -1)).toContain("run the tests before stopping");
    expect(lab.inputs("stop").map((i) => i.stop_hook_active)).toEqual([false, true]);
    expect(lab.inputs("stop")[0]?.hook_event_name).toBe("Stop");
    expect(run.stdout.trim()).toBe("tests pass, done");
  });

  test("a hook that always blocks is overridden after 8 blocks in a row", async () => {
    const lab = hookLab();
    lab.settings({ Stop: [group(lab.recorder("stop", 'echo "keep going" >&2\nexit 2'))] });
    const replies = Array.from({ length: 12 }, (_, i) => reply(text(`answer ${i + 1}`)));
    const server = await withApi(...replies);
    const run = await runHone(["-p", "loop"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(9);
    expect(run.stdout.trim()).toBe("answer 9");
  });
});

describe("session events", () => {
  test('SessionStart: stdout joins the context; source is "startup", then "resume" with --resume', async () => {
    const lab = hookLab();
    lab.settings({
      SessionStart: [group(lab.recorder("start", 'echo "Project codename: BLUEBIRD"')), group(lab.recorder("resume-only"), "resume")],
    });
    const server = await withApi(reply(text("first")), reply(text("second")));
    const first = await runHone(["-p", "hello", "--output-format", "json"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(first.code).toBe(0);
    expect(messageText(server.requests[0]!, 0)).toContain("Project codename: BLUEBIRD");
    const id = first.json().session_id as string;
    expect(lab.inputs("start")).toEqual([expect.objectContaining({ hook_event_name: "SessionStart", source: "startup", session_id: id })]);
    expect(lab.inputs("resume-only")).toEqual([]);
    const second = await runHone(["-p", "again", "--resume", id], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(second.code).toBe(0);
    expect(lab.inputs("start").map((i) => i.source)).toEqual(["startup", "resume"]);
    expect(lab.inputs("resume-only").map((i) => i.source)).toEqual(["resume"]);
  });

  test("SessionEnd runs once at the end, with a reason", async () => {
    const lab = hookLab();
    // A copy of the transcript as the hook found it shows the hook ran after the last answer was saved.
    const snapshot = join(lab.scripts, "transcript-at-end.jsonl");
    const copy = `cp "$(tail -n 1 '${lab.logPath("end")}' | sed -n 's/.*"transcript_path":"\\([^"]*\\)".*/\\1/p')" '${snapshot}'`;
    lab.settings({ SessionEnd: [group(lab.recorder("end", copy))] });
    const server = await withApi(reply(text("the final answer")));
    const run = await runHone(["-p", "hi", "--output-format", "json"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    const inputs = lab.inputs("end");
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ hook_event_name: "SessionEnd", session_id: run.json().session_id });
    expect(["clear", "logout", "prompt_input_exit", "other"]).toContain(inputs[0]?.reason as string);
    expect(readFileSync(snapshot, "utf8")).toContain("the final answer");
  });

  test('Notification fires with notification_type "permission_prompt" when a call needs approval in -p', async () => {
    const lab = hookLab();
    lab.settings({ Notification: [group(lab.recorder("notify"), "permission_prompt")] });
    const target = join(lab.dir, "needs-approval.txt");
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "x" })), reply(text("ok")));
    const run = await runHone(["-p", "write"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(false);
    const inputs = await eventually(() => (lab.inputs("notify").length > 0 ? lab.inputs("notify") : undefined));
    expect(inputs).toEqual([expect.objectContaining({ hook_event_name: "Notification", notification_type: "permission_prompt", message: expect.stringContaining("Write") })]);
  });
});

describe("running hooks", () => {
  test("hooks of one event run in parallel", async () => {
    const lab = hookLab();
    const waiter = (me: string, other: string) =>
      lab.script(
        me,
        `touch '${lab.scripts}/${me}.started'\ni=0\nwhile [ ! -f '${lab.scripts}/${other}.started' ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done\n` +
          `[ -f '${lab.scripts}/${other}.started' ] && touch '${lab.scripts}/${me}.saw-${other}'\nexit 0`,
      );
    lab.settings({ UserPromptSubmit: [group(waiter("a", "b")), group(waiter("b", "a"))] });
    const server = await withApi(reply(text("ok")));
    const run = await runHone(["-p", "hi"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(existsSync(join(lab.scripts, "a.saw-b"))).toBe(true);
    expect(existsSync(join(lab.scripts, "b.saw-a"))).toBe(true);
  });

  test("a hook past its timeout is killed with its children and decides nothing; the run goes on", async () => {
    const lab = hookLab();
    const pidFile = join(lab.scripts, "sleep.pid");
    const slow = lab.script("slow", `sleep 30 &\necho $! > '${pidFile}'\nwait\necho "too late" >&2\nexit 2`);
    lab.settings({ PreToolUse: [group(slow, "Write", 1)] });
    const target = join(lab.dir, "t.txt");
    const server = await withApi(reply(toolUse("Write", { file_path: target, content: "t" })), reply(text("ok")));
    const started = Date.now();
    const run = await runHone(["-p", "write", "--allowedTools", "Write"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(true);
    expect(run.stderr).toContain("timed out");
    expect(running(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  test("disableAllHooks: true runs none of them", async () => {
    const lab = hookLab();
    writeFileSync(join(lab.dir, "a.txt"), "a\n");
    const all = Object.fromEntries(["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop", "SessionEnd"].map((e) => [e, [group(lab.recorder(e))]]));
    lab.settings(all, { disableAllHooks: true });
    const server = await withApi(reply(toolUse("Read", { file_path: join(lab.dir, "a.txt") })), reply(text("ok")));
    const run = await runHone(["-p", "read"], { cwd: lab.dir, apiUrl: server.url, env: lab.env });
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    for (const event of Object.keys(all)) expect(lab.inputs(event)).toEqual([]);
  });

  test("hone hooks lists each hook with its matcher, command and the file it comes from", async () => {
    const lab = hookLab();
    const pre = lab.recorder("pre");
    const stop = lab.recorder("stop");
    lab.settings({ PreToolUse: [group(pre, "Bash|Write", 5)], Stop: [group(stop)] });
    const run = await runHone(["hooks"], { cwd: lab.dir, env: lab.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("PreToolUse");
    expect(run.stdout).toContain("Bash|Write");
    expect(run.stdout).toContain(pre);
    expect(run.stdout).toContain(stop);
    expect(run.stdout).toContain(lab.settingsFile);
    const listed = await runHone(["hooks", "--json"], { cwd: lab.dir, env: lab.env });
    const hooks = (JSON.parse(listed.stdout) as { hooks: Array<Record<string, unknown>> }).hooks;
    expect(hooks).toEqual([
      { event: "PreToolUse", matcher: "Bash|Write", command: pre, timeoutSec: 5, source: { file: lab.settingsFile, scope: "user" } },
      { event: "Stop", matcher: "", command: stop, timeoutSec: 60, source: { file: lab.settingsFile, scope: "user" } },
    ]);
  });
});
