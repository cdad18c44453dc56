// Network for sandboxed commands. The sandbox has no network of its own; hone runs an HTTP proxy outside
// it, listening on a Unix socket, that only lets allowed hosts through (CONNECT tunnels for https,
// absolute-URI requests for plain http). Inside, `hone __sandbox-bridge` listens on 127.0.0.1:<port>,
// forwards every connection to that socket, and runs the command. Kept free of heavy imports: the
// bridge starts once per sandboxed command.
import { spawn } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { constants as osConstants } from "node:os";

/** `example.com` exact, `*.example.com` any subdomain (not the apex), `*` everything; case-insensitive. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const name = normalizeHost(host);
  if (name === "") return false;
  for (const raw of patterns) {
    const pattern = normalizeHost(raw);
    if (pattern === "*") return true;
    if (pattern.startsWith("*.")) {
      if (name.endsWith(pattern.slice(1))) return true;
    } else if (pattern !== "" && name === pattern) return true;
  }
  return false;
}

function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/** Splits `host:port` / `[v6]:port` as sent with CONNECT. */
export function splitAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(authority) ?? /^([^:[\]]+):(\d+)$/.exec(authority);
  const port = Number(m?.[2]);
  if (!m?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}

const MAX_HEAD = 64 * 1024;

function reply(socket: Socket, status: string, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Hone-Sandbox: blocked\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function blockedMessage(host: string, allowed: readonly string[]): string {
  return `hone sandbox: network access to ${host} is blocked (allowed domains: ${allowed.join(", ")}).`;
}

/** Connects to the target and splices the two sockets together; `greeting` goes to the client first. */
function tunnel(client: Socket, host: string, port: number, first: Buffer, greeting?: string): void {
  const upstream = connect({ host, port });
  let connected = false;
  upstream.once("connect", () => {
    connected = true;
    if (greeting) client.write(greeting);
    if (first.length > 0) upstream.write(first);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  upstream.on("error", (error) => {
    if (!connected && !client.destroyed) reply(client, "502 Bad Gateway", `hone sandbox proxy: ${host}:${port}: ${error.message}`);
    else client.destroy();
  });
  client.on("error", () => upstream.destroy());
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => client.end());
}

/** Origin-form head for an absolute-URI request: proxy headers dropped, Host pinned to the URL's host. */
function originHead(lines: string[], method: string, url: URL, version: string): string {
  const kept = lines
    .slice(1)
    .filter((line) => line !== "" && !/^(proxy-connection|proxy-authorization|connection|host|keep-alive)\s*:/i.test(line));
  return [`${method} ${url.pathname}${url.search} ${version}`, `Host: ${url.host}`, ...kept, "Connection: close", "", ""].join(
    "\r\n",
  );
}

function handleHead(client: Socket, head: string, rest: Buffer, allowed: readonly string[]): void {
  const lines = head.split("\r\n");
  const [method = "", target = "", version = "HTTP/1.1"] = (lines[0] ?? "").split(" ");
  if (method.toUpperCase() === "CONNECT") {
    const dest = splitAuthority(target);
    if (!dest) return reply(client, "400 Bad Request", `hone sandbox proxy: bad CONNECT target "${target}"`);
    if (!hostAllowed(dest.host, allowed)) return reply(client, "403 Forbidden", blockedMessage(dest.host, allowed));
    return tunnel(client, dest.host, dest.port, rest, "HTTP/1.1 200 Connection Established\r\n\r\n");
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return reply(client, "400 Bad Request", "hone sandbox proxy: only CONNECT and absolute http:// URLs are supported");
  }
  if (url.protocol !== "http:") return reply(client, "400 Bad Request", `hone sandbox proxy: unsupported scheme ${url.protocol}`);
  if (!hostAllowed(url.hostname, allowed)) return reply(client, "403 Forbidden", blockedMessage(url.hostname, allowed));
  const headBytes = Buffer.from(originHead(lines, method, url, version), "latin1");
  tunnel(client, url.hostname.replace(/^\[|\]$/g, ""), Number(url.port || 80), Buffer.concat([headBytes, rest]));
}

export interface DomainProxy {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Starts the allowlist proxy on a Unix socket (the path must not exist yet). */
export async function startDomainProxy(socketPath: string, allowedDomains: readonly string[]): Promise<DomainProxy> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buffered.length > MAX_HEAD) reply(client, "431 Request Header Fields Too Large", "hone sandbox proxy: header too large");
        return;
      }
      client.off("data", onData);
      handleHead(client, buffered.subarray(0, end).toString("latin1"), buffered.subarray(end + 4), allowedDomains);
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  // The proxy must never be the reason hone stays alive.
  server.unref();
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---- The bridge, run inside the sandbox as `hone __sandbox-bridge <socket> <port> -- <command...>` ----

let selfOverride: string[] | undefined;

/** Tests (running under `bun test`) point this at a small entry script. */
export function setSelfCommand(command: string[] | undefined): void {
  selfOverride = command;
}

/** How to start this program again: the compiled binary alone, or runtime + script when run from source. */
export function selfCommand(): string[] {
  if (selfOverride) return [...selfOverride];
  const here = import.meta.url;
  if (here.includes("$bunfs") || here.includes("~BUN") || here.includes("deno-compile-")) return [process.execPath];
  const script = process.argv[1];
  const deno = (globalThis as unknown as { Deno?: { execPath(): string } }).Deno;
  if (deno) return script ? [deno.execPath(), "run", "-A", script] : [deno.execPath()];
  return script ? [process.execPath, script] : [process.execPath];
}

/** The argv prefix that runs the bridge; the command to run follows it. */
export function bridgeCommand(socketPath: string, port: number): string[] {
  return [...selfCommand(), "__sandbox-bridge", socketPath, String(port), "--"];
}

export async function runSandboxBridge(args: string[]): Promise<number> {
  const sep = args.indexOf("--");
  const [socketPath, portText] = args;
  const command = sep >= 0 ? args.slice(sep + 1) : [];
  const port = Number(portText);
  if (sep !== 2 || !socketPath || !Number.isInteger(port) || command.length === 0) {
    process.stderr.write("usage: hone __sandbox-bridge <socket> <port> -- <command...>\n");
    return 2;
  }
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(socketPath);
    open.add(client);
    client.on("close", () => open.delete(client));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    process.stderr.write(`hone sandbox: the network bridge could not listen on 127.0.0.1:${port}: ${(error as Error).message}\n`);
    return 1;
  }
  const [file = "", ...rest] = command;
  const code = await new Promise<number>((resolve) => {
    const child = spawn(file, rest, { stdio: "inherit" });
    child.on("error", (error) => {
      process.stderr.write(`hone sandbox: could not start ${file}: ${error.message}\n`);
      resolve(127);
    });
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)));
  });
  for (const socket of open) socket.destroy();
  server.close();
  return code;
}
