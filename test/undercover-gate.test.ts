// The undercover gate on git commands, in real repositories: each way of giving a commit, tag or merge
// message, amended and reused messages, trailers, the comments a commit adds (staged before or by the
// same command), and git push checking every commit it would publish. Allowed and rewritten commands
// are run, and the repository's history is read back.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { undercoverConfig } from "../src/undercover-config.ts";
import { checkCommand } from "../src/undercover.ts";
import { git, makeRepo } from "./support/git-repo.ts";
import { CO_AUTHOR, gated, headMessage, history, ON, reason, SETTINGS, stagedRepo, withOrigin, write } from "./support/undercover-fixture.ts";

describe("git commit messages", () => {
  test("-m with a codename is blocked and nothing is committed; with the mode off it goes through", async () => {
    const repo = stagedRepo();
    const blocked = await gated(repo, `git commit -m "Wire up Falcon"`);
    expect(reason(blocked)).toContain(`internal codename "Falcon" in the commit message (-m)`);
    expect(history(repo)).not.toContain("Falcon");
    const off = await gated(repo, `git commit -m "Wire up Falcon"`, undercoverConfig(SETTINGS, { HONE_UNDERCOVER: "0" }));
    expect(off.decision).toEqual({ action: "allow" });
    expect(headMessage(repo)).toBe("Wire up Falcon");
  });

  test("an attribution paragraph given with a second -m is dropped and the rest committed", async () => {
    const repo = stagedRepo();
    const run = await gated(repo, `git commit -m "Fix the parser" -m "${CO_AUTHOR}"`);
    expect(run.decision.action).toBe("rewrite");
    expect(run.ran).toBe(`git commit -m "Fix the parser"`);
    expect(run.code).toBe(0);
    expect(headMessage(repo)).toBe("Fix the parser");
  });

  test("the heredoc form after git add: attribution removed, the file committed", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, "new.txt"), "new\n");
    const command = `git add . && git commit -m "$(cat <<'EOF'\nAdd new.txt\n\nExplains why.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n${CO_AUTHOR}\nEOF\n)" && echo committed`;
    const run = await gated(repo, command);
    expect(run.decision.action).toBe("rewrite");
    if (run.decision.action === "rewrite") expect(run.decision.removed.map((f) => f.line)).toEqual([5, 7]);
    expect(run.out).toContain("committed");
    expect(headMessage(repo)).toBe("Add new.txt\n\nExplains why.");
    expect(git(repo, "show", "--name-only", "--format=", "HEAD").trim()).toBe("new.txt");
  });

  test("attached, abbreviated, clustered and -m= spellings are all read", async () => {
    const repo = stagedRepo();
    for (const form of [`-mFalcon`, `--message=Falcon`, `--mess Falcon`, `--messa=Falcon`, `-am Falcon`, `-qam"Falcon"`, `-m="Falcon"`]) {
      expect(reason(await gated(repo, `git commit ${form}`))).toContain("Falcon");
    }
    const attached = await gated(repo, `git commit --message="Tidy up\n\n${CO_AUTHOR}"`);
    expect(attached.ran).toBe("git commit '--message=Tidy up'");
    expect(headMessage(repo)).toBe("Tidy up");
    writeFileSync(join(repo, "b.txt"), "beta two\n");
    const cluster = await gated(repo, `git commit -am "Beta\n${CO_AUTHOR}"`);
    expect(cluster.ran).toBe("git commit -am Beta");
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  test("-F and --file: the file is read; attribution turns it into an inline message, a codename blocks naming the file", async () => {
    const repo = stagedRepo();
    writeFileSync(join(repo, "msg.txt"), `Update alpha\n\n${CO_AUTHOR}\n`);
    const run = await gated(repo, "git commit -F msg.txt");
    expect(run.ran).toBe("git commit -m 'Update alpha\n'");
    expect(headMessage(repo)).toBe("Update alpha");
    writeFileSync(join(repo, "a.txt"), "alpha three\n");
    git(repo, "add", "a.txt");
    expect((await gated(repo, "git commit --file=msg.txt")).ran).toBe("git commit '--message=Update alpha\n'");
    writeFileSync(join(repo, "bad.txt"), "Ready for\nFalcon\n");
    expect(reason(await gated(repo, "git commit -F bad.txt"))).toContain(`"Falcon" in the commit message from bad.txt (line 2)`);
    expect(reason(await gated(repo, "git commit -F missing.txt"))).toContain("could not be read");
  });

  test("-F - reads a heredoc on stdin; stdin from a pipe cannot be checked", async () => {
    const repo = stagedRepo();
    const run = await gated(repo, `git commit -F - <<'EOF'\nFrom stdin\n${CO_AUTHOR}\nEOF`);
    expect(run.code).toBe(0);
    expect(headMessage(repo)).toBe("From stdin");
    expect(reason(await gated(repo, `printf 'x' | git commit -F -`))).toContain("only known when the command runs");
  });

  test("--trailer naming an AI is dropped; --amend keeps HEAD's message, which is checked too", async () => {
    const repo = stagedRepo();
    const trailer = await gated(repo, `git commit -m "Alpha" --trailer "Co-authored-by=Claude <noreply@anthropic.com>" --trailer "Reviewed-by: Jane <j@example.com>"`);
    expect(trailer.code).toBe(0);
    expect(headMessage(repo)).toBe("Alpha\n\nReviewed-by: Jane <j@example.com>");
    git(repo, "commit", "--quiet", "--amend", "-m", `Alpha\n\n${CO_AUTHOR}`);
    const amend = await gated(repo, "git commit --amend --no-edit");
    expect(amend.decision.action).toBe("rewrite");
    expect(headMessage(repo)).toBe("Alpha");
    git(repo, "commit", "--quiet", "--amend", "-m", "Alpha for Falcon");
    expect(reason(await gated(repo, "git commit --amend --no-edit"))).toContain("the message --amend keeps");
    expect((await gated(repo, `git commit --amend -m "Alpha"`)).decision).toEqual({ action: "allow" });
    expect(reason(await gated(repo, "git commit -C HEAD@{1} --amend"))).toContain("the message reused from HEAD@{1}");
  });

  test("a message that is nothing but attribution, or only known at run time, is refused", async () => {
    const repo = stagedRepo();
    expect(reason(await gated(repo, `git commit -m "${CO_AUTHOR}"`))).toContain("nothing but AI attribution");
    expect(reason(await gated(repo, `MSG=x; git commit -m "$MSG"`))).toContain("(it uses $MSG)");
    expect(reason(await gated(repo, `git commit $ARGS`))).toContain("($ARGS) is only known");
    expect((await gated(repo, `git commit --dry-run -m "Falcon"`)).decision).toEqual({ action: "allow" });
  });
});

describe("comments a commit adds", () => {
  test("a staged comment with a codename blocks with its file and line; the same word in code does not", async () => {
    const repo = makeRepo();
    write(repo, "src/a.ts", "export const x = 1;\nconst falconCount = 2;\n// tuned for Falcon\n");
    git(repo, "add", "src/a.ts");
    const run = await gated(repo, `git commit -m "Add a.ts"`);
    expect(reason(run)).toContain(`internal codename "Falcon" in a comment at src/a.ts:3`);
    write(repo, "src/a.ts", "export const x = 1;\nconst Falcon = 2;\n");
    git(repo, "add", "src/a.ts");
    expect((await gated(repo, `git commit -m "Add a.ts"`)).code).toBe(0);
  });

  test("what the command stages first is checked: git add -A, paths, and commit -a", async () => {
    const repo = makeRepo();
    write(repo, "tool.py", "import os\n# see https://wiki.corp.example/page\n");
    expect(reason(await gated(repo, `git add -A && git commit -m "Add tool"`))).toContain("a comment at tool.py:2");
    expect(reason(await gated(repo, `git add tool.py; git commit -m "Add tool"`))).toContain("tool.py:2");
    expect((await gated(repo, `git add a.txt && git commit -m "Nothing new"`)).decision).toEqual({ action: "allow" });
    write(repo, "src/c.txt", "gamma\n");
    write(repo, "b.txt", "beta\n# claude-opus-5 notes\n");
    expect(reason(await gated(repo, `git commit -a -m "Beta"`))).toContain(`unreleased model name "claude-opus-5" in a comment at b.txt:2`);
    expect(reason(await gated(repo, `git -C src commit -m "Beta" ../b.txt`))).toContain("b.txt:2");
  });
});

describe("git tag and git merge", () => {
  test("tag messages: a codename blocks, attribution is cleaned", async () => {
    const repo = makeRepo();
    expect(reason(await gated(repo, `git tag -a v1 -m "Falcon release"`))).toContain("the tag message (-m)");
    const run = await gated(repo, `git tag -a v1 -m "Release one\n\nGenerated with Claude Code"`);
    expect(run.code).toBe(0);
    expect(git(repo, "for-each-ref", "--format=%(contents)", "refs/tags/v1").trim()).toBe("Release one");
  });

  test("merge messages are checked the same way", async () => {
    const repo = makeRepo();
    git(repo, "checkout", "--quiet", "-b", "feature");
    write(repo, "f.txt", "f\n");
    git(repo, "add", "f.txt");
    git(repo, "commit", "--quiet", "-m", "feature work");
    git(repo, "checkout", "--quiet", "main");
    expect(reason(await gated(repo, `git merge --no-ff feature -m "Merge Falcon"`))).toContain("the merge message (-m)");
    const run = await gated(repo, `git merge --no-ff feature -m "Merge feature" -m "${CO_AUTHOR}"`);
    expect(run.code).toBe(0);
    expect(headMessage(repo)).toBe("Merge feature");
  });
});

describe("git push", () => {
  test("every commit the push would publish is checked; a clean history pushes", async () => {
    const repo = makeRepo();
    const bare = withOrigin(repo);
    write(repo, "a.txt", "one\n");
    git(repo, "commit", "--quiet", "-am", "Prepare Falcon");
    write(repo, "a.txt", "two\n");
    git(repo, "commit", "--quiet", "-am", `Second\n\n${CO_AUTHOR}`);
    const hashes = git(repo, "log", "--format=%h", "-2").split("\n");
    for (const command of ["git push", "git push origin main", "git push -u origin HEAD:refs/heads/topic", "git push --all origin"]) {
      const run = await gated(repo, command);
      expect(reason(run)).toContain("git push would publish");
      expect(reason(run)).toContain(`"Falcon" in the message of commit ${hashes[1]}`);
      expect(reason(run)).toContain(`AI attribution line "${CO_AUTHOR}" in the message of commit ${hashes[0]}`);
    }
    expect(git(bare, "log", "--format=%s", "main")).not.toContain("Falcon");
    expect((await gated(repo, "git push origin :old-branch")).decision).toEqual({ action: "allow" });
    git(repo, "reset", "--quiet", "--hard", "HEAD~2");
    write(repo, "a.txt", "clean\n");
    git(repo, "commit", "--quiet", "-am", "Clean change");
    const run = await gated(repo, "git push origin main");
    expect(run.code).toBe(0);
    expect(git(bare, "log", "--format=%s", "-1", "main").trim()).toBe("Clean change");
  });

  test("auto mode: a push to an internal host is not checked, one to a public host is", async () => {
    const repo = makeRepo();
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "Falcon internal work");
    const auto = undercoverConfig({ ...SETTINGS, enabled: "auto" }, {});
    git(repo, "remote", "add", "corp", "git@git.corp.example:team/r.git");
    git(repo, "remote", "add", "public", "https://github.com/someone/r.git");
    expect(await checkCommand("git push corp main", { config: auto, cwd: repo })).toEqual({ action: "allow" });
    expect((await checkCommand("git push public main", { config: auto, cwd: repo })).action).toBe("block");
    expect((await checkCommand("git push git@git.corp.example:team/r.git main", { config: auto, cwd: repo })).action).toBe("allow");
    git(repo, "config", "branch.main.remote", "corp");
    expect(await checkCommand(`git commit --allow-empty -m "More Falcon"`, { config: auto, cwd: repo })).toEqual({ action: "allow" });
    expect((await checkCommand(`git commit --allow-empty -m "More Falcon"`, { config: ON, cwd: repo })).action).toBe("block");
  });
});
