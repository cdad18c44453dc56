// Undercover mode through the binary: the scripted model runs `git commit -m` through the Bash tool in
// a real repository. With the mode on, a codename blocks the command (the model gets the reason as the
// tool's error) and attribution lines are cleaned out before it runs; with the mode off, or in auto mode
// with an internal remote, the same commit goes through. The system prompt carries the mode's note only
// when it is on.
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { git, makeRepo } from "../support/git-repo.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { systemText, toolResultText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();
const IDENTITY = { GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "test@example.com" };
const CO_AUTHOR = "Co-Authored-By: Claude <noreply@anthropic.com>";

function repoWithChange(): string {
  const dir = makeRepo(tempProject("hone-undercover-"));
  writeFileSync(join(dir, "a.txt"), "alpha two\n");
  git(dir, "add", "a.txt");
  return dir;
}

async function commitThroughHone(dir: string, command: string, settings: object, env: Record<string, string> = {}) {
  const server = await withApi(reply(toolUse("Bash", { command }, "toolu_commit")), reply(text("done")));
  const run = await runHone(["-p", "commit the change", "--allowedTools", "Bash", "--settings", JSON.stringify(settings), "--output-format", "json"], {
    cwd: dir,
    apiUrl: server.url,
    env: { HOME: tempHome(), ...IDENTITY, ...env },
  });
  expect(run.code).toBe(0);
  return { run, server, result: () => toolResultText(server.requests[1]!, "toolu_commit") };
}

const log = (dir: string): string => git(dir, "log", "--format=%B");

test("mode on: a commit message naming a codename is refused and the log never shows it", async () => {
  const dir = repoWithChange();
  const { server, result } = await commitThroughHone(dir, `git commit -m "Wire up Falcon"`, { undercover: { enabled: true, codenames: ["Falcon"] } });
  expect(result()).toContain("Undercover mode stopped this command");
  expect(result()).toContain(`internal codename "Falcon" in the commit message (-m)`);
  expect(log(dir)).not.toContain("Falcon");
  expect(git(dir, "status", "--porcelain")).toBe("M  a.txt\n");
  const system = systemText(server.requests[0]!);
  expect(system).toContain("Undercover mode");
  expect(system).not.toContain("Falcon");
});

test("mode on: attribution lines are cleaned out and the commit is made", async () => {
  const dir = repoWithChange();
  await commitThroughHone(dir, `git commit -m "Update alpha" -m "${CO_AUTHOR}"`, { undercover: { enabled: true, codenames: ["Falcon"] } });
  expect(git(dir, "log", "-1", "--format=%B").trim()).toBe("Update alpha");
  expect(log(dir)).not.toContain("Co-Authored-By");
});

test("mode off (HONE_UNDERCOVER=0): the same commit passes, and the prompt has no note", async () => {
  const dir = repoWithChange();
  const { server } = await commitThroughHone(dir, `git commit -m "Wire up Falcon"`, { undercover: { enabled: true, codenames: ["Falcon"] } }, { HONE_UNDERCOVER: "0" });
  expect(git(dir, "log", "-1", "--format=%B").trim()).toBe("Wire up Falcon");
  expect(systemText(server.requests[0]!)).not.toContain("Undercover mode");
});

test("auto mode: an internal remote leaves the mode off; a public one turns it on", async () => {
  const settings = { undercover: { enabled: "auto", codenames: ["Falcon"], internalHosts: ["git.corp.example"] } };
  const internal = repoWithChange();
  git(internal, "remote", "add", "origin", "git@git.corp.example:team/r.git");
  await commitThroughHone(internal, `git commit -m "Wire up Falcon"`, settings);
  expect(git(internal, "log", "-1", "--format=%B").trim()).toBe("Wire up Falcon");
  const open = repoWithChange();
  git(open, "remote", "add", "origin", "https://github.com/someone/r.git");
  await commitThroughHone(open, `git commit -m "Wire up Falcon"`, settings);
  expect(log(open)).not.toContain("Falcon");
});
