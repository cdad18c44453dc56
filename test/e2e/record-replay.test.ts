// --record saves every model exchange of a run; --replay answers the same run from that folder with
// no server at all: the same files on disk and the same output, for bug reports and demos.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, startMockApi, text, toolUse, type MockApi } from "../support/mock-api.ts";
import { startMockOpenAI, type MockOpenAI } from "../support/mock-openai.ts";
import { runHone, tempProject } from "../support/run-hone.ts";

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

function steps(dir: string) {
  const file = join(dir, "todo.md");
  return [
    reply(text("Creating the list."), toolUse("Write", { file_path: file, content: "- buy milk\n" })),
    reply(toolUse("Bash", { command: "wc -l todo.md > count.txt", description: "Count the items" }), toolUse("Read", { file_path: file })),
    reply(toolUse("Edit", { file_path: file, old_string: "milk", new_string: "oat milk" })),
    reply(text("The list has one item: oat milk.")),
  ];
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["todo.md", "count.txt"]) out[name] = existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : "(missing)";
  return out;
}

function reset(dir: string): void {
  for (const name of ["todo.md", "count.txt"]) rmSync(join(dir, name), { force: true });
}

const TOOLS = ["--allowedTools", "Write,Edit,Bash"];

test("OpenAI-compatible: a recorded multi-tool run replays with no server, to the same files and output", async () => {
  const dir = tempProject();
  const tape = join(tempProject(), "tape");
  const api: MockOpenAI = await startMockOpenAI({ apiKey: "sk-secret-value", steps: steps(dir) });
  closers.push(() => api.close());
  const env = { OPENAI_BASE_URL: `${api.url}/v1`, OPENAI_API_KEY: "sk-secret-value" };
  const recorded = await runHone(["-p", "keep a todo list", "--model", "openai/gpt-4.1", ...TOOLS, "--record", tape], { cwd: dir, env });
  expect(recorded.code).toBe(0);
  expect(recorded.stdout).toBe("The list has one item: oat milk.\n");
  const files = snapshot(dir);
  expect(files["todo.md"]).toBe("- buy oat milk\n");
  expect(files["count.txt"]).toContain("1 todo.md");
  const exchanges = readdirSync(tape).filter((f) => f.endsWith(".json")).sort();
  expect(exchanges).toEqual(["0001.json", "0002.json", "0003.json", "0004.json"]);
  // The key never reaches the folder.
  for (const name of exchanges) expect(readFileSync(join(tape, name), "utf8")).not.toContain("sk-secret-value");

  await api.close();
  reset(dir);
  // No server, no key: the folder answers.
  const replayed = await runHone(["-p", "keep a todo list", "--model", "openai/gpt-4.1", ...TOOLS, "--replay", tape], { cwd: dir, env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" } });
  expect(replayed.stderr).toBe("");
  expect(replayed.code).toBe(0);
  expect(replayed.stdout).toBe(recorded.stdout);
  expect(snapshot(dir)).toEqual(files);
}, 60_000);

test("Anthropic: record then replay gives the same stream of tool calls and the same files", async () => {
  const dir = tempProject();
  const tape = join(tempProject(), "tape");
  const api: MockApi = await startMockApi({ steps: steps(dir) });
  closers.push(() => api.close());
  const args = ["-p", "keep a todo list", "--output-format", "json", ...TOOLS];
  const recorded = await runHone([...args, "--record", tape], { cwd: dir, apiUrl: api.url });
  expect(recorded.code).toBe(0);
  const files = snapshot(dir);
  await api.close();
  reset(dir);
  const replayed = await runHone([...args, "--replay", tape], { cwd: dir, apiUrl: "http://127.0.0.1:9", env: { ANTHROPIC_API_KEY: undefined } });
  expect(replayed.code).toBe(0);
  expect(snapshot(dir)).toEqual(files);
  expect(replayed.json()).toMatchObject({ result: recorded.json().result, num_turns: recorded.json().num_turns, usage: recorded.json().usage });
}, 60_000);

test("a replay that runs out of recorded answers stops with a clear message, and a missing or broken folder is refused", async () => {
  const dir = tempProject();
  const tape = join(tempProject(), "tape");
  const api = await startMockOpenAI({ steps: [reply(toolUse("Bash", { command: "echo hi > hi.txt" })), reply(text("wrote hi.txt"))] });
  closers.push(() => api.close());
  const record = await runHone(["-p", "say hi", "--provider", "vllm", "--model", "m", "--allowedTools", "Bash", "--record", tape], { cwd: dir, env: { VLLM_BASE_URL: `${api.url}/v1` } });
  expect(record.code).toBe(0);
  const offline = { VLLM_BASE_URL: "http://127.0.0.1:9/v1" };
  // Asked differently, the closest recorded answer is used and the difference is reported.
  const reworded = await runHone(["-p", "say hello", "--provider", "vllm", "--model", "m", "--allowedTools", "Bash", "--replay", tape], { cwd: dir, env: offline });
  expect(reworded.code).toBe(0);
  expect(reworded.stdout).toBe("wrote hi.txt\n");
  expect(reworded.stderr).toContain("0001.json");
  // With its last answer gone, the replay stops at once and says why (no retries against nothing).
  rmSync(join(tape, "0002.json"));
  const short = await runHone(["-p", "say hi", "--provider", "vllm", "--model", "m", "--allowedTools", "Bash", "--replay", tape], { cwd: dir, env: { ...offline, HONE_RETRY_BASE_MS: "5000" } });
  expect(short.code).toBe(1);
  expect(short.stderr).toContain("nothing left in");
  const missing = await runHone(["-p", "x", "--replay", join(dir, "nope")], { cwd: dir });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("is not a folder");
  writeFileSync(join(tape, "0001.json"), "{ not json");
  const broken = await runHone(["-p", "x", "--provider", "vllm", "--model", "m", "--replay", tape], { cwd: dir });
  expect(broken.code).toBe(2);
  expect(broken.stderr).toContain("0001.json");
}, 60_000);
