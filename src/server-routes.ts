// The routes of `hone serve` (README "HTTP server"). A turn's events go out as server-sent events when
// the client asks for a stream, or all at once as JSON with the result when the turn is over.
import type { IncomingMessage } from "node:http";
import { HttpError, notFound, openEventStream, readJson, route, sendJson, type EventStream, type Json, type Route, type RouteContext } from "./server.ts";
import { createSessionBody, messageBody, parseBody, permissionBody } from "./server-requests.ts";
import { SessionClosedError, type LiveSession } from "./server-session.ts";
import type { SessionRegistry } from "./server-sessions.ts";
import { VERSION } from "./version.ts";

function wantsStream(req: IncomingMessage, stream: boolean | undefined): boolean {
  if (stream !== undefined) return stream;
  return (req.headers.accept ?? "").includes("text/event-stream");
}

function errorEvent(error: unknown): Json {
  const message = error instanceof Error ? error.message : String(error);
  const type = error instanceof HttpError ? error.type : error instanceof SessionClosedError ? "session_closed" : "api_error";
  return { type: "error", error: { type, message } };
}

function closedError(error: unknown): unknown {
  return error instanceof SessionClosedError ? new HttpError(409, "session_closed", error.message) : error;
}

async function streamTurn(live: LiveSession, content: Parameters<LiveSession["send"]>[0], ctx: RouteContext): Promise<void> {
  let stream: EventStream | undefined;
  const sink = {
    start: () => void (stream = openEventStream(ctx.res)),
    event: (message: Json) => stream?.send(message),
  };
  try {
    const turn = await live.send(content, sink);
    stream?.send(turn.result);
  } catch (error) {
    // Before the stream opened the failure is an ordinary JSON error.
    if (!stream) throw closedError(error);
    stream.send(errorEvent(error));
  }
  stream?.end();
}

async function jsonTurn(live: LiveSession, content: Parameters<LiveSession["send"]>[0], ctx: RouteContext): Promise<void> {
  const messages: Json[] = [];
  let turn;
  try {
    turn = await live.send(content, { start: () => undefined, event: (message) => void messages.push(message) });
  } catch (error) {
    throw closedError(error);
  }
  sendJson(ctx.res, 200, { result: turn.result, messages });
}

export function serverRoutes(registry: SessionRegistry): Route[] {
  return [
    route("GET", "/health", async ({ res }) => sendJson(res, 200, { status: "ok", version: VERSION, sessions: registry.size })),

    route("GET", "/v1/sessions", async ({ res }) => sendJson(res, 200, { sessions: registry.list().map((s) => s.summary()) })),

    route("POST", "/v1/sessions", async ({ req, res }) => {
      const body = parseBody(createSessionBody, await readJson(req), true);
      const live = await registry.create(body);
      sendJson(res, 201, { session_id: live.id, ...live.init });
    }),

    route("GET", "/v1/sessions/:id", async ({ res, params }) => {
      const live = registry.get(params[0]!);
      sendJson(res, 200, { ...live.summary(), pending_permissions: live.gate.pending(), messages: live.conversation.history });
    }),

    route("DELETE", "/v1/sessions/:id", async ({ res, params }) => {
      const id = params[0]!;
      if (!(await registry.remove(id))) throw notFound(`no open session with id ${id}`);
      sendJson(res, 200, { session_id: id, closed: true });
    }),

    route("POST", "/v1/sessions/:id/messages", async (ctx) => {
      const live = registry.get(ctx.params[0]!);
      const body = parseBody(messageBody, await readJson(ctx.req));
      if (wantsStream(ctx.req, body.stream)) await streamTurn(live, body.content, ctx);
      else await jsonTurn(live, body.content, ctx);
    }),

    route("POST", "/v1/sessions/:id/interrupt", async ({ res, params }) => {
      const live = registry.get(params[0]!);
      sendJson(res, 200, { session_id: live.id, interrupted: live.interrupt() });
    }),

    route("POST", "/v1/sessions/:id/permissions/:request", async ({ req, res, params }) => {
      const live = registry.get(params[0]!);
      const body = parseBody(permissionBody, await readJson(req));
      const answer = body.behavior === "allow" ? { allow: true as const, ...(body.updatedInput ? { input: body.updatedInput } : {}) } : { allow: false as const, message: body.message ?? "The user denied this tool call" };
      if (!live.gate.answer(params[1]!, answer)) throw notFound(`session ${live.id} has no pending permission request ${params[1]}`);
      sendJson(res, 200, { request_id: params[1], behavior: body.behavior });
    }),
  ];
}
