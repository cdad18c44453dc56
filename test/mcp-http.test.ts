// Remote transports against the real "everything" server run as a child: streamable HTTP (/mcp) and
// SSE (/sse); plus what an HTTP error (404) reports and that configured headers are sent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { McpServerEntry } from "../src/extension-types.ts";
import { startMcp, type McpManager } from "../src/mcp.ts";
import { expandPromptCommand } from "../src/mcp-prompts.ts";
import { createReadMcpResourceTool } from "../src/tools/read-mcp-resource.ts";
import { startEverythingHttp, type HttpServer } from "./support/mcp-fixture.ts";
import { harness } from "./support/tool-harness.ts";

const projectDir = realpathSync(mkdtempSync(join(tmpdir(), "hone-mcp-http-")));
let streamable: HttpServer;
let sse: HttpServer;
let manager: McpManager;
const warnings: string[] = [];

function remote(name: string, type: "http" | "sse", url: string, headers: Record<string, string> = {}): McpServerEntry {
  return { name, transport: { type, url, headers }, scope: "project", source: ".mcp.json" };
}

beforeAll(async () => {
  [streamable, sse] = await Promise.all([startEverythingHttp("streamableHttp"), startEverythingHttp("sse")]);
  manager = await startMcp(
    [
      remote("web", "http", `http://127.0.0.1:${streamable.port}/mcp`, { "X-Hone-Test": "yes" }),
      remote("events", "sse", `http://127.0.0.1:${sse.port}/sse`),
      remote("wrong-path", "http", `http://127.0.0.1:${streamable.port}/nope`),
    ],
    {
      projectDir,
      roots: [projectDir],
      env: { ...process.env, ENABLE_TOOL_SEARCH: "false", MCP_TOOL_TIMEOUT: "1500" },
      timeoutMs: 5000,
      log: (w) => warnings.push(w),
    },
  );
});

afterAll(async () => {
  await manager?.close();
  await Promise.all([streamable?.stop(), sse?.stop()]);
});

describe.each(["web", "events"])("everything over %s", (server) => {
  test("connects and lists tools, prompts and resources", () => {
    const status = manager.status().find((s) => s.name === server);
    expect(status).toMatchObject({ state: "connected" });
    expect(status?.pid).toBeUndefined();
    expect(status?.toolCount).toBeGreaterThan(5);
    expect(status?.promptCount).toBeGreaterThan(1);
    expect(status?.resourceCount).toBeGreaterThan(0);
  });

  test("calls a tool, answers roots, reads a resource and expands a prompt", async () => {
    const key = server;
    const echo = manager.tools().find((t) => t.name === `mcp__${key}__echo`)!;
    expect((await harness().call(echo, { message: `over ${server}` })).text).toBe(`Echo: over ${server}`);
    const roots = manager.tools().find((t) => t.name === `mcp__${key}__get-roots-list`)!;
    expect((await harness().call(roots, {})).text).toContain(`file://${projectDir}`);
    const read = await harness().call(createReadMcpResourceTool(manager), { server, uri: "demo://resource/dynamic/text/4" });
    expect(read.text).toContain("Resource 4");
    expect(await expandPromptCommand(manager, `/mcp__${key}__args-prompt`, "Oslo")).toBe("What's weather in Oslo?");
  });
});

test("ENABLE_TOOL_SEARCH=false sends tools up front; MCP_TOOL_TIMEOUT bounds a call", async () => {
  expect(manager.tools().length).toBeGreaterThan(10);
  expect(manager.tools().every((t) => t.deferred === false)).toBe(true);
  const slow = manager.tools().find((t) => t.name === "mcp__web__trigger-long-running-operation")!;
  const started = Date.now();
  const r = await harness().call(slow, { duration: 10, steps: 2 });
  expect(r.isError).toBe(true);
  expect(r.text).toContain("did not finish within 1500 ms (MCP_TOOL_TIMEOUT)");
  expect(Date.now() - started).toBeLessThan(4000);
});

test("an HTTP 404 is reported once with the status", () => {
  const status = manager.status().find((s) => s.name === "wrong-path");
  expect(status?.state).toBe("failed");
  expect(status?.error).toContain("404");
  expect(warnings.filter((w) => w.includes('"wrong-path"'))).toHaveLength(1);
  expect(warnings).toHaveLength(1);
});

test("configured headers are sent with the requests", async () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(401, { "content-type": "text/plain" }).end("no token");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const m = await startMcp([remote("auth", "http", `http://127.0.0.1:${port}/mcp`, { Authorization: "Bearer abc123" })], {
      projectDir,
      roots: [],
      env: process.env,
      timeoutMs: 3000,
    });
    expect(m.status()[0]?.state).toBe("failed");
    expect(m.status()[0]?.error).toContain("401");
    expect(seen[0]?.authorization).toBe("Bearer abc123");
    await m.close();
  } finally {
    server.close();
  }
});

test("a remote server that went away is reconnected on the next call", async () => {
  const first = await startEverythingHttp("streamableHttp");
  const m = await startMcp([remote("flaky", "http", `http://127.0.0.1:${first.port}/mcp`)], { projectDir, roots: [], env: process.env, timeoutMs: 5000 });
  let second: HttpServer | undefined;
  try {
    const echo = m.tools().find((t) => t.name === "mcp__flaky__echo")!;
    expect((await harness().call(echo, { message: "one" })).text).toBe("Echo: one");
    await first.stop();
    const lost = await harness().call(echo, { message: "two" });
    expect(lost.isError).toBe(true);
    second = await startEverythingHttp("streamableHttp", first.port);
    expect((await harness().call(echo, { message: "three" })).text).toBe("Echo: three");
  } finally {
    await m.close();
    await second?.stop();
  }
});
