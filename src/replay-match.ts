// How --replay finds the recorded answer for a request. Runs with parallel sub-agents send requests in
// a different order each time, so a request is matched by what it says (method, path and body) rather
// than by position; the parts of a body that legitimately change between runs (the date, the working
// directory, temp paths, random ids, timings) are blanked first. A request that matches nothing exactly
// takes the unused exchange for the same endpoint that shares the longest beginning with it, the earliest
// on a tie, which for a single conversation is the next one in recorded order.
import { tmpdir } from "node:os";

/** Top-level request fields that identify the user or session rather than the question asked. */
const VOLATILE_FIELDS = new Set(["metadata", "user", "safety_identifier", "prompt_cache_key"]);

/** JSON with object keys sorted, so bodies that differ only in key order compare equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${fields.join(",")}}`;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function tempRoots(): string[] {
  const roots = new Set(["/tmp", "/private/tmp", "/var/folders", "/private/var/folders", tmpdir().replace(/\/+$/, "")]);
  return [...roots].filter((root) => root.length > 1).sort((a, b) => b.length - a.length);
}

// Applied to the serialised body, so a string's end is a quote and an escaped newline starts with "\".
const RULES: Array<[RegExp, string]> = [
  [/\b(Date|Today's date|Current date|Current time)(:\s*)[^"\\\n]*/gi, "$1$2<date>"],
  [new RegExp(`(?<![\\w.-])(?:${tempRoots().map(escapeRegExp).join("|")})/[^\\s"'\\\\\`)<>]*`, "g"), "<tmp>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, "<date>"],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, "<time>"],
  [/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds)\b/g, "<duration>"],
  // Random ids (agent ids, hashes, timestamps in ms): eight or more hex characters with a digit among them.
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, "<id>"],
];

/** Blanks what changes from run to run; the working directory is taken from the system prompt's own line. */
export function normaliseText(text: string): string {
  let out = text;
  const cwd = /Working directory: ([^"\\\n]+)/.exec(out)?.[1]?.trim();
  if (cwd && cwd.length > 1) out = out.split(cwd).join("<cwd>");
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

export interface RequestKey {
  /** Method and path with query, e.g. `POST /v1/messages`: the host differs between record and replay. */
  route: string;
  /** The normalised body. */
  content: string;
}

export function requestKey(method: string, url: string, body: unknown): RequestKey {
  let route = `${method.toUpperCase()} ${url}`;
  try {
    const parsed = new URL(url);
    route = `${method.toUpperCase()} ${parsed.pathname}${parsed.search}`;
  } catch {
    // Not an absolute URL: the whole string is the route.
  }
  if (body === null || body === undefined) return { route, content: "" };
  if (typeof body === "string") return { route, content: normaliseText(body) };
  const kept =
    typeof body === "object" && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([key]) => !VOLATILE_FIELDS.has(key)))
      : body;
  return { route, content: normaliseText(canonicalJson(kept)) };
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}

export interface Match {
  index: number;
  /** false: nothing matched exactly and the closest unused exchange for the route was taken. */
  exact: boolean;
}

/** Hands out recorded exchanges, each at most once. */
export class ReplayMatcher {
  private readonly used: boolean[];
  private readonly byContent = new Map<string, number[]>();

  constructor(private readonly keys: readonly RequestKey[]) {
    this.used = keys.map(() => false);
    keys.forEach((key, index) => {
      const id = `${key.route}\n${key.content}`;
      const list = this.byContent.get(id);
      if (list) list.push(index);
      else this.byContent.set(id, [index]);
    });
  }

  get total(): number {
    return this.keys.length;
  }

  get remaining(): number {
    return this.used.filter((used) => !used).length;
  }

  take(key: RequestKey): Match | undefined {
    const exact = this.byContent.get(`${key.route}\n${key.content}`)?.find((index) => !this.used[index]);
    if (exact !== undefined) {
      this.used[exact] = true;
      return { index: exact, exact: true };
    }
    let best = -1;
    let bestLength = -1;
    this.keys.forEach((candidate, index) => {
      if (this.used[index] || candidate.route !== key.route) return;
      const length = commonPrefixLength(candidate.content, key.content);
      if (length > bestLength) {
        best = index;
        bestLength = length;
      }
    });
    if (best < 0) return undefined;
    this.used[best] = true;
    return { index: best, exact: false };
  }
}
