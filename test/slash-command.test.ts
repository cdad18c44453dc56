import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExpansionError, type ShellRun } from "../src/command-expand.ts";
import {
  buildCommandMessage,
  expandInvocation,
  fileMentionReader,
  matchSlashCommand,
  MAX_SKILL_BODY_CHARS,
  nearSkillNames,
  parseSlashPrompt,
  resolveSkill,
  type InvocationDeps,
} from "../src/slash-command.ts";
import { skillDef, skillOnDisk } from "./support/skill-defs.ts";

const realShell: ShellRun = async (cmd) => {
  const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
  return r.status === 0 ? { ok: true, output: r.stdout } : { ok: false, error: `exit ${r.status}` };
};
const deps = (over: Partial<InvocationDeps> = {}): InvocationDeps => ({
  positional: "zero",
  vars: { CLAUDE_SESSION_ID: "sess-1" },
  run: realShell,
  readFile: () => undefined,
  ...over,
});

describe("parseSlashPrompt", () => {
  test("names with : - _ . and arguments after whitespace", () => {
    expect(parseSlashPrompt("/review-pr 123 high")).toEqual({ name: "review-pr", args: "123 high" });
    expect(parseSlashPrompt("/my-plugin:deploy.prod_v2")).toEqual({ name: "my-plugin:deploy.prod_v2", args: "" });
    expect(parseSlashPrompt("  /fix\n  multi\nline  ")).toEqual({ name: "fix", args: "multi\nline" });
  });

  test("paths and prose are not commands", () => {
    expect(parseSlashPrompt("/usr/bin/x --help")).toBeUndefined();
    expect(parseSlashPrompt("/tmp/")).toBeUndefined();
    expect(parseSlashPrompt("please /review")).toBeUndefined();
    expect(parseSlashPrompt("/")).toBeUndefined();
    expect(parseSlashPrompt("/ review")).toBeUndefined();
  });
});

describe("resolveSkill", () => {
  const registry = [
    skillDef("review"),
    skillDef("tools:lint", { plugin: "tools", scope: "plugin" }),
    skillDef("a:deploy", { plugin: "a", scope: "plugin" }),
    skillDef("b:deploy", { plugin: "b", scope: "plugin" }),
  ];

  test("exact names, plugin:name, and a bare plugin name when unambiguous", () => {
    expect(resolveSkill(registry, "review")?.name).toBe("review");
    expect(resolveSkill(registry, "/review")?.name).toBe("review");
    expect(resolveSkill(registry, "tools:lint")?.name).toBe("tools:lint");
    expect(resolveSkill(registry, "lint")?.name).toBe("tools:lint");
    expect(resolveSkill(registry, "deploy")).toBeUndefined();
    expect(resolveSkill(registry, "b:deploy")?.name).toBe("b:deploy");
    expect(resolveSkill(registry, "x:lint")).toBeUndefined();
    expect(resolveSkill(registry, "nope")).toBeUndefined();
  });

  test("matchSlashCommand needs a registered, user-invocable name", () => {
    const withHidden = [...registry, skillDef("bg", { userInvocable: false })];
    expect(matchSlashCommand(withHidden, "/lint src")).toMatchObject({ skill: { name: "tools:lint" }, args: "src" });
    expect(matchSlashCommand(withHidden, "/bin/ls")).toBeUndefined();
    expect(matchSlashCommand(withHidden, "/unknown thing")).toBeUndefined();
    expect(matchSlashCommand(withHidden, "/bg")).toBeUndefined();
  });

  test("near names for messages", () => {
    const names = ["review", "review-pr", "commit", "tools:lint", "simplify"];
    expect(nearSkillNames(names, "reveiw")).toEqual(["review", "review-pr"]);
    expect(nearSkillNames(names, "xyz")).toEqual([]);
    expect(nearSkillNames(names, "review")).toEqual(["review", "review-pr"]);
    expect(nearSkillNames(names, "lint")).toEqual(["tools:lint"]);
    expect(nearSkillNames(names, "simple")).toEqual(["simplify"]);
  });
});

describe("buildCommandMessage", () => {
  test("command tags then the prompt; skills get their base directory", () => {
    const cmd = skillDef("fix", { kind: "command", baseDir: "/p/.claude/commands" });
    expect(buildCommandMessage(cmd, "12", "Fix 12")).toBe(
      "<command-message>fix is running…</command-message>\n<command-name>/fix</command-name>\n<command-args>12</command-args>\n\nFix 12",
    );
    const skill = skillDef("pdf", { baseDir: "/p/.claude/skills/pdf" });
    expect(buildCommandMessage(skill, "", "Body")).toEndWith("<command-args></command-args>\n\nBase directory for this skill: /p/.claude/skills/pdf\n\nBody");
  });
});

describe("expandInvocation", () => {
  test("body → arguments, vars, shell output and file mentions in one pass", async () => {
    const project = mkdtempSync(join(tmpdir(), "hone-proj-"));
    writeFileSync(join(project, "spec.md"), "the spec\n");
    const skill = skillOnDisk("ship", "Ship $0 from ${CLAUDE_SKILL_DIR} (session ${CLAUDE_SESSION_ID}).\nBranch: !`echo $0-branch`\nSee @spec.md", {}, {
      allowedTools: ["Bash(git push:*)"],
      model: "haiku",
      frontmatter: { arguments: ["target"] },
    });
    const result = await expandInvocation(skill, "prod", deps({ readFile: fileMentionReader({ cwd: project, home: project }) }));
    expect(result.text).toBe(
      `Ship prod from ${skill.baseDir} (session sess-1).\nBranch: prod-branch\nSee @spec.md\n\n<file path="spec.md">\nthe spec\n</file>`,
    );
    expect(result.allowedTools).toEqual(["Bash(git push:*)"]);
    expect(result.model).toBe("haiku");
  });

  test("named arguments from a frontmatter string", async () => {
    const skill = skillDef("n", { text: "pr=$pr prio=$prio", frontmatter: { arguments: "pr, prio" } });
    expect((await expandInvocation(skill, "7", deps())).text).toBe("pr=7 prio=");
  });

  test("legacy positional setting", async () => {
    const skill = skillDef("n", { text: "first=$1" });
    expect((await expandInvocation(skill, "a b", deps({ positional: "one" }))).text).toBe("first=a");
  });

  test("an unreadable body, an oversized body and a failing command are clear errors", async () => {
    const gone = skillOnDisk("gone", "x");
    rmSync(gone.path);
    await expect(expandInvocation(gone, "", deps())).rejects.toThrow(/\/gone: cannot read .*SKILL\.md: ENOENT/);
    const huge = skillDef("huge", { text: "x".repeat(MAX_SKILL_BODY_CHARS + 1), path: "/s/huge/SKILL.md" });
    await expect(expandInvocation(huge, "", deps())).rejects.toThrow(/\/huge: \/s\/huge\/SKILL.md is \d+ characters, over the/);
    const failing = skillDef("bad", { text: "!`exit 4`" });
    const error = await expandInvocation(failing, "", deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpansionError);
    expect((error as ExpansionError).message).toBe("/bad: the command `exit 4` did not run: exit 4");
    expect((error as ExpansionError).command).toBe("exit 4");
  });
});

describe("fileMentionReader", () => {
  test("regular text files only, relative to cwd or home, subject to canRead, heads of big files", () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-read-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "a.txt"), "A\n");
    writeFileSync(join(dir, "bin.dat"), new Uint8Array([1, 0, 2]));
    writeFileSync(join(dir, "secret.txt"), "S");
    writeFileSync(join(dir, "big.txt"), "line\n".repeat(100_000));
    const read = fileMentionReader({ cwd: dir, home: join(dir, "sub"), canRead: (abs) => !abs.endsWith("secret.txt") });
    expect(read("a.txt")).toBe("A\n");
    expect(read(join(dir, "a.txt"))).toBe("A\n");
    expect(read("sub")).toBeUndefined();
    expect(read("bin.dat")).toBeUndefined();
    expect(read("secret.txt")).toBeUndefined();
    expect(read("missing.txt")).toBeUndefined();
    expect(read("~/../a.txt")).toBe("A\n");
    const big = read("big.txt") ?? "";
    expect(big.length).toBeLessThan(60_000);
    expect(big).toEndWith("[truncated: only the start of this 500000-byte file is shown]");
  });
});
