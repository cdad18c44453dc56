// Skills, markdown commands, plugins and agent files through the real binary: `hone -p "/cmd args"`
// expands before the model sees it, the Skill tool loads a skill's body, allowed-tools pre-approve,
// plugins bring commands and hooks, and the init message lists it all.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { firstPrompt, systemText, toolNames, toolResultText } from "../support/request-text.ts";
import { scriptedApi } from "../support/api-fixture.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();

function write(path: string, content: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}





function world() {
  const home = tempHome();
  const dir = tempProject();
  return { home, dir, env: { HOME: home } };
}

const REVIEW_PR = `---
description: Review a pull request by number
argument-hint: <number> [focus]
allowed-tools: Bash(echo:*)
---
Review pull request #$0 with focus on $1.
Everything typed: $ARGUMENTS
Branch: !\`echo feature-branch\`
`;

describe("markdown commands in -p", () => {
  test('hone -p "/review-pr 123 security" expands arguments and shell blocks before the model sees it', async () => {
    const w = world();
    write(join(w.dir, ".claude/commands/review-pr.md"), REVIEW_PR);
    const server = await withApi(reply(text("reviewed")));
    const run = await runHone(["-p", "/review-pr 123 security", "--trust"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("reviewed");
    const prompt = firstPrompt(server.requests[0]!);
    expect(prompt).toContain("<command-name>/review-pr</command-name>");
    expect(prompt).toContain("<command-args>123 security</command-args>");
    expect(prompt).toContain("Review pull request #123 with focus on security.");
    expect(prompt).toContain("Everything typed: 123 security");
    expect(prompt).toContain("Branch: feature-branch");
    expect(prompt).not.toContain("!`echo");
  });

  test("the legacy setting makes $1 the first argument", async () => {
    const w = world();
    write(join(w.home, ".claude/settings.json"), JSON.stringify({ legacyPositionalArguments: true }));
    write(join(w.home, ".claude/commands/greet.md"), "Say hello to $1 and $2.\n");
    const server = await withApi(reply(text("ok")));
    const run = await runHone(["-p", "/greet Ada Grace"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(firstPrompt(server.requests[0]!)).toContain("Say hello to Ada and Grace.");
  });

  test("an untrusted project's command does not run its shell block: the run stops with the reason, nothing is sent", async () => {
    const w = world();
    const marker = join(w.dir, "ran.txt");
    write(join(w.dir, ".claude/commands/boom.md"), `---\nallowed-tools: Bash(touch:*)\n---\nRun: !\`touch ${marker}\`\n`);
    const server = await withApi(reply(text("should not be asked")));
    const run = await runHone(["-p", "/boom"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not trusted");
    expect(run.stderr).toContain("boom");
    expect(existsSync(marker)).toBe(false);
    expect(server.requests.length).toBe(0);
  });

  test("a shell block the permissions refuse aborts the command (no allowed-tools for it)", async () => {
    const w = world();
    const marker = join(w.dir, "ran.txt");
    write(join(w.home, ".claude/commands/sneaky.md"), `Result: !\`touch ${marker}\`\n`);
    const server = await withApi(reply(text("never")));
    const run = await runHone(["-p", "/sneaky"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("/sneaky");
    expect(existsSync(marker)).toBe(false);
    expect(server.requests.length).toBe(0);
  });

  test("disableSkillShellExecution refuses shell blocks", async () => {
    const w = world();
    write(join(w.home, ".claude/settings.json"), JSON.stringify({ disableSkillShellExecution: true }));
    write(join(w.home, ".claude/commands/show.md"), "Date: !`echo today`\n");
    const server = await withApi(reply(text("never")));
    const run = await runHone(["-p", "/show"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("disableSkillShellExecution");
  });

  test("@file mentions in a command body are inlined", async () => {
    const w = world();
    write(join(w.dir, "notes.txt"), "the secret sauce is ketchup\n");
    write(join(w.home, ".claude/commands/explain.md"), "Explain @notes.txt briefly.\n");
    const server = await withApi(reply(text("ok")));
    const run = await runHone(["-p", "/explain"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(firstPrompt(server.requests[0]!)).toContain("the secret sauce is ketchup");
  });

  test("unknown /names, paths and --disable-slash-commands send the prompt as typed", async () => {
    const w = world();
    write(join(w.home, ".claude/commands/review-pr.md"), REVIEW_PR);
    const server = await withApi(reply(text("a")), reply(text("b")));
    const unknown = await runHone(["-p", "/no-such-command please"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(unknown.code).toBe(0);
    expect(firstPrompt(server.requests[0]!)).toBe("/no-such-command please");
    const disabled = await runHone(["-p", "/review-pr 5", "--disable-slash-commands"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(disabled.code).toBe(0);
    expect(firstPrompt(server.requests[1]!)).toBe("/review-pr 5");
    expect(toolNames(server.requests[1]!)).not.toContain("Skill");
    expect(systemText(server.requests[1]!)).not.toContain("Skill tool");
  });

  test("a bundled skill runs as /review", async () => {
    const w = world();
    const server = await withApi(reply(text("no findings")));
    const run = await runHone(["-p", "/review HEAD~1"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    const prompt = firstPrompt(server.requests[0]!);
    expect(prompt).toContain("<command-name>/review</command-name>");
    expect(prompt).toContain("# Code review");
    expect(prompt).toContain("HEAD~1");
  });
});

describe("the Skill tool", () => {
  test("the listing names the skills; Skill loads the body with arguments, base directory and supporting files", async () => {
    const w = world();
    const skillDir = join(w.home, ".claude/skills/deploy");
    write(join(skillDir, "SKILL.md"), "---\nname: deploy\ndescription: Ship the service to an environment\n---\nDeploy to $ARGUMENTS using scripts/ship.sh.\n");
    write(join(skillDir, "scripts/ship.sh"), "echo shipping\n");
    write(join(w.home, ".claude/skills/hidden/SKILL.md"), "---\ndescription: only for people\ndisable-model-invocation: true\n---\nsecret body\n");
    const server = await withApi(reply(toolUse("Skill", { skill: "deploy", args: "staging" }, "s1")), reply(toolUse("Skill", { skill: "hidden" }, "s2")), reply(text("done")));
    const run = await runHone(["-p", "ship it"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    const system = systemText(server.requests[0]!);
    expect(system).toContain("deploy: Ship the service to an environment");
    expect(system).toContain("review:");
    expect(system).not.toContain("only for people");
    expect(toolNames(server.requests[0]!)).toContain("Skill");
    const loaded = toolResultText(server.requests[1]!, "s1");
    expect(loaded).toContain("Deploy to staging using scripts/ship.sh.");
    expect(loaded).toContain(`Base directory for this skill: ${skillDir}`);
    expect(loaded).toContain("scripts/ship.sh");
    const refused = toolResultText(server.requests[2]!, "s2");
    expect(refused).not.toContain("secret body");
  });

  test("a skill's allowed-tools (a YAML list) pre-approve its tools for the run: Write succeeds only after the skill loaded", async () => {
    const w = world();
    write(join(w.home, ".claude/skills/scribe/SKILL.md"), "---\ndescription: Writes notes\nallowed-tools:\n  - Write\n---\nWrite the note.\n");
    const before = join(w.dir, "before.txt");
    const after = join(w.dir, "after.txt");
    const server = await withApi(
      reply(toolUse("Write", { file_path: before, content: "x" }, "w1")),
      reply(toolUse("Skill", { skill: "scribe" }, "s1")),
      reply(toolUse("Write", { file_path: after, content: "y" }, "w2")),
      reply(text("done")),
    );
    const run = await runHone(["-p", "take notes", "--output-format", "json"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(existsSync(before)).toBe(false);
    expect(readFileSync(after, "utf8")).toBe("y");
    const denials = run.json().permission_denials as Array<{ tool_use_id: string }>;
    expect(denials.map((d) => d.tool_use_id)).toEqual(["w1"]);
  });

  test("a deny rule on Skill(name) blocks that skill", async () => {
    const w = world();
    write(join(w.home, ".claude/settings.json"), JSON.stringify({ permissions: { deny: ["Skill(deploy)"] } }));
    write(join(w.home, ".claude/skills/deploy/SKILL.md"), "---\ndescription: Ship it\n---\nDEPLOY BODY\n");
    const server = await withApi(reply(toolUse("Skill", { skill: "deploy" }, "s1")), reply(text("done")));
    const run = await runHone(["-p", "go"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(toolResultText(server.requests[1]!, "s1")).not.toContain("DEPLOY BODY");
  });
});

describe("plugins, agents and the init message", () => {
  function plugin(root: string): void {
    write(join(root, ".claude-plugin/plugin.json"), JSON.stringify({ name: "toolkit", version: "1.0.0", description: "test plugin" }));
    write(join(root, "commands/hello.md"), "---\ndescription: Say hello\n---\nSay hello to $ARGUMENTS from the toolkit.\n");
    write(join(root, "agents/helper.md"), "---\nname: helper\ndescription: Helps out\ntools: Read, Grep\n---\nYou help.\n");
    write(join(root, "skills/lint/SKILL.md"), "---\ndescription: Lint the code\n---\nRun the linter.\n");
    write(join(root, "hooks/hooks.json"), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: "command", command: `echo plugin-hook-ran > "${join(root, "hook.txt")}"` }] }] } }));
  }

  test("--plugin-dir brings commands (plugin:name), skills, agents and hooks; stream-json init lists them", async () => {
    const w = world();
    const root = join(tempProject("hone-plugin-"), "toolkit");
    plugin(root);
    write(join(w.dir, ".claude/agents/reviewer.md"), "---\nname: reviewer\ndescription: Reviews code\n---\nReview.\n");
    const server = await withApi(reply(text("hi")));
    const run = await runHone(["-p", "/toolkit:hello world", "--plugin-dir", root, "--output-format", "stream-json", "--verbose"], { cwd: w.dir, apiUrl: server.url, env: w.env });
    expect(run.code).toBe(0);
    expect(firstPrompt(server.requests[0]!)).toContain("Say hello to world from the toolkit.");
    expect(readFileSync(join(root, "hook.txt"), "utf8").trim()).toBe("plugin-hook-ran");
    const init = run.lines()[0]!;
    expect(init.subtype).toBe("init");
    expect(init.slash_commands).toEqual(expect.arrayContaining(["toolkit:hello", "toolkit:lint", "review", "commit"]));
    expect(init.skills).toEqual(expect.arrayContaining(["toolkit:lint", "review"]));
    expect(init.agents).toEqual(expect.arrayContaining(["reviewer"]));
    expect((init.agents as string[]).some((name) => name.endsWith("helper"))).toBe(true);
    expect(init.plugins).toEqual([{ name: "toolkit", path: root }]);
  });

  test("--agents with malformed JSON is a usage error naming the flag", async () => {
    const w = world();
    const run = await runHone(["-p", "hi", "--agents", "{not json"], { cwd: w.dir, apiUrl: "http://127.0.0.1:9", env: w.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--agents");
  });

  test("hone agents lists project, user and --agents definitions", async () => {
    const w = world();
    write(join(w.dir, ".claude/agents/reviewer.md"), "---\nname: reviewer\ndescription: Reviews code\ntools: Read, Grep\n---\nReview.\n");
    write(join(w.home, ".claude/agents/writer.md"), "---\nname: writer\ndescription: Writes docs\n---\nWrite.\n");
    const run = await runHone(["agents"], { cwd: w.dir, env: w.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("reviewer");
    expect(run.stdout).toContain("writer");
    expect(run.stdout).toContain("Reviews code");
  });
});

test("skills the model may not use are left out of the listing: a Skill(name) deny hides one, a bare Skill deny hides all", async () => {
  const w = world();
  write(join(w.home, ".claude/skills/deploy/SKILL.md"), "---\ndescription: Ship the service\n---\nbody\n");
  write(join(w.home, ".claude/settings.json"), JSON.stringify({ permissions: { deny: ["Skill(deploy)"] } }));
  const server = await withApi(reply(text("a")), reply(text("b")));
  expect((await runHone(["-p", "hi"], { cwd: w.dir, apiUrl: server.url, env: w.env })).code).toBe(0);
  expect(systemText(server.requests[0]!)).not.toContain("Ship the service");
  expect(systemText(server.requests[0]!)).toContain("review:");
  expect((await runHone(["-p", "hi", "--disallowedTools", "Skill"], { cwd: w.dir, apiUrl: server.url, env: w.env })).code).toBe(0);
  expect(toolNames(server.requests[1]!)).not.toContain("Skill");
  expect(systemText(server.requests[1]!)).not.toContain("review:");
});
