// Helpers for tests against real MCP servers: entries for the reference servers and the fault fixtures,
// a child running the "everything" server over HTTP on a free port, and a liveness check for pids.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { McpServerEntry } from "../../src/extension-types.ts";

const root = resolve(import.meta.dir, "../..");
export const EVERYTHING = join(root, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
export const FILESYSTEM = join(root, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
export const fixture = (name: string): string => join(root, "test/support", name);

export function nodeEntry(name: string, args: string[], extra: Partial<McpServerEntry> & { env?: Record<string, string> } = {}): McpServerEntry {
  const { env = {}, ...rest } = extra;
  return { name, transport: { type: "stdio", command: "node", args, env }, scope: "project", source: "test/.mcp.json", ...rest };
}

export function everythingEntry(name = "everything", env: Record<string, string> = {}): McpServerEntry {
  return nodeEntry(name, [EVERYTHING], { env });
}

export { isAlive } from "../../src/mcp-client.ts";

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface HttpServer {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs the everything server's HTTP transport (`streamableHttp` serves /mcp, `sse` serves /sse). */
export async function startEverythingHttp(kind: "streamableHttp" | "sse", port?: number): Promise<HttpServer> {
  port ??= await freePort();
  const child = spawn("node", [EVERYTHING, kind], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`${kind} server did not listen: ${output}`)), 10_000);
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on port|running on port/i.test(output)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code) => fail(new Error(`${kind} server exited (${code}): ${output}`)));
  });
  return {
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
