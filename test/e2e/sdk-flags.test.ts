// The flags the Agent SDKs pass, through the compiled binary with plain -p: structured output, budget,
// fallback model, tool selection, betas, thinking, system prompt files, debug file, setting sources, the
// --flag=value spelling, unknown flags, and an MCP tool answering the permission asks.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { fixture } from "../support/mcp-fixture.ts";
import { reply, text, toolUse, type LoggedRequest, type Reply } from "../support/mock-api.ts";
import { systemText, toolNames, toolResultText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();
type Part = Record<string, unknown>;

function world() {
  const home = tempHome();
  return { home, dir: tempProject("hone-sdk-flags-"), env: { HOME: home } };
}

async function print(apiUrl: string | undefined, args: string[], w = world(), env: Record<string, string> = {}) {
  const run = await runHone(["-p", ...args], { cwd: w.dir, apiUrl, env: { ...w.env, ...env } });
  return { ...run, w };
}

const json = async (apiUrl: string, args: string[], w = world(), env: Record<string, string> = {}) => {
  const run = await print(apiUrl, ["--output-format", "json", ...args], w, env);
  return { ...run, result: run.json() };
};

const toolSchema = (request: LoggedRequest, name: string): Part | undefined => request.body.tools?.find((t) => t.name === name) as Part | undefined;
const lastUserText = (request: LoggedRequest): string => {
  const content = request.body.messages?.at(-1)?.content;
  return typeof content === "string" ? content : (content ?? []).map((b) => String(b.text ?? "")).join("\n");
};

describe("--json-schema", () => {
  const schema = { type: "object", properties: { name: { type: "string" }, count: { type: "integer", minimum: 0 } }, required: ["name", "count"] };

  test("inline: the StructuredOutput tool carries the schema and a valid call becomes structured_output", async () => {
    const api = await withApi(reply(toolUse("StructuredOutput", { name: "widgets", count: 3 }, "so1")), reply(text("")));
    const run = await json(api.url, ["count the widgets", "--json-schema", JSON.stringify(schema)]);
    expect(run.code).toBe(0);
    expect(toolSchema(api.requests[0]!, "StructuredOutput")?.input_schema).toEqual(schema);
    expect(run.result).toMatchObject({ subtype: "success", is_error: false, structured_output: { name: "widgets", count: 3 } });
  });

  test("from a file: an invalid call gets an error naming the path; a later valid call wins", async () => {
    const w = world();
    writeFileSync(join(w.dir, "schema.json"), JSON.stringify(schema));
    const api = await withApi(
      reply(toolUse("StructuredOutput", { name: "widgets", count: -2 }, "bad")),
      reply(toolUse("StructuredOutput", { name: "widgets", count: 2 }, "good")),
      reply(text("done")),
    );
    const run = await json(api.url, ["count", "--json-schema", "schema.json"], w);
    expect(run.code).toBe(0);
    const bad = api.requests[1]!.body.messages!.at(-1)!.content as Part[];
    expect(bad[0]).toMatchObject({ type: "tool_result", tool_use_id: "bad", is_error: true });
    expect(toolResultText(api.requests[1]!, "bad")).toMatch(/nothing was recorded:\n- count: .*>=\s*0/);
    expect(run.result.structured_output).toEqual({ name: "widgets", count: 2 });
  });

  test("a model that never calls it gets reminders, then error_max_structured_output_retries and a failing exit", async () => {
    const steps: Reply[] = Array.from({ length: 6 }, (_, i) => reply(text(`plain answer ${i}`)));
    const api = await withApi(...steps);
    const run = await json(api.url, ["answer", "--json-schema", JSON.stringify(schema)]);
    expect(run.code).not.toBe(0);
    expect(api.requests).toHaveLength(6);
    for (const request of api.requests.slice(1)) expect(lastUserText(request)).toContain("StructuredOutput");
    expect(run.result).toMatchObject({ subtype: "error_max_structured_output_retries", is_error: true });
    expect(run.result.structured_output).toBeUndefined();
  });
});

test("--max-budget-usd stops after the first tool round with error_max_budget_usd", async () => {
  const w = world();
  writeFileSync(join(w.dir, "a.txt"), "alpha\n");
  const api = await withApi(reply(toolUse("Read", { file_path: join(w.dir, "a.txt") }, "r1")), reply(text("never asked")));
  const run = await json(api.url, ["read it", "--max-budget-usd", "0.0001"], w);
  expect(api.requests).toHaveLength(1);
  expect(run.result).toMatchObject({ subtype: "error_max_budget_usd", is_error: true });
  expect(run.result.total_cost_usd as number).toBeGreaterThan(0.0001);
  expect(run.code).not.toBe(0);
});

test("--fallback-model: once the model's retries are spent on 529s, the request goes to the fallback model", async () => {
  const api = await withApi({ fault: "overloaded" }, { fault: "overloaded" }, reply(text("from the fallback")));
  const run = await json(api.url, ["hi", "--model", "claude-opus-4-6", "--fallback-model", "claude-haiku-4-5"], world(), { HONE_MAX_RETRIES: "1" });
  expect(run.code).toBe(0);
  expect(api.requests.map((r) => r.body.model)).toEqual(["claude-opus-4-6", "claude-opus-4-6", "claude-haiku-4-5"]);
  expect(run.result).toMatchObject({ subtype: "success", result: "from the fallback" });
  expect(Object.keys(run.result.modelUsage as Part)).toContain("claude-haiku-4-5");
});

describe("--tools", () => {
  test('"Read,Glob" offers only those, "" none, default all; an unknown name is a usage error', async () => {
    const api = await withApi(reply(text("1")), reply(text("2")), reply(text("3")), reply(text("4")));
    for (const args of [["--tools", "Read,Glob"], ["--tools", ""], ["--tools", "default"], []]) expect((await print(api.url, ["hi", ...args])).code).toBe(0);
    // Skill comes with the extensions; --tools covers it like the other tools hone provides.
    const [some, none, all, plain] = api.requests.map((r) => toolNames(r));
    expect(some!.sort()).toEqual(["Glob", "Read"]);
    expect(none).toEqual([]);
    expect(all).toEqual(plain!);
    expect(all).toEqual(expect.arrayContaining(["Bash", "Edit", "Write", "Read", "Glob", "Grep", "Skill"]));
    const bad = await print(undefined, ["hi", "--tools", "Read,Teleport"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Teleport");
  });
});

test("--betas reaches the anthropic-beta header", async () => {
  const api = await withApi(reply(text("ok")));
  expect((await print(api.url, ["hi", "--betas", "a-2025-01-01"])).code).toBe(0);
  expect(api.requests[0]!.headers["anthropic-beta"]).toContain("a-2025-01-01");
});

test("--thinking: disabled wins over --max-thinking-tokens; adaptive on sonnet-4-6 sends {type: adaptive}", async () => {
  const api = await withApi(reply(text("1")), reply(text("2")), reply(text("3")));
  await print(api.url, ["hi", "--model", "claude-sonnet-4-5", "--max-thinking-tokens", "5000"]);
  await print(api.url, ["hi", "--model", "claude-sonnet-4-5", "--max-thinking-tokens", "5000", "--thinking", "disabled"]);
  await print(api.url, ["hi", "--model", "claude-sonnet-4-6", "--thinking", "adaptive"]);
  expect(api.requests.map((r) => r.body.thinking)).toEqual([{ type: "enabled", budget_tokens: 5000 }, undefined, { type: "adaptive" }]);
});

test("--system-prompt-file replaces, --append-system-prompt-file appends; --system-prompt with the file is refused", async () => {
  const w = world();
  writeFileSync(join(w.dir, "system.md"), "You are a test double. Reply briefly.");
  writeFileSync(join(w.dir, "extra.md"), "Always mention the word pineapple.");
  const api = await withApi(reply(text("1")), reply(text("2")));
  expect((await print(api.url, ["hi", "--system-prompt-file", "system.md"], w)).code).toBe(0);
  expect((await print(api.url, ["hi", "--append-system-prompt-file", "extra.md"], w)).code).toBe(0);
  const [replaced, appended] = api.requests.map(systemText);
  expect(replaced).toContain("You are a test double. Reply briefly.");
  expect(replaced).not.toContain("pineapple");
  expect(appended).toContain("Always mention the word pineapple.");
  expect(appended!.length).toBeGreaterThan(replaced!.length);
  const both = await print(undefined, ["hi", "--system-prompt", "x", "--system-prompt-file", "system.md"], w);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain("--system-prompt and --system-prompt-file cannot be used together");
});

test("--debug-file writes debug lines to the file, not stderr", async () => {
  const w = world();
  const api = await withApi(reply(text("ok")));
  const log = join(w.home, "debug.log");
  const run = await print(api.url, ["hi", "--debug-file", log], w);
  expect(run.code).toBe(0);
  const written = readFileSync(log, "utf8");
  expect(written).toMatch(/session [0-9a-f-]{36}/);
  expect(written).toContain("model claude-sonnet-4-6");
  expect(run.stderr).not.toContain("model claude-sonnet-4-6");
});

test("--setting-sources= (empty, as the SDK passes it) loads no settings files", async () => {
  const w = world();
  mkdirSync(join(w.home, ".claude"), { recursive: true });
  writeFileSync(join(w.home, ".claude", "settings.json"), JSON.stringify({ model: "claude-haiku-4-5" }));
  const api = await withApi(reply(text("1")), reply(text("2")));
  await print(api.url, ["hi"], w);
  await print(api.url, ["hi", "--setting-sources="], w);
  expect(api.requests.map((r) => r.body.model)).toEqual(["claude-haiku-4-5", "claude-sonnet-4-6"]);
});

test("flags in --flag=value form, as the SDK passes them", async () => {
  const w = world();
  writeFileSync(join(w.dir, "a.txt"), "alpha\n");
  const api = await withApi(reply(toolUse("Read", { file_path: join(w.dir, "a.txt") }, "r1")));
  const run = await print(api.url, ["hi", "--output-format=json", "--max-turns=1", "--model=claude-sonnet-4-5", "--permission-mode=default", "--max-thinking-tokens=2000", "--append-system-prompt=Mind the gap.", "--allowedTools=Read", "--setting-sources=user,project"], w);
  const request = api.requests[0]!;
  expect(request.body.model).toBe("claude-sonnet-4-5");
  expect(request.body.thinking).toEqual({ type: "enabled", budget_tokens: 2000 });
  expect(systemText(request)).toContain("Mind the gap.");
  expect(run.json()).toMatchObject({ subtype: "error_max_turns", num_turns: 1, permission_denials: [] });
  expect(run.code).toBe(3);
});

test("--effort sends output_config.effort over the effortLevel setting; an unknown level is a usage error", async () => {
  const w = world();
  const api = await withApi(reply(text("with effort")));
  const run = await print(api.url, ["hi", "--effort", "low", "--settings", JSON.stringify({ effortLevel: "high" })], w);
  expect(run.code).toBe(0);
  expect(api.requests[0]!.body.output_config).toEqual({ effort: "low" });
  const bad = await print(undefined, ["hi", "--effort", "extreme"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--effort must be one of low, medium, high, xhigh, max (got "extreme")');
});

test("an unknown flag is a usage error naming it", async () => {
  for (const [flag, value] of [["--agent", "x"], ["--frobnicate", "1"]] as const) {
    const run = await print(undefined, ["hi", flag, value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(flag);
  }
});

test("--permission-prompt-tool mcp__approver__approve: a Write is allowed with the updated input, a Bash denied with the tool's message", async () => {
  const w = world();
  const target = join(w.dir, "out.txt");
  const config = JSON.stringify({ mcpServers: { approver: { command: "node", args: [fixture("mcp-approve-server.mjs")] } } });
  const api = await withApi(
    reply(toolUse("Write", { file_path: target, content: "from the model\n" }, "w1")),
    reply(toolUse("Bash", { command: `touch ${join(w.dir, "ran")}` }, "b1")),
    reply(text("all done")),
  );
  const run = await json(api.url, ["write then run", "--mcp-config", config, "--permission-prompt-tool", "mcp__approver__approve"], w);
  expect(run.code).toBe(0);
  expect(readFileSync(target, "utf8")).toBe("approved by the MCP tool\n");
  expect(existsSync(join(w.dir, "ran"))).toBe(false);
  expect(toolResultText(api.requests[2]!, "b1")).toContain("the approver does not allow Bash");
  expect(run.result).toMatchObject({ subtype: "success", result: "all done", permission_denials: [{ tool_name: "Bash", tool_use_id: "b1" }] });
  const missing = await print(api.url, ["hi", "--permission-prompt-tool", "mcp__nobody__approve"], w);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("no MCP tool named mcp__nobody__approve");
});
