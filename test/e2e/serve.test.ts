// `hone serve` driven by real HTTP clients: sessions, JSON and SSE turns, permission asks answered over
// HTTP, interrupts and the message queue, disconnecting clients, bad requests, the token rule and
// twenty sessions at once.
import { expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, startMockApi, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { startServe, streamTurn, until, type Json } from "../support/serve-fixture.ts";

const withApi = scriptedApi();

async function session(served: Awaited<ReturnType<typeof startServe>>, body: Json): Promise<string> {
  const created = await served.call("POST", "/v1/sessions", body);
  expect(created.status).toBe(201);
  return created.body.session_id as string;
}

async function collect(events: AsyncGenerator<Json>): Promise<Json[]> {
  const all: Json[] = [];
  for await (const event of events) all.push(event);
  return all;
}

test("health, a session, a JSON turn, its history; the saved session resumes with hone -p", async () => {
  const dir = tempProject();
  const api = await withApi(reply(text("Hello from the server.")), reply(text("Resumed.")));
  const served = await startServe({ cwd: dir, apiUrl: api.url });
  expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(await served.call("GET", "/health")).toEqual({ status: 200, body: expect.objectContaining({ status: "ok", sessions: 0 }) });

  const created = await served.call("POST", "/v1/sessions", { cwd: dir });
  expect(created.status).toBe(201);
  const id = created.body.session_id as string;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(created.body).toMatchObject({ type: "system", subtype: "init", cwd: dir, permissionMode: "default" });
  expect(created.body.tools).toEqual(expect.arrayContaining(["Read", "Write", "Bash"]));

  const sent = await served.call("POST", `/v1/sessions/${id}/messages`, { content: "hi" });
  expect(sent.status).toBe(200);
  expect(sent.body.result).toMatchObject({ type: "result", subtype: "success", is_error: false, result: "Hello from the server.", session_id: id });
  expect((sent.body.messages as Json[]).map((m) => m.type)).toEqual(["assistant"]);

  const shown = await served.call("GET", `/v1/sessions/${id}`);
  expect(shown.body).toMatchObject({ session_id: id, busy: false, pending_permissions: [] });
  expect(shown.body.messages).toEqual([{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "text", text: "Hello from the server." }] }]);
  expect((await served.call("GET", "/v1/sessions")).body.sessions).toEqual([expect.objectContaining({ session_id: id, cwd: dir, busy: false })]);

  expect((await served.call("POST", "/v1/sessions", { cwd: dir, resume: id })).status).toBe(409);
  expect(await served.call("DELETE", `/v1/sessions/${id}`)).toEqual({ status: 200, body: { session_id: id, closed: true } });
  expect((await served.call("GET", `/v1/sessions/${id}`)).status).toBe(404);
  const reopened = await served.call("POST", "/v1/sessions", { cwd: dir, resume: id });
  expect(reopened.status).toBe(201);
  expect(reopened.body.session_id).toBe(id);
  expect((await served.call("GET", `/v1/sessions/${id}`)).body.messages).toHaveLength(2);
  expect(await served.stop()).toBe(0);

  const resumed = await runHone(["-p", "and again", "--resume", id, "--output-format", "json"], { cwd: dir, apiUrl: api.url });
  expect(resumed.code).toBe(0);
  expect(resumed.json()).toMatchObject({ result: "Resumed.", session_id: id });
  expect(JSON.stringify(api.requests[1]!.body.messages)).toContain("Hello from the server.");
});

test("a streamed tool-using turn: one data event per stream-json message, result last; Accept also asks for SSE", async () => {
  const dir = tempProject();
  writeFileSync(join(dir, "notes.md"), "one\ntwo\n");
  const api = await withApi(reply(text("Looking."), toolUse("Read", { file_path: join(dir, "notes.md") })), reply(text("Two lines.")), reply(text("Plain.")));
  const served = await startServe({ cwd: dir, apiUrl: api.url });
  const id = await session(served, { cwd: dir });
  const { response, events } = await streamTurn(served.base, id, { content: "count lines", stream: true });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const all = await collect(events);
  expect(all.map((e) => e.type)).toEqual(["assistant", "assistant", "user", "assistant", "result"]);
  expect(all[2]).toMatchObject({ tool_use_result: { file: { numLines: 2 } } });
  expect(all[4]).toMatchObject({ subtype: "success", result: "Two lines.", num_turns: 2 });
  for (const event of all) expect(event.session_id).toBe(id);

  const byAccept = await streamTurn(served.base, id, { content: [{ type: "text", text: "block prompt" }] }, { headers: { accept: "text/event-stream" } });
  expect((await collect(byAccept.events)).map((e) => e.type)).toEqual(["assistant", "result"]);
  expect(JSON.stringify(api.requests[2]!.body.messages!.at(-1))).toContain("block prompt");

  const partial = await session(served, { cwd: dir, include_partial_messages: true });
  api.push(reply(text("Streamed in pieces.")));
  const raw = await collect((await streamTurn(served.base, partial, { content: "hi", stream: true })).events);
  expect(raw.filter((e) => e.type === "stream_event").map((e) => (e.event as Json).type)).toEqual(expect.arrayContaining(["message_start", "content_block_delta", "message_stop"]));
  expect(raw.at(-1)).toMatchObject({ type: "result", result: "Streamed in pieces." });
});

test("permission asks: allow with updatedInput over SSE, deny answered by a JSON client that polls", async () => {
  const dir = tempProject();
  const a = join(dir, "a.txt");
  const b = join(dir, "b.txt");
  const api = await withApi(reply(toolUse("Write", { file_path: a, content: "original" })), reply(text("Wrote it.")), reply(toolUse("Write", { file_path: b, content: "x" })), reply(text("Could not.")));
  const served = await startServe({ cwd: dir, apiUrl: api.url });
  const id = await session(served, { cwd: dir });

  const { events } = await streamTurn(served.base, id, { content: "write a", stream: true });
  const seen: Json[] = [];
  for await (const event of events) {
    seen.push(event);
    if (event.type !== "permission_request") continue;
    expect(event).toMatchObject({ tool_name: "Write", input: { file_path: a, content: "original" }, tool_use_id: expect.any(String), decision_reason: expect.any(String) });
    expect((await served.call("GET", `/v1/sessions/${id}`)).body.pending_permissions).toEqual([event]);
    const answered = await served.call("POST", `/v1/sessions/${id}/permissions/${event.request_id}`, { behavior: "allow", updatedInput: { file_path: a, content: "edited" } });
    expect(answered.status).toBe(200);
    expect((await served.call("POST", `/v1/sessions/${id}/permissions/${event.request_id}`, { behavior: "allow" })).status).toBe(404);
  }
  expect(seen.map((e) => e.type)).toEqual(["assistant", "permission_request", "user", "assistant", "result"]);
  expect(seen.at(-1)).toMatchObject({ subtype: "success", permission_denials: [] });
  expect(readFileSync(a, "utf8")).toBe("edited");

  const pending = served.call("POST", `/v1/sessions/${id}/messages`, { content: "write b" });
  const shown = await until(() => served.call("GET", `/v1/sessions/${id}`), (r) => (r.body.pending_permissions as Json[]).length === 1);
  const ask = (shown.body.pending_permissions as Json[])[0]!;
  expect(shown.body.busy).toBe(true);
  expect((await served.call("POST", `/v1/sessions/${id}/permissions/${ask.request_id}`, { behavior: "deny", message: "not b, please" })).status).toBe(200);
  const done = await pending;
  expect(done.body.result).toMatchObject({ subtype: "success", permission_denials: [{ tool_name: "Write", tool_input: { file_path: b, content: "x" } }] });
  expect((done.body.messages as Json[]).map((m) => m.type)).toEqual(["assistant", "permission_request", "user", "assistant"]);
  expect(existsSync(b)).toBe(false);
  expect(JSON.stringify(api.requests[3]!.body.messages!.at(-1))).toContain("not b, please");
});

test("interrupt ends the running turn (queued messages run after); an unanswered ask is denied by it", async () => {
  const dir = tempProject();
  const c = join(dir, "c.txt");
  const api = await withApi({ fault: "hang" }, reply(text("Second message.")), reply(toolUse("Write", { file_path: c, content: "c" })));
  const served = await startServe({ cwd: dir, apiUrl: api.url });
  const id = await session(served, { cwd: dir });

  const first = served.call("POST", `/v1/sessions/${id}/messages`, { content: "slow" });
  await until(async () => api.requests.length, (n) => n === 1);
  const second = served.call("POST", `/v1/sessions/${id}/messages`, { content: "next" });
  await until(() => served.call("GET", `/v1/sessions/${id}`), (r) => r.body.queued === 1);
  expect(await served.call("POST", `/v1/sessions/${id}/interrupt`)).toEqual({ status: 200, body: { session_id: id, interrupted: true } });
  expect((await first).body.result).toMatchObject({ subtype: "error_during_execution", is_error: true });
  expect((await second).body.result).toMatchObject({ subtype: "success", result: "Second message." });
  expect((await served.call("POST", `/v1/sessions/${id}/interrupt`)).body.interrupted).toBe(false);

  const { events } = await streamTurn(served.base, id, { content: "write c", stream: true });
  const seen: Json[] = [];
  for await (const event of events) {
    seen.push(event);
    if (event.type === "permission_request") await served.call("POST", `/v1/sessions/${id}/interrupt`);
  }
  expect(seen.at(-1)).toMatchObject({ type: "result", subtype: "error_during_execution" });
  expect(existsSync(c)).toBe(false);
  expect((await served.call("GET", `/v1/sessions/${id}`)).body.pending_permissions).toEqual([]);
});

test("a client leaving mid-stream does not stop the turn; the session stays usable; SIGINT closes a hanging turn and exits 0", async () => {
  const dir = tempProject();
  writeFileSync(join(dir, "notes.md"), "one\n");
  const api = await withApi(reply(toolUse("Read", { file_path: join(dir, "notes.md") })), { ...reply(text("Finished anyway.")), delayMs: 300 }, reply(text("Still here.")), { fault: "hang" });
  const served = await startServe({ cwd: dir, apiUrl: api.url });
  const id = await session(served, { cwd: dir });

  const leaving = new AbortController();
  const { events } = await streamTurn(served.base, id, { content: "read it", stream: true }, { signal: leaving.signal });
  expect((await events.next()).value).toMatchObject({ type: "assistant" });
  leaving.abort();
  const after = await until(() => served.call("GET", `/v1/sessions/${id}`), (r) => r.body.busy === false && (r.body.messages as Json[]).length === 4);
  expect((after.body.messages as Json[]).at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: "Finished anyway." }] });
  expect((await served.call("POST", `/v1/sessions/${id}/messages`, { content: "there?" })).body.result).toMatchObject({ result: "Still here." });

  const hanging = await streamTurn(served.base, id, { content: "hang", stream: true });
  const last = collect(hanging.events);
  await until(async () => api.requests.length, (n) => n === 4);
  expect(await served.stop("SIGINT")).toBe(0);
  expect((await last).at(-1)).toMatchObject({ type: "result", subtype: "error_during_execution" });
  expect(served.stderr()).toContain("closing 1 session");
});

test("bad requests get 4xx JSON errors naming the problem", async () => {
  const dir = tempProject();
  const api = await withApi();
  const served = await startServe({ cwd: dir, apiUrl: api.url });
  const id = await session(served, {});
  const cases: Array<[string, string, unknown, number, string]> = [
    ["POST", "/v1/sessions", "{not json", 400, "not valid JSON"],
    ["POST", "/v1/sessions", "[1]", 400, "JSON object"],
    ["POST", "/v1/sessions", { cwd: 5 }, 400, "cwd"],
    ["POST", "/v1/sessions", { cwdd: ".", extra: 1 }, 400, '"cwdd", "extra"'],
    ["POST", "/v1/sessions", { cwd: "/nonexistent/dir" }, 400, "not a directory"],
    ["POST", "/v1/sessions", { permission_mode: "yolo" }, 400, "permission_mode"],
    ["POST", "/v1/sessions", { allowed_tools: ["Frobnicate"] }, 400, 'allowed_tools: unknown tool "Frobnicate"'],
    ["POST", "/v1/sessions", { allowed_tools: "Read" }, 400, "allowed_tools"],
    ["POST", "/v1/sessions", { resume: "0000dead-no-such" }, 404, "No conversation found"],
    ["GET", "/nope", undefined, 404, "no route"],
    ["DELETE", "/health", undefined, 405, "GET"],
    ["PUT", "/v1/sessions", undefined, 405, "POST"],
    ["GET", "/v1/sessions/unknown", undefined, 404, "unknown"],
    ["POST", "/v1/sessions/unknown/messages", { content: "x" }, 404, "unknown"],
    ["DELETE", "/v1/sessions/unknown", undefined, 404, "unknown"],
    ["POST", `/v1/sessions/${id}/messages`, undefined, 400, "JSON object"],
    ["POST", `/v1/sessions/${id}/messages`, { content: "  " }, 400, "content"],
    ["POST", `/v1/sessions/${id}/messages`, { content: 5 }, 400, "content"],
    ["POST", `/v1/sessions/${id}/messages`, { content: [{ type: "video" }] }, 400, "content"],
    ["POST", `/v1/sessions/${id}/messages`, { content: "x", stream: "yes" }, 400, "stream"],
    ["POST", `/v1/sessions/${id}/messages`, { content: "x", model: "opus" }, 400, '"model"'],
    ["POST", `/v1/sessions/${id}/permissions/nope`, { behavior: "allow" }, 404, "nope"],
    ["POST", `/v1/sessions/${id}/permissions/nope`, { behavior: "maybe" }, 400, "behavior"],
    ["POST", `/v1/sessions/${id}/permissions/nope`, { behavior: "allow", updatedInput: "x" }, 400, "updatedInput"],
  ];
  for (const [method, path, body, status, needle] of cases) {
    const got = await served.call(method, path, body);
    expect({ method, path, body, status: got.status }).toEqual({ method, path, body, status });
    const error = got.body.error as { type: string; message: string };
    expect(typeof error.type).toBe("string");
    expect(error.message).toContain(needle);
  }
  const browserish: Array<Record<string, string>> = [{ origin: "http://localhost:3000" }, { host: "evil.example:80" }];
  for (const headers of browserish) {
    const refused = await served.call("POST", "/v1/sessions", {}, headers);
    expect(refused).toEqual({ status: 403, body: { error: { type: "permission_error", message: expect.any(String) } } });
  }
  expect(api.requests).toHaveLength(0);
  expect((await served.call("GET", "/v1/sessions")).body.sessions).toHaveLength(1);
});

test("serve --help, a bad flag, and a port already taken", async () => {
  const dir = tempProject();
  const help = await runHone(["serve", "--help"], { cwd: dir });
  expect(help.code).toBe(0);
  for (const word of ["--host", "--port", "HONE_SERVER_TOKEN"]) expect(help.stdout).toContain(word);
  const bad = await runHone(["serve", "--bogus"], { cwd: dir });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--bogus");
  expect((await runHone(["serve", "--port", "99999"], { cwd: dir })).stderr).toContain("--port");
  const api = await withApi();
  const first = await startServe({ cwd: dir, apiUrl: api.url });
  const taken = await runHone(["serve", "--port", first.base.split(":").at(-1)!], { cwd: dir });
  expect(taken.code).toBe(1);
  expect(taken.stderr).toContain("cannot listen");
});

test("a non-loopback bind needs the generated token; HONE_SERVER_TOKEN also guards a loopback bind", async () => {
  const dir = tempProject();
  const api = await withApi();
  const open = await startServe({ cwd: dir, apiUrl: api.url, args: ["--host", "0.0.0.0"] });
  expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  const token = /token: (\S+)/.exec(open.stderr())?.[1] ?? (await until(async () => /token: (\S+)/.exec(open.stderr())?.[1], (t) => t !== undefined));
  expect(token).toBeString();
  expect((await open.call("GET", "/health")).status).toBe(200);
  const refused = await open.call("GET", "/v1/sessions");
  expect(refused).toEqual({ status: 401, body: { error: { type: "authentication_error", message: expect.stringContaining("Bearer") } } });
  expect((await open.call("POST", "/v1/sessions", {}, { authorization: "Bearer wrong" })).status).toBe(401);
  expect((await open.call("GET", "/nope")).status).toBe(401);
  expect((await open.call("POST", "/v1/sessions", {}, { authorization: `Bearer ${token}` })).status).toBe(201);
  expect((await open.call("GET", "/v1/sessions", undefined, { authorization: `bearer ${token}` })).body.sessions).toHaveLength(1);
  expect(await open.stop()).toBe(0);

  const guarded = await startServe({ cwd: dir, apiUrl: api.url, env: { HONE_SERVER_TOKEN: "s3cret-token" } });
  expect((await guarded.call("GET", "/v1/sessions")).status).toBe(401);
  expect((await guarded.call("GET", "/v1/sessions", undefined, { authorization: "Bearer s3cret-token" })).status).toBe(200);
  expect(guarded.stderr()).not.toContain("s3cret-token");
});

test("twenty sessions at once each finish a tool-using turn", async () => {
  const prompt = /write (\S+) with (\d+)/;
  const answer = (req: LoggedRequest) => {
    const messages = req.body.messages ?? [];
    const [, file, n] = prompt.exec(JSON.stringify(messages[0])) ?? [];
    const last = JSON.stringify(messages.at(-1));
    return last.includes("tool_result") ? reply(text(`done ${n}`)) : reply(toolUse("Write", { file_path: file, content: `content ${n}` }));
  };
  const api = await startMockApi({ fallback: answer });
  try {
    const dirs = Array.from({ length: 20 }, () => tempProject("hone-serve-many-"));
    const served = await startServe({ cwd: dirs[0]!, apiUrl: api.url });
    const ids = await Promise.all(dirs.map((dir) => session(served, { cwd: dir, allowed_tools: ["Write"] })));
    expect(new Set(ids).size).toBe(20);
    const results = await Promise.all(ids.map((id, i) => served.call("POST", `/v1/sessions/${id}/messages`, { content: `write ${join(dirs[i]!, "out.txt")} with ${i}` })));
    results.forEach((r, i) => {
      expect(r.body.result).toMatchObject({ subtype: "success", result: `done ${i}`, session_id: ids[i] });
      expect(readFileSync(join(dirs[i]!, "out.txt"), "utf8")).toBe(`content ${i}`);
    });
    expect(api.requests).toHaveLength(40);
    expect(await served.stop()).toBe(0);
  } finally {
    await api.close();
  }
});
