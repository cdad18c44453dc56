// The official Claude Agent SDK drives the compiled binary (pathToClaudeCodeExecutable) against the
// scripted API: the SDK spawns hone with its own flags and speaks stream-json and the control protocol.
import { query, type Options, type SDKMessage, type SDKUserMessage } from "@anthropic-ai/claude-agent-sdk";
import { expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { toolResultText } from "../support/request-text.ts";
import { requireBinary, tempProject } from "../support/run-hone.ts";

const withApi = scriptedApi();

function options(dir: string, apiUrl: string, more: Partial<Options> = {}): Options {
  return {
    pathToClaudeCodeExecutable: requireBinary(),
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ANTHROPIC_API_KEY: "sk-test", ANTHROPIC_BASE_URL: apiUrl, HONE_RETRY_BASE_MS: "20" },
    stderr: (data) => void stderr.push(data),
    ...more,
  };
}
const stderr: string[] = [];

async function collect(messages: AsyncIterable<SDKMessage>, onMessage?: (m: SDKMessage) => void): Promise<SDKMessage[]> {
  const out: SDKMessage[] = [];
  for await (const message of messages) {
    out.push(message);
    onMessage?.(message);
  }
  return out;
}

function results(messages: SDKMessage[]) {
  return messages.filter((m): m is Extract<SDKMessage, { type: "result" }> => m.type === "result");
}

function userTurn(content: string): SDKUserMessage {
  return { type: "user", message: { role: "user", content }, parent_tool_use_id: null, session_id: "" };
}

test("a multi-tool task: canUseTool is asked for the mutating tools only, and its updatedInput is what runs", async () => {
  const dir = tempProject();
  writeFileSync(join(dir, "notes.txt"), "alpha\n");
  const api = await withApi(
    reply(toolUse("Read", { file_path: join(dir, "notes.txt") }, "toolu_read")),
    reply(toolUse("Write", { file_path: join(dir, "out.txt"), content: "from the model\n" }, "toolu_write")),
    reply(toolUse("Bash", { command: `touch ${join(dir, "bash-ran")}` }, "toolu_bash")),
    reply(text("done")),
  );
  const asked: Array<{ name: string; input: Record<string, unknown> }> = [];
  const messages = await collect(
    query({
      prompt: "copy notes",
      options: options(dir, api.url, {
        canUseTool: async (name, input) => {
          asked.push({ name, input });
          if (name === "Write") return { behavior: "allow", updatedInput: { ...input, content: "edited by the host\n" } };
          return { behavior: "deny", message: "no shell today" };
        },
      }),
    }),
  );
  expect(asked.map((a) => a.name)).toEqual(["Write", "Bash"]);
  expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("edited by the host\n");
  expect(existsSync(join(dir, "bash-ran"))).toBe(false);
  expect(toolResultText(api.requests[3]!, "toolu_bash")).toContain("no shell today");
  const [result] = results(messages);
  expect(result).toMatchObject({ subtype: "success", result: "done", num_turns: 4 });
  expect((result as { permission_denials: Array<{ tool_name: string }> }).permission_denials.map((d) => d.tool_name)).toEqual(["Bash"]);
  const init = messages.find((m) => m.type === "system" && m.subtype === "init");
  expect(init).toMatchObject({ cwd: dir, permissionMode: "default" });
});

test("an interrupt mid-turn ends the turn at once with an error result", async () => {
  const dir = tempProject();
  const api = await withApi({ content: [text("too late")], delayMs: 20_000 });
  const q = query({ prompt: "take your time", options: options(dir, api.url) });
  const started = performance.now();
  const messages = await collect(q, (m) => {
    if (m.type === "system" && m.subtype === "init") setTimeout(() => void q.interrupt(), 300);
  });
  expect(performance.now() - started).toBeLessThan(10_000);
  const [result] = results(messages);
  expect(result).toMatchObject({ subtype: "error_during_execution", is_error: true });
  expect(api.requests).toHaveLength(1);
});

test("a PreToolUse hook callback blocks a tool; the model sees the reason", async () => {
  const dir = tempProject();
  const api = await withApi(reply(toolUse("Bash", { command: `touch ${join(dir, "hooked")}` }, "toolu_b")), reply(text("understood")));
  const seen: Array<Record<string, unknown>> = [];
  const messages = await collect(
    query({
      prompt: "run it",
      options: options(dir, api.url, {
        permissionMode: "bypassPermissions",
        allowDangerouslySkipPermissions: true,
        env: { ...options(dir, api.url).env, IS_SANDBOX: "1" },
        hooks: {
          PreToolUse: [
            {
              matcher: "Bash",
              hooks: [
                async (input) => {
                  seen.push(input as unknown as Record<string, unknown>);
                  return { decision: "block", reason: "the hook says no" };
                },
              ],
            },
          ],
        },
      }),
    }),
  );
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_use_id: "toolu_b" });
  expect(existsSync(join(dir, "hooked"))).toBe(false);
  expect(toolResultText(api.requests[1]!, "toolu_b")).toContain("the hook says no");
  expect(results(messages)[0]).toMatchObject({ subtype: "success", result: "understood" });
});

/** Async input that yields the next user message only once the previous turn's result arrived. */
function conversation(prompts: string[], between?: (turn: number) => Promise<void>) {
  let release: (() => void) | undefined;
  const turnDone = () => {
    release?.();
    release = undefined;
  };
  async function* input(): AsyncGenerator<SDKUserMessage> {
    for (const [i, prompt] of prompts.entries()) {
      if (i > 0) {
        await new Promise<void>((resolve) => (release = resolve));
        await between?.(i);
      }
      yield userTurn(prompt);
    }
  }
  return { input: input(), turnDone };
}

test("a permission mode change takes effect on the next turn", async () => {
  const dir = tempProject();
  const target = join(dir, "later.txt");
  const api = await withApi(
    reply(toolUse("Write", { file_path: target, content: "one\n" }, "toolu_1")),
    reply(text("could not write")),
    reply(toolUse("Write", { file_path: target, content: "two\n" }, "toolu_2")),
    reply(text("written")),
  );
  let q: ReturnType<typeof query> | undefined;
  const { input, turnDone } = conversation(["write it", "try again"], async () => {
    await q!.setPermissionMode("acceptEdits");
  });
  q = query({ prompt: input, options: options(dir, api.url) });
  const messages = await collect(q, (m) => m.type === "result" && turnDone());
  const done = results(messages);
  expect(done.map((r) => r.subtype)).toEqual(["success", "success"]);
  expect(toolResultText(api.requests[1]!, "toolu_1")).toContain("Write");
  expect(readFileSync(target, "utf8")).toBe("two\n");
});

test("streaming input: three user turns, one result each, the history carried across", async () => {
  const dir = tempProject();
  const api = await withApi(reply(text("one")), reply(text("two")), reply(text("three")));
  const { input, turnDone } = conversation(["first question", "second question", "third question"]);
  const messages = await collect(query({ prompt: input, options: options(dir, api.url) }), (m) => m.type === "result" && turnDone());
  expect(results(messages).map((r) => (r as { result: string }).result)).toEqual(["one", "two", "three"]);
  const last: LoggedRequest = api.requests[2]!;
  const texts = JSON.stringify(last.body.messages);
  for (const word of ["first question", "one", "second question", "two", "third question"]) expect(texts).toContain(word);
  const ids = new Set(messages.map((m) => m.session_id));
  expect(ids.size).toBe(1);
});
