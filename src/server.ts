// The HTTP layer of `hone serve`: a node:http server (so the same source runs under Deno), a small
// route table, the bearer-token check, JSON bodies and errors, and server-sent event streams.
// What the routes do lives in server-routes.ts; the sessions behind them in server-sessions.ts.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type Json = Record<string, unknown>;

/** A request the server refuses: becomes `{error: {type, message}}` with this status. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, "invalid_request_error", message);
export const notFound = (message: string): HttpError => new HttpError(404, "not_found_error", message);

/** Base64 images travel inside message bodies, so the limit is generous. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError, headers?: Record<string, string>): void {
  sendJson(res, error.status, { error: { type: error.type, message: error.message } }, headers);
}

/** The request body as JSON; undefined when it is empty. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "request_too_large", `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export interface EventStream {
  send(event: Json): void;
  end(): void;
}

/** Answers with `text/event-stream`: one `data: <json>` event per object. Writes after the client left are dropped. */
export function openEventStream(res: ServerResponse): EventStream {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  res.flushHeaders();
  const open = (): boolean => !res.destroyed && !res.writableEnded;
  return {
    send(event) {
      if (open()) res.write(`data: ${JSON.stringify(event)}\n\n`);
    },
    end() {
      if (open()) res.end();
    },
  };
}

/** Compares digests so neither the length nor the content of the token leaks through timing. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  const given = createHash("sha256").update(match?.[1] ?? "").digest();
  const wanted = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, wanted) && match !== null;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The `:name` parts of the path, in order, URL-decoded. */
  params: string[];
}

export interface Route {
  method: string;
  pattern: RegExp;
  handler: (ctx: RouteContext) => Promise<void>;
}

export function route(method: string, path: string, handler: Route["handler"]): Route {
  const source = path.split("/").map((part) => (part.startsWith(":") ? "([^/]+)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
  return { method, pattern: new RegExp(`^${source}$`), handler };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badRequest(`the path segment "${part}" is not valid URL encoding`);
  }
}

export interface ServerOptions {
  host: string;
  port: number;
  /** When set, every route but GET /health needs `Authorization: Bearer <token>`. */
  token?: string;
  routes: Route[];
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections. */
  stopListening(): void;
  /** Lets responses in flight finish (up to graceMs), then drops every connection. */
  close(graceMs?: number): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The name in a Host header, without the port. */
function hostName(header: string): string {
  return header.startsWith("[") ? header.slice(0, header.indexOf("]") + 1) : header.replace(/:\d*$/, "");
}

/**
 * Web pages must not drive the server: a browser marks their requests with Origin, and a page that
 * rebinds its own domain to 127.0.0.1 still sends that domain as Host.
 */
function browserRefusal(options: ServerOptions, req: IncomingMessage): HttpError | undefined {
  if (req.headers.origin !== undefined) return new HttpError(403, "permission_error", "requests from web pages (with an Origin header) are refused");
  const host = req.headers.host;
  if (isLoopback(options.host) && host !== undefined && !isLoopback(hostName(host))) return new HttpError(403, "permission_error", `a loopback server only answers requests addressed to a loopback name, not ${host}`);
  return undefined;
}

async function dispatch(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const refused = browserRefusal(options, req);
  if (refused) return sendError(res, refused);
  const open = method === "GET" && path === "/health";
  if (options.token !== undefined && !open && !bearerMatches(req.headers.authorization, options.token)) {
    return sendError(res, new HttpError(401, "authentication_error", "this server needs an Authorization: Bearer <token> header with its token"), { "www-authenticate": "Bearer" });
  }
  const matching = options.routes.filter((r) => r.pattern.test(path));
  if (matching.length === 0) throw notFound(`no route for ${method} ${path}`);
  const chosen = matching.find((r) => r.method === method);
  if (!chosen) {
    const allowed = matching.map((r) => r.method).join(", ");
    return sendError(res, new HttpError(405, "method_not_allowed", `${path} does not accept ${method} (allowed: ${allowed})`), { allow: allowed });
  }
  const params = (chosen.pattern.exec(path) ?? []).slice(1).map((p) => decode(p ?? ""));
  await chosen.handler({ req, res, params });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // Imported here: a static node:http import would be loaded by every hone start (the bundle hoists it).
  const { createServer } = await import("node:http");
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const server = createServer((req, res) => {
    inFlight++;
    res.on("error", () => undefined);
    res.on("close", () => {
      inFlight--;
      if (inFlight === 0) settled?.();
    });
    dispatch(options, req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(res, error);
      options.log(`hone serve: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendError(res, new HttpError(500, "api_error", error instanceof Error ? error.message : String(error)));
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      let listening = true;
      const stopListening = (): void => {
        if (!listening) return;
        listening = false;
        server.close();
      };
      resolve({
        url: `http://${host}:${port}`,
        port,
        stopListening,
        async close(graceMs = 2000) {
          stopListening();
          if (inFlight > 0) {
            await new Promise<void>((done) => {
              const timer = setTimeout(done, graceMs);
              settled = () => {
                clearTimeout(timer);
                done();
              };
            });
          }
          for (const socket of sockets) socket.destroy();
        },
      });
    });
  });
}
