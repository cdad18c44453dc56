// `@` mention suggestions: the project's files and folders, listed once in the background (git's own
// list in a repository, else a walk honouring ignore files), ranked per keystroke without re-reading
// the disk. A query with a `/` lists that folder directly, so it works before the index is ready.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import { isDirectory } from "./paths.ts";
import { VCS_DIRS, walkFiles } from "./walk.ts";

export const MAX_INDEX_ENTRIES = 50_000;
const SKIPPED_DIRS = new Set([...VCS_DIRS, "node_modules"]);

export interface FileIndexOptions {
  maxEntries?: number;
  /** Use `git ls-files` in a repository (default true); false always walks the folder. */
  git?: boolean;
}

export interface FileIndex {
  /** Resolves when the listing is done (never rejects). */
  readonly ready: Promise<void>;
  /** Files and folders (with a trailing `/`) relative to cwd, best first. */
  suggest(query: string, limit?: number): string[];
  /** List the project again in the background (e.g. after the agent created files). */
  refresh(): Promise<void>;
  /** Entries indexed so far. */
  size(): number;
}

interface Entry {
  path: string;
  lowerPath: string;
  lowerBase: string;
}

function skipped(rel: string): boolean {
  return rel.split("/").some((part) => SKIPPED_DIRS.has(part));
}

/** Tracked and untracked-but-not-ignored files, or undefined outside a repository / without git. */
function gitFiles(cwd: string, max: number): Promise<string[] | undefined> {
  return new Promise((done) => {
    const child = spawn("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
      cwd,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const files: string[] = [];
    let rest = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (files.length >= max) return;
      const parts = (rest + chunk).split("\0");
      rest = parts.pop() ?? "";
      for (const part of parts) if (part !== "" && !skipped(part) && files.length < max) files.push(part);
      if (files.length >= max) child.kill();
    });
    child.once("error", () => done(undefined));
    child.once("close", (code) => done(code === 0 || files.length >= max ? files : undefined));
  });
}

async function walkedFiles(cwd: string, max: number): Promise<string[]> {
  const files: string[] = [];
  try {
    for await (const entry of walkFiles(cwd, { gitignore: true, enterDir: (rel) => !SKIPPED_DIRS.has(basename(rel)) })) {
      files.push(entry.rel);
      if (files.length >= max) break;
    }
  } catch {
    // An unreadable project folder leaves the index empty; direct folder listing still works.
  }
  return files;
}

/** Files plus every folder above them, capped. */
function toEntries(files: readonly string[], max: number): Entry[] {
  const dirs = new Set<string>();
  const entries: Entry[] = [];
  const add = (path: string) => {
    const name = path.endsWith("/") ? basename(path.slice(0, -1)) : basename(path);
    entries.push({ path, lowerPath: path.toLowerCase(), lowerBase: name.toLowerCase() });
  };
  const seen = new Set<string>();
  for (const file of files) {
    if (entries.length >= max) break;
    if (seen.has(file)) continue; // git lists a conflicted file once per stage
    seen.add(file);
    for (let slash = file.indexOf("/"); slash > 0; slash = file.indexOf("/", slash + 1)) {
      const dir = file.slice(0, slash + 1);
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      add(dir);
    }
    add(file);
  }
  return entries.slice(0, max);
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (let j = 0; j < hay.length && i < needle.length; j++) if (hay[j] === needle[i]) i++;
  return i === needle.length;
}

/** Lower is better; undefined means no match. `fuzzy` also allows a subsequence of the basename. */
export function rankEntry(entry: { lowerPath: string; lowerBase: string }, query: string, fuzzy = true): number | undefined {
  if (query === "") return 0;
  if (entry.lowerBase === query) return 0;
  if (entry.lowerBase.startsWith(query)) return 1;
  if (entry.lowerPath.startsWith(query)) return 2;
  if (entry.lowerBase.includes(query)) return 3;
  if (entry.lowerPath.includes(query)) return 4;
  if (fuzzy && isSubsequence(query, entry.lowerBase)) return 5;
  return undefined;
}

function better(a: { rank: number; path: string }, b: { rank: number; path: string }): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.path.length !== b.path.length) return a.path.length < b.path.length;
  return a.path < b.path;
}

/** The best `limit` of the entries, kept in a small sorted array so a keystroke never sorts the index. */
export function topMatches(entries: Iterable<Entry>, query: string, limit: number, fuzzy = true): string[] {
  const lower = query.toLowerCase();
  const top: Array<{ rank: number; path: string }> = [];
  for (const entry of entries) {
    const rank = rankEntry(entry, lower, fuzzy);
    if (rank === undefined) continue;
    const item = { rank, path: entry.path };
    if (top.length === limit && !better(item, top[limit - 1] as { rank: number; path: string })) continue;
    let at = top.length;
    while (at > 0 && better(item, top[at - 1] as { rank: number; path: string })) at--;
    top.splice(at, 0, item);
    if (top.length > limit) top.pop();
  }
  return top.map((t) => t.path);
}

/** Children of the folder a query names (`src/co` lists src/), shown with the query's own prefix. */
export function listDirectory(cwd: string, query: string, limit: number): string[] | undefined {
  const slash = query.lastIndexOf("/");
  const prefix = query.slice(0, slash + 1);
  const name = query.slice(slash + 1);
  const dir = isAbsolute(prefix) ? prefix : resolve(cwd, prefix);
  let children;
  try {
    children = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const entries: Entry[] = [];
  for (const child of children) {
    if (VCS_DIRS.includes(child.name)) continue;
    // Hidden entries only when asked for, and then only those, as shells complete them.
    if (child.name.startsWith(".") !== name.startsWith(".")) continue;
    // A link to a folder completes like a folder.
    const isDir = child.isDirectory() || (child.isSymbolicLink() && isDirectory(resolve(dir, child.name)));
    const path = `${prefix}${child.name}${isDir ? "/" : ""}`;
    entries.push({ path, lowerPath: path.toLowerCase(), lowerBase: child.name.toLowerCase() });
  }
  // Within one folder the user is navigating: prefix and substring matches, no loose fuzzy ones.
  return topMatches(entries, name, limit, false);
}

export function createFileIndex(cwd: string, options: FileIndexOptions = {}): FileIndex {
  const max = options.maxEntries ?? MAX_INDEX_ENTRIES;
  let entries: Entry[] = [];
  const list = async (): Promise<void> => {
    const files = (options.git === false ? undefined : await gitFiles(cwd, max)) ?? (await walkedFiles(cwd, max));
    entries = toEntries(files, max);
  };
  let ready = list();
  return {
    get ready() {
      return ready;
    },
    suggest(query, limit = 15) {
      if (query.includes("/")) {
        const listed = listDirectory(cwd, query, limit);
        if (listed && listed.length > 0) return listed;
      }
      return topMatches(entries, query, limit);
    },
    refresh() {
      ready = list();
      return ready;
    },
    size: () => entries.length,
  };
}
