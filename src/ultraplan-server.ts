// The approval page's server: node:http on 127.0.0.1 only, every request checked for the run's token
// (32 random bytes, compared in constant time) and for a Host naming this loopback port (a web page on
// another site that rebinds its DNS name to 127.0.0.1 would send its own name). Without both, the answer
// is 403 and nothing about the run.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { planHtml } from "./ultraplan-markdown.ts";
import { approvalPage } from "./ultraplan-page.ts";
import type { UltraplanFeedback, UltraplanState, UltraplanStatus } from "./ultraplan-state.ts";

export type UltraplanDecision =
  | { kind: "approve"; plan?: string }
  | { kind: "reject"; feedback: string }
  | { kind: "local"; plan?: string };

export type DecisionResult = { ok: true } | { ok: false; status: number; error: string };

export interface ApprovalServerOptions {
  token: string;
  getState(): UltraplanState;
  /** Applies a decision, or says why it cannot (409: not now; 400: bad input). */
  onDecision(decision: UltraplanDecision): DecisionResult | Promise<DecisionResult>;
  /** 0 (the default): any free port. */
  port?: number;
}

export interface ApprovalServer {
  port: number;
  /** The page's address with the token. */
  url: string;
  close(): Promise<void>;
}

/** What /state answers: the run as the page needs it (no pid, no URL). */
export interface StateView {
  id: string;
  task: string;
  status: UltraplanStatus;
  plan: string;
  planHtml: string;
  revision: number;
  edited: boolean;
  progress: string[];
  feedback: UltraplanFeedback[];
  reason?: string;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
}

export const TOKEN_HEADER = "x-ultraplan-token";
const MAX_BODY_BYTES = 1024 * 1024;

/** 32 random bytes, base64url: the only key to the page. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant time whatever the lengths: both sides are hashed to the same size first. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === "") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function stateView(state: UltraplanState, html: (markdown: string) => string = planHtml): StateView {
  return {
    id: state.id,
    task: state.task,
    status: state.status,
    plan: state.plan,
    planHtml: html(state.plan),
    revision: state.revision,
    edited: state.edited === true,
    progress: state.progress,
    feedback: state.feedback,
    ...(state.reason ? { reason: state.reason } : {}),
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    ...(state.decidedAt ? { decidedAt: state.decidedAt } : {}),
  };
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};
// Inline style and script only; the page talks to this server and nothing else.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) return { ok: false, error: "The request body is larger than 1 MiB." };
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "The request body must be a JSON object." };
    return { ok: true, value: value as Record<string, unknown> };
  } catch {
    return { ok: false, error: "The request body is not JSON." };
  }
}

/** The decision a POST asks for, or what is wrong with it. */
export function parseDecision(path: string, body: Record<string, unknown>): UltraplanDecision | string {
  const plan = body.plan;
  if (plan !== undefined && typeof plan !== "string") return `"plan" must be a string.`;
  if (typeof plan === "string" && plan.trim() === "") return "The edited plan is empty.";
  if (path === "/approve") return plan === undefined ? { kind: "approve" } : { kind: "approve", plan };
  if (path === "/local") return plan === undefined ? { kind: "local" } : { kind: "local", plan };
  const feedback = body.feedback;
  if (typeof feedback !== "string" || feedback.trim() === "") return "Rejecting needs feedback: say what the planner should change.";
  return { kind: "reject", feedback };
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === "string") return header;
  return url.searchParams.get("token") ?? undefined;
}

export async function startApprovalServer(options: ApprovalServerOptions): Promise<ApprovalServer> {
  const sockets = new Set<Socket>();
  let port = 0;
  let cached: { plan: string; html: string } = { plan: "", html: "" };
  const html = (markdown: string): string => {
    if (cached.plan !== markdown) cached = { plan: markdown, html: planHtml(markdown) };
    return cached.html;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return sendJson(res, 403, { error: "Unexpected Host header." });
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    if (!tokenMatches(tokenOf(req, url), options.token)) return sendJson(res, 403, { error: "Missing or wrong token." });
    const path = url.pathname;
    if (req.method === "GET" && (path === "/" || path === "/index.html")) return send(res, 200, "text/html; charset=utf-8", approvalPage(), { "content-security-policy": PAGE_CSP });
    if (req.method === "GET" && path === "/state") return sendJson(res, 200, stateView(options.getState(), html));
    if (path === "/approve" || path === "/reject" || path === "/local") {
      if (req.method !== "POST") return sendJson(res, 405, { error: `${path} takes POST.` });
      const body = await readJson(req);
      if (!body.ok) return sendJson(res, 400, { error: body.error });
      const decision = parseDecision(path, body.value);
      if (typeof decision === "string") return sendJson(res, 400, { error: decision });
      const result = await options.onDecision(decision);
      if (!result.ok) return sendJson(res, result.status, { error: result.error });
      return sendJson(res, 200, { ok: true, state: stateView(options.getState(), html) });
    }
    return sendJson(res, 404, { error: "Not found." });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: (error as Error).message });
      else res.end();
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}/?token=${options.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser keeps its connection open; the planner must not wait for the tab to close.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
