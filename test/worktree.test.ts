import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGitRunner, findRepoRoot, GitError } from "../src/git-run.ts";
import { createWorktree, describeFinish, finishWorktree, worktreeSlug, worktreeStatus } from "../src/worktree.ts";
import { git, gitTry, makeRepo, porcelain, tempDir } from "./support/git-repo.ts";

async function failure(promise: Promise<unknown>): Promise<GitError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GitError) return error;
    throw error;
  }
  throw new Error("expected a GitError");
}

function snapshot(dir: string): Record<string, string> {
  return { a: readFileSync(join(dir, "a.txt"), "utf8"), b: readFileSync(join(dir, "b.txt"), "utf8"), c: readFileSync(join(dir, "src", "c.txt"), "utf8") };
}

describe("createWorktree and finishWorktree", () => {
  test("changes land in one commit on the branch; the main tree and the folder are left clean", async () => {
    const repo = makeRepo();
    const parent = tempDir();
    const before = snapshot(repo);
    const wt = await createWorktree({ repoDir: repo, parentDir: parent, name: "fix" });
    expect(wt.branch).toBe("hone/fix");
    expect(wt.path).toBe(join(parent, "fix"));
    expect(wt.original).toBe(repo);
    expect(wt.base).toBe(git(repo, "rev-parse", "HEAD").trim());
    expect(porcelain(repo)).toBe("");

    writeFileSync(join(wt.path, "a.txt"), "alpha changed\n");
    unlinkSync(join(wt.path, "b.txt"));
    writeFileSync(join(wt.path, "src", "new.txt"), "new\n");
    mkdirSync(join(wt.path, "build"));
    writeFileSync(join(wt.path, "build", "out.js"), "ignored\n");

    const status = await worktreeStatus(wt);
    expect(status.changedFiles).toEqual(["a.txt", "b.txt", "src/new.txt"]);
    expect(status.commits).toBe(0);
    // worktreeStatus does not stage anything.
    expect(git(wt.path, "diff", "--cached", "--name-only")).toBe("");

    const result = await finishWorktree(wt, { message: "agent work" });
    expect(result.changedFiles).toEqual(["a.txt", "b.txt", "src/new.txt"]);
    expect(result.removed).toBe(true);
    expect(result.branchDeleted).toBe(false);
    expect(result.commit).toBe(git(repo, "rev-parse", "hone/fix").trim());
    expect(result.head).toBe(result.commit ?? "");
    expect(git(repo, "rev-list", "--count", `${wt.base}..hone/fix`).trim()).toBe("1");
    expect(git(repo, "log", "-1", "--format=%s", "hone/fix").trim()).toBe("agent work");
    expect(git(repo, "diff", "--name-status", wt.base, "hone/fix")).toBe("M\ta.txt\nD\tb.txt\nA\tsrc/new.txt\n");
    expect(git(repo, "show", "hone/fix:a.txt")).toBe("alpha changed\n");

    expect(existsSync(wt.path)).toBe(false);
    expect(git(repo, "worktree", "list", "--porcelain")).not.toContain(wt.path);
    expect(porcelain(repo)).toBe("");
    expect(snapshot(repo)).toEqual(before);
    expect(git(repo, "rev-parse", "HEAD").trim()).toBe(wt.base);
    expect(describeFinish(result)).toContain("hone/fix");
    expect(describeFinish(result)).toContain("- src/new.txt");
  });

  test("the main tree's own staged and unstaged changes and its index are untouched", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, "a.txt"), "staged edit\n");
    git(repo, "add", "a.txt");
    writeFileSync(join(repo, "b.txt"), "unstaged edit\n");
    writeFileSync(join(repo, "untracked.txt"), "mine\n");
    const statusBefore = porcelain(repo);
    const indexBefore = readFileSync(join(repo, ".git", "index"));

    // Even a GIT_INDEX_FILE pointing at the main index (hone started from a git hook) is ignored.
    const runner = createGitRunner({ env: { ...process.env, GIT_INDEX_FILE: join(repo, ".git", "index"), GIT_DIR: join(repo, ".git") } });
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "x", git: runner });
    expect(readFileSync(join(wt.path, "a.txt"), "utf8")).toBe("alpha\n");
    expect(existsSync(join(wt.path, "untracked.txt"))).toBe(false);
    writeFileSync(join(wt.path, "c2.txt"), "from the worktree\n");
    const result = await finishWorktree(wt, { message: "m", git: runner });

    expect(result.changedFiles).toEqual(["c2.txt"]);
    expect(porcelain(repo)).toBe(statusBefore);
    expect(readFileSync(join(repo, ".git", "index")).equals(indexBefore)).toBe(true);
    expect(readFileSync(join(repo, "b.txt"), "utf8")).toBe("unstaged edit\n");
    expect(existsSync(join(repo, "c2.txt"))).toBe(false);
  });

  test("no changes: the folder and the branch are both removed", async () => {
    const repo = makeRepo();
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "idle" });
    const result = await finishWorktree(wt, { message: "nothing" });
    expect(result).toMatchObject({ changedFiles: [], removed: true, branchDeleted: true, head: wt.base });
    expect(result.commit).toBeUndefined();
    expect(gitTry(repo, "show-ref", "--verify", "--quiet", "refs/heads/hone/idle").code).not.toBe(0);
    expect(existsSync(wt.path)).toBe(false);
    expect(describeFinish(result)).toContain("No changes");
  });

  test("keep leaves the folder (and an unchanged branch) in place", async () => {
    const repo = makeRepo();
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "kept" });
    writeFileSync(join(wt.path, "a.txt"), "kept edit\n");
    const result = await finishWorktree(wt, { message: "keep it", keep: true });
    expect(result.removed).toBe(false);
    expect(existsSync(wt.path)).toBe(true);
    expect(porcelain(wt.path)).toBe("");
    expect(git(repo, "show", "hone/kept:a.txt")).toBe("kept edit\n");

    const idle = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "kept-idle" });
    const idleResult = await finishWorktree(idle, { message: "m", keep: true });
    expect(idleResult.branchDeleted).toBe(false);
    expect(existsSync(idle.path)).toBe(true);
  });

  test("commits the agent made itself are counted, and leftovers get one more commit", async () => {
    const repo = makeRepo();
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "self" });
    writeFileSync(join(wt.path, "one.txt"), "1\n");
    git(wt.path, "add", "one.txt");
    git(wt.path, "commit", "--quiet", "-m", "by the agent");
    writeFileSync(join(wt.path, "two.txt"), "2\n");
    expect((await worktreeStatus(wt)).changedFiles).toEqual(["one.txt", "two.txt"]);
    const result = await finishWorktree(wt, { message: "rest" });
    expect(result.changedFiles).toEqual(["one.txt", "two.txt"]);
    expect(git(repo, "rev-list", "--count", `${wt.base}..hone/self`).trim()).toBe("2");
  });

  test("commits as hone when the repository has no identity, and as the configured user otherwise", async () => {
    const home = tempDir();
    const env: Record<string, string | undefined> = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
    for (const key of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"]) delete env[key];
    const runner = createGitRunner({ env });
    const repo = makeRepo();
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "anon", git: runner });
    writeFileSync(join(wt.path, "a.txt"), "x\n");
    await finishWorktree(wt, { message: "m", git: runner });
    expect(git(repo, "log", "-1", "--format=%cn <%ce>", "hone/anon").trim()).toBe("hone <hone@localhost>");

    git(repo, "config", "user.name", "Repo Owner");
    git(repo, "config", "user.email", "owner@example.com");
    const wt2 = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "owned", git: runner });
    writeFileSync(join(wt2.path, "a.txt"), "y\n");
    await finishWorktree(wt2, { message: "m", git: runner });
    expect(git(repo, "log", "-1", "--format=%an <%ae>", "hone/owned").trim()).toBe("Repo Owner <owner@example.com>");
  });

  test("a commit hook cannot block or alter the commit", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, ".git", "hooks", "pre-commit"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "hooked" });
    writeFileSync(join(wt.path, "a.txt"), "z\n");
    const result = await finishWorktree(wt, { message: "m" });
    expect(result.commit).toBeDefined();
  });

  test("a base other than HEAD, and a WorktreeInfo without its base", async () => {
    const repo = makeRepo();
    const first = git(repo, "rev-parse", "HEAD").trim();
    writeFileSync(join(repo, "a.txt"), "second\n");
    git(repo, "commit", "--quiet", "-am", "second");
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "old", base: first });
    expect(wt.base).toBe(first);
    expect(readFileSync(join(wt.path, "a.txt"), "utf8")).toBe("alpha\n");
    writeFileSync(join(wt.path, "b.txt"), "changed\n");
    // As a resumed session would hold it: no base field; the branch's reflog gives it back.
    const result = await finishWorktree({ path: wt.path, branch: wt.branch, original: wt.original }, { message: "m" });
    expect(result.base).toBe(first);
    expect(result.changedFiles).toEqual(["b.txt"]);

    expect((await failure(createWorktree({ repoDir: repo, parentDir: tempDir(), name: "x", base: "no-such-ref" }))).code).toBe("bad-base");
    expect((await failure(createWorktree({ repoDir: repo, parentDir: tempDir(), name: "x", base: "--help" }))).code).toBe("bad-base");
  });

  test("a sub-agent's worktree finished from only its path and branch", async () => {
    const repo = makeRepo();
    const session = join(tempDir(), "session");
    const wt = await createWorktree({ repoDir: join(repo, "src"), parentDir: join(session, "worktrees"), name: "agent-a1b2c3" });
    expect(wt.path).toBe(join(session, "worktrees", "agent-a1b2c3"));
    expect(wt.original).toBe(join(repo, "src"));
    writeFileSync(join(wt.path, "src", "c.txt"), "by the agent\n");
    const result = await finishWorktree({ path: wt.path, branch: wt.branch }, { message: "hone agent: task" });
    expect(result).toMatchObject({ branch: "hone/agent-a1b2c3", changedFiles: ["src/c.txt"], removed: true, base: wt.base });

    const gone = await createWorktree({ repoDir: repo, parentDir: join(session, "worktrees"), name: "agent-gone" });
    rmSync(gone.path, { recursive: true, force: true });
    expect((await failure(finishWorktree({ path: gone.path, branch: gone.branch }, { message: "m" }))).code).toBe("not-a-worktree");
  });

  test("a worktree folder deleted behind git's back is pruned and its branch reported", async () => {
    const repo = makeRepo();
    const wt = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "gone" });
    writeFileSync(join(wt.path, "a.txt"), "committed\n");
    git(wt.path, "commit", "--quiet", "-am", "agent");
    rmSync(wt.path, { recursive: true, force: true });
    const result = await finishWorktree(wt, { message: "m" });
    expect(result).toMatchObject({ removed: true, branchDeleted: false, changedFiles: ["a.txt"] });
    expect(git(repo, "worktree", "list", "--porcelain")).not.toContain(wt.path);
  });

  test("a folder that is no longer a worktree is refused instead of staging into an enclosing repository", async () => {
    const repo = makeRepo();
    const outer = makeRepo();
    const parent = join(outer, "build", "trees"); // ignored inside the outer repository
    const wt = await createWorktree({ repoDir: repo, parentDir: parent, name: "broken" });
    unlinkSync(join(wt.path, ".git"));
    writeFileSync(join(wt.path, "stray.txt"), "x\n");
    const error = await failure(finishWorktree(wt, { message: "m" }));
    expect(error.code).toBe("not-a-worktree");
    expect(git(outer, "diff", "--cached", "--name-only")).toBe("");
    expect(git(outer, "rev-list", "--count", "HEAD").trim()).toBe("1");
  });
});

describe("names", () => {
  const hostile = ["../../etc/passwd", "-rf --force", "my feature", "a..b", ".hidden", "x.lock", "feat/sub/name", "@{upstream}", "~^:?*[\\", "", "   ", "ünïcødé", "HEAD", "a".repeat(300), "name.", "--", "a/.lock/b", "-"];

  test("every slug is a valid branch component and a plain folder name", () => {
    for (const name of hostile) {
      const slug = worktreeSlug(name);
      expect(slug).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(slug.length).toBeLessThanOrEqual(60);
      expect(slug).not.toContain("..");
      const check = spawnSync("git", ["check-ref-format", `refs/heads/hone/${slug}`]);
      expect(check.status).toBe(0);
    }
    expect(worktreeSlug("my feature")).toBe("my-feature");
    expect(worktreeSlug("feat/sub/name")).toBe("feat-sub-name");
    expect(worktreeSlug("../../etc/passwd")).toBe("etc-passwd");
    expect(worktreeSlug("x.lock")).toBe("x-lock");
    expect(worktreeSlug("")).toBe("worktree");
  });

  test("hostile names stay inside the parent folder, including one with spaces in its path", async () => {
    const repo = makeRepo(join(tempDir(), ""));
    const parent = join(tempDir(), "session folder", "work trees");
    for (const name of ["../../escape", "-rf --force", "with space", "a/b"]) {
      const wt = await createWorktree({ repoDir: repo, parentDir: parent, name });
      expect(wt.path.startsWith(`${parent}/`)).toBe(true);
      expect(wt.path.slice(parent.length + 1)).not.toContain("/");
      writeFileSync(join(wt.path, "n.txt"), name);
      const result = await finishWorktree(wt, { message: `work: ${name}` });
      expect(result.changedFiles).toEqual(["n.txt"]);
    }
    expect(porcelain(repo)).toBe("");
  });

  test("the same name twice, and a branch that already exists, get a suffix", async () => {
    const repo = makeRepo();
    const parent = tempDir();
    const one = await createWorktree({ repoDir: repo, parentDir: parent, name: "same" });
    const two = await createWorktree({ repoDir: repo, parentDir: parent, name: "same" });
    expect([one.branch, two.branch]).toEqual(["hone/same", "hone/same-2"]);
    expect(one.path).not.toBe(two.path);
    git(repo, "branch", "hone/taken");
    const three = await createWorktree({ repoDir: repo, parentDir: tempDir(), name: "taken" });
    expect(three.branch).toBe("hone/taken-2");
    const both = await Promise.all([1, 2, 3].map(() => createWorktree({ repoDir: repo, parentDir: parent, name: "race" })));
    expect(new Set(both.map((w) => w.branch)).size).toBe(3);
  });
});

describe("errors", () => {
  test("a repository without commits explains that a first commit is needed", async () => {
    const repo = tempDir();
    git(repo, "init", "--quiet");
    const error = await failure(createWorktree({ repoDir: repo, parentDir: tempDir(), name: "x" }));
    expect(error.code).toBe("no-commits");
    expect(error.message).toContain("first commit");
  });

  test("outside a repository, and with git missing", async () => {
    const plain = tempDir();
    const error = await failure(createWorktree({ repoDir: plain, parentDir: tempDir(), name: "x" }));
    expect(error.code).toBe("not-a-repo");
    expect(error.message).toContain(plain);

    const noGit = createGitRunner({ binary: join(plain, "no-such-git") });
    const missing = await failure(createWorktree({ repoDir: makeRepo(), parentDir: tempDir(), name: "x", git: noGit }));
    expect(missing.code).toBe("git-missing");
    expect(findRepoRoot(makeRepo(), { binary: join(plain, "no-such-git") })).toBeUndefined();
  });

  test("findRepoRoot", () => {
    const repo = makeRepo();
    expect(findRepoRoot(join(repo, "src"))).toBe(repo);
    expect(findRepoRoot(tempDir())).toBeUndefined();
    expect(findRepoRoot(join(repo, "missing"))).toBeUndefined();
  });
});
