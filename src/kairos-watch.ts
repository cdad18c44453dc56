// What changed around a KAIROS session since the last tick: the project's files (by mtime and size),
// the git state, subscribed pull requests and finished background work. Snapshots are taken at the
// edges (git, a bounded walk, gh); comparing two of them is pure.
import { lstatSync } from "node:fs";
import { basename, join } from "node:path";
import type { Env } from "./config-dir.ts";
import { createGitRunner, splitNul, type GitRunner } from "./git-run.ts";
import { runProgram, type ProgramRunner, type PrSubscriptions } from "./kairos-prs.ts";
import type { TaskNotice, TaskRegistry } from "./tasks.ts";
import { walkFiles } from "./walk.ts";

export interface FileStat {
  mtimeMs: number;
  size: number;
}

export interface GitState {
  branch: string;
  /** Short sha, or "(no commits)". */
  head: string;
  /** Undefined without an upstream branch. */
  ahead?: number;
  behind?: number;
  /** Changed, staged and untracked entries (`git status`). */
  dirty: number;
}

export interface Snapshot {
  /** By path relative to the watched folder, forward slashes. */
  files: Map<string, FileStat>;
  /** True when the file list hit the limit (changes past it go unseen). */
  capped: boolean;
  git?: GitState;
}

export interface FileChanges {
  added: string[];
  modified: string[];
  deleted: string[];
}

export interface Observation {
  /** The first look: nothing to compare with, the tick describes the state instead. */
  first: boolean;
  files: FileChanges;
  /** Descriptions of git changes (branch, HEAD, ahead/behind, uncommitted). */
  git: string[];
  gitNow?: GitState;
  fileCount: number;
  capped: boolean;
  /** One line per subscribed pull request that changed. */
  prs: string[];
  /** Finished background work, taken from the session's task registry. */
  notices: TaskNotice[];
}

/** Folders never worth watching, even outside a repository or when not ignored. */
const SKIP_DIRS = new Set(["node_modules", ".git", ".hg", ".svn", "dist", "build", "target", ".venv", "__pycache__", ".next", ".cache"]);
export const MAX_WATCHED_FILES = 20_000;

export function diffFiles(before: ReadonlyMap<string, FileStat>, after: ReadonlyMap<string, FileStat>): FileChanges {
  const changes: FileChanges = { added: [], modified: [], deleted: [] };
  for (const [path, stat] of after) {
    const old = before.get(path);
    if (!old) changes.added.push(path);
    else if (old.mtimeMs !== stat.mtimeMs || old.size !== stat.size) changes.modified.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.deleted.push(path);
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function tracking(g: GitState): string {
  return g.ahead === undefined ? "no upstream" : `${g.ahead} ahead, ${g.behind ?? 0} behind`;
}

export function diffGit(before: GitState | undefined, after: GitState | undefined): string[] {
  if (!before && !after) return [];
  if (!after) return ["the folder is no longer a git repository"];
  if (!before) return [`now a git repository: ${gitSummary(after)}`];
  const lines: string[] = [];
  if (before.branch !== after.branch) lines.push(`branch ${before.branch} → ${after.branch}`);
  if (before.head !== after.head) lines.push(`HEAD ${before.head} → ${after.head}`);
  if (before.ahead !== after.ahead || before.behind !== after.behind) lines.push(`upstream: ${tracking(after)} (was ${tracking(before)})`);
  if (before.dirty !== after.dirty) lines.push(`${plural(after.dirty, "uncommitted change")} (was ${before.dirty})`);
  return lines;
}

export function gitSummary(g: GitState): string {
  return `branch ${g.branch} at ${g.head}, ${tracking(g)}, ${plural(g.dirty, "uncommitted change")}`;
}

/** `git status --porcelain=v2 --branch -z`: branch headers, then one entry per changed path. */
export function parseGitStatus(text: string): GitState {
  const state: GitState = { branch: "(detached)", head: "(no commits)", dirty: 0 };
  const entries = splitNul(text);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as string;
    if (entry.startsWith("# branch.oid ")) {
      const oid = entry.slice("# branch.oid ".length);
      state.head = oid === "(initial)" ? "(no commits)" : oid.slice(0, 7);
    } else if (entry.startsWith("# branch.head ")) state.branch = entry.slice("# branch.head ".length);
    else if (entry.startsWith("# branch.ab ")) {
      const [ahead, behind] = entry.slice("# branch.ab ".length).split(" ");
      state.ahead = Math.abs(Number(ahead));
      state.behind = Math.abs(Number(behind));
    } else if (!entry.startsWith("#")) {
      state.dirty++;
      // A rename or copy entry is followed by its original path, which is not an entry of its own.
      if (entry.startsWith("2 ")) i++;
    }
  }
  return state;
}

function statFiles(root: string, paths: Iterable<string>, limit: number): Snapshot {
  const files = new Map<string, FileStat>();
  let capped = false;
  for (const rel of paths) {
    if (files.size >= limit) {
      capped = true;
      break;
    }
    const stat = lstatSync(join(root, rel), { throwIfNoEntry: false });
    if (stat?.isFile()) files.set(rel, { mtimeMs: stat.mtimeMs, size: stat.size });
  }
  return { files, capped };
}

async function walkedPaths(root: string, limit: number): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of walkFiles(root, { gitignore: true, enterDir: (rel) => !SKIP_DIRS.has(basename(rel)) })) {
    paths.push(entry.rel);
    if (paths.length > limit) break;
  }
  return paths;
}

export interface SnapshotOptions {
  cwd: string;
  git: GitRunner;
  maxFiles?: number;
}

/** The files and git state now: tracked and untracked-but-not-ignored files in a repository, else a walk. */
export async function takeSnapshot(opts: SnapshotOptions): Promise<Snapshot> {
  const limit = opts.maxFiles ?? MAX_WATCHED_FILES;
  const status = await opts.git(["status", "--porcelain=v2", "--branch", "-z"], opts.cwd).catch(() => undefined);
  if (!status || status.code !== 0) return statFiles(opts.cwd, await walkedPaths(opts.cwd, limit), limit);
  const listed = await opts.git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], opts.cwd);
  // Tracked build output is the user's business; an unignored node_modules would only be noise.
  const paths = new Set(splitNul(listed.stdout).filter((p) => !p.split("/").includes("node_modules")));
  return { ...statFiles(opts.cwd, paths, limit), git: parseGitStatus(status.stdout) };
}

export interface WatcherOptions {
  cwd: string;
  env: Env;
  tasks: TaskRegistry;
  subscriptions: PrSubscriptions;
  git?: GitRunner;
  run?: ProgramRunner;
  maxFiles?: number;
}

export interface Watcher {
  /** Everything that changed since the previous call (the first call describes the starting state). */
  observe(): Promise<Observation>;
}

export function createWatcher(opts: WatcherOptions): Watcher {
  const git = opts.git ?? createGitRunner({ env: opts.env });
  const run = opts.run ?? runProgram;
  let last: Snapshot | undefined;
  return {
    async observe() {
      const now = await takeSnapshot({ cwd: opts.cwd, git, ...(opts.maxFiles ? { maxFiles: opts.maxFiles } : {}) });
      const prs = await opts.subscriptions.poll(run, opts.cwd, opts.env);
      const before = last;
      last = now;
      const files = before ? diffFiles(before.files, now.files) : { added: [], modified: [], deleted: [] };
      return {
        first: before === undefined,
        files,
        git: before ? diffGit(before.git, now.git) : [],
        ...(now.git ? { gitNow: now.git } : {}),
        fileCount: now.files.size,
        capped: now.capped,
        prs,
        notices: opts.tasks.drain(),
      };
    },
  };
}
