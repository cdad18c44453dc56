// Servers that misbehave: garbage on stdout, no answer, immediate exit, missing command, a crash in the
// middle of a session (restart on next use, and a restart that fails), and close() leaving no children.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMcp } from "../src/mcp.ts";
import { everythingEntry, fixture, freePort, isAlive, nodeEntry } from "./support/mcp-fixture.ts";
import { harness } from "./support/tool-harness.ts";

const projectDir = realpathSync(mkdtempSync(join(tmpdir(), "hone-mcp-faults-")));

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("startup faults", () => {
  test("each bad server is reported once with its reason; the good one works; all within the timeout", async () => {
    const refused = await freePort();
    const warnings: string[] = [];
    const started = Date.now();
    const manager = await startMcp(
      [
        everythingEntry("good"),
        nodeEntry("garbage", [fixture("mcp-garbage-server.mjs")]),
        nodeEntry("hang", [fixture("mcp-hang-server.mjs")]),
        nodeEntry("exits", [fixture("mcp-exit-server.mjs")]),
        { name: "missing", transport: { type: "stdio", command: "hone-no-such-mcp-server", args: [], env: {} }, scope: "user", source: "x" },
        { name: "refused", transport: { type: "http", url: `http://127.0.0.1:${refused}/mcp`, headers: {} }, scope: "user", source: "x" },
      ],
      { projectDir, roots: [projectDir], env: process.env, timeoutMs: 1500, log: (w) => warnings.push(w) },
    );
    const elapsed = Date.now() - started;
    try {
      expect(elapsed).toBeLessThan(1500 + 1200);
      const byName = new Map(manager.status().map((s) => [s.name, s]));
      expect(byName.get("good")?.state).toBe("connected");
      for (const bad of ["garbage", "hang", "exits", "missing", "refused"]) {
        expect(byName.get(bad)?.state).toBe("failed");
        expect(warnings.filter((w) => w.includes(`"${bad}"`))).toHaveLength(1);
      }
      expect(warnings).toHaveLength(5);
      expect(byName.get("garbage")?.error).toContain("did not answer within 1500 ms");
      expect(byName.get("garbage")?.error).toContain("something other than JSON-RPC on stdout");
      expect(byName.get("hang")?.error).toContain("did not answer within 1500 ms");
      expect(byName.get("hang")?.error).toContain("hang server waiting forever");
      expect(byName.get("exits")?.error).toContain("exited before completing the MCP handshake");
      expect(byName.get("exits")?.error).toContain("fatal: HONE_TEST_TOKEN is not set");
      expect(byName.get("missing")?.error).toContain("hone-no-such-mcp-server");
      expect(byName.get("refused")?.error).toMatch(/ECONNREFUSED|Unable to connect|refused/i);
      // Only the good server's tools are offered; failed servers answer clearly.
      expect(manager.tools().every((t) => t.name.startsWith("mcp__good__"))).toBe(true);
      await expect(manager.readResource("hang", "x://y")).rejects.toThrow(/"hang" is not connected: did not answer/);
      const r = await harness().call(manager.tools().find((t) => t.name === "mcp__good__echo")!, { message: "still fine" });
      expect(r.text).toBe("Echo: still fine");
    } finally {
      await manager.close();
    }
  });

  test("a per-server timeout overrides the manager's", async () => {
    const started = Date.now();
    const manager = await startMcp([nodeEntry("hang", [fixture("mcp-hang-server.mjs")], { timeoutMs: 400 })], {
      projectDir,
      roots: [],
      env: { ...process.env, MCP_TIMEOUT: "20000" },
    });
    expect(Date.now() - started).toBeLessThan(400 + 1200);
    expect(manager.status()[0]?.error).toContain("within 400 ms");
    await manager.close();
  });
});

describe("crashes and shutdown", () => {
  test("a server killed mid-session restarts on the next call", async () => {
    const warnings: string[] = [];
    const manager = await startMcp([everythingEntry("ev")], { projectDir, roots: [], env: process.env, log: (w) => warnings.push(w) });
    try {
      const echo = manager.tools().find((t) => t.name === "mcp__ev__echo")!;
      const first = manager.status()[0]?.pid ?? 0;
      expect(first).toBeGreaterThan(0);
      // Killed while a call is in flight: that call fails saying so, the next one restarts the server.
      const slow = manager.tools().find((t) => t.name === "mcp__ev__trigger-long-running-operation")!;
      const inFlight = harness().call(slow, { duration: 10, steps: 2 });
      await new Promise((r) => setTimeout(r, 100));
      process.kill(first, "SIGKILL");
      const failed = await inFlight;
      expect(failed.isError).toBe(true);
      expect(failed.text).toContain("closed the connection during the call");
      await waitFor(() => manager.status()[0]?.state === "pending");
      expect(manager.status()[0]?.pid).toBeUndefined();
      const r = await harness().call(echo, { message: "back" });
      expect(r.text).toBe("Echo: back");
      const second = manager.status()[0];
      expect(second?.state).toBe("connected");
      expect(second?.pid).not.toBe(first);
      expect(isAlive(second?.pid ?? 0)).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      await manager.close();
    }
  });

  test("when the restart fails the tool result says so, with the server's stderr", async () => {
    const marker = join(realpathSync(mkdtempSync(join(tmpdir(), "hone-mcp-once-"))), "started");
    const manager = await startMcp([nodeEntry("once", [fixture("mcp-once-server.mjs"), marker])], { projectDir, roots: [], env: process.env, timeoutMs: 5000 });
    try {
      expect(manager.status()[0]?.state).toBe("connected");
      const echo = manager.tools().find((t) => t.name === "mcp__once__echo")!;
      process.kill(manager.status()[0]?.pid ?? 0, "SIGKILL");
      await waitFor(() => manager.status()[0]?.state === "pending");
      const r = await harness().call(echo, { message: "x" });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('MCP server "once" stopped and could not be restarted');
      expect(r.text).toContain("refusing to start a second time");
      expect(manager.status()[0]).toMatchObject({ state: "failed" });
    } finally {
      await manager.close();
    }
  });

  test("close() leaves no child processes, even one that ignores SIGTERM", async () => {
    const manager = await startMcp([everythingEntry("a"), nodeEntry("stubborn", [fixture("mcp-stubborn-server.mjs")])], { projectDir, roots: [], env: process.env });
    expect(manager.status().map((s) => s.state)).toEqual(["connected", "connected"]);
    const pids = manager.status().map((s) => s.pid ?? 0);
    expect(pids.every((p) => p > 0 && isAlive(p))).toBe(true);
    const started = Date.now();
    await manager.close();
    expect(Date.now() - started).toBeLessThan(2500);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    await expect(manager.readResource("a", "demo://resource/dynamic/text/1")).rejects.toThrow(/shut down/);
  });

  test("a server that times out is killed, SIGTERM or not", async () => {
    const before = new Set(childPids());
    const manager = await startMcp([nodeEntry("hang", [fixture("mcp-hang-server.mjs")])], { projectDir, roots: [], env: process.env, timeoutMs: 500 });
    const leftovers = childPids().filter((p) => !before.has(p));
    expect(leftovers).toEqual([]);
    await manager.close();
  });
});

/** Direct children of this test process, from /proc (Linux). */
function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid && fields[0] !== "Z") pids.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return pids;
}
