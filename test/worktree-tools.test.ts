import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { WorktreeInfo } from "../src/session-state.ts";
import { enterWorktreeTool } from "../src/tools/enter-worktree.ts";
import { exitWorktreeTool } from "../src/tools/exit-worktree.ts";
import { git, gitTry, makeRepo, porcelain } from "./support/git-repo.ts";
import { harness, type Harness } from "./support/tool-harness.ts";
import { sessionWorktreesDir } from "../src/worktree.ts";
import { scratchRoot } from "../src/session-state.ts";

/** A harness whose session works in a repository beside (not containing) the session's folder. */
function setup(options: { repo?: boolean } = {}): { h: Harness; repo: string; added: string[] } {
  const h = harness();
  const repo = join(h.dir, "repo");
  mkdirSync(repo);
  if (options.repo !== false) makeRepo(repo);
  h.state.cwd = repo;
  const added: string[] = [];
  h.state.addWorkingDirectory = (dir) => (added.push(dir), true);
  return { h, repo, added };
}

function current(h: Harness): WorktreeInfo {
  const worktree = h.state.worktree;
  if (!worktree) throw new Error("expected the session to be in a worktree");
  return worktree;
}

describe("EnterWorktree", () => {
  test("creates the worktree in the session's scratch folder (outside ~/.hone) and moves the session into it", async () => {
    const { h, repo, added } = setup();
    const r = await h.call(enterWorktreeTool, { name: "feature x" });
    expect(r.isError).toBeUndefined();
    const wt = current(h);
    expect(wt.branch).toBe("hone/feature-x");
    expect(wt.original).toBe(repo);
    expect(wt.path).toBe(join(scratchRoot(), h.state.id, "worktrees", "feature-x"));
    expect(wt.path.split("/")).not.toContain(".hone");
    expect(sessionWorktreesDir(h.state)).toBe(dirname(wt.path));
    expect(h.state.cwd).toBe(wt.path);
    expect(added).toEqual([wt.path]);
    expect(readFileSync(join(wt.path, "a.txt"), "utf8")).toBe("alpha\n");
    expect(r.text).toContain(wt.path);
    expect(r.text).toContain("hone/feature-x");
    expect(r.structured).toMatchObject({ worktreePath: wt.path, worktreeBranch: "hone/feature-x", originalCwd: repo });
    expect(porcelain(repo)).toBe("");
  });

  test("a generated name when none is given; refused while already in a worktree", async () => {
    const { h } = setup();
    await h.call(enterWorktreeTool, {});
    const first = current(h);
    expect(first.branch).toBe(`hone/session-${h.state.id.slice(0, 8)}`);
    const again = await h.call(enterWorktreeTool, { name: "second" });
    expect(again.isError).toBe(true);
    expect(again.text).toContain("ExitWorktree");
    expect(current(h)).toBe(first);
    expect(h.state.cwd).toBe(first.path);
  });

  test("outside a repository and in a repository without commits the session is left as it was", async () => {
    const { h, repo, added } = setup({ repo: false });
    const outside = await h.call(enterWorktreeTool, { name: "x" });
    expect(outside.isError).toBe(true);
    expect(outside.text).toContain("not inside a git repository");

    git(repo, "init", "--quiet");
    const empty = await h.call(enterWorktreeTool, { name: "x" });
    expect(empty.isError).toBe(true);
    expect(empty.text).toContain("first commit");
    expect(h.state.worktree).toBeUndefined();
    expect(h.state.cwd).toBe(repo);
    expect(added).toEqual([]);
  });
});

describe("ExitWorktree", () => {
  test("commits the work on the branch, removes the folder and returns to the original folder", async () => {
    const { h, repo } = setup();
    await h.call(enterWorktreeTool, { name: "work" });
    const wt = current(h);
    writeFileSync(join(wt.path, "a.txt"), "edited in the worktree\n");
    writeFileSync(join(wt.path, "added.txt"), "new\n");
    const r = await h.call(exitWorktreeTool, {});
    expect(r.isError).toBeUndefined();
    expect(h.state.worktree).toBeUndefined();
    expect(h.state.cwd).toBe(repo);
    expect(existsSync(wt.path)).toBe(false);
    expect(r.text).toContain("hone/work");
    expect(r.text).toContain("- a.txt");
    expect(r.text).toContain("- added.txt");
    expect(r.structured).toMatchObject({ action: "remove", worktreeBranch: "hone/work", changedFiles: ["a.txt", "added.txt"], removed: true, branchDeleted: false });
    expect(git(repo, "show", "hone/work:a.txt")).toBe("edited in the worktree\n");
    expect(readFileSync(join(repo, "a.txt"), "utf8")).toBe("alpha\n");
    expect(porcelain(repo)).toBe("");
  });

  test("keep leaves the folder; a worktree without changes loses its branch on remove", async () => {
    const { h, repo } = setup();
    await h.call(enterWorktreeTool, { name: "keepme" });
    const kept = current(h);
    writeFileSync(join(kept.path, "b.txt"), "kept\n");
    const r = await h.call(exitWorktreeTool, { action: "keep" });
    expect(r.structured).toMatchObject({ action: "keep", removed: false });
    expect(existsSync(kept.path)).toBe(true);
    expect(r.text).toContain(kept.path);
    expect(h.state.cwd).toBe(repo);

    await h.call(enterWorktreeTool, { name: "idle" });
    const idle = current(h);
    const r2 = await h.call(exitWorktreeTool, { action: "remove" });
    expect(r2.text).toContain("No changes");
    expect(r2.structured).toMatchObject({ changedFiles: [], branchDeleted: true });
    expect(gitTry(repo, "show-ref", "--verify", "--quiet", `refs/heads/${idle.branch}`).code).not.toBe(0);
  });

  test("refused when not in a worktree, and for an unknown action", async () => {
    const { h, repo } = setup();
    const r = await h.call(exitWorktreeTool, {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain("not working in a worktree");
    expect(h.state.cwd).toBe(repo);
    await h.call(enterWorktreeTool, { name: "w" });
    const bad = await h.call(exitWorktreeTool, { action: "merge" });
    expect(bad.isError).toBe(true);
    expect(h.state.worktree).toBeDefined();
  });

  test("a failure keeps the session in the worktree so nothing is lost", async () => {
    const { h } = setup();
    await h.call(enterWorktreeTool, { name: "fragile" });
    const wt = current(h);
    writeFileSync(join(wt.path, "a.txt"), "unsaved\n");
    // Break the worktree's link to its repository: finishing must refuse, not guess.
    writeFileSync(join(wt.path, ".git"), "gitdir: /nonexistent\n");
    const r = await h.call(exitWorktreeTool, {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain("not a git worktree");
    expect(h.state.worktree).toBe(wt);
    expect(h.state.cwd).toBe(wt.path);
    expect(readFileSync(join(wt.path, "a.txt"), "utf8")).toBe("unsaved\n");
  });
});
