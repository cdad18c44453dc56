// Scripted stand-in for an OpenAI-compatible server (POST /v1/chat/completions with streamed tool calls,
// GET /v1/models). It takes the same steps as mock-api.ts (replies built with text()/toolUse(), faults),
// and plays a server's quirks on demand: arguments in small pieces, whole, or as an object; tool calls
// without ids or indexes; no usage chunk; "stop" after tool calls; null content refused; max_tokens
// refused; its own wording for an overflow. It also checks each request the way strict servers do, so a
// malformed conversation fails loudly instead of passing.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Fault, Outcome, Reply, Step } from "./mock-api.ts";

export interface OpenAIQuirks {
  /** Characters of tool-call arguments per chunk (default 7); 0 sends each call's arguments whole. */
  argumentPiece?: number;
  /** Arguments delivered as a JSON object instead of a string (a few local servers). */
  argumentsAsObject?: boolean;
  /** Tool calls without an id; tool calls without an index. */
  noToolCallIds?: boolean;
  noIndex?: boolean;
  /** Never sends a usage chunk, whatever the request asks. */
  noUsage?: boolean;
  /** finish_reason "stop" on a turn that called tools. */
  stopAfterToolCalls?: boolean;
  /** 400 for an assistant message whose content is null (some local servers). */
  rejectNullContent?: boolean;
  /** 400 for max_tokens: only max_completion_tokens is accepted (OpenAI's newer models). */
  requireMaxCompletionTokens?: boolean;
  /** Reasoning text streamed under this field before the answer. */
  reasoningField?: "reasoning_content" | "reasoning";
  /** The overflow error's wording and status (a too_long fault or a prompt over contextWindow). */
  overflow?: { status: number; message: string };
}

export interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

export interface ChatRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: ChatBody;
}

export interface MockOpenAI {
  url: string;
  requests: ChatRequest[];
  remaining(): number;
  close(): Promise<void>;
}

export interface MockOpenAIOptions {
  steps?: Step[];
  quirks?: OpenAIQuirks;
  /** Served by GET /v1/models. */
  models?: string[];
  /** A key the server demands as Bearer (hosted providers); absent: none needed. */
  apiKey?: string;
  /** Tokens (body characters / 4); a longer prompt gets the overflow error. */
  contextWindow?: number;
  port?: number;
}

const tokens = (chars: number) => Math.ceil(chars / 4);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { error: { message, type: "invalid_request_error", code: null } }, headers);
}

/** What strict servers refuse: tool messages that answer no call, calls left unanswered, wrong fields. */
export function checkConversation(body: ChatBody, quirks: OpenAIQuirks): string | undefined {
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages must be a non-empty array";
  if (quirks.requireMaxCompletionTokens && body.max_tokens !== undefined) return "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
  let open = new Set<string>();
  for (const [i, m] of body.messages.entries()) {
    if (m.role === "tool") {
      if (!m.tool_call_id || !open.has(m.tool_call_id)) return `messages[${i}]: a tool message must answer a tool call of the assistant message before it`;
      open.delete(m.tool_call_id);
      if (typeof m.content !== "string") return `messages[${i}]: tool content must be a string`;
      continue;
    }
    if (open.size > 0) return `messages[${i}]: an assistant message with tool_calls must be followed by tool messages for each tool_call_id (${[...open].join(", ")})`;
    if (m.role === "assistant") {
      if (quirks.rejectNullContent && m.content === null) return `messages[${i}]: assistant content must be a string`;
      open = new Set((m.tool_calls ?? []).map((c) => c.id));
      for (const call of m.tool_calls ?? []) {
        try {
          JSON.parse(call.function.arguments);
        } catch {
          return `messages[${i}]: tool call arguments must be a JSON string`;
        }
      }
    } else if (m.role !== "user" && m.role !== "system") return `messages[${i}]: unknown role ${m.role}`;
  }
  return undefined;
}

function chunks(reply: Reply, body: ChatBody, rawChars: number, quirks: OpenAIQuirks, ids: { n: number }): unknown[] {
  const id = `chatcmpl-mock-${++ids.n}`;
  const model = reply.model ?? body.model ?? "mock-model";
  const base = { id, object: "chat.completion.chunk", created: 1_700_000_000, model };
  const out: unknown[] = [{ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }];
  const delta = (d: Record<string, unknown>) => out.push({ ...base, choices: [{ index: 0, delta: d, finish_reason: null }] });
  let outChars = 0;
  let callIndex = 0;
  for (const block of reply.content) {
    if (block.type === "thinking" && quirks.reasoningField) delta({ [quirks.reasoningField]: block.thinking });
    if (block.type === "text") {
      outChars += block.text.length;
      for (let i = 0; i < block.text.length; i += 16) delta({ content: block.text.slice(i, i + 16) });
    }
    if (block.type !== "tool_use") continue;
    const index = callIndex++;
    const args = JSON.stringify(block.input ?? {});
    outChars += args.length + block.name.length;
    const head = { ...(quirks.noIndex ? {} : { index }), ...(quirks.noToolCallIds ? {} : { id: block.id ?? `call_mock_${ids.n}_${index}` }), type: "function" };
    if (quirks.argumentsAsObject) {
      delta({ tool_calls: [{ ...head, function: { name: block.name, arguments: block.input ?? {} } }] });
      continue;
    }
    const piece = quirks.argumentPiece ?? 7;
    if (piece <= 0) {
      delta({ tool_calls: [{ ...head, function: { name: block.name, arguments: args } }] });
      continue;
    }
    delta({ tool_calls: [{ ...head, function: { name: block.name, arguments: "" } }] });
    for (let i = 0; i < args.length; i += piece) delta({ tool_calls: [{ ...(quirks.noIndex ? {} : { index }), function: { arguments: args.slice(i, i + piece) } }] });
  }
  const called = reply.content.some((b) => b.type === "tool_use");
  const finish = reply.stop_reason === "max_tokens" ? "length" : called && !quirks.stopAfterToolCalls ? "tool_calls" : "stop";
  out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
  if (body.stream_options?.include_usage && !quirks.noUsage) {
    out.push({ ...base, choices: [], usage: { prompt_tokens: tokens(rawChars), completion_tokens: tokens(outChars), total_tokens: tokens(rawChars) + tokens(outChars) } });
  }
  return out;
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

export function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  const queue: Step[] = [...(options.steps ?? [])];
  const quirks = options.quirks ?? {};
  const requests: ChatRequest[] = [];
  const sockets = new Set<Socket>();
  const ids = { n: 0 };
  const overflow = quirks.overflow ?? { status: 400, message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens." };

  async function serve(res: ServerResponse, out: Outcome, body: ChatBody, rawChars: number): Promise<void> {
    if (!("fault" in out)) {
      if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(chunks(out, body, rawChars, quirks, ids).map(sse).join("") + "data: [DONE]\n\n");
      return;
    }
    await fault(res, out, body, rawChars);
  }

  async function fault(res: ServerResponse, out: Fault, body: ChatBody, rawChars: number): Promise<void> {
    switch (out.fault) {
      case "rate_limit":
        return sendError(res, 429, "Rate limit reached (mock).", out.retryAfter === undefined ? {} : { "retry-after": String(out.retryAfter) });
      case "overloaded":
        return sendError(res, 503, "The server is overloaded (mock).");
      case "server_error":
        return sendError(res, 500, "Internal server error (mock).");
      case "too_long":
        return sendError(res, overflow.status, overflow.message);
      case "status":
        return sendError(res, out.status, out.message, out.headers);
      case "cut": {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const partial = chunks({ content: [{ type: "text", text: out.partialText ?? "This reply is cut off part" }] }, body, rawChars, quirks, ids).slice(0, -2);
        await new Promise<void>((resolve) => res.write(partial.map(sse).join(""), () => resolve()));
        await new Promise((r) => setTimeout(r, 20));
        res.socket?.destroy();
        return;
      }
      case "hang":
        if (out.ms === undefined) return;
        await new Promise((r) => setTimeout(r, out.ms));
        res.socket?.destroy();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    if (options.apiKey && headers.authorization !== `Bearer ${options.apiKey}`) return sendError(res, 401, "Incorrect API key provided (mock).");
    if (method === "GET" && path === "/v1/models") {
      return send(res, 200, { object: "list", data: (options.models ?? []).map((id) => ({ id, object: "model", owned_by: "mock" })) });
    }
    if (method !== "POST" || path !== "/v1/chat/completions") return sendError(res, 404, `mock-openai serves POST /v1/chat/completions, not ${method} ${path}`);
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      return sendError(res, 400, "request body is not valid JSON");
    }
    requests.push({ method, path, headers, body });
    const problem = checkConversation(body, quirks);
    if (problem) return sendError(res, 400, problem);
    if (body.stream !== true) return sendError(res, 400, "mock-openai only streams");
    if (options.contextWindow !== undefined && tokens(raw.length) > options.contextWindow) return sendError(res, overflow.status, overflow.message);
    const step = queue.shift() ?? { fault: "status" as const, status: 500, type: "api_error", message: `mock-openai: the script ran out of steps (request #${requests.length})` };
    const out = typeof step === "function" ? await step({ method, path, headers, body: body as never, receivedAt: Date.now() }) : step;
    await serve(res, out, body, raw.length);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.socket?.destroy();
      sendError(res, 500, `mock-openai internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        remaining: () => queue.length,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
