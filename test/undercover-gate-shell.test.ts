// The undercover gate on the shell side: gh commands (run against a fake gh that records the arguments
// it really received), chained and nested commands, and hostile quoting: rewritten messages must reach
// git byte for byte, and text hidden behind quotes, escapes or expansions must still be found.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { undercoverConfig } from "../src/undercover-config.ts";
import type { Tool } from "../src/tool.ts";
import type { Authorize } from "../src/tool-runner.ts";
import { bashTool } from "../src/tools/bash.ts";
import { readTool } from "../src/tools/read.ts";
import { withUndercover } from "../src/undercover-authorize.ts";
import { checkCommand } from "../src/undercover.ts";
import { git, makeRepo } from "./support/git-repo.ts";
import { CO_AUTHOR, fakeGh, gated, headMessage, ON, reason, SETTINGS, stagedRepo } from "./support/undercover-fixture.ts";

describe("gh", () => {
  test("pr create: a codename in the title blocks; attribution in the body is removed before gh sees it", async () => {
    const repo = makeRepo();
    const gh = fakeGh();
    expect(reason(await gated(repo, `gh pr create --title "Falcon support" --body "ok"`, ON, gh.bin))).toContain(`"Falcon" in the PR title (--title)`);
    expect(reason(await gated(repo, `gh pr create -t ok -b "see https://wiki.corp.example/x"`, ON, gh.bin))).toContain("the PR body (-b)");
    const run = await gated(repo, `gh pr create -t "Add parser" -b "Adds it.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"`, ON, gh.bin);
    expect(run.code).toBe(0);
    expect(gh.args()).toEqual(["pr", "create", "-t", "Add parser", "-b", "Adds it."]);
    await gated(repo, `gh pr create --title=Fix --body="${CO_AUTHOR}"`, ON, gh.bin);
    expect(gh.args()).toEqual(["pr", "create", "--title=Fix", "--body="]);
  });

  test("body files become an inline body; edit, comment, review and issue commands are checked too", async () => {
    const repo = makeRepo();
    const gh = fakeGh();
    writeFileSync(join(repo, "body.md"), `## Summary\nIt's "done".\n\n${CO_AUTHOR}\n`);
    await gated(repo, "gh pr create -t Fix -F body.md", ON, gh.bin);
    expect(gh.args()).toEqual(["pr", "create", "-t", "Fix", "--body", `## Summary\nIt's "done".\n`]);
    await gated(repo, "gh issue comment 7 --body-file=body.md", ON, gh.bin);
    expect(gh.args()).toEqual(["issue", "comment", "7", `--body=## Summary\nIt's "done".\n`]);
    for (const command of [`gh pr edit 3 --title "Falcon"`, `gh pr comment 3 -b "Falcon"`, `gh pr review 3 -c -b "Falcon"`, `gh issue create -t x -b "Falcon"`, `gh issue comment 3 -b=Falcon`, `gh release create v1 --notes "Falcon"`, `gh pr merge 3 --squash --subject "Falcon"`]) {
      expect(reason(await gated(repo, command, ON, gh.bin))).toContain("Falcon");
    }
    expect((await gated(repo, `gh pr view 3 --comments`, ON, gh.bin)).decision).toEqual({ action: "allow" });
  });

  test("auto mode follows -R HOST/OWNER/REPO, github.com for OWNER/REPO, else the repository's remote", async () => {
    const repo = makeRepo();
    const auto = undercoverConfig({ ...SETTINGS, enabled: "auto" }, {});
    const check = (command: string) => checkCommand(command, { config: auto, cwd: repo });
    expect(await check(`gh pr create -R git.corp.example/team/r -t Falcon -b x`)).toEqual({ action: "allow" });
    expect((await check(`gh pr create -R team/r -t Falcon -b x`)).action).toBe("block");
    git(repo, "remote", "add", "origin", "git@git.corp.example:team/r.git");
    expect(await check(`gh issue create -t Falcon -b x`)).toEqual({ action: "allow" });
  });
});

describe("chains and nesting", () => {
  test("each part of a chain is checked; the rewrite touches only the message", async () => {
    const repo = stagedRepo();
    expect(reason(await gated(repo, `echo start && git status --short; git commit -m "Falcon" || echo failed`))).toContain("Falcon");
    const run = await gated(repo, `git status --short; git commit -m "Alpha\n${CO_AUTHOR}" || echo failed`);
    expect(run.ran).toBe(`git status --short; git commit -m Alpha || echo failed`);
    expect(headMessage(repo)).toBe("Alpha");
  });

  test("wrappers, subshells, bash -c and eval are looked through", async () => {
    const repo = stagedRepo();
    for (const command of [`env GIT_TRACE=0 git commit -m Falcon`, `(cd . && git commit -m Falcon)`, `bash -c 'git commit -m Falcon'`, `eval "git commit -m Falcon"`, `timeout 5 git commit -m Falcon`, `echo $(git commit -m Falcon)`]) {
      expect(reason(await gated(repo, command))).toContain(`"Falcon"`);
    }
    const nested = await gated(repo, `bash -c 'git commit -m "Alpha\n${CO_AUTHOR}"'`);
    expect(nested.ran).toBe(`bash -c 'git commit -m Alpha'`);
    expect(headMessage(repo)).toBe("Alpha");
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "x");
    expect(reason(await gated(repo, `eval 'git commit --allow-empty -m "A\n${CO_AUTHOR}"'`))).toContain("nested command");
  });

  test("cd moves where later git commands are checked", async () => {
    const repo = makeRepo();
    const sub = join(repo, "src");
    writeFileSync(join(sub, "d.sh"), "# Falcon helper\n");
    expect(reason(await gated(repo, `cd src && git add d.sh && git commit -m "Add d.sh"`))).toContain("src/d.sh:1");
  });
});

describe("hostile quoting", () => {
  test("quotes, expansions and backticks in a cleaned message reach git literally", async () => {
    const repo = stagedRepo();
    const message = `It's "quoted" $HOME \`whoami\` $(touch pwned) 'single' \\ back`;
    const command = `git commit -m 'It'"'"'s "quoted" $HOME \`whoami\` $(touch pwned) '"'"'single'"'"' \\ back' -m '${CO_AUTHOR}'`;
    const run = await gated(repo, command);
    expect(run.decision.action).toBe("rewrite");
    expect(run.code).toBe(0);
    expect(headMessage(repo)).toBe(message);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  test("a codename split by quotes or escapes, or written with $'...', is still found", async () => {
    const repo = stagedRepo();
    for (const form of [`Fal\\con`, `"Fal""con"`, `'Fal'con`, `$'Fal\\x63on'`, `"$(cat <<'EOF'\nFal\\\ncon is not joined, but Falcon is\nEOF\n)"`]) {
      expect(reason(await gated(repo, `git commit -m ${form}`))).toContain("Falcon");
    }
  });

  test("a lookalike of the message elsewhere in the command is not the one rewritten", async () => {
    const repo = stagedRepo();
    const msg = `"Alpha\n${CO_AUTHOR}"`;
    const run = await gated(repo, `echo -m ${msg} > note.txt; git commit -m ${msg} # -m ${msg}`);
    expect(run.ran).toBe(`echo -m ${msg} > note.txt; git commit -m Alpha # -m ${msg}`);
    expect(headMessage(repo)).toBe("Alpha");
    // The same text as a redirection target just before the message: the rewrite would land on the
    // wrong copy, the re-parse notices, and the command is refused instead of run half-cleaned.
    const trap = await gated(repo, `git commit --allow-empty -m 2>${msg} ${msg}`);
    expect(reason(trap)).toContain("could not rewrite it safely");
  });
});

describe("withUndercover (the permission path)", () => {
  const request = (tool: Tool, input: unknown) => ({ tool, input, toolUseId: "t1", signal: new AbortController().signal });

  test("Bash calls are gated before the inner authorizer; the final input is gated again", async () => {
    const repo = stagedRepo();
    const seen: unknown[] = [];
    let replaceWith: unknown;
    const inner: Authorize = async (r) => {
      seen.push(r.input);
      return replaceWith === undefined ? { allow: true } : { allow: true, input: replaceWith };
    };
    const notices: string[] = [];
    const authorize = withUndercover(inner, { config: ON, cwd: () => repo, notify: (t) => notices.push(t) });
    const blocked = await authorize(request(bashTool, { command: `git commit -m Falcon` }));
    expect(blocked).toMatchObject({ allow: false });
    expect(seen).toEqual([]);
    const cleaned = await authorize(request(bashTool, { command: `git commit -m "A\n${CO_AUTHOR}"`, description: "commit" }));
    expect(cleaned).toEqual({ allow: true, input: { command: "git commit -m A", description: "commit" } });
    expect(seen).toEqual([{ command: "git commit -m A", description: "commit" }]);
    expect(notices.at(-1)).toContain("removed 1 AI attribution line");
    replaceWith = { command: `git commit -m "Falcon"` };
    expect(await authorize(request(bashTool, { command: "git status" }))).toMatchObject({ allow: false, message: expect.stringContaining("Falcon") });
    replaceWith = undefined;
    expect(await authorize(request(bashTool, { command: "git status" }))).toEqual({ allow: true });
  });

  test("other tools and a mode that is off pass straight through", async () => {
    const inner: Authorize = async () => ({ allow: true });
    expect(withUndercover(inner, { config: undercoverConfig(undefined, {}), cwd: () => "/" })).toBe(inner);
    const authorize = withUndercover(async (r) => ({ allow: false, message: `inner saw ${JSON.stringify(r.input)}` }), { config: ON, cwd: () => "/" });
    expect(await authorize(request(readTool, { file_path: "/Falcon.txt" }))).toEqual({ allow: false, message: `inner saw {"file_path":"/Falcon.txt"}` });
  });
});
