import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, UsageError } from "../src/cli.ts";
import { chooseModel, modelInfo, resolveModel } from "../src/models.ts";

test("accepts --flag value and --flag=value alike", () => {
  const a = parseArgs(["-p", "task", "--max-turns", "3", "--model", "opus", "--output-format", "json"]);
  const b = parseArgs(["-p", "task", "--max-turns=3", "--model=opus", "--output-format=json"]);
  expect(a).toEqual(b);
  expect(a).toMatchObject({ print: true, prompt: "task", maxTurns: 3, model: "opus", outputFormat: "json" });
});

test("--allowedTools takes several values, comma lists and repeats, both spellings", () => {
  const o = parseArgs(["-p", "--allowedTools", "Read", "Edit", "--allowed-tools=Bash,Glob", "do the thing"]);
  expect(o.allowedTools).toEqual(["Read", "Edit", "Bash,Glob"]);
  expect(o.prompt).toBe("do the thing");
});

test("numbers that look like model names stay strings", () => {
  expect(parseArgs(["-p", "x", "--system-prompt", "42"]).systemPrompt).toBe("42");
});

test("refuses unknown flags, repeated single-value flags and bad values", () => {
  expect(() => parseArgs(["-p", "x", "--nope"])).toThrow(UsageError);
  expect(() => parseArgs(["-p", "x", "-z"])).toThrow("Unknown option: -z");
  expect(() => parseArgs(["-p", "x", "--model", "a", "--model", "b"])).toThrow("more than once");
  expect(() => parseArgs(["-p", "x", "--max-turns", "0"])).toThrow("at least 1");
  expect(() => parseArgs(["x", "--output-format", "json"])).toThrow("only works with -p");
});

test("model aliases resolve through the table and the environment", () => {
  expect(resolveModel("sonnet", {})).toBe("claude-sonnet-4-6");
  expect(resolveModel("HAIKU", {})).toBe("claude-haiku-4-5");
  expect(resolveModel("opus", { ANTHROPIC_DEFAULT_OPUS_MODEL: "my-opus" })).toBe("my-opus");
  expect(resolveModel("claude-custom-1", {})).toBe("claude-custom-1");
  expect(modelInfo("claude-sonnet-4-5-20250929").price.input).toBe(3);
  expect(modelInfo("claude-unreleased-9").contextWindow).toBe(200_000);
  // Other unknown ids get a modest window and no invented price.
  expect(modelInfo("unknown-model")).toMatchObject({ contextWindow: 128_000, known: false, price: { input: 0 } });
  // Servers' spellings find the table's entry: a vendor folder, a size tag, OpenRouter's dotted versions.
  expect(modelInfo("qwen2.5-coder:7b").contextWindow).toBe(32_768);
  expect(modelInfo("Qwen/Qwen3-Coder-30B-A3B-Instruct").contextWindow).toBe(262_144);
  expect(modelInfo("openai/gpt-4.1-mini").maxOutputTokens).toBe(32_768);
  expect(modelInfo("anthropic/claude-sonnet-4.5").price.input).toBe(3);
});

test("session flags: hyphenated switches never swallow the prompt; bad combinations are refused", () => {
  const fork = parseArgs(["-p", "-r", "abc", "--fork-session", "branch off"]);
  expect(fork).toMatchObject({ resume: "abc", forkSession: true, prompt: "branch off", persistSession: true });
  expect(parseArgs(["-p", "--no-session-persistence", "task"])).toMatchObject({ persistSession: false, prompt: "task" });
  expect(parseArgs(["-p", "-c", "task"])).toMatchObject({ continueLatest: true, prompt: "task" });
  expect(parseArgs(["-p", "task", "--resume=abc"]).resume).toBe("abc");
  expect(parseArgs(["-p", "task", "--setting-sources", "user,local"]).settingSources).toEqual(["user", "local"]);
  expect(parseArgs(["-p", "task"]).permissionMode).toBeUndefined();
  expect(() => parseArgs(["-p", "x", "--fork-session"])).toThrow(/needs --resume/);
  expect(() => parseArgs(["-p", "x", "-c", "-r", "abc"])).toThrow(/cannot be used together/);
  expect(() => parseArgs(["-p", "x", "--setting-sources", "user,remote"])).toThrow(/unknown source "remote"/);
  expect(() => parseArgs(["-p", "x", "-r"])).toThrow(UsageError);
});

test("one model precedence for runs and doctor: --model, resumed, HONE_MODEL, ANTHROPIC_MODEL, settings, default", () => {
  const env = { HONE_MODEL: "h", ANTHROPIC_MODEL: "a" };
  expect(chooseModel({ flag: "f", restored: "r", settings: "s" }, env)).toEqual({ name: "f", source: "--model" });
  expect(chooseModel({ restored: "r", settings: "s" }, env)).toEqual({ name: "r", source: "resumed session" });
  expect(chooseModel({ settings: "s" }, env)).toEqual({ name: "h", source: "HONE_MODEL" });
  expect(chooseModel({ settings: "s" }, { ANTHROPIC_MODEL: "a" })).toEqual({ name: "a", source: "ANTHROPIC_MODEL" });
  expect(chooseModel({ settings: "s" }, {})).toEqual({ name: "s", source: "settings" });
  expect(chooseModel({}, {})).toEqual({ name: "sonnet", source: "default" });
});

test("--mcp-config takes several files or JSON values; --plugin-dir repeats; extension switches", () => {
  const file = join(mkdtempSync(join(tmpdir(), "hone-cli-")), "servers.json");
  writeFileSync(file, "{}");
  const o = parseArgs(["-p", "--mcp-config", file, '{"mcpServers":{}}', "--plugin-dir", "a", "--plugin-dir=b", "--strict-mcp-config", "--disable-slash-commands", "--agents", '{"x":{}}', "task"]);
  expect(o.mcpConfigs).toEqual([file, '{"mcpServers":{}}']);
  expect(o.pluginDirs).toEqual(["a", "b"]);
  expect(o).toMatchObject({ strictMcpConfig: true, disableSlashCommands: true, agents: '{"x":{}}', prompt: "task" });
  expect(parseArgs(["-p", "--mcp-config", file, "not-a-file", "x"]).prompt).toBe("not-a-file x");
  expect(() => parseArgs(["-p", "x", "--strict-mcp-config"])).toThrow("--strict-mcp-config needs --mcp-config");
});
