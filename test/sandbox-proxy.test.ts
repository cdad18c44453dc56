import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostAllowed, selfCommand, setSelfCommand, splitAuthority, startDomainProxy, type DomainProxy } from "../src/sandbox-proxy.ts";
import { BRIDGE_SCRIPT, sandboxFixture } from "./support/sandbox-fixture.ts";

/** An HTTP/1.0 origin that answers with the request head it received. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    let head = "";
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (head.includes("\r\n\r\n")) socket.end(`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nreached\n${head}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Sends raw bytes to the proxy socket and returns everything it answers until it closes. */
function exchange(socketPath: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
    socket.write(request);
  });
}

describe("hostAllowed", () => {
  test("exact names, subdomain wildcards without the apex, and *", () => {
    expect(hostAllowed("example.com", ["example.com"])).toBe(true);
    expect(hostAllowed("EXAMPLE.com.", ["Example.COM"])).toBe(true);
    expect(hostAllowed("api.example.com", ["example.com"])).toBe(false);
    expect(hostAllowed("a.b.example.com", ["*.example.com"])).toBe(true);
    expect(hostAllowed("example.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("badexample.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("anything.org", ["*"])).toBe(true);
    expect(hostAllowed("[::1]", ["::1"])).toBe(true);
    expect(hostAllowed("example.com", [])).toBe(false);
  });

  test("splitAuthority parses CONNECT targets", () => {
    expect(splitAuthority("example.com:443")).toEqual({ host: "example.com", port: 443 });
    expect(splitAuthority("[::1]:8080")).toEqual({ host: "::1", port: 8080 });
    expect(splitAuthority("example.com")).toBeUndefined();
    expect(splitAuthority("example.com:99999")).toBeUndefined();
  });
});

describe("domain proxy on a Unix socket", () => {
  let origin: { server: Server; port: number };
  let proxy: DomainProxy;
  let dir: string;
  beforeAll(async () => {
    origin = await echoServer();
    dir = mkdtempSync(join(tmpdir(), "hone-proxy-"));
    proxy = await startDomainProxy(join(dir, "p.sock"), ["127.0.0.1", "*.example.org"]);
  });
  afterAll(async () => {
    await proxy.close();
    origin.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("forwards absolute-URI requests to allowed hosts in origin form, without proxy headers", async () => {
    const answer = await exchange(
      proxy.socketPath,
      `GET http://127.0.0.1:${origin.port}/path?q=1 HTTP/1.1\r\nHost: evil.test\r\nProxy-Authorization: x\r\nX-Keep: 1\r\n\r\n`,
    );
    expect(answer).toContain("reached");
    expect(answer).toContain("GET /path?q=1 HTTP/1.1");
    expect(answer).toContain(`Host: 127.0.0.1:${origin.port}`);
    expect(answer).toContain("X-Keep: 1");
    expect(answer).not.toContain("Proxy-Authorization");
    expect(answer).not.toContain("evil.test");
  });

  test("tunnels CONNECT to allowed hosts", async () => {
    const answer = await exchange(proxy.socketPath, `CONNECT 127.0.0.1:${origin.port} HTTP/1.1\r\n\r\nPING / HTTP/1.0\r\n\r\n`);
    expect(answer.startsWith("HTTP/1.1 200 Connection Established\r\n\r\n")).toBe(true);
    expect(answer).toContain("PING / HTTP/1.0");
  });

  test("answers 403 with a clear message for other hosts, 400 for nonsense", async () => {
    const denied = await exchange(proxy.socketPath, "CONNECT example.org:443 HTTP/1.1\r\n\r\n");
    expect(denied).toStartWith("HTTP/1.1 403 Forbidden");
    expect(denied).toContain("network access to example.org is blocked (allowed domains: 127.0.0.1, *.example.org)");
    const plain = await exchange(proxy.socketPath, "GET http://localhost:1/ HTTP/1.1\r\n\r\n");
    expect(plain).toStartWith("HTTP/1.1 403 Forbidden");
    expect(await exchange(proxy.socketPath, "GET /relative HTTP/1.1\r\n\r\n")).toStartWith("HTTP/1.1 400");
  });
});

describe("sandboxed commands with allowed domains", () => {
  let origin: { server: Server; port: number };
  beforeAll(async () => {
    origin = await echoServer();
  });
  afterAll(() => origin.server.close());

  test("reach allowed hosts through the proxy env and get 403 elsewhere", async () => {
    const f = await sandboxFixture({ allowedDomains: ["127.0.0.1"] });
    try {
      // --noproxy '': the sandbox sets NO_PROXY for its own loopback; this host's server is outside.
      const url = `http://127.0.0.1:${origin.port}/`;
      const r = await f.run(`echo "$HTTPS_PROXY"; curl -sS --noproxy '' ${url}; curl -sS -p --noproxy '' ${url}`);
      expect(r.output.split("\n")[0]).toBe("http://127.0.0.1:3128");
      expect(r.output.match(/reached/g)).toHaveLength(2);
      // Only the forwarded plain request carries the proxy's Connection: close; the tunnel passes curl's bytes.
      expect(r.output.match(/Connection: close/g)).toHaveLength(1);
      const direct = await f.run(`curl -sS --max-time 5 --noproxy '*' ${url}`);
      expect(direct.output).not.toContain("reached");

      const blocked = await f.run("curl -sS https://blocked.example/; curl -sS http://blocked.example/");
      expect(blocked.output).toContain("CONNECT tunnel failed, response 403");
      expect(blocked.output).toContain("network access to blocked.example is blocked");
      expect(f.sandbox.explainFailure(blocked.output, blocked.exitCode)).toContain("not on the network allowlist (allowed: 127.0.0.1)");
    } finally {
      await f.close();
    }
  });
});

describe("the bridge", () => {
  test("selfCommand re-runs the current script unless overridden", () => {
    setSelfCommand(undefined);
    expect(selfCommand()).toEqual([process.execPath, process.argv[1] ?? ""]);
    setSelfCommand(["/x/hone"]);
    expect(selfCommand()).toEqual(["/x/hone"]);
    setSelfCommand([process.execPath, BRIDGE_SCRIPT]);
  });

  test("relays a loopback port to the socket, runs the command and returns its status", async () => {
    const origin = await echoServer();
    const dir = mkdtempSync(join(tmpdir(), "hone-bridge-"));
    const proxy = await startDomainProxy(join(dir, "p.sock"), ["127.0.0.1"]);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const script = join(import.meta.dir, "support", "sandbox-bridge-main.ts");
    const run = (command: string[]) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = Bun.spawn([process.execPath, script, "__sandbox-bridge", proxy.socketPath, String(port), "--", ...command]);
        void Promise.all([child.exited, new Response(child.stdout).text()]).then(([status, stdout]) => resolve({ status, stdout }));
      });
    try {
      const ok = await run(["curl", "-sS", "--noproxy", "", "-x", `http://127.0.0.1:${port}`, `http://127.0.0.1:${origin.port}/`]);
      expect(ok.stdout).toContain("reached");
      expect(ok.status).toBe(0);
      expect((await run(["sh", "-c", "exit 7"])).status).toBe(7);
      const usage = spawnSync(process.execPath, [script, "__sandbox-bridge", "only-a-socket"], { encoding: "utf8" });
      expect(usage.status).toBe(2);
      expect(usage.stderr).toContain("usage");
    } finally {
      await proxy.close();
      origin.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
