// Git worktrees for isolated work: a new branch `hone/<name>` checked out in a folder outside the
// repository (the caller picks it: a folder of hone's session), so the main working tree and its index
// never change. Finishing commits everything on that branch, lists the files changed since the base
// commit and removes the folder; a worktree with no changes also loses its branch.
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { scratchRoot, type SessionState, type WorktreeInfo } from "./session-state.ts";
import { createGitRunner, GitError, gitOrThrow, splitNul, type GitRunner } from "./git-run.ts";

/** A worktree this module created: WorktreeInfo plus the commit the branch started from. */
export interface Worktree extends WorktreeInfo {
  /** The full sha of the commit the branch was created at; changes are measured against it. */
  base: string;
}

/**
 * What finishing needs: the folder and branch; `base` (else recovered from the branch's reflog) and
 * `original` (only used to find the repository when the folder was deleted) are optional, so both a
 * Worktree and a session's WorktreeInfo fit.
 */
export interface WorktreeRef {
  path: string;
  branch: string;
  original?: string;
  base?: string;
}

export interface CreateWorktreeOptions {
  /** A folder inside the repository (the session's working directory); becomes `original`. */
  repoDir: string;
  /** Where the worktree folder goes (outside the repository); created when missing. */
  parentDir: string;
  /** Free text; sanitized into the branch and folder name. */
  name: string;
  /** What to branch from (default: HEAD of repoDir's checkout). */
  base?: string;
  git?: GitRunner;
}

export interface FinishWorktreeOptions {
  /** The commit message for the changes left in the worktree. */
  message: string;
  /** Keep the worktree folder (and, when nothing changed, the branch too). Default: remove. */
  keep?: boolean;
  git?: GitRunner;
}

export interface FinishResult {
  branch: string;
  path: string;
  base: string;
  /** Paths (relative to the repository root) that differ between the base commit and the branch. */
  changedFiles: string[];
  /** The commit made from the changes left uncommitted in the worktree, if there were any. */
  commit?: string;
  /** The branch tip after finishing (equals base when nothing changed). */
  head: string;
  /** The worktree folder is gone. */
  removed: boolean;
  /** Nothing changed, so the branch was deleted. */
  branchDeleted: boolean;
}

export interface WorktreeStatus {
  branch: string;
  /** Files differing from the base commit: committed, staged, unstaged and untracked (not ignored). */
  changedFiles: string[];
  /** Commits on the branch since the base. */
  commits: number;
}

const BRANCH_PREFIX = "hone/";
const MAX_SLUG = 60;
const MAX_ATTEMPTS = 100;

/**
 * Where a session's worktrees go: its scratch folder ($TMPDIR/hone/<session id>/worktrees), outside the
 * repository and outside ~/.hone, whose files the permission rules protect from edits. The branches
 * are what lasts; a worktree folder only lives while its work goes on.
 */
export function sessionWorktreesDir(session: Pick<SessionState, "id">): string {
  return join(scratchRoot(), session.id, "worktrees");
}

/** A name that is valid both as one ref component and as one folder name, whatever the input. */
export function worktreeSlug(name: string): string {
  let slug = name
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+/, "");
  slug = slug.slice(0, MAX_SLUG).replace(/[-.]+$/, "");
  // A ref component may not end in ".lock" (git's lock files).
  slug = slug.replace(/\.lock$/i, "-lock");
  return slug === "" ? "worktree" : slug;
}

/** Creates the branch and its worktree; throws GitError (git missing, not a repository, no commits, ...). */
export async function createWorktree(options: CreateWorktreeOptions): Promise<Worktree> {
  const git = options.git ?? createGitRunner();
  const original = resolve(options.repoDir);
  const root = await repositoryRoot(git, original);
  const base = await resolveBaseCommit(git, root, options.base);
  mkdirSync(options.parentDir, { recursive: true });
  const parentDir = realpathSync(options.parentDir);
  const slug = worktreeSlug(options.name);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const name = attempt === 1 ? slug : `${slug}-${attempt}`;
    const branch = BRANCH_PREFIX + name;
    const path = join(parentDir, name);
    if (existsSync(path) || (await branchExists(git, root, branch))) continue;
    const added = await git(["worktree", "add", "--quiet", "-b", branch, path, base], root);
    if (added.code === 0) return { path, branch, base, original };
    // Another worktree may have taken the name between the check and the add: try the next one.
    if (existsSync(path) || (await branchExists(git, root, branch))) continue;
    throw new GitError("git-failed", `git worktree add failed: ${added.stderr.trim() || `exit code ${added.code}`}`);
  }
  throw new GitError("git-failed", `Could not find a free worktree name for "${slug}" after ${MAX_ATTEMPTS} tries.`);
}

/**
 * Commits what the worktree holds on its branch, reports the files changed since the base, and removes
 * the folder unless keep. Nothing changed (no new commit on the branch): the branch is deleted as well,
 * unless keep. Only the worktree's own index and folder are touched.
 */
export async function finishWorktree(info: WorktreeRef, options: FinishWorktreeOptions): Promise<FinishResult> {
  const git = options.git ?? createGitRunner();
  if (!existsSync(info.path)) return finishMissingFolder(git, info, options.keep === true);
  await assertWorktree(git, info.path);
  const commonDir = await gitCommonDir(git, info.path);
  const base = info.base ?? (await recoverBase(git, info.path, info.branch));

  await gitOrThrow(git, ["add", "--all"], info.path, "Staging the worktree's changes");
  const staged = await git(["diff", "--cached", "--quiet"], info.path);
  let commit: string | undefined;
  if (staged.code === 1) {
    const identity = await identityOverrides(git, info.path);
    const message = options.message.trim() === "" ? `hone: changes from ${info.branch}` : options.message;
    // No hooks and no signing: this is an automatic commit on a scratch branch, nobody can answer a
    // pinentry, and a failing hook must not lose the work.
    const args = [...identity, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--cleanup=whitespace", "-m", message];
    await gitOrThrow(git, args, info.path, "Committing the worktree's changes");
    commit = (await gitOrThrow(git, ["rev-parse", "HEAD"], info.path, "Reading the new commit")).trim();
  } else if (staged.code !== 0) {
    throw new GitError("git-failed", `Checking the worktree's staged changes failed: ${staged.stderr.trim()}`);
  }
  const head = (await gitOrThrow(git, ["rev-parse", "HEAD"], info.path, "Reading the branch tip")).trim();
  const changedFiles = await filesBetween(git, info.path, base, head);
  const unchanged = head === base;
  if (options.keep === true) return { branch: info.branch, path: info.path, base, changedFiles, commit, head, removed: false, branchDeleted: false };

  const removed = await removeWorktree(git, info.path, commonDir);
  const branchDeleted = unchanged && removed && (await git(["branch", "-D", info.branch], commonDir)).code === 0;
  return { branch: info.branch, path: info.path, base, changedFiles, commit, head, removed, branchDeleted };
}

/** What the worktree changed so far relative to its base, without touching its index. */
export async function worktreeStatus(info: WorktreeRef, options: { git?: GitRunner } = {}): Promise<WorktreeStatus> {
  const git = options.git ?? createGitRunner();
  await assertWorktree(git, info.path);
  const base = info.base ?? (await recoverBase(git, info.path, info.branch));
  const tracked = await gitOrThrow(git, ["diff", "--name-only", "--no-renames", "-z", base, "--"], info.path, "Listing changed files");
  const untracked = await gitOrThrow(git, ["ls-files", "--others", "--exclude-standard", "-z"], info.path, "Listing new files");
  const count = await gitOrThrow(git, ["rev-list", "--count", `${base}..HEAD`], info.path, "Counting commits");
  const changedFiles = [...new Set([...splitNul(tracked), ...splitNul(untracked)])].sort();
  return { branch: info.branch, changedFiles, commits: Number.parseInt(count.trim(), 10) || 0 };
}

async function repositoryRoot(git: GitRunner, dir: string): Promise<string> {
  const top = await git(["rev-parse", "--show-toplevel"], dir);
  if (top.code !== 0 || top.stdout.trim() === "") {
    throw new GitError("not-a-repo", `${dir} is not inside a git repository (worktrees need one: run git init and make a first commit).`);
  }
  return top.stdout.replace(/\r?\n$/, "");
}

async function resolveBaseCommit(git: GitRunner, root: string, base: string | undefined): Promise<string> {
  if (base === undefined) {
    const head = await git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root);
    if (head.code === 0) return head.stdout.trim();
    throw new GitError(
      "no-commits",
      `The repository at ${root} has no commits yet (or HEAD is an unborn branch). A worktree starts from a commit: make a first commit, then try again.`,
    );
  }
  // A leading dash would be read as an option.
  const found = base.startsWith("-") ? undefined : await git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], root);
  if (found?.code === 0) return found.stdout.trim();
  throw new GitError("bad-base", `"${base}" does not name a commit in the repository at ${root}.`);
}

async function branchExists(git: GitRunner, root: string, branch: string): Promise<boolean> {
  return (await git(["show-ref", "--verify", "--quiet", `refs/heads/${branch}`], root)).code === 0;
}

/**
 * The folder must be the top of a working tree: otherwise git would find an enclosing repository and
 * `git add --all` would stage into someone else's index.
 */
async function assertWorktree(git: GitRunner, path: string): Promise<void> {
  const top = await git(["rev-parse", "--show-toplevel"], path);
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : p);
  if (top.code === 0 && real(top.stdout.replace(/\r?\n$/, "")) === real(path)) return;
  throw new GitError("not-a-worktree", `${path} is not a git worktree any more; its changes cannot be committed.`);
}

async function gitCommonDir(git: GitRunner, path: string): Promise<string> {
  const dir = (await gitOrThrow(git, ["rev-parse", "--git-common-dir"], path, "Finding the repository")).replace(/\r?\n$/, "");
  return isAbsolute(dir) ? dir : resolve(path, dir);
}

/** For a WorktreeInfo without its base: the commit the branch was created at (its reflog's first entry). */
async function recoverBase(git: GitRunner, cwd: string, branch: string): Promise<string> {
  const log = await git(["reflog", "show", "--format=%H", `refs/heads/${branch}`, "--"], cwd);
  const first = log.code === 0 ? log.stdout.trim().split("\n").at(-1) : undefined;
  if (first) return first;
  throw new GitError("bad-base", `Cannot tell which commit the branch ${branch} started from (no reflog).`);
}

async function filesBetween(git: GitRunner, cwd: string, from: string, to: string): Promise<string[]> {
  const out = await gitOrThrow(git, ["diff", "--name-only", "--no-renames", "-z", from, to, "--"], cwd, "Listing changed files");
  return splitNul(out).sort();
}

/** -c options naming hone as the committer where the repository has no identity configured (CI). */
async function identityOverrides(git: GitRunner, cwd: string): Promise<string[]> {
  const args: string[] = [];
  if ((await git(["config", "--get", "user.name"], cwd)).code !== 0) args.push("-c", "user.name=hone");
  if ((await git(["config", "--get", "user.email"], cwd)).code !== 0) args.push("-c", "user.email=hone@localhost");
  return args;
}

async function removeWorktree(git: GitRunner, path: string, commonDir: string): Promise<boolean> {
  await git(["worktree", "remove", "--force", path], commonDir);
  return !existsSync(path);
}

/** The folder was deleted behind git's back: forget it, and report what the branch holds. */
async function finishMissingFolder(git: GitRunner, info: WorktreeRef, keep: boolean): Promise<FinishResult> {
  if (info.original === undefined) throw new GitError("not-a-worktree", `The worktree folder ${info.path} no longer exists.`);
  const root = await repositoryRoot(git, info.original);
  await git(["worktree", "prune"], root);
  const head = (await gitOrThrow(git, ["rev-parse", "--verify", `refs/heads/${info.branch}`], root, `Finding the branch ${info.branch}`)).trim();
  const base = info.base ?? (await recoverBase(git, root, info.branch));
  const changedFiles = await filesBetween(git, root, base, head);
  const branchDeleted = !keep && head === base && (await git(["branch", "-D", info.branch], root)).code === 0;
  return { branch: info.branch, path: info.path, base, changedFiles, head, removed: true, branchDeleted };
}

/** A short report of a finished worktree, for the model (ExitWorktree, the Agent tool's result). */
export function describeFinish(result: FinishResult): string {
  const short = result.head.slice(0, 12);
  const where = result.removed ? "The worktree folder was removed." : `The worktree folder is still at ${result.path}.`;
  if (result.branchDeleted) return `No changes were made in the worktree; its folder and the branch ${result.branch} were removed.`;
  if (result.head === result.base) return `No changes were made; the branch ${result.branch} still points at ${short}. ${where}`;
  const committed = result.commit ? ` (the remaining changes were committed as ${result.commit.slice(0, 12)})` : "";
  const files = result.changedFiles.length === 0 ? "no files differ from the base in total" : `${result.changedFiles.length} changed file(s):\n${fileList(result.changedFiles)}`;
  return `The work is on the branch ${result.branch} at ${short}${committed}; relative to ${result.base.slice(0, 12)}, ${files}\n${where} The main working tree was not changed; merge or cherry-pick the branch to use the work.`;
}

const LISTED_FILES = 100;

function fileList(files: string[]): string {
  const shown = files.slice(0, LISTED_FILES).map((f) => `- ${f}`);
  if (files.length > LISTED_FILES) shown.push(`- ... and ${files.length - LISTED_FILES} more`);
  return shown.join("\n");
}
