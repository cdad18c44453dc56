// File access for the extension loaders (skills, commands, agent files, plugins): folders are listed with
// symlinks resolved, anything that is not a regular file is refused before it is opened (a FIFO would
// block forever), only the head of a file is read at load time, and whole reads are capped.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { LoadWarning } from "./extension-types.ts";
import { realPathOf } from "./paths.ts";

/** Bytes read at load time: frontmatter and the description fallback live at the top. */
export const HEAD_BYTES = 64 * 1024;
/** The most a skill, command or agent body may hold; larger files are refused, never put in a prompt. */
export const BODY_LIMIT = 512 * 1024;

/** Folders never scanned for extensions. */
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

export class ExtensionFileError extends Error {
  override name = "ExtensionFileError";
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Why `path` cannot be stat'ed, in words. */
function statProblem(path: string, error: unknown): string {
  const code = errorCode(error);
  if (code === "ENOENT" || code === "ENOTDIR") {
    try {
      if (lstatSync(path).isSymbolicLink()) return `is a broken symbolic link (its target ${readlinkSync(path)} does not exist)`;
    } catch {
      // fall through: the path itself is missing
    }
    return "does not exist";
  }
  if (code === "ELOOP") return "is a symbolic link loop";
  if (code === "EISDIR") return "is a folder, not a file";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
}

function kindProblem(stats: Stats): string | undefined {
  if (stats.isDirectory()) return "is a folder, not a file";
  if (!stats.isFile()) return "is not a regular file (a pipe, socket or device), so it is not read";
  return undefined;
}

/** Why `path` cannot be read as a regular file, or undefined when it can. */
export function fileProblem(path: string): string | undefined {
  try {
    return kindProblem(statSync(path));
  } catch (error) {
    return statProblem(path, error);
  }
}

export interface Head {
  text: string;
  size: number;
  /** The whole file was read. */
  complete: boolean;
}

/** The first `limit` bytes of a regular file as text, or why it cannot be read. */
export function readHead(path: string, limit = HEAD_BYTES): { ok: true; head: Head } | { ok: false; message: string } {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    const late = kindProblem(stats);
    if (late) return { ok: false, message: late };
    const buffer = Buffer.alloc(Math.min(stats.size, limit));
    let filled = 0;
    while (filled < buffer.length) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    const bytes = buffer.subarray(0, filled);
    if (bytes.includes(0)) return { ok: false, message: "looks like a binary file (it contains NUL bytes), not markdown" };
    return { ok: true, head: { text: new TextDecoder().decode(bytes), size: stats.size, complete: filled >= stats.size } };
  } catch (error) {
    return { ok: false, message: statProblem(path, error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The whole file as text; throws ExtensionFileError (naming the file) when it is unreadable or over `limit`. */
export function readWhole(path: string, limit = BODY_LIMIT): string {
  const result = readHead(path, limit + 1);
  if (!result.ok) throw new ExtensionFileError(`${path} ${result.message}`);
  if (!result.head.complete) {
    throw new ExtensionFileError(`${path} is ${formatSize(result.head.size)}, over the ${formatSize(limit)} limit for a skill, command or agent file; it is not loaded`);
  }
  return result.head.text;
}

export interface DirEntry {
  name: string;
  path: string;
  kind: "file" | "dir" | "other" | "broken";
  /** For "other" and "broken": why it cannot be used. */
  problem?: string;
}

/** A folder's entries sorted by name, symlinks resolved; hidden names, node_modules and .git left out. */
export function listEntries(dir: string): DirEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: DirEntry[] = [];
  for (const name of names.sort()) {
    if (name.startsWith(".") || SKIPPED_DIRS.has(name)) continue;
    const path = join(dir, name);
    try {
      const stats = statSync(path);
      const kind = stats.isDirectory() ? "dir" : stats.isFile() ? "file" : "other";
      out.push({ name, path, kind, ...(kind === "other" ? { problem: kindProblem(stats) } : {}) });
    } catch (error) {
      out.push({ name, path, kind: "broken", problem: statProblem(path, error) });
    }
  }
  return out;
}

export interface MarkdownFile {
  path: string;
  /** Folders between the root and the file. */
  subdirs: string[];
}

const MAX_DEPTH = 10;

/**
 * Every `*.md` under root, depth first in name order. A folder named `x.md`, an unreadable entry or a
 * symlink that leads back to a folder already scanned gives one warning each and the walk goes on.
 */
export function markdownFiles(root: string, warnings: LoadWarning[]): MarkdownFile[] {
  const out: MarkdownFile[] = [];
  const rootReal = realPathOf(root);
  if (rootReal === undefined) return out;
  const seen = new Set([rootReal]);
  const visit = (dir: string, subdirs: string[]) => {
    for (const entry of listEntries(dir)) {
      const isMarkdown = entry.name.endsWith(".md");
      if (entry.kind === "dir") {
        if (isMarkdown) warnings.push({ file: entry.path, message: "is a folder, not a markdown file; skipped" });
        else descend(entry.path, [...subdirs, entry.name]);
      } else if (isMarkdown && entry.kind === "file") {
        out.push({ path: entry.path, subdirs });
      } else if (isMarkdown) {
        warnings.push({ file: entry.path, message: `${entry.problem ?? "cannot be read"}; skipped` });
      }
    }
  };
  const descend = (dir: string, subdirs: string[]) => {
    const real = realPathOf(dir);
    if (real === undefined) return;
    if (seen.has(real)) {
      warnings.push({ file: dir, message: `leads back to ${real}, which is already scanned (symbolic link loop); not followed` });
      return;
    }
    if (subdirs.length > MAX_DEPTH) return;
    seen.add(real);
    visit(dir, subdirs);
  };
  visit(root, []);
  return out;
}
