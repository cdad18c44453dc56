// Naming, result conversion, ToolSearch ranking and prompt/mention parsing, on plain data (the servers
// themselves are exercised in mcp.test.ts, mcp-http.test.ts and mcp-faults.test.ts).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { startMcp } from "../src/mcp.ts";
import { splitArgs } from "../src/command-expand.ts";
import { findResourceMentions, promptText } from "../src/mcp-prompts.ts";
import { capText, convertToolResult, createMcpTools, mcpToolName, serverKey } from "../src/mcp-tools.ts";
import { defineTool, type Tool } from "../src/tool.ts";
import { createToolSearchTool, searchTools, summaryOf, toolSearchDescription } from "../src/tools/tool-search.ts";
import { z } from "zod";
import { everythingEntry } from "./support/mcp-fixture.ts";
import { harness } from "./support/tool-harness.ts";

function ctx() {
  const h = harness();
  return { h, ctx: { projectDir: h.dir, session: h.state, signal: new AbortController().signal, toolUseId: "t1" } };
}

describe("naming", () => {
  test("server and tool names are normalised; plugin servers carry the plugin", () => {
    expect(serverKey({ name: "my.server" })).toBe("my_server");
    expect(serverKey({ name: "db", plugin: "acme tools" })).toBe("plugin_acme_tools_db");
    expect(mcpToolName("my_server", "read file")).toBe("mcp__my_server__read_file");
  });

  test("descriptions are capped at 2 KB", () => {
    expect(capText("short")).toBe("short");
    const capped = capText("y".repeat(5000));
    expect(capped.length).toBeLessThanOrEqual(2048);
    expect(capped.endsWith("[truncated]")).toBe(true);
  });

  test("wrappers: server schema with type object, permissive input, deferral from settings", async () => {
    const calls: unknown[] = [];
    const tools = createMcpTools(
      "srv",
      "srv",
      [{ name: "t", inputSchema: { type: "object", $schema: "http://json-schema.org/draft-07/schema#", properties: { n: { type: "number" } } } as never }],
      async (name, args) => {
        calls.push([name, args]);
        return { content: [{ type: "text", text: "ok" }] };
      },
      { deferred: false, toolTimeoutMs: 1000, maxOutputTokens: 100 },
    );
    const [wrapped] = tools as [Tool];
    expect(wrapped.deferred).toBe(false);
    expect(wrapped.inputSchema).toEqual({ type: "object", properties: { n: { type: "number" } } });
    expect(wrapped.description).toContain("Tool t of the MCP server srv");
    const r = await harness().call(wrapped, { n: "not checked here", extra: [1] });
    expect(r.text).toBe("ok");
    expect(calls).toEqual([["t", { n: "not checked here", extra: [1] }]]);
  });
});

describe("result conversion", () => {
  test("every block kind becomes text or an image", () => {
    const { ctx: c } = ctx();
    const r = convertToolResult(
      {
        content: [
          { type: "text", text: "first" },
          { type: "image", data: "AAAA", mimeType: "image/svg+xml" },
          { type: "audio", data: "AAAA", mimeType: "audio/wav" },
          { type: "resource_link", uri: "file:///a.txt", name: "a.txt", mimeType: "text/plain" },
          { type: "resource", resource: { uri: "mem://x", text: "embedded text" } },
          { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
        ],
      },
      c,
      "t",
      1000,
    );
    expect(Array.isArray(r.content)).toBe(true);
    const [text, image] = r.content as [{ type: "text"; text: string }, { type: "image" }];
    expect(text.text).toBe(
      "first\n[image of type image/svg+xml not shown: unsupported format]\n[audio of type audio/wav not shown]\n" +
        "[Resource link: a.txt <file:///a.txt> (text/plain)]\nembedded text",
    );
    expect(image.type).toBe("image");
  });

  test("structuredContent alone is shown as JSON; isError is kept; empty errors still say something", () => {
    const { ctx: c } = ctx();
    expect(convertToolResult({ content: [], structuredContent: { a: 1 } }, c, "t", 1000).content).toBe('{\n  "a": 1\n}');
    expect(convertToolResult({ content: [{ type: "text", text: "bad" }], isError: true }, c, "t", 1000)).toEqual({ content: "bad", isError: true });
    expect(convertToolResult({ content: [], isError: true }, c, "t", 1000)).toMatchObject({ isError: true, content: expect.stringContaining("error") });
    expect(convertToolResult({ content: [] }, c, "t", 1000).content).toBe("(no output)");
    expect(convertToolResult({ toolResult: { legacy: true } }, c, "t", 1000).content).toContain('"legacy": true');
  });

  test("over the token cap: head kept, full text spilled, images kept", () => {
    const { h, ctx: c } = ctx();
    const long = Array.from({ length: 200 }, (_, i) => `row ${i}`).join("\n");
    const r = convertToolResult({ content: [{ type: "text", text: long }, { type: "image", data: "AAAA", mimeType: "image/png" }] }, c, "mcp__s__t", 100);
    const [text, image] = r.content as [{ type: "text"; text: string }, { type: "image" }];
    expect(image.type).toBe("image");
    expect(text.text.startsWith("row 0\nrow 1\n")).toBe(true);
    expect(text.text).toContain("[Output truncated: showing the first");
    const path = /Full output: (\S+)\]/.exec(text.text)?.[1] ?? "";
    expect(path.startsWith(h.state.spillDir)).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(long);
  });
});

function fakeTool(name: string, description: string): Tool {
  return { ...defineTool({ name, description, readOnly: false, input: z.object({ q: z.string() }), run: async () => ({ content: "" }) }), deferred: true } as Tool;
}

describe("ToolSearch", () => {
  const tools = [
    fakeTool("mcp__github__create_issue", "Create a new issue in a GitHub repository. Needs a title."),
    fakeTool("mcp__github__list_issues", "List issues of a repository, filtered by state."),
    fakeTool("mcp__slack__post_message", "Post a message to a Slack channel."),
    fakeTool("mcp__db__query", "Run a read-only SQL query. Mentions issue tracking nowhere."),
  ];

  test("the description lists each deferred tool with its first sentence", () => {
    const d = toolSearchDescription(tools);
    expect(d).toContain("- mcp__github__create_issue: Create a new issue in a GitHub repository.\n");
    expect(d).not.toContain("Needs a title");
    expect(summaryOf("x".repeat(300)).length).toBeLessThanOrEqual(100);
    expect(toolSearchDescription([])).toContain("No tools are waiting");
  });

  test("select: picks exact names in order; unknown names are skipped", () => {
    expect(searchTools(tools, "select:mcp__slack__post_message, nope ,mcp__db__query", 5).map((t) => t.name)).toEqual([
      "mcp__slack__post_message",
      "mcp__db__query",
    ]);
  });

  test("keywords rank name hits above description hits; + makes a word required", () => {
    expect(searchTools(tools, "issue", 5).map((t) => t.name).slice(0, 2).sort()).toEqual(["mcp__github__create_issue", "mcp__github__list_issues"]);
    expect(searchTools(tools, "issue", 5).at(-1)?.name).toBe("mcp__db__query");
    expect(searchTools(tools, "issues +jira", 5)).toEqual([]);
    expect(searchTools(tools, "+slack message", 5).map((t) => t.name)).toEqual(["mcp__slack__post_message"]);
    expect(searchTools(tools, "issue", 1)).toHaveLength(1);
    expect(searchTools(tools, "zebra", 5)).toEqual([]);
  });

  test("the tool reads the current deferred list each time and reports no match", async () => {
    let list: Tool[] = [];
    const search = createToolSearchTool(() => list);
    expect(search.description).toContain("No tools are waiting");
    list = tools;
    expect(search.description).toContain("mcp__db__query");
    const h = harness();
    const r = await h.call(search, { query: "kangaroo" });
    expect(r.text).toContain('No tool matched "kangaroo"');
    expect(h.state.loadedTools.size).toBe(0);
  });
});

describe("prompt and mention parsing", () => {
  test("arguments split on spaces with quotes grouping", () => {
    expect(splitArgs(` a "b c"  'd e' f `)).toEqual(["a", "b c", "d e", "f"]);
    expect(splitArgs("")).toEqual([]);
  });

  test("mixed-role prompt messages are labelled", () => {
    const text = promptText({
      messages: [
        { role: "user", content: { type: "text", text: "question" } },
        { role: "assistant", content: { type: "text", text: "answer" } },
      ],
    });
    expect(text).toBe("[user]\nquestion\n\n[assistant]\nanswer");
  });

  test("mentions need @server:scheme://; trailing punctuation and repeats are dropped", () => {
    expect(findResourceMentions("see @docs:file:///a/b.md, then (@db:postgres://h/t). again @docs:file:///a/b.md")).toEqual([
      { server: "docs", uri: "file:///a/b.md" },
      { server: "db", uri: "postgres://h/t" },
    ]);
    expect(findResourceMentions("mail me@example.com: or git@github.com:org/repo or @x:nourl")).toEqual([]);
  });
});

test("bad numeric env values are reported and replaced by defaults", async () => {
  const warnings: string[] = [];
  const m = await startMcp([], { projectDir: "/", roots: [], env: { MAX_MCP_OUTPUT_TOKENS: "lots", MCP_TOOL_TIMEOUT: "-5" }, log: (w) => warnings.push(w) });
  expect(m.maxOutputTokens).toBe(25_000);
  expect(warnings).toEqual(["MCP_TOOL_TIMEOUT=-5 is not a positive integer; using 600000", "MAX_MCP_OUTPUT_TOKENS=lots is not a positive integer; using 25000"]);
  expect(m.tools()).toEqual([]);
  await m.close();
});

test("tools whose full name would pass 128 characters are left out, with one warning each", async () => {
  const warnings: string[] = [];
  const long = "s".repeat(110);
  const m = await startMcp([everythingEntry(long)], { projectDir: "/", roots: [], env: process.env, log: (w) => warnings.push(w) });
  try {
    const names = m.tools().map((t) => t.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.length <= 128)).toBe(true);
    expect(names).toContain(`mcp__${long}__echo`);
    expect(warnings.some((w) => w.includes(`mcp__${long}__get-structured-content is left out`))).toBe(true);
    expect(m.status()[0]?.toolCount).toBeGreaterThan(names.length);
  } finally {
    await m.close();
  }
});
