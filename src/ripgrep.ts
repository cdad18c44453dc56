// Runs Grep searches through ripgrep when it is installed. Also defines the search request and result
// shapes shared with the built-in fallback (grep-fallback.ts), so the Grep tool formats both the same.
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import { basename, dirname, join, resolve } from "node:path";
import { ToolError } from "./tool.ts";
import { findOnPath, isDirectory } from "./paths.ts";
import { VCS_DIRS } from "./walk.ts";

export type GrepMode = "content" | "files_with_matches" | "count";

export interface SearchRequest {
  pattern: string;
  /** Absolute file or folder to search. */
  root: string;
  mode: GrepMode;
  ignoreCase: boolean;
  multiline: boolean;
  /** Context lines (content mode only). */
  before: number;
  after: number;
  /** rg-style globs; a leading `!` excludes. */
  globs: string[];
  type?: string;
  signal: AbortSignal;
}

export interface LineRecord {
  line: number;
  kind: "match" | "context";
  /** The line without its terminator. */
  text: string;
  /** Matched substrings that start on this line (for -o). */
  matches: string[];
}

export interface FileHit {
  abs: string;
  /** Content mode: printed lines in order. */
  lines: LineRecord[];
  /** Count mode: matching lines (multiline: matches starting on distinct lines). */
  count: number;
}

export interface SearchOutcome {
  files: FileHit[];
  /** Set when some files could not be searched or output was cut short. */
  warning?: string;
}

/** Above this much rg output the search is stopped (protects memory on runaway patterns). */
const MAX_RG_OUTPUT = 64 * 1024 * 1024;

const rgCache = new Map<string, string | null>();

/** Find `rg` on PATH. Looked up per call (PATH may change) but cached per PATH value. */
export function findRipgrep(envPath: string = process.env.PATH ?? ""): string | undefined {
  const cached = rgCache.get(envPath);
  if (cached !== undefined) return cached ?? undefined;
  const names = process.platform === "win32" ? ["rg.exe", "rg"] : ["rg"];
  const found = findOnPath(names, envPath) ?? null;
  rgCache.set(envPath, found);
  return found ?? undefined;
}

/** The rg command line for a request; `target` is the path rg is given (relative to its cwd). */
export function ripgrepArgs(req: SearchRequest, target: string): string[] {
  // --no-config keeps a user's RIPGREP_CONFIG_PATH from changing the output we parse;
  // --no-require-git applies .gitignore files even outside a git checkout (the fallback does too).
  const args = ["--no-config", "--hidden", "--no-require-git", "--color", "never"];
  if (req.ignoreCase) args.push("--ignore-case");
  if (req.multiline) args.push("--multiline", "--multiline-dotall");
  if (req.type) args.push("--type", req.type);
  for (const glob of req.globs) args.push("--glob", glob);
  // After the user's globs, so a broad glob such as `*` cannot re-include them.
  for (const dir of VCS_DIRS) args.push("--glob", `!${dir}`);
  if (req.mode === "files_with_matches") args.push("--files-with-matches", "--null");
  else if (req.mode === "count") args.push("--count", "--with-filename", "--null");
  // JSON keeps match and context lines apart and survives any file name; long lines are clipped
  // later when formatting, identically for both backends.
  else args.push("--json", "--before-context", String(req.before), "--after-context", String(req.after));
  args.push("--regexp", req.pattern, "--", target);
  return args;
}

interface RgText {
  text?: string;
  bytes?: string;
}
interface RgMessage {
  type?: string;
  data?: {
    path?: RgText;
    lines?: RgText;
    line_number?: number | null;
    submatches?: Array<{ match?: RgText; start?: number }>;
  };
}

function rawBytes(t: RgText | undefined): Buffer {
  if (t?.text !== undefined) return Buffer.from(t.text, "utf8");
  return Buffer.from(t?.bytes ?? "", "base64");
}

function decode(t: RgText | undefined): string {
  return t?.text ?? rawBytes(t).toString("utf8");
}

function parseJson(stdout: string, cwd: string): FileHit[] {
  const files = new Map<string, Map<number, LineRecord>>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line) as RgMessage;
    if ((msg.type !== "match" && msg.type !== "context") || !msg.data?.path) continue;
    const abs = resolve(cwd, decode(msg.data.path));
    const records = files.get(abs) ?? new Map<number, LineRecord>();
    files.set(abs, records);
    const bytes = rawBytes(msg.data.lines);
    const text = bytes.toString("utf8").replace(/\n$/, "");
    const first = msg.data.line_number ?? 1;
    const kind = msg.type;
    text.split("\n").forEach((lineText, i) => {
      const existing = records.get(first + i);
      if (!existing) records.set(first + i, { line: first + i, kind, text: lineText, matches: [] });
      else if (kind === "match") existing.kind = "match";
    });
    for (const sub of msg.data.submatches ?? []) {
      // Offsets are in bytes; count the newlines before the match to find its starting line.
      let lineIndex = 0;
      const end = Math.min(sub.start ?? 0, bytes.length);
      for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) lineIndex++;
      records.get(first + lineIndex)?.matches.push(decode(sub.match));
    }
  }
  return [...files].map(([abs, records]) => ({
    abs,
    lines: [...records.values()].sort((a, b) => a.line - b.line),
    count: 0,
  }));
}

function parseOutput(req: SearchRequest, stdout: string, cwd: string): FileHit[] {
  if (req.mode === "content") return parseJson(stdout, cwd);
  if (req.mode === "files_with_matches") {
    return stdout
      .split("\0")
      .filter((p) => p !== "")
      .map((p) => ({ abs: resolve(cwd, p), lines: [], count: 0 }));
  }
  const hits: FileHit[] = [];
  for (const line of stdout.split("\n")) {
    const nul = line.indexOf("\0");
    if (nul < 0) continue;
    hits.push({ abs: resolve(cwd, line.slice(0, nul)), lines: [], count: Number(line.slice(nul + 1)) });
  }
  return hits;
}

/**
 * Run the search with rg. Returns undefined when rg could not be started at all (the caller then
 * uses the fallback); a failed search (bad regex, unknown type) is a ToolError carrying rg's message.
 */
export async function searchWithRipgrep(rg: string, req: SearchRequest): Promise<SearchOutcome | undefined> {
  if (req.signal.aborted) throw new Error("The search was interrupted.");
  const dir = isDirectory(req.root);
  // rg matches --glob patterns relative to its working folder, so run it from the search root.
  const cwd = dir ? req.root : dirname(req.root);
  const target = dir ? "." : basename(req.root);
  const child = spawn(rg, ripgrepArgs(req, target), { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const out: Buffer[] = [];
  let outSize = 0;
  let cutShort = false;
  let stderr = "";
  const onAbort = () => child.kill();
  req.signal.addEventListener("abort", onAbort, { once: true });
  child.stdout.on("data", (chunk: Buffer) => {
    if (cutShort) return;
    outSize += chunk.length;
    if (outSize > MAX_RG_OUTPUT) {
      cutShort = true;
      child.kill();
      return;
    }
    out.push(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString("utf8");
  });
  const result = await new Promise<{ code: number | null; spawnError?: Error }>((done) => {
    child.once("error", (error) => done({ code: null, spawnError: error }));
    child.once("close", (code) => done({ code }));
  }).finally(() => req.signal.removeEventListener("abort", onAbort));
  if (result.spawnError) return undefined;
  if (req.signal.aborted) throw new Error("The search was interrupted.");
  let stdout = Buffer.concat(out).toString("utf8");
  // A kill mid-line leaves a partial last record; drop it.
  if (cutShort) stdout = stdout.slice(0, Math.max(0, stdout.lastIndexOf(req.mode === "files_with_matches" ? "\0" : "\n") + 1));
  const files = parseOutput(req, stdout, cwd);
  const problem = stderr.trim();
  if (result.code === 2 && files.length === 0) {
    throw new ToolError(`The search failed: ${problem || "ripgrep exited with an error."}`);
  }
  const warnings: string[] = [];
  if (cutShort) warnings.push("The search produced too much output and was stopped early; results are incomplete.");
  if (result.code === 2 && problem) warnings.push(`Some paths could not be searched:\n${problem.split("\n").slice(0, 5).join("\n")}`);
  return warnings.length > 0 ? { files, warning: warnings.join("\n") } : { files };
}
