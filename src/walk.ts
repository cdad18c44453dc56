// A portable directory walker for the search tools: yields regular files under a root, never enters
// version-control folders, skips symlinks (as ripgrep and Bun.Glob do by default) and, when asked,
// honours .gitignore/.ignore/.rgignore files the way ripgrep does, including those in parent folders.
import { existsSync, statSync, type Dirent } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import ignore from "ignore";
import { resolveToolPath } from "./paths.ts";
import { ToolError } from "./tool.ts";

/** Folders that belong to version control, never searched by Glob or Grep. */
export const VCS_DIRS: readonly string[] = [".git", ".svn", ".hg", ".bzr", ".jj", ".sl"];
const VCS_SET = new Set(VCS_DIRS);

/** Ignore files read in each folder; later ones take precedence (ripgrep's order). */
const IGNORE_FILES = [".gitignore", ".ignore", ".rgignore"];

export interface WalkEntry {
  abs: string;
  /** Relative to the walk root, always with forward slashes. */
  rel: string;
  /** The override included it explicitly (ripgrep then skips its other filters, e.g. types). */
  forced: boolean;
}

/** An explicit decision that takes precedence over ignore files, like rg's --glob overrides. */
export type Verdict = "include" | "exclude" | undefined;

export interface WalkOptions {
  gitignore: boolean;
  signal?: AbortSignal;
  override?: (rel: string, isDir: boolean) => Verdict;
  /** Return false to not descend into a folder (rel uses forward slashes). */
  enterDir?: (rel: string) => boolean;
}

type Ignore = ReturnType<typeof ignore>;

interface Matcher {
  base: string;
  ig: Ignore;
}

export function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

export function isVcsPath(rel: string): boolean {
  return rel.split("/").some((part) => VCS_SET.has(part));
}

async function readIgnoreRules(dir: string): Promise<Ignore | undefined> {
  const texts: string[] = [];
  // The repository's own exclude file has the lowest precedence.
  for (const name of [join(".git", "info", "exclude"), ...IGNORE_FILES]) {
    const text = await readFile(join(dir, name), "utf8").catch(() => undefined);
    if (text !== undefined) texts.push(text);
  }
  if (texts.length === 0) return undefined;
  return ignore({ ignorecase: false }).add(texts.join("\n"));
}

function isIgnored(chain: readonly Matcher[], abs: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, ig } of chain) {
    const rel = toPosix(relative(base, abs));
    if (rel === "" || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) continue;
    const result = ig.test(isDir ? `${rel}/` : rel);
    // Deeper ignore files override shallower ones, so the last verdict wins.
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function ancestorChain(root: string): Promise<Matcher[]> {
  const dirs: string[] = [];
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  const chain: Matcher[] = [];
  for (const dir of dirs) {
    const ig = await readIgnoreRules(dir);
    if (ig) chain.push({ base: dir, ig });
  }
  // A folder the user named explicitly is searched even when a parent's rules exclude it (the
  // `ignore` package would otherwise exclude everything below it through the parent check).
  if (chain.length > 0 && isIgnored(chain, root, true)) return [];
  return chain;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error("The search was interrupted.");
}

/** Yield every regular file under root (order unspecified). */
export async function* walkFiles(root: string, opts: WalkOptions): AsyncGenerator<WalkEntry> {
  const start: Matcher[] = opts.gitignore ? await ancestorChain(root) : [];
  const stack: Array<{ dir: string; chain: Matcher[] }> = [{ dir: root, chain: start }];
  while (stack.length > 0) {
    throwIfAborted(opts.signal);
    const { dir, chain: parentChain } = stack.pop() as { dir: string; chain: Matcher[] };
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folders are skipped, like ripgrep does (it only warns)
    }
    let chain = parentChain;
    if (opts.gitignore) {
      const own = await readIgnoreRules(dir);
      if (own) chain = [...parentChain, { base: dir, ig: own }];
    }
    for (const entry of entries) {
      if (VCS_SET.has(entry.name) || entry.isSymbolicLink()) continue;
      const abs = join(dir, entry.name);
      const isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) continue;
      const rel = toPosix(relative(root, abs));
      const verdict = opts.override?.(rel, isDir);
      if (verdict === "exclude") continue;
      if (verdict !== "include" && opts.gitignore && isIgnored(chain, abs, isDir)) continue;
      if (isDir) {
        if (opts.enterDir && !opts.enterDir(rel)) continue;
        stack.push({ dir: abs, chain });
      } else {
        yield { abs, rel, forced: verdict === "include" };
      }
    }
  }
}

/** Resolve a tool's `path` input against the project folder; missing paths are a clear error. */
export function resolveSearchPath(projectDir: string, input: string | undefined): string {
  const raw = input?.trim();
  if (!raw || raw === "undefined" || raw === "null") return projectDir;
  const abs = resolveToolPath(raw, projectDir).absolute;
  if (!existsSync(abs)) {
    throw new ToolError(`Path does not exist: ${abs}. Check the spelling, or omit path to search ${projectDir}.`);
  }
  return abs;
}

/** How a path is shown to the model: relative to the project when inside it, else absolute. */
export function displayPath(projectDir: string, abs: string): string {
  const rel = relative(projectDir, abs);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs;
  return toPosix(rel);
}

/** mtime in ms, or 0 when the file vanished meanwhile. */
export function mtimeOf(abs: string): number {
  try {
    return statSync(abs).mtimeMs;
  } catch {
    return 0;
  }
}

/** Compare paths folder by folder, the order a sorted directory walk produces. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Newest first; equal times fall back to path order so results are stable. */
export function sortByMtime<T extends { abs: string }>(items: T[]): T[] {
  const times = new Map(items.map((item) => [item.abs, mtimeOf(item.abs)]));
  return items.sort((a, b) => (times.get(b.abs) ?? 0) - (times.get(a.abs) ?? 0) || comparePaths(a.abs, b.abs));
}
