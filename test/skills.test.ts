import { describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatWarning } from "../src/extensions.ts";
import { ExtensionFileError } from "../src/extension-files.ts";
import { fixture, skillText } from "./support/extension-fixture.ts";

describe("skills", () => {
  test("SKILL.md fields: the folder name is the name, lists and booleans in every spelling, frontmatter kept", () => {
    const f = fixture("skills");
    const file = f.put(
      join(f.home, ".claude", "skills", "commit-helper", "SKILL.md"),
      [
        "---",
        "name: Commit Helper Display Label",
        "description: Writes commit messages",
        "when_to_use: After staging changes",
        "argument-hint: [message]",
        "allowed-tools: Bash(git add:*), Bash(git status:*) Read",
        "user-invocable: no",
        "disable-model-invocation: 'yes'",
        "model: haiku",
        "license: MIT",
        "metadata:",
        "  owner: me",
        "---",
        "# Steps",
        "Do the thing.",
      ].join("\n"),
    );
    const { skills, warnings } = f.load();
    expect(warnings).toEqual([]);
    expect(skills).toHaveLength(1);
    const skill = skills[0]!;
    expect(skill).toMatchObject({
      name: "commit-helper",
      kind: "skill",
      scope: "user",
      description: "Writes commit messages",
      whenToUse: "After staging changes",
      argumentHint: "[message]",
      allowedTools: ["Bash(git add:*)", "Bash(git status:*)", "Read"],
      model: "haiku",
      disableModelInvocation: true,
      userInvocable: false,
      path: file,
      baseDir: join(f.home, ".claude", "skills", "commit-helper"),
    });
    expect(skill.frontmatter.license).toBe("MIT");
    expect(skill.frontmatter.metadata).toEqual({ owner: "me" });
    expect(skill.body()).toBe("# Steps\nDo the thing.");
  });

  test("allowed-tools as a YAML list; defaults when fields are absent", () => {
    const f = fixture("skills");
    f.put(join(f.project, ".claude", "skills", "lint", "SKILL.md"), "---\ndescription: Lint\nallowed-tools:\n  - Read\n  - Bash(npm run lint:*)\n---\nRun it.\n");
    const [skill] = f.load().skills;
    expect(skill).toMatchObject({ name: "lint", scope: "project", allowedTools: ["Read", "Bash(npm run lint:*)"], disableModelInvocation: false, userInvocable: true });
    expect(skill?.model).toBeUndefined();
    expect(skill?.argumentHint).toBeUndefined();
  });

  test("description falls back to the first paragraph of the body", () => {
    const f = fixture("skills");
    f.put(join(f.project, ".hone", "skills", "plain", "SKILL.md"), "\n\nFirst paragraph line one\ncontinues here.\n\nSecond paragraph.\n");
    f.put(join(f.project, ".hone", "skills", "headed", "SKILL.md"), "---\nname: headed\n---\n# The Heading\n\nText.\n");
    const byName = Object.fromEntries(f.load().skills.map((s) => [s.name, s.description]));
    expect(byName).toEqual({ headed: "The Heading", plain: "First paragraph line one continues here." });
  });

  test("user skills beat project skills; the closest project folder wins up to the git root", () => {
    const f = fixture("skills");
    mkdirSync(join(f.root, ".git"));
    const cwd = join(f.project, "packages", "app");
    f.put(join(f.home, ".hone", "skills", "shared", "SKILL.md"), skillText({ description: "user copy" }));
    f.put(join(f.project, ".claude", "skills", "shared", "SKILL.md"), skillText({ description: "project copy" }));
    f.put(join(f.project, ".claude", "skills", "deploy", "SKILL.md"), skillText({ description: "outer deploy" }));
    f.put(join(cwd, ".claude", "skills", "deploy", "SKILL.md"), skillText({ description: "inner deploy" }));
    f.put(join(f.root, ".claude", "skills", "rooted", "SKILL.md"), skillText({ description: "at the git root" }));
    const { skills, warnings } = f.load({ cwd });
    expect(warnings).toEqual([]);
    const byName = Object.fromEntries(skills.map((s) => [s.name, `${s.scope}: ${s.description}`]));
    expect(byName).toEqual({ shared: "user: user copy", deploy: "project: inner deploy", rooted: "project: at the git root" });
  });

  test("without a git root only cwd's own folders are read", () => {
    const f = fixture("skills");
    const cwd = join(f.project, "sub");
    f.put(join(f.project, ".claude", "skills", "parent-only", "SKILL.md"), skillText({ description: "x" }));
    f.put(join(cwd, ".claude", "skills", "here", "SKILL.md"), skillText({ description: "y" }));
    expect(f.load({ cwd }).skills.map((s) => s.name)).toEqual(["here"]);
  });

  test("a skill folder may be a symlink", () => {
    const f = fixture("skills");
    const real = join(f.root, "elsewhere", "real-skill");
    f.put(join(real, "SKILL.md"), skillText({ description: "linked in" }));
    mkdirSync(join(f.home, ".claude", "skills"), { recursive: true });
    symlinkSync(real, join(f.home, ".claude", "skills", "linked"));
    const [skill] = f.load().skills;
    expect(skill).toMatchObject({ name: "linked", description: "linked in", baseDir: join(f.home, ".claude", "skills", "linked") });
    expect(skill?.body()).toBe("Body text.\n");
  });

  test("a clash within one level is one warning naming both files and the one used", () => {
    const f = fixture("skills");
    const hone = f.put(join(f.home, ".hone", "skills", "x", "SKILL.md"), skillText({ description: "hone copy" }));
    const claude = f.put(join(f.home, ".claude", "skills", "x", "SKILL.md"), skillText({ description: "claude copy" }));
    const { skills, warnings } = f.load();
    expect(skills.map((s) => s.description)).toEqual(["hone copy"]);
    expect(warnings.map(formatWarning)).toEqual([`${claude}: skill "x" is also defined in ${hone}; that one is used and this one is ignored`]);
  });

  test("--add-dir folders add skills; two of them clashing warn once", () => {
    const f = fixture("skills");
    const a = join(f.root, "a");
    const b = join(f.root, "b");
    const first = f.put(join(a, ".claude", "skills", "dup", "SKILL.md"), skillText({ description: "from a" }));
    const second = f.put(join(b, ".hone", "skills", "dup", "SKILL.md"), skillText({ description: "from b" }));
    f.put(join(b, ".claude", "skills", "only-b", "SKILL.md"), skillText({ description: "b only" }));
    const { skills, warnings } = f.load({ addDirs: [a, "../b"] });
    expect(skills.map((s) => `${s.name}=${s.description}`)).toEqual(["dup=from a", "only-b=b only"]);
    expect(warnings).toEqual([{ file: second, message: `skill "dup" is also defined in ${first}; that one is used and this one is ignored` }]);
  });

  test("a skill beats a same-named command, silently", () => {
    const f = fixture("skills");
    f.put(join(f.project, ".claude", "skills", "review", "SKILL.md"), skillText({ description: "the skill" }));
    f.put(join(f.home, ".claude", "commands", "review.md"), "---\ndescription: the command\n---\nx\n");
    const { skills, warnings } = f.load();
    expect(warnings).toEqual([]);
    expect(skills.map((s) => `${s.kind}:${s.description}`)).toEqual(["skill:the skill"]);
  });

  test("the body is read when asked, in full, and picks up edits", () => {
    const f = fixture("skills");
    const file = f.put(join(f.project, ".claude", "skills", "big", "SKILL.md"), `---\ndescription: big\n---\n${"x".repeat(100_000)}\nEND\n`);
    const [skill] = f.load().skills;
    expect(skill?.body().length).toBe(100_005);
    appendFileSync(file, "more\n");
    expect(skill?.body().endsWith("END\nmore\n")).toBe(true);
  });

  test("a body over the limit: warning at load; a file that grows later makes body() throw a clear error", () => {
    const f = fixture("skills");
    const huge = f.put(join(f.project, ".claude", "skills", "huge", "SKILL.md"), `---\ndescription: huge\n---\n${"y".repeat(600 * 1024)}`);
    const grows = f.put(join(f.project, ".claude", "skills", "grows", "SKILL.md"), skillText({ description: "small now" }));
    const { skills, warnings } = f.load();
    expect(skills.map((s) => s.name)).toEqual(["grows"]);
    expect(warnings).toHaveLength(1);
    expect(formatWarning(warnings[0]!)).toBe(`${huge}: is 600 KB, over the 512 KB limit for a skill or command; skipped (move long material into separate files the skill points to)`);
    writeFileSync(grows, `---\ndescription: x\n---\n${"z".repeat(2 * 1024 * 1024)}`);
    expect(() => skills[0]!.body()).toThrow(ExtensionFileError);
    expect(() => skills[0]!.body()).toThrow(`${grows} is 2.0 MB, over the 512 KB limit`);
  });

  test("plugin skills are plugin:folder, or plugin:<frontmatter name>", () => {
    const f = fixture("skills");
    const plugin = join(f.root, "tools-plugin");
    f.put(join(plugin, ".claude-plugin", "plugin.json"), JSON.stringify({ name: "tools" }));
    f.put(join(plugin, "skills", "pdf", "SKILL.md"), skillText({ name: "pdf-extract", description: "PDFs" }));
    f.put(join(plugin, "skills", "csv", "SKILL.md"), skillText({ description: "CSVs" }));
    f.put(join(f.home, ".claude", "skills", "csv", "SKILL.md"), skillText({ description: "user csv" }));
    const { skills, warnings } = f.load({ pluginDirs: [plugin] });
    expect(warnings).toEqual([]);
    expect(skills.map((s) => `${s.name}|${s.scope}|${s.plugin ?? ""}`)).toEqual(["csv|user|", "tools:csv|plugin|tools", "tools:pdf-extract|plugin|tools"]);
  });
});
