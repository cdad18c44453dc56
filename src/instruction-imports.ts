// Reading one instruction file and the files it pulls in with `@path`: HTML block comments are
// stripped, `@tokens` outside code are resolved and loaded depth-first, and every problem (missing,
// too large, unreadable, cycle, too deep) becomes a warning instead of an exception.
import { Buffer } from "node:buffer";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { homeDir, type Env } from "./config-dir.ts";
import { decodeText, looksBinary } from "./file-io.ts";

export type InstructionScope = "user" | "project" | "local" | "import" | "subdir";

export interface InstructionFile {
  path: string;
  scope: InstructionScope;
  /** UTF-8 bytes of `content`, i.e. what the file costs in the prompt. */
  size: number;
  /** The file's text with HTML block comments removed. */
  content: string;
  importedFrom?: string;
}

export const MAX_INSTRUCTION_BYTES = 4 * 1024 * 1024;
/** Hops from a top-level file: its imports are depth 1, theirs depth 2, and so on. */
export const MAX_IMPORT_DEPTH = 5;

/** Shared across one load so a file reached twice (symlink, second import) appears once. */
export interface LoadState {
  env: Env;
  files: InstructionFile[];
  warnings: string[];
  /** Real paths of files already included. */
  seen: Set<string>;
}

type Fence = { char: string; length: number };

function fenceOpen(line: string): Fence | undefined {
  const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
  if (!m?.[1]) return undefined;
  // A backtick fence's info string may not contain backticks (CommonMark).
  if (m[1][0] === "`" && line.slice(m[0].length).includes("`")) return undefined;
  return { char: m[1][0] ?? "`", length: m[1].length };
}

function closesFence(line: string, fence: Fence): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return !!m?.[1] && m[1][0] === fence.char && m[1].length >= fence.length;
}

/**
 * Removes HTML comments that start a line (Markdown block comments) outside fenced code. Inline
 * comments inside a paragraph are text and stay. With keepLines, a removed comment leaves its line
 * breaks behind so line numbers still match the file (used for import warnings).
 */
export function stripBlockComments(text: string, keepLines = false): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let fence: Fence | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (fence) {
      if (closesFence(line, fence)) fence = undefined;
      out.push(line);
      continue;
    }
    fence = fenceOpen(line);
    const start = /^ {0,3}<!--/.exec(line);
    if (fence || !start) {
      out.push(line);
      continue;
    }
    // Find the end, possibly on a later line; an unterminated comment is left alone.
    let end = -1;
    let j = i;
    for (; j < lines.length; j++) {
      end = (lines[j] ?? "").indexOf("-->", j === i ? start[0].length : 0);
      if (end >= 0) break;
    }
    if (end < 0) {
      out.push(line);
      continue;
    }
    const rest = (lines[j] ?? "").slice(end + 3);
    if (keepLines) {
      for (let k = i; k < j; k++) out.push("");
      out.push(rest);
    } else if (rest.trim() !== "") out.push(rest);
    i = j;
  }
  return out.join("\n");
}

/** Blanks out inline code spans (`x`, ``x``) on one line so `@` inside them is ignored. */
function blankCodeSpans(line: string): string {
  let result = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      result += line[i];
      i++;
      continue;
    }
    let run = 0;
    while (line[i + run] === "`") run++;
    const ticks = "`".repeat(run);
    let close = line.indexOf(ticks, i + run);
    while (close >= 0 && line[close + run] === "`") {
      let skip = close;
      while (line[skip] === "`") skip++;
      close = line.indexOf(ticks, skip);
    }
    if (close < 0) {
      result += ticks;
      i += run;
      continue;
    }
    result += " ".repeat(close + run - i);
    i = close + run;
  }
  return result;
}

export interface ImportRef {
  /** The path as written after `@` (unescaped, trailing punctuation removed). */
  token: string;
  /** 1-based line in the original file. */
  line: number;
}

/** `@path` tokens preceded by start-of-line or whitespace (so emails do not count), outside code. */
export function findImports(text: string): ImportRef[] {
  const lines = stripBlockComments(text, true).split("\n");
  const refs: ImportRef[] = [];
  let fence: Fence | undefined;
  lines.forEach((raw, index) => {
    if (fence) {
      if (closesFence(raw, fence)) fence = undefined;
      return;
    }
    fence = fenceOpen(raw);
    if (fence) return;
    // Indented code blocks are rare in instruction files and ambiguous with list items; not skipped.
    for (const m of blankCodeSpans(raw).matchAll(/(?:^|\s)@((?:\\ |\S)+)/g)) {
      let token = (m[1] ?? "").replace(/\\ /g, " ").replace(/[,;:!?)\]}'"]+$/, "");
      token = token.replace(/\.+$/, "");
      if (!/^[\p{L}\p{N}._~/\\-]/u.test(token)) continue;
      refs.push({ token, line: index + 1 });
    }
  });
  return refs;
}

export function resolveImport(token: string, importer: string, env: Env): string {
  if (token === "~") return homeDir(env);
  if (token.startsWith("~/")) return join(homeDir(env), token.slice(2));
  if (isAbsolute(token)) return resolve(token);
  return resolve(dirname(importer), token);
}

type Read = { kind: "ok"; real: string; content: string } | { kind: "missing" } | { kind: "bad"; why: string };

/** Reads an instruction file; never throws. */
export function readInstruction(path: string): Read {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return { kind: "missing" };
    return { kind: "bad", why: `cannot be read (${code ?? String(error)})` };
  }
  try {
    const st = statSync(real);
    if (!st.isFile()) return { kind: "bad", why: "is not a regular file" };
    if (st.size > MAX_INSTRUCTION_BYTES) return { kind: "bad", why: `is ${st.size} bytes, over the 4 MiB limit` };
    const bytes = readFileSync(real);
    if (looksBinary(bytes)) return { kind: "bad", why: "is a binary file" };
    return { kind: "ok", real, content: decodeText(bytes).text };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { kind: "bad", why: `cannot be read (${code ?? String(error)})` };
  }
}

interface Link {
  path: string;
  real: string;
}

/** Adds an already-read file and then, depth-first, everything it imports. */
export function addWithImports(
  state: LoadState,
  path: string,
  read: { real: string; content: string },
  entry: { scope: InstructionScope; importedFrom?: string },
  chain: Link[] = [],
): void {
  const content = stripBlockComments(read.content);
  const file: InstructionFile = { path, scope: entry.scope, size: Buffer.byteLength(content, "utf8"), content };
  if (entry.importedFrom !== undefined) file.importedFrom = entry.importedFrom;
  state.files.push(file);
  state.seen.add(read.real);
  const here = [...chain, { path, real: read.real }];
  for (const ref of findImports(read.content)) {
    const target = resolveImport(ref.token, path, state.env);
    const where = `${path}:${ref.line}`;
    let real: string | undefined;
    try {
      real = realpathSync(target);
    } catch {
      real = undefined;
    }
    const loop = real === undefined ? -1 : here.findIndex((link) => link.real === real);
    if (loop >= 0) {
      const names = [...here.slice(loop).map((link) => link.path), here[loop]?.path ?? target];
      state.warnings.push(`${where}: import cycle ${names.join(" → ")}; not followed`);
      continue;
    }
    if (real !== undefined && state.seen.has(real)) continue;
    if (here.length > MAX_IMPORT_DEPTH) {
      state.warnings.push(`${where}: @${ref.token} not imported: more than ${MAX_IMPORT_DEPTH} levels of imports`);
      continue;
    }
    const next = readInstruction(target);
    if (next.kind === "missing") {
      state.warnings.push(`${where}: imported file @${ref.token} not found (${target})`);
      continue;
    }
    if (next.kind === "bad") {
      state.warnings.push(`${where}: imported file ${target} ${next.why}; skipped`);
      continue;
    }
    addWithImports(state, target, next, { scope: "import", importedFrom: path }, here);
  }
}
