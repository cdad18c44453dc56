// The control channel and the host permission bridge, without a process: requests out, replies in.
import { expect, test } from "bun:test";
import { createControlChannel } from "../src/control.ts";
import { answerFrom, applyPermissionUpdates, permissionSuggestions, stdioAsker } from "../src/host-permissions.ts";
import type { PermissionContext } from "../src/permission-context.ts";
import { decide } from "../src/permission-engine.ts";
import type { Json } from "../src/stream-json.ts";

function channel() {
  const sent: Json[] = [];
  return { sent, control: createControlChannel((m) => void sent.push(m)) };
}

test("a request is answered by the reply with its id; an error reply rejects with the host's message", async () => {
  const { sent, control } = channel();
  const first = control.request({ subtype: "can_use_tool", tool_name: "Write" });
  const second = control.request({ subtype: "hook_callback", callback_id: "hook_0" });
  expect(sent.map((m) => (m.request as Json).subtype)).toEqual(["can_use_tool", "hook_callback"]);
  const [a, b] = sent.map((m) => m.request_id as string);
  expect(a).not.toBe(b);
  expect(control.receive({ type: "control_response", response: { subtype: "success", request_id: "nobody", response: {} } })).toBe(false);
  expect(control.receive({ type: "control_response", response: { subtype: "error", request_id: b, error: "no such callback" } })).toBe(true);
  expect(control.receive({ type: "control_response", response: { subtype: "success", request_id: a, response: { behavior: "allow" } } })).toBe(true);
  expect(await first).toEqual({ behavior: "allow" });
  await expect(second).rejects.toThrow("no such callback");
  expect(control.pending).toBe(0);
});

test("an aborted request is cancelled at the host; closing fails what is outstanding and refuses new ones", async () => {
  const { sent, control } = channel();
  const abort = new AbortController();
  const cancelled = control.request({ subtype: "can_use_tool" }, abort.signal);
  abort.abort();
  await expect(cancelled).rejects.toThrow("Interrupted");
  expect(sent[1]).toEqual({ type: "control_cancel_request", request_id: sent[0]!.request_id });
  const waiting = control.request({ subtype: "can_use_tool" });
  control.close("stdin was closed");
  await expect(waiting).rejects.toThrow("stdin was closed");
  await expect(control.request({ subtype: "can_use_tool" })).rejects.toThrow("stdin was closed");
});

function context(): PermissionContext {
  return { mode: "default", rules: [], cwd: "/work/p", home: "/root", workingDirs: ["/work/p"], readableDirs: [] };
}

test("suggestions become addRules updates; the host's updates change this run's rules and mode", () => {
  const ctx = context();
  const decision = decide({ tool: "Bash", input: { command: "npm test" }, readOnly: false, shellCwd: "/work/p" }, ctx);
  expect(decision.behavior).toBe("ask");
  const [update] = permissionSuggestions(decision);
  expect(update).toMatchObject({ type: "addRules", behavior: "allow", destination: "session" });
  applyPermissionUpdates([update, { type: "setMode", mode: "acceptEdits" }, { type: "setMode", mode: "bypassPermissions" }, "junk"], ctx);
  expect(ctx.mode).toBe("acceptEdits");
  expect(decide({ tool: "Bash", input: { command: "npm test" }, readOnly: false, shellCwd: "/work/p" }, ctx).behavior).toBe("allow");
});

test("replies: allow with an input, deny with a message or an interrupt, anything else denies", () => {
  let interrupted = 0;
  const options = { permissions: context, signal: () => undefined, interrupt: () => void interrupted++ };
  expect(answerFrom({ behavior: "allow", updatedInput: { a: 1 } }, "host", options)).toEqual({ allow: true, input: { a: 1 } });
  expect(answerFrom({ behavior: "allow" }, "host", options)).toEqual({ allow: true });
  expect(answerFrom({ behavior: "deny", message: "nope", interrupt: true }, "host", options)).toEqual({ allow: false, message: "nope" });
  expect(interrupted).toBe(1);
  expect(answerFrom({ behavior: "maybe" }, "host", options)).toMatchObject({ allow: false });
  expect(answerFrom("yes", "host", options)).toMatchObject({ allow: false });
});

test("the stdio asker turns a host error into a denial that says why", async () => {
  const ask = stdioAsker(async () => {
    throw new Error("canUseTool callback is not provided.");
  }, { permissions: context, signal: () => undefined, interrupt: () => undefined });
  const answer = await ask({ tool: "Write", input: {}, toolUseId: "t1", decision: { behavior: "ask", reason: "edits need approval" } });
  expect(answer).toEqual({ allow: false, message: "Permission to use Write was not granted: canUseTool callback is not provided." });
});
