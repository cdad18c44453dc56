// The on-disk shape of a --record folder: one JSON file per HTTP exchange (0001.json, 0002.json, ...,
// numbered in the order the requests were made), with secrets taken out before anything is written.
// Shared by the recorder and the replayer (record-replay.ts); loading is synchronous so a bad folder
// fails at startup with a message naming the file, before any request is made.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** What the model SDKs accept as their `fetch` option (Bun's `typeof fetch` adds `preconnect`). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A JSON body parsed (readable diffs), any other body as text, no body as null. */
  body: unknown;
}

export interface RecordedResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** The body as text (an SSE stream stays text); what arrived before `error` when the body failed. */
  body: string;
}

/** A response, a response whose body broke off (`error` set too), or a request that got no response. */
export interface RecordedExchange {
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: string;
}

export interface RecordingEntry {
  file: string;
  number: number;
  exchange: RecordedExchange;
}

export interface Recording {
  dir: string;
  entries: RecordingEntry[];
}

export const REDACTED = "[redacted]";
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]);

/** Credentials and anything named like one (api-key, x-goog-api-key, x-auth-token, client-secret). */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || /key|token|secret|password|auth/.test(lower);
}

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = isSecretName(name) ? REDACTED : value;
  });
  return out;
}

/** Query parameters carry keys too (`?key=...` on some gateways). */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  if (url.username || url.password) {
    url.username = "";
    url.password = "";
  }
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretName(name)) url.searchParams.set(name, REDACTED);
  }
  return url.toString();
}

export const exchangeFileName = (number: number): string => `${String(number).padStart(4, "0")}.json`;
const EXCHANGE_FILE = /^(\d{4,})\.json$/;

/** The exchange files of a folder (NNNN.json), in request order; other files are ignored. */
export function exchangeFiles(dir: string): Array<{ name: string; number: number }> {
  if (!existsSync(dir)) return [];
  const files: Array<{ name: string; number: number }> = [];
  for (const name of readdirSync(dir)) {
    const digits = EXCHANGE_FILE.exec(name)?.[1];
    if (digits !== undefined) files.push({ name, number: Number(digits) });
  }
  return files.sort((a, b) => a.number - b.number);
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Headers;
  signal: AbortSignal | undefined;
  /** The body as text; undefined when there is none. */
  bodyText: string | undefined;
}

async function bodyText(body: BodyInit | null | undefined): Promise<string | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Blob) return await body.text();
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  if (ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
  if (body instanceof FormData) return "[form data]";
  return "[stream]";
}

/** What a fetch call is about to send, read without consuming the body the real fetch will send. */
export async function describeRequest(input: string | URL | Request, init: RequestInit | undefined): Promise<OutgoingRequest> {
  const base = input instanceof Request ? input : undefined;
  const headers = new Headers(base?.headers);
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  const text = init?.body !== undefined ? await bodyText(init.body) : base?.body ? await base.clone().text() : undefined;
  return {
    method: (init?.method ?? base?.method ?? "GET").toUpperCase(),
    url: base ? base.url : String(input),
    headers,
    signal: init?.signal ?? base?.signal ?? undefined,
    bodyText: text,
  };
}

/** JSON request bodies are kept parsed so a recording diffs and reads well; anything else stays text. */
export function storedBody(text: string | undefined): unknown {
  if (text === undefined) return null;
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class RecordingError extends Error {
  override name = "RecordingError";
}

const headersSchema = z.record(z.string(), z.string());
const exchangeSchema = z
  .object({
    request: z.object({ method: z.string().min(1), url: z.string().min(1), headers: headersSchema, body: z.unknown() }),
    response: z
      .object({ status: z.number().int().min(200).max(599), statusText: z.string(), headers: headersSchema, body: z.string() })
      .optional(),
    error: z.string().optional(),
  })
  .refine((exchange) => exchange.response !== undefined || exchange.error !== undefined, "has neither a response nor an error");

function parseExchange(file: string): RecordedExchange {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new RecordingError(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = exchangeSchema.safeParse(raw);
  if (parsed.success) return parsed.data as RecordedExchange;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new RecordingError(`${file} is not a recorded exchange (${where}${issue?.message ?? "unexpected shape"})`);
}

/** Every exchange of a --record folder in request order; throws a RecordingError naming the bad folder or file. */
export function loadRecording(dir: string): Recording {
  if (!existsSync(dir)) throw new RecordingError(`Replay folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new RecordingError(`Replay folder ${dir} is not a folder`);
  const files = exchangeFiles(dir);
  if (files.length === 0) {
    throw new RecordingError(`Replay folder ${dir} holds no recorded exchanges (0001.json, ...); make one with --record ${dir}`);
  }
  const entries = files.map(({ name, number }) => {
    const file = join(dir, name);
    return { file, number, exchange: parseExchange(file) };
  });
  return { dir, entries };
}
