// The built-in search used when ripgrep is not installed. It aims for the same results as our rg
// invocation: .gitignore honoured, hidden files searched, VCS folders and binary files skipped, rg's
// glob and type filters, and JavaScript regular expressions standing in for rg's regex engine.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { minimatch } from "minimatch";
import type { FileHit, LineRecord, SearchOutcome, SearchRequest } from "./ripgrep.ts";
import { ToolError } from "./tool.ts";
import { isDirectory } from "./paths.ts";
import { walkFiles, type Verdict } from "./walk.ts";

/** The common ripgrep file types (same names and patterns as `rg --type-list`). */
export const FILE_TYPES: Readonly<Record<string, readonly string[]>> = {
  js: ["*.js", "*.jsx", "*.vue", "*.cjs", "*.mjs"],
  ts: ["*.ts", "*.tsx", "*.cts", "*.mts"],
  py: ["*.py", "*.pyi"],
  rust: ["*.rs"],
  go: ["*.go"],
  java: ["*.java", "*.jsp", "*.jspx", "*.properties"],
  c: ["*.[chH]", "*.[chH].in", "*.cats"],
  cpp: ["*.[ChH]", "*.[ChH].in", "*.[ch]pp", "*.[ch]pp.in", "*.[ch]xx", "*.[ch]xx.in", "*.cc", "*.cc.in", "*.hh", "*.hh.in", "*.inl"],
  md: ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mkd", "*.mkdn", "*.mdx"],
  markdown: ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mkd", "*.mkdn", "*.mdx"],
  json: ["*.json", "composer.lock"],
  yaml: ["*.yaml", "*.yml"],
  sh: ["*.sh", "*.bash", "*.zsh", "*.ksh", "*.csh", "*.tcsh", ".bashrc", ".bash_profile", ".zshrc", ".profile", "bashrc", "zshrc"],
  html: ["*.ejs", "*.htm", "*.html"],
  css: ["*.css", "*.scss"],
};

/** Files larger than this are skipped by the fallback (it reads whole files into memory). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const GLOB_OPTS = { dot: true, nocomment: true };

/** Compile the pattern as a JS RegExp, accepting a few common Rust-regex spellings. */
export function compileRegex(pattern: string, ignoreCase: boolean, multiline: boolean): RegExp {
  let body = pattern;
  let flags = "g";
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    if (inline[1]?.includes("s")) flags += "s";
    if (inline[1]?.includes("i")) ignoreCase = true;
  }
  body = body.replace(/\(\?P</g, "(?<");
  if (ignoreCase) flags += "i";
  // rg always treats ^ and $ as line anchors; with multiline on, `.` also crosses newlines.
  if (multiline) flags += flags.includes("s") ? "m" : "ms";
  try {
    return new RegExp(body, `${flags}u`);
  } catch {
    try {
      return new RegExp(body, flags);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ToolError(`The search failed: the pattern is not a valid regular expression (${reason}).`);
    }
  }
}

function globMatches(glob: string, rel: string): boolean {
  // rg semantics: a glob without a slash matches the file name at any depth, otherwise the path.
  if (!glob.includes("/")) return minimatch(basename(rel), glob, GLOB_OPTS);
  return minimatch(rel, glob.replace(/^\//, ""), GLOB_OPTS);
}

interface FileFilter {
  /** rg's --glob rules: the last matching glob decides, ahead of ignore files and types. */
  override(rel: string, isDir: boolean): Verdict;
  typeAllows(rel: string): boolean;
}

function buildFilter(req: SearchRequest): FileFilter {
  const globs = req.globs.map((g) => (g.startsWith("!") ? { exclude: true, glob: g.slice(1) } : { exclude: false, glob: g }));
  const hasInclude = globs.some((g) => !g.exclude);
  let typeGlobs: readonly string[] | undefined;
  if (req.type) {
    typeGlobs = FILE_TYPES[req.type];
    if (!typeGlobs) {
      const known = Object.keys(FILE_TYPES).join(", ");
      throw new ToolError(`The search failed: unknown file type "${req.type}". Known types: ${known}. Or use glob.`);
    }
  }
  return {
    override(rel, isDir) {
      let verdict: Verdict;
      for (const g of globs) if (globMatches(g.glob, rel)) verdict = g.exclude ? "exclude" : "include";
      // With any include glob, files matching none are left out; folders are still entered.
      if (verdict === undefined && hasInclude && !isDir) return "exclude";
      return verdict;
    },
    typeAllows: (rel) => !typeGlobs || typeGlobs.some((g) => minimatch(basename(rel), g, GLOB_OPTS)),
  };
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

interface FileMatches {
  /** 0-based line index -> matched substrings starting on it (may be empty for continuation lines). */
  lines: Map<number, string[]>;
  count: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function findMatches(text: string, lines: string[], re: RegExp, multiline: boolean, firstOnly: boolean): FileMatches {
  const found = new Map<number, string[]>();
  if (!multiline) {
    for (let i = 0; i < lines.length; i++) {
      const hits = [...(lines[i] as string).matchAll(re)].map((m) => m[0]);
      if (hits.length === 0) continue;
      found.set(i, hits);
      if (firstOnly) break;
    }
    return { lines: found, count: found.size };
  }
  const starts = lineStarts(text);
  const last = Math.max(0, lines.length - 1);
  const startLines = new Set<number>();
  for (const m of text.matchAll(re)) {
    const first = Math.min(lineAt(starts, m.index), last);
    const end = Math.min(lineAt(starts, Math.max(m.index, m.index + m[0].length - 1)), last);
    startLines.add(first);
    for (let i = first; i <= end; i++) if (!found.has(i)) found.set(i, []);
    found.get(first)?.push(m[0]);
    if (firstOnly) break;
  }
  return { lines: found, count: startLines.size };
}

function withContext(lines: string[], matches: Map<number, string[]>, before: number, after: number): LineRecord[] {
  const shown = new Set<number>();
  for (const i of matches.keys()) {
    for (let j = Math.max(0, i - before); j <= Math.min(lines.length - 1, i + after); j++) shown.add(j);
  }
  return [...shown]
    .sort((a, b) => a - b)
    .map((i) => {
      const hits = matches.get(i);
      return { line: i + 1, kind: hits ? "match" : "context", text: lines[i] as string, matches: hits ?? [] };
    });
}

async function searchFile(abs: string, req: SearchRequest, re: RegExp): Promise<FileHit | undefined> {
  const data = await readFile(abs).catch(() => undefined);
  if (!data || data.length > MAX_FILE_BYTES || data.includes(0)) return undefined;
  const text = data.toString("utf8").replace(/^\uFEFF/, "");
  const lines = splitLines(text);
  const found = findMatches(text, lines, re, req.multiline, req.mode === "files_with_matches");
  if (found.lines.size === 0) return undefined;
  const records = req.mode === "content" ? withContext(lines, found.lines, req.before, req.after) : [];
  return { abs, lines: records, count: found.count };
}

/** Search without ripgrep. Results are unsorted; the Grep tool orders them like it does rg's. */
export async function searchWithFallback(req: SearchRequest): Promise<SearchOutcome> {
  if (req.signal.aborted) throw new Error("The search was interrupted.");
  const re = compileRegex(req.pattern, req.ignoreCase, req.multiline);
  // A file named explicitly is searched as is, without ignore, glob or type filters (as rg does).
  if (!isDirectory(req.root)) {
    const hit = await searchFile(req.root, req, re);
    return { files: hit ? [hit] : [] };
  }
  const filter = buildFilter(req);
  const files: FileHit[] = [];
  for await (const entry of walkFiles(req.root, { gitignore: true, signal: req.signal, override: filter.override })) {
    if (!entry.forced && !filter.typeAllows(entry.rel)) continue;
    const hit = await searchFile(entry.abs, req, re);
    if (hit) files.push(hit);
  }
  return { files };
}
