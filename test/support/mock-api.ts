// Scripted stand-in for the Anthropic Messages API (POST /v1/messages), used by tests and the benchmark.
// Each request consumes the next scripted step (a reply or a fault) and is logged before it is answered.
// Optionally a context window (oversized prompts are refused like the real API) and an intercept (answers
// some requests, e.g. summary requests, without consuming a step).
// node:http (not Bun.serve) keeps it runnable under Bun, Deno and Node. CLI usage is at the bottom.
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { parseArgs } from "node:util";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}
export type Block =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; name: string; input: unknown; id?: string };
export type Fault =
  | { fault: "rate_limit"; retryAfter?: number } // seconds, sent as Retry-After
  | { fault: "overloaded" }
  | { fault: "server_error" }
  | { fault: "cut"; afterEvents?: number; partialText?: string }
  | { fault: "hang"; ms?: number } // never answers; with ms, drops the connection after ms
  | { fault: "too_long" }
  | { fault: "status"; status: number; type: string; message: string; headers?: Record<string, string> };
export interface Reply {
  content: Block[];
  stop_reason?: "end_turn" | "tool_use" | "max_tokens";
  usage?: Partial<Usage>;
  model?: string;
  delayMs?: number; // wait this long before sending anything
  chunkSize?: number; // characters per streamed delta (default 16)
  pace?: Pace; // stream in timed batches instead of all at once
}
/** A stream sent in batches of `events` SSE events with `ms` between them, waiting for the socket to drain
 * (so a client that reads slowly slows the stream). `onWrite` is told when each batch went out and how many
 * characters of text the stream has sent so far (the benchmark's measure of render lag). */
export interface Pace {
  ms: number;
  events?: number;
  onWrite?: (at: number, textChars: number) => void;
}
export type Outcome = Reply | Fault;
export type Step = Outcome | ((req: LoggedRequest) => Outcome | Promise<Outcome>);

type Part = { type?: string; cache_control?: unknown; [key: string]: unknown };
export interface MessagesBody {
  model?: string;
  max_tokens?: number;
  system?: string | Part[];
  messages?: Array<{ role: string; content: string | Part[] }>;
  tools?: Part[];
  tool_choice?: unknown;
  thinking?: { type: string; budget_tokens?: number };
  stream?: boolean;
  metadata?: unknown;
  [key: string]: unknown;
}
export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: MessagesBody;
  receivedAt: number;
}
export interface MockApi {
  url: string;
  port: number;
  requests: LoggedRequest[];
  /** Requests refused because their prompt exceeded contextWindow. */
  readonly overflows: number;
  push(...steps: Step[]): void;
  remaining(): number;
  close(): Promise<void>;
}
export interface MockApiOptions {
  steps?: Step[];
  port?: number;
  fallback?: Step; // used once the queue is empty; the default answers 500 so tests fail loudly
  onRequest?: (req: LoggedRequest) => void; // called as each request is logged (the CLI's --log uses it)
  /** Tokens (request body characters / 4, the measure usage reports); a bigger prompt gets a 400 and no step. */
  contextWindow?: number;
  /** Consulted before the queue; an outcome it returns answers the request without consuming a step. */
  intercept?: (req: LoggedRequest) => Outcome | undefined;
  /**
   * Conversations scripted by their opening: a request whose first user message contains `prompt` takes
   * its steps from that route (a sub-agent's conversation, however its requests interleave with others).
   * The first matching route wins; a route out of steps answers with its fallback or the script error.
   */
  routes?: Route[];
}

export interface Route {
  prompt: string | RegExp;
  steps: Step[];
  fallback?: Step;
}

/** The text of a request's first user message (where a sub-agent's prompt is). */
export function firstUserText(body: MessagesBody): string {
  const first = body.messages?.find((m) => m.role === "user");
  if (!first) return "";
  if (typeof first.content === "string") return first.content;
  return first.content.map((p) => (p.type === "text" && typeof p.text === "string" ? p.text : "")).join("\n");
}

export const text = (s: string): Block => ({ type: "text", text: s });
export const thinking = (s: string, signature?: string): Block =>
  signature === undefined ? { type: "thinking", thinking: s } : { type: "thinking", thinking: s, signature };
export const toolUse = (name: string, input: unknown, id?: string): Block =>
  id === undefined ? { type: "tool_use", name, input } : { type: "tool_use", name, input, id };
export const reply = (...content: Block[]): Reply => ({
  content,
  stop_reason: content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn",
});

type OutBlock = Record<string, unknown> & { type: string };
interface OutMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: OutBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: Usage;
}

const tokens = (chars: number): number => Math.ceil(Math.max(0, chars) / 4);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const pieces = (s: string, size: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
};

/** Prompt-cache simulation, in characters. The prompt is cut into segments (each tool, each system block,
 * each message content block; cache_control stripped so moving a marker keeps the prefix). Every prefix
 * ending at a marked segment is remembered by hash. A request reads the longest remembered prefix that
 * ends at any segment boundary up to its last marker, and creates the rest up to that marker. No minimum
 * size, no TTL, no lookback limit. Returns undefined when the request has no cache_control at all.
 * A segment's size includes its share of the JSON around it (separator, message envelope), so a long
 * conversation's uncached remainder is what follows the last marker, not every message's wrapper. */
function simulateCache(body: MessagesBody, cache: Set<string>) {
  const segments: Array<{ text: string; chars: number; marked: boolean }> = [];
  const add = (part: unknown, prefix = "", envelope = 0) => {
    const marked = isRecord(part) && part.cache_control != null;
    const json = JSON.stringify(isRecord(part) ? { ...part, cache_control: undefined } : part);
    segments.push({ text: prefix + json, chars: json.length + 1 + envelope, marked });
  };
  if (Array.isArray(body.tools)) body.tools.forEach((t) => add(t));
  if (typeof body.system === "string") add({ type: "text", text: body.system });
  else if (Array.isArray(body.system)) body.system.forEach((b) => add(b));
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    const blocks = typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    const envelope = JSON.stringify({ role: m.role, content: [] }).length + 1;
    if (Array.isArray(blocks)) blocks.forEach((b, i) => add(b, `${String(m.role)}:`, i === 0 ? envelope : 0));
  }
  const last = segments.findLastIndex((s) => s.marked);
  if (last < 0) return undefined;
  const hash = createHash("sha256").update(String(body.model));
  const written: string[] = [];
  let prefixChars = 0;
  let readChars = 0;
  for (const seg of segments.slice(0, last + 1)) {
    hash.update(`${seg.text}\u0000`);
    prefixChars += seg.chars;
    const digest = hash.copy().digest("hex");
    if (cache.has(digest)) readChars = prefixChars;
    if (seg.marked) written.push(digest);
  }
  for (const d of written) cache.add(d);
  return { prefixChars, readChars };
}

function sseEvents(msg: OutMessage, chunk: number): Array<[string, unknown]> {
  const start = { ...msg, content: [], stop_reason: null, usage: { ...msg.usage, output_tokens: 1 } };
  const events: Array<[string, unknown]> = [
    ["message_start", { type: "message_start", message: start }],
    ["ping", { type: "ping" }],
  ];
  msg.content.forEach((block, index) => {
    const deltas: unknown[] = [];
    let first: OutBlock = block;
    if (block.type === "text") {
      first = { type: "text", text: "" };
      for (const t of pieces(String(block.text), chunk)) deltas.push({ type: "text_delta", text: t });
    } else if (block.type === "tool_use") {
      first = { ...block, input: {} };
      for (const p of pieces(JSON.stringify(block.input), chunk)) deltas.push({ type: "input_json_delta", partial_json: p });
    } else if (block.type === "thinking") {
      first = { type: "thinking", thinking: "", signature: "" };
      for (const t of pieces(String(block.thinking), chunk)) deltas.push({ type: "thinking_delta", thinking: t });
      deltas.push({ type: "signature_delta", signature: block.signature });
    }
    events.push(["content_block_start", { type: "content_block_start", index, content_block: first }]);
    for (const delta of deltas) events.push(["content_block_delta", { type: "content_block_delta", index, delta }]);
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  events.push(
    ["message_delta", { type: "message_delta", delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: msg.usage.output_tokens } }],
    ["message_stop", { type: "message_stop" }],
  );
  return events;
}

const outputChars = (b: Block): number => {
  if (b.type === "text") return b.text.length;
  if (b.type === "thinking") return b.thinking.length;
  if (b.type === "redacted_thinking") return b.data.length;
  return JSON.stringify(b.input ?? {}).length;
};
const sse = ([event, data]: [string, unknown]): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
function sendError(res: ServerResponse, status: number, type: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { type: "error", error: { type, message } }, headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export function startMockApi(opts: MockApiOptions = {}): Promise<MockApi> {
  const queue: Step[] = [...(opts.steps ?? [])];
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const cache = new Set<string>();
  const ids = { req: 0, msg: 0, tool: 0 };
  const windowTokens = opts.contextWindow ?? 200_000;
  let overflows = 0;
  // Timers are cleared by close(); a handler waiting on one is abandoned along with its destroyed socket.
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.add(t);
    });

  function buildMessage(r: Reply, body: MessagesBody, rawChars: number): OutMessage {
    const content = r.content.map((b): OutBlock => {
      if (b.type === "tool_use") return { type: "tool_use", id: b.id ?? `toolu_${++ids.tool}`, name: b.name, input: b.input ?? {} };
      if (b.type === "thinking") return { ...b, signature: b.signature ?? `mock-signature-${ids.msg + 1}` };
      return { ...b };
    });
    const outChars = r.content.reduce((n, b) => n + outputChars(b), 0);
    const cached = simulateCache(body, cache);
    const usage: Usage = {
      input_tokens: tokens(rawChars - (cached?.prefixChars ?? 0)),
      output_tokens: tokens(outChars),
      cache_creation_input_tokens: cached ? tokens(cached.prefixChars - cached.readChars) : 0,
      cache_read_input_tokens: cached ? tokens(cached.readChars) : 0,
      ...r.usage,
    };
    const stop = r.stop_reason ?? (content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
    const model = r.model ?? (typeof body.model === "string" ? body.model : "claude-mock");
    return { id: `msg_mock_${++ids.msg}`, type: "message", role: "assistant", model, content, stop_reason: stop, stop_sequence: null, usage };
  }

  async function cut(res: ServerResponse, f: Extract<Fault, { fault: "cut" }>, body: MessagesBody): Promise<void> {
    const msg = buildMessage({ content: [text(f.partialText ?? "This reply is cut off part")] }, body, 0);
    let payload: string;
    if (body.stream === true) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const tail = new Set(["content_block_stop", "message_delta", "message_stop"]);
      const events = sseEvents(msg, 16).filter(([name]) => !tail.has(name));
      payload = events.slice(0, f.afterEvents ?? events.length).map(sse).join("");
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      const full = JSON.stringify(msg);
      payload = full.slice(0, Math.floor(full.length / 2));
    }
    await new Promise<void>((resolve) => res.write(payload, () => resolve()));
    await wait(20); // let the client consume the partial data before the connection dies
    res.socket?.destroy();
  }

  async function paced(res: ServerResponse, events: Array<[string, unknown]>, pace: Pace): Promise<void> {
    const size = Math.max(1, pace.events ?? 1);
    let textChars = 0;
    for (let i = 0; i < events.length; i += size) {
      if (i > 0) await wait(pace.ms);
      const batch = events.slice(i, i + size);
      for (const [, data] of batch) {
        const delta = isRecord(data) && isRecord(data.delta) ? data.delta : undefined;
        if (delta?.type === "text_delta") textChars += String(delta.text).length;
      }
      const drained = res.write(batch.map(sse).join(""));
      pace.onWrite?.(performance.now(), textChars);
      if (!drained) await new Promise<void>((resolve) => res.once("drain", () => resolve()));
    }
    res.end();
  }

  async function serve(res: ServerResponse, out: Outcome, body: MessagesBody, rawChars: number): Promise<void> {
    if (!("fault" in out)) {
      if (out.delayMs) await wait(out.delayMs);
      const msg = buildMessage(out, body, rawChars);
      if (body.stream !== true) return sendJson(res, 200, msg);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const events = sseEvents(msg, Math.max(1, out.chunkSize ?? 16));
      if (out.pace) return paced(res, events, out.pace);
      res.end(events.map(sse).join(""));
      return;
    }
    switch (out.fault) {
      case "rate_limit": {
        const headers: Record<string, string> = out.retryAfter === undefined ? {} : { "retry-after": String(out.retryAfter) };
        return sendError(res, 429, "rate_limit_error", "Number of request tokens has exceeded your rate limit (mock).", headers);
      }
      case "overloaded":
        return sendError(res, 529, "overloaded_error", "Overloaded");
      case "server_error":
        return sendError(res, 500, "api_error", "Internal server error");
      case "too_long": {
        const n = Math.max(windowTokens + 1, tokens(rawChars));
        return sendError(res, 400, "invalid_request_error", `prompt is too long: ${n} tokens > ${windowTokens} maximum`);
      }
      case "status":
        return sendError(res, out.status, out.type, out.message, out.headers);
      case "cut":
        return cut(res, out, body);
      case "hang":
        if (out.ms === undefined) return; // the socket stays open until the client gives up or close()
        await wait(out.ms);
        res.socket?.destroy();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("request-id", `req_mock_${++ids.req}`);
    const raw = await readBody(req);
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (method !== "POST" || path !== "/v1/messages") {
      return sendError(res, 404, "not_found_error", `mock-api only serves POST /v1/messages, not ${method} ${path}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(res, 400, "invalid_request_error", "mock-api: request body is not valid JSON");
    }
    if (!isRecord(body)) return sendError(res, 400, "invalid_request_error", "mock-api: request body must be a JSON object");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const logged: LoggedRequest = { method, path, headers, body: body as MessagesBody, receivedAt: Date.now() };
    requests.push(logged);
    opts.onRequest?.(logged);
    if (opts.contextWindow !== undefined && tokens(raw.length) > opts.contextWindow) {
      overflows++;
      return serve(res, { fault: "too_long" }, logged.body, raw.length);
    }
    const intercepted = opts.intercept?.(logged);
    if (intercepted) return serve(res, intercepted, logged.body, raw.length);
    const exhausted: Fault = {
      fault: "status",
      status: 500,
      type: "api_error",
      message: `mock-api: the script ran out of steps (request #${requests.length} had nothing scripted)`,
    };
    const opening = firstUserText(logged.body);
    const route = opts.routes?.find((r) => (typeof r.prompt === "string" ? opening.includes(r.prompt) : r.prompt.test(opening)));
    const step = route ? (route.steps.shift() ?? route.fallback ?? exhausted) : (queue.shift() ?? opts.fallback ?? exhausted);
    const out = typeof step === "function" ? await step(logged) : step;
    await serve(res, out, logged.body, raw.length);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.socket?.destroy();
      sendError(res, 500, "api_error", `mock-api internal error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : (opts.port ?? 0);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        get overflows() {
          return overflows;
        },
        push: (...steps) => void queue.push(...steps),
        remaining: () => queue.length,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            for (const s of sockets) s.destroy(); // hung and keep-alive connections would otherwise hold close()
          }),
      });
    });
  });
}

// CLI: bun test/support/mock-api.ts --script steps.json [--port N] [--log requests.jsonl]
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { script: { type: "string" }, port: { type: "string" }, log: { type: "string" } } });
  if (!values.script) {
    process.stderr.write("usage: mock-api.ts --script <steps.json> [--port N] [--log <file.jsonl>]\n");
    process.exit(2);
  }
  const steps: unknown = JSON.parse(readFileSync(values.script, "utf8"));
  if (!Array.isArray(steps)) throw new Error(`${values.script}: expected a JSON array of steps`);
  const log = values.log;
  const api = await startMockApi({
    steps: steps as Step[],
    port: values.port === undefined ? undefined : Number(values.port),
    onRequest: log ? (r) => appendFileSync(log, `${JSON.stringify(r)}\n`) : undefined,
  });
  process.stdout.write(`MOCK_API_URL=${api.url}\n`);
  const stop = () => void api.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (import.meta.main) await main();
