// How MCP failures are told: the bounded tail of a stdio child's stderr, errors with their HTTP status
// or network cause, and one startup-failure message saying why (timeout, early exit, spawn error).
import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServerEntry } from "./extension-types.ts";

const STDERR_LIMIT = 8 * 1024;

/** The last few KB a child wrote to stderr. */
export class TailBuffer {
  private text = "";
  constructor(private readonly limit = STDERR_LIMIT) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  /** The last `maxChars` characters, starting at a line boundary when one is near. */
  tail(maxChars = 1500): string {
    const cut = this.text.trimEnd().slice(-maxChars);
    if (cut.length < this.text.trimEnd().length) {
      const nl = cut.indexOf("\n");
      if (nl >= 0 && nl < 200) return cut.slice(nl + 1);
    }
    return cut;
  }
}

/** Error pages come as HTML: keep their words, briefly. */
function plainText(text: string): string {
  const flat = text.includes("<") ? text.replace(/<[^>]*>/g, " ") : text;
  const squeezed = flat.replace(/\s+/g, " ").trim();
  return squeezed.length > 300 ? `${squeezed.slice(0, 300)}…` : squeezed;
}

/** An error's message with its HTTP status or its cause (fetch hides ECONNREFUSED there). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if ((error instanceof StreamableHTTPError || error instanceof SseError) && typeof error.code === "number" && error.code >= 100) {
    return `HTTP ${error.code}: ${plainText(error.message)}`;
  }
  const cause = error.cause;
  if (cause instanceof Error && !error.message.includes(cause.message)) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === "string" ? code : cause.message})`;
  }
  return error.message;
}

export interface FailureFacts {
  timedOut: boolean;
  exited: boolean;
  timeoutMs: number;
  startError: unknown;
  stdoutProblems: string[];
  stderr: TailBuffer;
}

export function describeFailure(entry: McpServerEntry, error: unknown, how: FailureFacts): string {
  const remote = entry.transport.type !== "stdio";
  let reason: string;
  if (how.startError !== undefined && entry.transport.type === "stdio") {
    reason = `could not start \`${entry.transport.command}\`: ${errorText(how.startError)}`;
  } else if (how.timedOut) reason = `did not answer within ${how.timeoutMs} ms`;
  else if (how.exited && !remote) reason = "exited before completing the MCP handshake";
  else reason = errorText(error);
  if (entry.transport.type !== "stdio") {
    // The query string may carry a key, so only the origin and path are shown.
    const url = URL.canParse(entry.transport.url) ? new URL(entry.transport.url) : undefined;
    if (url) reason += ` (${url.origin}${url.pathname})`;
  }
  const parts = [reason];
  if (how.stdoutProblems.length > 0) {
    parts.push(`it wrote something other than JSON-RPC on stdout: ${how.stdoutProblems.join("; ").slice(0, 300)}`);
  }
  const tail = how.stderr.tail();
  if (tail) parts.push(`stderr:\n${tail}`);
  return parts.join("\n");
}

