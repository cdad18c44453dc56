// Real git repositories in temp folders for the worktree tests.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temp folder (symlinks resolved, so paths compare equal to what git prints). */
export function tempDir(prefix = "hone-wt-"): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** Runs git synchronously with a fixed identity; throws with git's stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${result.stderr}`);
  return result.stdout;
}

/** git without throwing: the exit code and output. */
export function gitTry(cwd: string, ...args: string[]): { code: number; stdout: string } {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  return { code: result.status ?? 1, stdout: result.stdout };
}

/** A repository with a first commit: a.txt, b.txt, src/c.txt and a .gitignore ignoring build/. */
export function makeRepo(dir = tempDir()): string {
  git(dir, "init", "--quiet", "--initial-branch=main");
  writeFileSync(join(dir, "a.txt"), "alpha\n");
  writeFileSync(join(dir, "b.txt"), "beta\n");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "c.txt"), "gamma\n");
  writeFileSync(join(dir, ".gitignore"), "build/\n");
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "-m", "first");
  return dir;
}

export function porcelain(dir: string): string {
  return git(dir, "status", "--porcelain");
}
