// stream-json input through the compiled binary, without an SDK: raw NDJSON user and control messages on
// stdin, the protocol read back from stdout, the scripted API showing what reached the model. The
// permission tests keep the child alive and answer its can_use_tool requests as a host would.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { toolResultText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";
import { STREAM_ARGS, streamHost, type Line } from "../support/stream-host.ts";

const withApi = scriptedApi();


const user = (content: unknown, extra: Line = {}): Line => ({ type: "user", message: { role: "user", content }, ...extra });
const control = (id: string, request: Line): Line => ({ type: "control_request", request_id: id, request });
const ndjson = (...messages: Array<Line | string>): string => messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join("\n") + "\n";
const ofType = (lines: Line[], type: string): Line[] => lines.filter((l) => l.type === type);
const replyTo = (lines: Line[], id: string): Line | undefined =>
  lines.find((l) => l.type === "control_response" && (l.response as Line).request_id === id)?.response as Line | undefined;

/** Every text of a request's messages, in order (prompts, replies and tool results). */
function allText(request: LoggedRequest): string {
  return (request.body.messages ?? []).map((m) => (typeof m.content === "string" ? m.content : m.content.map((b) => String(b.text ?? "")).join("\n"))).join("\n");
}

function world() {
  const home = tempHome();
  return { home, dir: tempProject("hone-stream-in-"), env: { HOME: home } };
}

async function stream(apiUrl: string, input: string, args: string[] = []) {
  const w = world();
  const run = await runHone([...STREAM_ARGS, ...args], { cwd: w.dir, apiUrl, stdin: input, env: w.env });
  return { ...run, dir: w.dir, all: run.lines() };
}

const isAsk = (l: Line) => l.type === "control_request" && (l.request as Line).subtype === "can_use_tool";

describe("user messages", () => {
  test("a string and then content blocks with an image: two results, the second request carries the first exchange", async () => {
    const api = await withApi(reply(text("first answer")), reply(text("second answer")));
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const image = { type: "image", source: { type: "base64", media_type: "image/png", data: png } };
    const run = await stream(api.url, ndjson(user("hello there"), user([{ type: "text", text: "what is in this picture?" }, image])));
    expect(run.code).toBe(0);
    expect(ofType(run.all, "result").map((r) => r.result)).toEqual(["first answer", "second answer"]);
    expect(run.all.map((l) => l.type)).toEqual(["system", "assistant", "result", "assistant", "result"]);
    expect(api.requests).toHaveLength(2);
    const messages = api.requests[1]!.body.messages!;
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(allText(api.requests[1]!)).toContain("hello there\nfirst answer\nwhat is in this picture?");
    const last = messages[2]!.content as Line[];
    expect(last.find((b) => b.type === "image")).toMatchObject({ type: "image", source: { type: "base64", media_type: "image/png", data: png } });
    const sessionId = run.all[0]!.session_id;
    expect(run.all.every((l) => l.session_id === sessionId && typeof l.uuid === "string")).toBe(true);
  });

  test("--replay-user-messages echoes each message with isReplay and its uuid; unknown fields are ignored", async () => {
    const api = await withApi(reply(text("a")), reply(text("b")));
    const extra = { uuid: "11111111-2222-4333-8444-555555555555", parent_tool_use_id: null, session_id: "whatever", priority: "now", colour: "blue" };
    const run = await stream(api.url, ndjson(user("one", extra), user([{ type: "text", text: "two", flavour: "x" }])), ["--replay-user-messages"]);
    expect(run.code).toBe(0);
    const replays = ofType(run.all, "user");
    expect(replays).toHaveLength(2);
    expect(replays[0]).toMatchObject({ isReplay: true, uuid: extra.uuid, message: { role: "user", content: "one" } });
    expect(replays[1]).toMatchObject({ isReplay: true, message: { content: [{ type: "text", text: "two" }] } });
    expect(run.all.map((l) => l.type)).toEqual(["system", "user", "assistant", "result", "user", "assistant", "result"]);
    expect(ofType(run.all, "result").map((r) => r.subtype)).toEqual(["success", "success"]);
    // The API refuses blocks with fields it does not know: they are dropped, not forwarded.
    expect(api.requests[1]!.body.messages!.at(-1)!.content).toEqual([{ type: "text", text: "two", cache_control: { type: "ephemeral" } }]);
  });

  test("--include-partial-messages: message_start … message_stop stream events come before the assistant line", async () => {
    const api = await withApi({ content: [text("streamed in several pieces")], chunkSize: 5 });
    const run = await stream(api.url, ndjson(user("go")), ["--include-partial-messages"]);
    expect(run.code).toBe(0);
    const events = ofType(run.all, "stream_event").map((l) => (l.event as Line).type);
    expect(events[0]).toBe("message_start");
    // As the API sent it: the message starts empty (the SDK's running snapshot must not leak in).
    expect(((ofType(run.all, "stream_event")[0]!.event as Line).message as Line).content).toEqual([]);
    expect(events.at(-1)).toBe("message_stop");
    expect(events).toContain("content_block_delta");
    const deltas = ofType(run.all, "stream_event").flatMap((l) => ((l.event as Line).delta as Line | undefined)?.text ?? []);
    expect(deltas.join("")).toBe("streamed in several pieces");
    const stop = run.all.findIndex((l) => l.type === "stream_event" && (l.event as Line).type === "message_stop");
    expect(run.all.findIndex((l) => l.type === "assistant")).toBe(stop + 1);
  });

  test("shouldQuery false adds a message without a turn; the next turn's request contains it", async () => {
    const api = await withApi(reply(text("noted both")));
    const run = await stream(api.url, ndjson(user("background: the build uses make", { shouldQuery: false }), user("so how do I build?")));
    expect(run.code).toBe(0);
    expect(ofType(run.all, "result")).toHaveLength(1);
    expect(api.requests).toHaveLength(1);
    expect(allText(api.requests[0]!)).toContain("background: the build uses make");
    expect(allText(api.requests[0]!)).toContain("so how do I build?");
  });

  test("malformed lines are reported with their line number and skipped; the rest runs", async () => {
    const api = await withApi(reply(text("still here")));
    const input = ndjson("{not json", { message: { role: "user", content: "x" } }, user(42), user([{ type: "tool_result", tool_use_id: "t" }]), { type: "mystery" }, user([{ type: "image", source: "cat.png" }]), "", user("the real one"));
    const run = await stream(api.url, input);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("stdin line 1 is not JSON");
    expect(run.stderr).toContain('stdin line 2 has no "type"');
    expect(run.stderr).toMatch(/stdin line 3: message\.content must be a string or an array/);
    expect(run.stderr).toMatch(/stdin line 4: message\.content\[0\] has type "tool_result"/);
    expect(run.stderr).toContain('stdin line 5: unknown message type "mystery"');
    expect(run.stderr).toContain("stdin line 6: message.content[0].source must be an object");
    expect(ofType(run.all, "result").map((r) => r.result)).toEqual(["still here"]);
    expect(allText(api.requests[0]!)).toContain("the real one");
  });
});

describe("control requests", () => {
  test("initialize, set_model, set_permission_mode, an unknown subtype, mcp_status and get_context_usage", async () => {
    const api = await withApi(reply(text("ok")));
    const run = await stream(
      api.url,
      ndjson(
        control("c1", { subtype: "initialize" }),
        control("c2", { subtype: "set_model", model: "claude-haiku-4-5" }),
        control("c3", { subtype: "set_permission_mode", mode: "sideways" }),
        control("c4", { subtype: "set_permission_mode", mode: "bypassPermissions" }),
        control("c5", { subtype: "set_permission_mode", mode: "acceptEdits" }),
        control("c6", { subtype: "rewind_everything" }),
        control("c7", { subtype: "mcp_status" }),
        user("hi"),
        control("c8", { subtype: "get_context_usage" }),
      ),
    );
    expect(run.code).toBe(0);
    const init = replyTo(run.all, "c1")!;
    expect(init.subtype).toBe("success");
    const body = init.response as { commands: Line[]; models: Line[]; pid: number; output_style: string };
    expect(body.commands.map((c) => c.name)).toContain("compact");
    expect(body.models.map((m) => m.value)).toContain("claude-sonnet-4-6");
    expect(body.output_style).toBe("default");
    expect(typeof body.pid).toBe("number");
    expect(replyTo(run.all, "c2")).toMatchObject({ subtype: "success", response: { model: "claude-haiku-4-5" } });
    expect(api.requests[0]!.body.model).toBe("claude-haiku-4-5");
    expect(replyTo(run.all, "c3")).toMatchObject({ subtype: "error" });
    expect(String(replyTo(run.all, "c3")!.error)).toContain("sideways");
    expect(replyTo(run.all, "c4")).toMatchObject({ subtype: "error" });
    expect(String(replyTo(run.all, "c4")!.error)).toContain("--allow-dangerously-skip-permissions");
    expect(replyTo(run.all, "c5")).toMatchObject({ subtype: "success", response: { mode: "acceptEdits" } });
    expect(ofType(run.all, "system")[0]).toMatchObject({ subtype: "init", permissionMode: "acceptEdits", model: "claude-haiku-4-5" });
    expect(replyTo(run.all, "c6")).toMatchObject({ subtype: "error" });
    expect(String(replyTo(run.all, "c6")!.error)).toContain('"rewind_everything"');
    expect(replyTo(run.all, "c7")).toMatchObject({ subtype: "success", response: { mcpServers: [] } });
    const usage = replyTo(run.all, "c8")!;
    expect(usage.subtype).toBe("success");
    expect(JSON.stringify(usage.response)).toMatch(/token/i);
    expect(ofType(run.all, "result")).toHaveLength(1);
  });

  test("with --allow-dangerously-skip-permissions, set_permission_mode may choose bypassPermissions", async () => {
    const api = await withApi(reply(text("ok")));
    const run = await stream(api.url, ndjson(control("b1", { subtype: "set_permission_mode", mode: "bypassPermissions" }), user("hi")), ["--allow-dangerously-skip-permissions"]);
    expect(replyTo(run.all, "b1")).toMatchObject({ subtype: "success", response: { mode: "bypassPermissions" } });
    expect(ofType(run.all, "system")[0]).toMatchObject({ permissionMode: "bypassPermissions" });
  });
});

describe("--permission-prompt-tool stdio", () => {
  test("can_use_tool requests: allow with updatedInput runs the edited call, deny with a message reaches the model", async () => {
    const w = world();
    const target = join(w.dir, "out.txt");
    const api = await withApi(
      reply(toolUse("Write", { file_path: target, content: "from the model\n" }, "toolu_w")),
      reply(toolUse("Bash", { command: `touch ${join(w.dir, "ran")}` }, "toolu_b")),
      reply(text("finished")),
    );
    const hone = streamHost({ dir: w.dir, apiUrl: api.url, home: w.home, args: ["--permission-prompt-tool", "stdio"] });
    hone.send(user("write then run"));
    const write = await hone.next(isAsk);
    expect(write.request).toMatchObject({ subtype: "can_use_tool", tool_name: "Write", input: { file_path: target }, tool_use_id: "toolu_w" });
    const input = (write.request as Line).input as Line;
    hone.send({ type: "control_response", response: { subtype: "success", request_id: write.request_id, response: { behavior: "allow", updatedInput: { ...input, content: "from the host\n" } } } });
    const bash = await hone.next(isAsk);
    expect(bash.request).toMatchObject({ tool_name: "Bash", tool_use_id: "toolu_b" });
    hone.send({ type: "control_response", response: { subtype: "success", request_id: bash.request_id, response: { behavior: "deny", message: "no shells from this host" } } });
    const result = await hone.next((l) => l.type === "result");
    hone.close();
    expect(await hone.exited()).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("from the host\n");
    expect(existsSync(join(w.dir, "ran"))).toBe(false);
    expect(toolResultText(api.requests[2]!, "toolu_b")).toContain("no shells from this host");
    expect(result).toMatchObject({ subtype: "success", result: "finished", permission_denials: [{ tool_name: "Bash", tool_use_id: "toolu_b" }] });
  });

  test("stdin closing while a can_use_tool is pending denies it and the process exits", async () => {
    const w = world();
    const target = join(w.dir, "never.txt");
    const api = await withApi(reply(toolUse("Write", { file_path: target, content: "x" }, "toolu_p")), reply(text("gave up")));
    const hone = streamHost({ dir: w.dir, apiUrl: api.url, home: w.home, args: ["--permission-prompt-tool", "stdio"] });
    hone.send(user("write it"));
    await hone.next(isAsk);
    hone.close();
    const code = await Promise.race([hone.exited(), Bun.sleep(10_000).then(() => "hung")]);
    expect(code).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(hone.seen.filter((l) => l.type === "result")).toHaveLength(1);
    expect(toolResultText(api.requests[1]!, "toolu_p")).toMatch(/not granted|closed/);
  });
});

test("--include-hook-events: a trusted project's PreToolUse hook shows up as hook_started and hook_response", async () => {
  const w = world();
  mkdirSync(join(w.dir, ".claude"), { recursive: true });
  const hook = { matcher: "Read", hooks: [{ type: "command", command: "echo checked-by-hook" }] };
  writeFileSync(join(w.dir, ".claude", "settings.json"), JSON.stringify({ hooks: { PreToolUse: [hook] } }));
  writeFileSync(join(w.dir, "a.txt"), "alpha\n");
  const api = await withApi(reply(toolUse("Read", { file_path: join(w.dir, "a.txt") }, "toolu_r")), reply(text("read it")));
  const run = await runHone([...STREAM_ARGS, "--include-hook-events", "--trust"], { cwd: w.dir, apiUrl: api.url, stdin: ndjson(user("read a.txt")), env: w.env });
  expect(run.code).toBe(0);
  const all = run.lines();
  const started = all.find((l) => l.subtype === "hook_started");
  const response = all.find((l) => l.subtype === "hook_response");
  expect(started).toMatchObject({ type: "system", hook_event: "PreToolUse", hook_name: "PreToolUse:Read" });
  expect(response).toMatchObject({ type: "system", hook_id: started!.hook_id, hook_event: "PreToolUse", exit_code: 0, outcome: "success" });
  expect(String(response!.stdout)).toContain("checked-by-hook");
  expect(all.indexOf(started!)).toBeLessThan(all.indexOf(response!));
  expect(ofType(all, "result")[0]).toMatchObject({ subtype: "success", result: "read it" });
});

test("usage errors around stream-json input and the permission prompt tool", async () => {
  const dir = tempProject();
  const cases: Array<[string[], string]> = [
    [["--input-format", "stream-json", "--output-format", "json"], "--input-format=stream-json requires --output-format=stream-json"],
    [[...STREAM_ARGS, "a prompt"], "remove the prompt argument"],
    [["-p", "hi", "--replay-user-messages", "--output-format", "stream-json", "--verbose"], "--replay-user-messages requires --input-format=stream-json"],
    [["-p", "hi", "--permission-prompt-tool", "stdio"], "--permission-prompt-tool stdio requires --input-format=stream-json"],
    [[...STREAM_ARGS, "--permission-prompt-tool", "approve_everything"], 'got "approve_everything"'],
  ];
  for (const [args, message] of cases) {
    const run = await runHone(args, { cwd: dir, stdin: "" });
    expect({ args, code: run.code }).toEqual({ args, code: 2 });
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  }
});
