// Parsing of the flags the Agent SDKs pass, in both `--flag value` and `--flag=value` forms.
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../src/cli.ts";

test("the SDK's own argument list parses, and stream-json input implies print mode", () => {
  const o = parseArgs([
    "--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--max-turns=3", "--model=claude-sonnet-4-5",
    "--permission-prompt-tool=stdio", "--setting-sources=", "--permission-mode=default", "--include-partial-messages",
    "--max-budget-usd=0.5", "--fallback-model=claude-haiku-4-5", "--include-hook-events", "--allowedTools=Read,Glob", "--tools=Read,Bash",
    "--betas=context-1m-2025-08-07", "--thinking=adaptive", "--allow-dangerously-skip-permissions", "--replay-user-messages",
  ]);
  expect(o).toMatchObject({
    print: true, inputFormat: "stream-json", outputFormat: "stream-json", maxTurns: 3, model: "claude-sonnet-4-5", permissionPromptTool: "stdio",
    settingSources: [], permissionMode: "default", includePartialMessages: true, maxBudgetUsd: 0.5, fallbackModels: ["claude-haiku-4-5"],
    includeHookEvents: true, tools: ["Read", "Bash"], betas: ["context-1m-2025-08-07"], thinking: "adaptive", allowBypass: true, replayUserMessages: true,
  });
  expect(o.allowedTools).toEqual(["Read,Glob"]);
});

test("--tools: default means every built-in, an empty value none", () => {
  expect(parseArgs(["-p", "x", "--tools", "default"]).tools).toBeUndefined();
  expect(parseArgs(["-p", "x", "--tools="]).tools).toEqual([]);
  expect(parseArgs(["-p", "x"]).tools).toBeUndefined();
});

test("--betas takes several values like the other list flags", () => {
  expect(parseArgs(["-p", "--betas", "a-2025-01-01", "b-2025-02-02", "task"]).betas).toEqual(["a-2025-01-01", "b-2025-02-02"]);
  expect(parseArgs(["-p", "--betas", "a-2025-01-01", "task"]).prompt).toBe("task");
});

test("system prompt files are read at parse time; a missing one names the flag", () => {
  const dir = mkdtempSync(join(tmpdir(), "hone-cli-"));
  writeFileSync(join(dir, "sys.md"), "You are terse.");
  writeFileSync(join(dir, "more.md"), "Also polite.");
  const o = parseArgs(["-p", "x", "--system-prompt-file", join(dir, "sys.md"), "--append-system-prompt-file", join(dir, "more.md"), "--append-system-prompt", "And quick."]);
  expect(o.systemPrompt).toBe("You are terse.");
  expect(o.appendSystemPrompt).toEqual(["And quick.", "Also polite."]);
  expect(() => parseArgs(["-p", "x", "--system-prompt-file", join(dir, "nope.md")])).toThrow("--system-prompt-file: cannot read");
  expect(() => parseArgs(["-p", "x", "--system-prompt", "a", "--system-prompt-file", join(dir, "sys.md")])).toThrow("cannot be used together");
});

test("bad values and combinations are usage errors naming the flag", () => {
  const cases: Array<[string[], string]> = [
    [["-p", "x", "--max-budget-usd", "free"], "--max-budget-usd must be a positive number"],
    [["-p", "x", "--max-budget-usd=0"], "--max-budget-usd must be a positive number"],
    [["-p", "x", "--thinking", "lots"], "--thinking must be adaptive, enabled, disabled"],
    [["-p", "x", "--input-format", "xml"], "--input-format must be text, stream-json"],
    [["-p", "x", "--model", "opus", "--fallback-model", "opus"], "--fallback-model cannot be the same as --model"],
    [["-p", "--input-format", "stream-json", "--output-format", "json"], "requires --output-format=stream-json"],
    [["--input-format", "stream-json", "--output-format", "stream-json", "--verbose", "hello"], "remove the prompt argument"],
    [["-p", "x", "--replay-user-messages"], "--replay-user-messages requires"],
    [["-p", "x", "--include-partial-messages"], "--include-partial-messages requires"],
    [["-p", "x", "--permission-prompt-tool", "stdio"], "--permission-prompt-tool stdio requires --input-format=stream-json"],
    [["-p", "x", "--permission-prompt-tool", "approve"], "must be stdio or an MCP tool name"],
    [["-p", "x", "--effort", "extreme"], "--effort must be one of low, medium, high, xhigh, max"],
    [["-p", "x", "--agent", "reviewer"], "Unknown option: --agent"],
  ];
  for (const [argv, message] of cases) expect(() => parseArgs(argv)).toThrow(message);
});
