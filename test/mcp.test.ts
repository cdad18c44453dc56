// The MCP manager against the real reference servers over stdio: server-everything (tools of every
// content kind, prompts, resources, roots, env) and server-filesystem (write and read a file).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMcp, type McpManager } from "../src/mcp.ts";
import { expandPromptCommand, expandResourceMentions, promptCommands } from "../src/mcp-prompts.ts";
import type { Tool } from "../src/tool.ts";
import { createListMcpResourcesTool } from "../src/tools/list-mcp-resources.ts";
import { createReadMcpResourceTool } from "../src/tools/read-mcp-resource.ts";
import { createToolSearchTool } from "../src/tools/tool-search.ts";
import { everythingEntry, FILESYSTEM, isAlive, nodeEntry } from "./support/mcp-fixture.ts";
import { harness } from "./support/tool-harness.ts";

let manager: McpManager;
let projectDir: string;
let fsDir: string;
const warnings: string[] = [];

function tool(name: string): Tool {
  const found = manager.tools().find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}; have ${manager.tools().map((t) => t.name).join(", ")}`);
  return found;
}

beforeAll(async () => {
  projectDir = realpathSync(mkdtempSync(join(tmpdir(), "hone-mcp-project-")));
  fsDir = realpathSync(mkdtempSync(join(tmpdir(), "hone-mcp-fs-")));
  manager = await startMcp(
    [everythingEntry("every thing", { HONE_ENTRY_VAR: "from-entry" }), nodeEntry("fs", [FILESYSTEM, fsDir], { scope: "user" })],
    // The filesystem server replaces its allowed dirs with our roots, so the roots include fsDir.
    { projectDir, roots: [projectDir, fsDir], env: { ...process.env, MAX_MCP_OUTPUT_TOKENS: "1000" }, log: (w) => warnings.push(w) },
  );
});

afterAll(async () => {
  await manager?.close();
});

describe("startup and listing", () => {
  test("both servers connect with their tools, prompts and resources counted", () => {
    expect(warnings).toEqual([]);
    const status = manager.status();
    const every = status.find((s) => s.name === "every thing");
    expect(every).toMatchObject({ key: "every_thing", scope: "project", state: "connected" });
    expect(every?.toolCount).toBeGreaterThan(5);
    expect(every?.promptCount).toBeGreaterThanOrEqual(2);
    expect(every?.resourceCount).toBeGreaterThan(0);
    expect(every?.pid && isAlive(every.pid)).toBe(true);
    expect(status.find((s) => s.name === "fs")).toMatchObject({ state: "connected", scope: "user", promptCount: 0 });
  });

  test("tools are named mcp__<server>__<tool>, deferred, not read-only, with the server's schema", () => {
    const echo = tool("mcp__every_thing__echo");
    expect(echo.deferred).toBe(true);
    expect(echo.readOnly).toBe(false);
    expect(echo.inputSchema).toMatchObject({ type: "object", properties: { message: { type: "string" } }, required: ["message"] });
    expect(echo.inputSchema && "$schema" in echo.inputSchema).toBe(false);
    expect(echo.description.length).toBeGreaterThan(0);
    expect(manager.tools().some((t) => t.name === "mcp__fs__write_file")).toBe(true);
  });

  test("server instructions are exposed, capped at 2 KB", () => {
    const every = manager.instructions().find((i) => i.server === "every thing");
    expect(every?.text.length).toBeGreaterThan(50);
    expect(every?.text.length).toBeLessThanOrEqual(2048);
  });
});

describe("tool calls through the wrappers", () => {
  test("text result", async () => {
    const r = await harness().call(tool("mcp__every_thing__echo"), { message: "hello mcp" });
    expect(r.isError).toBeFalsy();
    expect(r.text).toBe("Echo: hello mcp");
  });

  test("the server validates input: a wrong type comes back as an error result", async () => {
    const r = await harness().call(tool("mcp__every_thing__get-sum"), { a: "one", b: 2 });
    expect(r.isError).toBe(true);
    expect(r.text.toLowerCase()).toContain("invalid");
  });

  test("numbers are added by the server", async () => {
    const r = await harness().call(tool("mcp__every_thing__get-sum"), { a: 2, b: 40 });
    expect(r.text).toContain("42");
  });

  test("image blocks become image content next to the text", async () => {
    const r = await harness().call(tool("mcp__every_thing__get-tiny-image"), {});
    expect(Array.isArray(r.content)).toBe(true);
    const blocks = r.content as Exclude<typeof r.content, string>;
    const image = blocks.find((b) => b.type === "image");
    expect(image?.type === "image" && image.source.media_type).toBe("image/png");
    expect(image?.type === "image" && image.source.data.length).toBeGreaterThan(100);
    expect(r.text).toContain("MCP logo");
  });

  test("embedded resources show their text, resource links a line each", async () => {
    const ref = await harness().call(tool("mcp__every_thing__get-resource-reference"), { resourceType: "Text", resourceId: 2 });
    expect(ref.text).toContain("Resource 2");
    expect(ref.text).toContain("demo://resource/dynamic/text/2");
    const blob = await harness().call(tool("mcp__every_thing__get-resource-reference"), { resourceType: "Blob", resourceId: 1 });
    expect(blob.text).toMatch(/\[Binary resource demo:\/\/resource\/dynamic\/blob\/1.*not shown\]/);
    const links = await harness().call(tool("mcp__every_thing__get-resource-links"), { count: 2 });
    expect(links.text.match(/\[Resource link: /g)?.length).toBe(2);
  });

  test("structured content comes with its text block", async () => {
    const r = await harness().call(tool("mcp__every_thing__get-structured-content"), { location: "Chicago" });
    expect(JSON.parse(r.text)).toMatchObject({ temperature: 36 });
  });

  test("the child gets process env, entry env and CLAUDE_PROJECT_DIR", async () => {
    const r = await harness().call(tool("mcp__every_thing__get-env"), {});
    const env = JSON.parse(r.text) as Record<string, string>;
    expect(env.CLAUDE_PROJECT_DIR).toBe(projectDir);
    expect(env.HONE_ENTRY_VAR).toBe("from-entry");
    expect(env.HONE_TEST_HOME).toBe(process.env.HONE_TEST_HOME ?? "");
  });

  test("roots/list is answered with the working directories as file URIs", async () => {
    const r = await harness().call(tool("mcp__every_thing__get-roots-list"), {});
    expect(r.text).toContain(`file://${projectDir}`);
    expect(r.text).toContain(`file://${fsDir}`);
  });

  test("output over MAX_MCP_OUTPUT_TOKENS keeps the head and spills the full text", async () => {
    const h = harness();
    const message = Array.from({ length: 800 }, (_, i) => `line ${i} ${"x".repeat(20)}`).join("\n");
    const r = await h.call(tool("mcp__every_thing__echo"), { message });
    expect(r.text.startsWith("Echo: line 0 ")).toBe(true);
    expect(r.text.length).toBeLessThan(4300);
    const path = /Full output: (\S+)\]/.exec(r.text)?.[1] ?? "";
    expect(path.startsWith(h.state.spillDir)).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(`Echo: ${message}`);
  });

  test("aborting a call cancels the request promptly", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const r = await harness().call(tool("mcp__every_thing__trigger-long-running-operation"), { duration: 20, steps: 2 }, controller.signal);
    expect(r.isError).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    // The server is still usable afterwards.
    expect((await harness().call(tool("mcp__every_thing__echo"), { message: "after" })).text).toBe("Echo: after");
  });

  test("filesystem server: write a file, read it back, and see it on disk", async () => {
    const target = join(fsDir, "note.txt");
    const w = await harness().call(tool("mcp__fs__write_file"), { path: target, content: "written through MCP\n" });
    expect(w.isError).toBeFalsy();
    expect(readFileSync(target, "utf8")).toBe("written through MCP\n");
    writeFileSync(join(fsDir, "other.txt"), "from disk");
    const r = await harness().call(tool("mcp__fs__read_text_file"), { path: join(fsDir, "other.txt") });
    expect(r.text).toContain("from disk");
    const outside = await harness().call(tool("mcp__fs__read_text_file"), { path: "/etc/hostname" });
    expect(outside.isError).toBe(true);
  });
});

describe("ToolSearch", () => {
  test("lists deferred tools in its description and loads selected schemas into the session", async () => {
    const search = createToolSearchTool(() => manager.tools().filter((t) => t.deferred));
    expect(search.readOnly).toBe(true);
    expect(search.description).toContain("- mcp__every_thing__echo: ");
    expect(search.description).toContain("- mcp__fs__write_file: ");
    const h = harness();
    const r = await h.call(search, { query: "select:mcp__every_thing__get-sum,mcp__fs__read_text_file" });
    expect([...h.state.loadedTools].sort()).toEqual(["mcp__every_thing__get-sum", "mcp__fs__read_text_file"]);
    expect(r.text).toContain('"required":["a","b"]');
    expect(r.text).toContain("next turn");
    const k = await h.call(search, { query: "directory listing", max_results: 2 });
    const matches = (k.structured as { matches: string[] }).matches;
    expect(matches).toHaveLength(2);
    for (const name of matches) expect(name).toMatch(/^mcp__fs__.*director/);
    expect(h.state.loadedTools.size).toBe(4);
  });
});

describe("resources", () => {
  test("ListMcpResourcesTool lists every server's resources, or one server's", async () => {
    const list = createListMcpResourcesTool(manager);
    const all = await harness().call(list, {});
    expect(all.text).toContain("demo://resource/static/document/architecture.md");
    expect(all.text).toContain("URI templates");
    const one = await harness().call(list, { server: "every thing" });
    expect(Array.isArray(one.structured) && one.structured.every((r: { server: string }) => r.server === "every thing")).toBe(true);
    const fs = await harness().call(list, { server: "fs" });
    expect(fs.text).toContain("No resources found");
    const unknown = await harness().call(list, { server: "nope" });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('No MCP server named "nope"');
    expect(unknown.text).toContain("every thing, fs");
  });

  test("ReadMcpResourceTool returns text, saves blobs, and errors clearly", async () => {
    const read = createReadMcpResourceTool(manager);
    const h = harness();
    const text = await h.call(read, { server: "every_thing", uri: "demo://resource/dynamic/text/3" });
    expect(text.text).toContain("Resource 3");
    const blob = await h.call(read, { server: "every thing", uri: "demo://resource/dynamic/blob/1" });
    const saved = /saved to (\S+)\]/.exec(blob.text)?.[1] ?? "";
    expect(saved.startsWith(h.state.spillDir)).toBe(true);
    expect(readFileSync(saved).length).toBeGreaterThan(0);
    const missing = await h.call(read, { server: "every thing", uri: "demo://nothing/here" });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain("demo://nothing/here");
    const noResources = await h.call(read, { server: "fs", uri: "file:///x" });
    expect(noResources.text).toContain("does not offer resources");
  });

  test("@server:uri mentions append the resource in a delimited block", async () => {
    const out = await expandResourceMentions("Summarise @every_thing:demo://resource/dynamic/text/1, and @nope:x://y please", manager);
    expect(out.text.startsWith("Summarise @every_thing:demo://resource/dynamic/text/1, and")).toBe(true);
    expect(out.text).toContain('<mcp-resource server="every_thing" uri="demo://resource/dynamic/text/1">');
    expect(out.text).toContain("Resource 1");
    expect(out.text).toContain("</mcp-resource>");
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain("@nope:x://y");
  });
});

describe("prompts", () => {
  test("prompts become /mcp__<server>__<prompt> commands with their arguments", () => {
    const commands = promptCommands(manager);
    const args = commands.find((c) => c.name === "mcp__every_thing__args-prompt");
    expect(args).toMatchObject({ server: "every thing", prompt: "args-prompt", argumentHint: "<city> [state]" });
    expect(args?.arguments.map((a) => a.name)).toEqual(["city", "state"]);
  });

  test("arguments map in order, quotes group words, the last takes the rest", async () => {
    expect(await expandPromptCommand(manager, "/mcp__every_thing__args-prompt", '"New York" NY')).toBe("What's weather in New York, NY?");
    expect(await expandPromptCommand(manager, "mcp__every_thing__args-prompt", "Paris Ile de France")).toBe("What's weather in Paris, Ile de France?");
    expect(await expandPromptCommand(manager, "/mcp__every_thing__simple-prompt", "")).toContain("simple prompt");
  });

  test("a missing required argument is a clear error; unknown commands are not ours", async () => {
    await expect(expandPromptCommand(manager, "/mcp__every_thing__args-prompt", "")).rejects.toThrow(/needs the argument city\. Usage: \/mcp__every_thing__args-prompt <city> \[state\]/);
    expect(await expandPromptCommand(manager, "/mcp__every_thing__nope", "x")).toBeUndefined();
    expect(await expandPromptCommand(manager, "/review", "x")).toBeUndefined();
  });
});
