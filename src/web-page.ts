// Downloads one page for WebFetch: redirects followed by hand (same host only), a byte cap on the body,
// one time cap over the whole exchange, and the body turned into markdown or text (binary is not read).
import { ToolError } from "./tool.ts";
import { VERSION } from "./version.ts";
import { classify, decodeBody, htmlToMarkdown, mimeOf, sniffKind, type ContentKind } from "./web-content.ts";
import { redirectVerdict, type RedirectVerdict } from "./web-url.ts";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface PageLimits {
  /** Stop reading the body past this many bytes. */
  maxBytes: number;
  /** The whole exchange (redirects, headers, body) must end within this many milliseconds. */
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { maxBytes: 10 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 10 };

export interface FetchedPage {
  kind: "page";
  /** The URL asked for (after the https upgrade). */
  requestedUrl: string;
  /** Where the page came from after same-host redirects. */
  url: string;
  status: number;
  statusText: string;
  /** The MIME type without parameters ("" when the server sent none). */
  mime: string;
  content: ContentKind;
  /** Bytes read (for binary bodies: the announced or counted length). */
  bytes: number;
  /** The body was longer than maxBytes and was cut there. */
  cut: boolean;
  /** Markdown (HTML) or text; empty for binary bodies. */
  text: string;
}

/** A redirect WebFetch does not follow on its own; the model decides whether to fetch the target. */
export interface RedirectNotice {
  kind: "redirect";
  from: string;
  to: string;
  status: number;
  reason: Exclude<RedirectVerdict, "follow">;
}

export interface PageRequest {
  fetch: FetchLike;
  signal: AbortSignal;
  limits?: PageLimits;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const HEADERS = {
  "User-Agent": `hone/${VERSION}`,
  Accept: "text/html, text/markdown;q=0.9, */*;q=0.8",
};

/** Reads at most `max` bytes of the body; the rest is cancelled, not downloaded. */
async function readCapped(response: Response, max: number): Promise<{ bytes: Uint8Array; total: number; cut: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(), total: 0, cut: false };
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - total;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      total += room;
      cut = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { bytes, total, cut };
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** A binary body's size: the announced length when there is one (nothing read), else counted up to the cap. */
async function binarySize(response: Response, max: number): Promise<{ bytes: number; cut: boolean }> {
  const announced = Number(response.headers.get("content-length"));
  if (Number.isFinite(announced) && announced > 0) {
    await discard(response);
    return { bytes: announced, cut: false };
  }
  const read = await readCapped(response, max);
  return { bytes: read.total, cut: read.cut };
}

async function toPage(response: Response, requestedUrl: string, url: URL, limits: PageLimits): Promise<FetchedPage> {
  const mime = mimeOf(response.headers.get("content-type"));
  const declared = classify(mime);
  const base = { kind: "page" as const, requestedUrl, url: url.href, status: response.status, statusText: response.statusText, mime };
  if (declared === "binary") {
    const size = await binarySize(response, limits.maxBytes);
    return { ...base, content: "binary", bytes: size.bytes, cut: size.cut, text: "" };
  }
  const read = await readCapped(response, limits.maxBytes);
  const kind = declared === "unknown" ? sniffKind(read.bytes) : declared;
  if (kind === "binary") return { ...base, content: "binary", bytes: read.total, cut: read.cut, text: "" };
  const decoded = decodeBody(read.bytes, response.headers.get("content-type"), kind);
  const text = kind === "html" ? await htmlToMarkdown(decoded, url.href) : decoded;
  return { ...base, content: kind, bytes: read.total, cut: read.cut, text };
}

function httpError(response: Response, url: URL): ToolError {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const hint =
    response.status === 401 || response.status === 403
      ? " The page needs a login or refuses automated access; WebFetch cannot sign in."
      : response.status === 404
        ? " Check the URL, or search for the page's current address."
        : "";
  return new ToolError(`Fetching ${url.href} failed: the server answered HTTP ${status}.${hint}`);
}

async function exchange(url: URL, request: PageRequest, signal: AbortSignal, limits: PageLimits): Promise<FetchedPage | RedirectNotice> {
  const requestedUrl = url.href;
  let current = url;
  for (let hops = 0; ; hops++) {
    const response = await request.fetch(current, { headers: HEADERS, redirect: "manual", signal });
    const location = response.headers.get("location");
    if (REDIRECT_STATUSES.has(response.status) && location !== null) {
      await discard(response);
      let target: URL;
      try {
        target = new URL(location, current);
      } catch {
        throw new ToolError(`${current.href} redirected (HTTP ${response.status}) to an invalid location: ${location}`);
      }
      const verdict = redirectVerdict(current, target);
      if (verdict !== "follow") return { kind: "redirect", from: current.href, to: target.href, status: response.status, reason: verdict };
      if (hops >= limits.maxRedirects) throw new ToolError(`Too many redirects (more than ${limits.maxRedirects}) starting at ${requestedUrl}.`);
      current = target;
      continue;
    }
    if (response.status < 200 || response.status >= 300) {
      await discard(response);
      throw httpError(response, current);
    }
    return toPage(response, requestedUrl, current, limits);
  }
}

/** Fetches `url` (already validated and upgraded). HTTP errors and the time cap throw ToolError. */
export async function fetchPage(url: URL, request: PageRequest): Promise<FetchedPage | RedirectNotice> {
  const limits = request.limits ?? DEFAULT_PAGE_LIMITS;
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new DOMException("WebFetch time cap", "TimeoutError")), limits.timeoutMs);
  const signal = AbortSignal.any([request.signal, timer.signal]);
  try {
    return await exchange(url, request, signal, limits);
  } catch (error) {
    if (timer.signal.aborted && !request.signal.aborted) {
      throw new ToolError(`Fetching ${url.href} took longer than ${formatSeconds(limits.timeoutMs)} and was stopped. The server may be slow or unreachable; try again later or another source.`);
    }
    if (error instanceof ToolError || request.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ToolError(`Fetching ${url.href} failed: ${message}`);
  } finally {
    clearTimeout(timeout);
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
