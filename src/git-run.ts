// Runs git as a child process with an argument array (never through a shell), for the worktree code.
// The runner is injectable: tests use the real git in temp repositories, callers pass their env or an
// abort signal. Variables that point git at another repository or index are removed from the env, so
// a hone started from inside a git hook cannot stage into the user's main index by accident.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `git <args>` in cwd and resolves with its exit code and output (a non-zero exit is not a rejection). */
export type GitRunner = (args: readonly string[], cwd: string) => Promise<GitResult>;

export type GitErrorCode =
  | "git-missing"
  | "no-folder"
  | "not-a-repo"
  | "no-commits"
  | "bad-base"
  | "not-a-worktree"
  | "git-failed";

/** An expected failure with a message written for a person (or the model) reading it. */
export class GitError extends Error {
  override name = "GitError";
  constructor(
    readonly code: GitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface GitRunnerOptions {
  /** The environment git runs with (default: process.env); repository-locating variables are dropped. */
  env?: Record<string, string | undefined>;
  /** The git executable (default: "git" from PATH). */
  binary?: string;
  signal?: AbortSignal;
}

const REPOSITORY_VARIABLES = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_PREFIX",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
];

export function gitEnv(env: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !REPOSITORY_VARIABLES.includes(key)) out[key] = value;
  }
  // Never wait for credentials or an editor: nobody is there to answer.
  out.GIT_TERMINAL_PROMPT = "0";
  out.GIT_EDITOR = "true";
  return out;
}

const missingGit = (binary: string): GitError =>
  new GitError("git-missing", `git is not installed or not on PATH (could not run "${binary}"); worktrees need git.`);

export function createGitRunner(options: GitRunnerOptions = {}): GitRunner {
  const binary = options.binary ?? "git";
  const env = gitEnv(options.env);
  return (args, cwd) =>
    new Promise((resolve, reject) => {
      // spawn reports a missing cwd as ENOENT too: tell the two apart before starting.
      if (!existsSync(cwd)) {
        reject(new GitError("no-folder", `The folder ${cwd} does not exist.`));
        return;
      }
      const child = spawn(binary, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      child.on("error", (error: NodeJS.ErrnoException) => {
        reject(error.code === "ENOENT" || error.code === "EACCES" ? missingGit(binary) : error);
      });
      child.on("close", (code) => {
        resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
      });
    });
}

/** The top folder of the git working tree containing dir, or undefined (not in a repository, no git). */
export function findRepoRoot(dir: string, options: Omit<GitRunnerOptions, "signal"> = {}): string | undefined {
  if (!existsSync(dir)) return undefined;
  const result = spawnSync(options.binary ?? "git", ["rev-parse", "--show-toplevel"], {
    cwd: dir,
    env: gitEnv(options.env),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error || result.status !== 0) return undefined;
  const root = result.stdout.replace(/\r?\n$/, "");
  return root === "" ? undefined : root;
}

/** Runs git and returns stdout, or throws a GitError naming what failed with git's own message. */
export async function gitOrThrow(git: GitRunner, args: readonly string[], cwd: string, what: string): Promise<string> {
  const result = await git(args, cwd);
  if (result.code === 0) return result.stdout;
  const detail = result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`;
  throw new GitError("git-failed", `${what} failed: ${detail}`);
}

/** Splits NUL-separated git output (-z) into its entries. */
export function splitNul(text: string): string[] {
  return text.split("\0").filter((entry) => entry !== "");
}
