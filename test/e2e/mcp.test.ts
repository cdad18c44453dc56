// MCP through the real binary against real servers from npm: server-everything over stdio and over
// streamable HTTP, server-filesystem over stdio. The model (scripted) finds tools with ToolSearch and
// calls them; permissions, trust, failures and prompts/resources behave as a user would expect.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { firstPrompt, toolNames, toolResultText } from "../support/request-text.ts";
import { scriptedApi } from "../support/api-fixture.ts";
import { EVERYTHING, FILESYSTEM, fixture, startEverythingHttp, type HttpServer } from "../support/mcp-fixture.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();
const servers: HttpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});




const stdioConfig = (name: string, args: string[]) => JSON.stringify({ mcpServers: { [name]: { command: "node", args } } });

function world() {
  const home = tempHome();
  const dir = tempProject("hone-mcp-");
  return { home, dir, env: { HOME: home } };
}

describe("server-everything over stdio", () => {
  test("ToolSearch loads a deferred tool's schema, then the tool runs; only names were sent before", async () => {
    const w = world();
    const server = await withApi(
      reply(toolUse("ToolSearch", { query: "select:mcp__everything__echo,mcp__everything__get-sum" }, "q1")),
      reply(toolUse("mcp__everything__echo", { message: "hello from hone" }, "e1"), toolUse("mcp__everything__get-sum", { a: 2, b: 40 }, "e2")),
      reply(text("done")),
    );
    const run = await runHone(["-p", "use the server", "--mcp-config", stdioConfig("everything", [EVERYTHING]), "--allowedTools", "mcp__everything", "--output-format", "stream-json", "--verbose"], {
      cwd: w.dir,
      apiUrl: server.url,
      env: w.env,
    });
    expect(run.code).toBe(0);
    const init = run.lines()[0]!;
    expect(init.mcp_servers).toEqual([{ name: "everything", status: "connected" }]);
    expect(init.tools).toEqual(expect.arrayContaining(["mcp__everything__echo", "ToolSearch", "ListMcpResourcesTool", "ReadMcpResourceTool"]));
    expect(init.slash_commands).toEqual(expect.arrayContaining(["mcp__everything__simple-prompt"]));
    const first = toolNames(server.requests[0]!);
    expect(first).toContain("ToolSearch");
    expect(first).not.toContain("mcp__everything__echo");
    const search = server.requests[0]!.body.tools!.find((t) => (t as { name: string }).name === "ToolSearch") as { description: string };
    expect(search.description).toContain("mcp__everything__echo");
    expect(toolNames(server.requests[1]!)).toEqual(expect.arrayContaining(["mcp__everything__echo", "mcp__everything__get-sum"]));
    expect(toolResultText(server.requests[2]!, "e1")).toContain("Echo: hello from hone");
    expect(toolResultText(server.requests[2]!, "e2")).toContain("42");
  });

  test("without an allow rule an MCP tool call is denied in -p; --disallowedTools mcp__* removes every MCP tool", async () => {
    const w = world();
    const server = await withApi(reply(toolUse("mcp__everything__echo", { message: "x" }, "e1")), reply(text("ok")), reply(text("ok")));
    const denied = await runHone(["-p", "go", "--mcp-config", stdioConfig("everything", [EVERYTHING]), "--output-format", "json"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(denied.code).toBe(0);
    expect((denied.json().permission_denials as Array<{ tool_name: string }>).map((d) => d.tool_name)).toEqual(["mcp__everything__echo"]);
    expect(toolResultText(server.requests[1]!, "e1")).not.toContain("Echo:");
    const removed = await runHone(["-p", "go", "--mcp-config", stdioConfig("everything", [EVERYTHING]), "--disallowedTools", "mcp__*"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(removed.code).toBe(0);
    expect(toolNames(server.requests[2]!).filter((n) => n.startsWith("mcp__"))).toEqual([]);
  });

  test("MCP prompts run as /mcp__server__prompt args and @server:uri attaches a resource", async () => {
    const w = world();
    const server = await withApi(reply(text("a")), reply(text("b")));
    const config = stdioConfig("everything", [EVERYTHING]);
    const prompt = await runHone(["-p", "/mcp__everything__args-prompt Lisbon", "--mcp-config", config], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(prompt.code).toBe(0);
    expect(firstPrompt(server.requests[0]!)).toContain("What's weather in Lisbon?");
    const mention = await runHone(["-p", "summarise @everything:demo://resource/dynamic/text/4", "--mcp-config", config], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(mention.code).toBe(0);
    const sent = firstPrompt(server.requests[1]!);
    expect(sent).toContain('<mcp-resource server="everything" uri="demo://resource/dynamic/text/4">');
  });
});

describe("server-everything over streamable HTTP", () => {
  test("a project .mcp.json http server with ${VAR} expansion is used after trust", async () => {
    const http = await startEverythingHttp("streamableHttp");
    servers.push(http);
    const w = world();
    writeFileSync(join(w.dir, ".mcp.json"), JSON.stringify({ mcpServers: { web: { type: "http", url: "http://127.0.0.1:${WEB_PORT}/mcp" } } }));
    const server = await withApi(reply(toolUse("mcp__web__echo", { message: "over http" }, "h1")), reply(text("done")));
    const run = await runHone(["-p", "go", "--trust", "--allowedTools", "mcp__web__echo"], { cwd: w.dir, apiUrl: server.url, env: { ...w.env, WEB_PORT: String(http.port) } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(toolResultText(server.requests[1]!, "h1")).toContain("Echo: over http");
  });

  test("an untrusted folder's .mcp.json is not started, and the run says why", async () => {
    const w = world();
    const marker = join(w.dir, "started.txt");
    writeFileSync(join(w.dir, ".mcp.json"), JSON.stringify({ mcpServers: { evil: { command: "sh", args: ["-c", `touch ${marker}`] } } }));
    const server = await withApi(reply(text("ok")));
    const run = await runHone(["-p", "hi"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("evil");
    expect(run.stderr).toContain("hone trust");
    await Bun.sleep(200);
    expect(Bun.file(marker).size).toBe(0);
  });
});

describe("server-filesystem over stdio", () => {
  test("the model writes and reads a file through the server", async () => {
    const w = world();
    const data = join(w.dir, "data");
    mkdirSync(data);
    const server = await withApi(
      reply(toolUse("mcp__fs__write_file", { path: join(data, "note.txt"), content: "written by mcp" }, "f1")),
      reply(toolUse("mcp__fs__read_text_file", { path: join(data, "note.txt") }, "f2")),
      reply(text("done")),
    );
    const run = await runHone(["-p", "files", "--mcp-config", stdioConfig("fs", [FILESYSTEM, data]), "--allowedTools", "mcp__fs"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(readFileSync(join(data, "note.txt"), "utf8")).toBe("written by mcp");
    expect(toolResultText(server.requests[2]!, "f2")).toContain("written by mcp");
  });
});

describe("faults", () => {
  test("a failing server is reported with its stderr and the working one is still used", async () => {
    const w = world();
    const config = JSON.stringify({ mcpServers: { broken: { command: "node", args: [fixture("mcp-exit-server.mjs")] }, good: { command: "node", args: [EVERYTHING] } } });
    const server = await withApi(reply(toolUse("mcp__good__echo", { message: "alive" }, "g1")), reply(text("done")));
    const run = await runHone(["-p", "go", "--mcp-config", config, "--allowedTools", "mcp__good"], { cwd: w.dir, apiUrl: server.url, env: { ...w.env, MCP_TIMEOUT: "5000" } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("broken");
    expect(toolResultText(server.requests[1]!, "g1")).toContain("Echo: alive");
  });

  test("a server that never answers delays the start by MCP_TIMEOUT only", async () => {
    const w = world();
    const config = JSON.stringify({ mcpServers: { stuck: { command: "node", args: [fixture("mcp-hang-server.mjs")] } } });
    const server = await withApi(reply(text("done")));
    const started = performance.now();
    const run = await runHone(["-p", "go", "--mcp-config", config], { cwd: w.dir, apiUrl: server.url, env: { ...w.env, MCP_TIMEOUT: "800" } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("stuck");
    expect(performance.now() - started).toBeLessThan(8000);
  });

  test("a --mcp-config that does not parse is a usage error naming it; a .mcp.json with a wrong type is one warning", async () => {
    const w = world();
    const bad = await runHone(["-p", "go", "--mcp-config", "{not json"], { cwd: w.dir, apiUrl: "http://127.0.0.1:9", env: w.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--mcp-config");
    writeFileSync(join(w.dir, ".mcp.json"), JSON.stringify({ mcpServers: { odd: { command: "node", args: "not-a-list" } } }));
    const server = await withApi(reply(text("fine")));
    const run = await runHone(["-p", "go", "--trust"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("fine");
    expect(run.stderr).toContain(".mcp.json");
    expect(run.stderr).toContain("args");
  });
});

/** Pids whose command line contains `needle` (the test's own unique sleep). */
function processesWith(needle: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, "utf8").includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("--strict-mcp-config uses only --mcp-config servers; a server that never answers is killed with the processes it started", async () => {
  const w = world();
  const marker = join(w.dir, "project-server-started.txt");
  writeFileSync(join(w.dir, ".mcp.json"), JSON.stringify({ mcpServers: { proj: { command: "sh", args: ["-c", `touch ${marker}; sleep 31.25; true`] } } }));
  const server = await withApi(reply(text("ok")), reply(text("ok")));
  const config = stdioConfig("everything", [EVERYTHING]);
  const strict = await runHone(["-p", "hi", "--trust", "--mcp-config", config, "--strict-mcp-config", "--output-format", "stream-json", "--verbose"], {
    cwd: w.dir,
    apiUrl: server.url,
    env: { ...w.env, MCP_TIMEOUT: "1000" },
  });
  expect(strict.code).toBe(0);
  expect(strict.lines()[0]!.mcp_servers).toEqual([{ name: "everything", status: "connected" }]);
  expect(Bun.file(marker).size).toBe(0);
  const loose = await runHone(["-p", "hi", "--trust", "--mcp-config", config, "--output-format", "stream-json", "--verbose"], { cwd: w.dir, apiUrl: server.url, env: { ...w.env, MCP_TIMEOUT: "1000" } });
  expect(loose.code).toBe(0);
  expect((loose.lines()[0]!.mcp_servers as Array<{ name: string }>).map((s) => s.name).sort()).toEqual(["everything", "proj"]);
  expect(await Bun.file(marker).exists()).toBe(true);
  expect(loose.stderr).toContain("proj");
  expect(processesWith("31.25")).toEqual([]);
}, 15_000);
