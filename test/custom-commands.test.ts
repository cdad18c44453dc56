import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { formatWarning } from "../src/extensions.ts";
import { fixture } from "./support/extension-fixture.ts";

describe("markdown commands", () => {
  test("name from the file, subfolders only namespace it, fields shared with skills", () => {
    const f = fixture("cmds");
    const dir = join(f.project, ".claude", "commands");
    f.put(join(dir, "fix-issue.md"), "---\ndescription: Fix an issue\nargument-hint: [issue-number] [priority]\nallowed-tools: Bash(gh issue view:*), Edit\nmodel: sonnet\ndisable-model-invocation: on\n---\nFix issue $ARGUMENTS.\n");
    const nested = f.put(join(dir, "frontend", "forms", "component.md"), "Create a component named $1.\n\nMore.\n");
    const { skills, warnings } = f.load();
    expect(warnings).toEqual([]);
    expect(skills.map((s) => [s.name, s.namespace ?? "", s.kind, s.scope])).toEqual([
      ["fix-issue", "", "command", "project"],
      ["component", "frontend:forms", "command", "project"],
    ]);
    const [fix, component] = skills;
    expect(component).toMatchObject({ description: "Create a component named $1.", path: nested, baseDir: join(dir, "frontend", "forms") });
    expect(fix).toMatchObject({
      description: "Fix an issue",
      argumentHint: "[issue-number] [priority]",
      allowedTools: ["Bash(gh issue view:*)", "Edit"],
      model: "sonnet",
      disableModelInvocation: true,
      userInvocable: true,
    });
    expect(fix?.body()).toBe("Fix issue $ARGUMENTS.\n");
  });

  test("description falls back to the first line, heading marks removed; argument-hint as a YAML list keeps its brackets", () => {
    const f = fixture("cmds");
    f.put(join(f.home, ".claude", "commands", "scaffold.md"), "\n# React Component Scaffolding\n\nYou are an expert.\n");
    f.put(join(f.home, ".hone", "commands", "tag.md"), "---\nargument-hint: [version]\n---\nTag it.\n");
    const byName = Object.fromEntries(f.load().skills.map((s) => [s.name, [s.scope, s.description, s.argumentHint ?? ""]]));
    expect(byName).toEqual({ scaffold: ["user", "React Component Scaffolding", ""], tag: ["user", "Tag it.", "[version]"] });
  });

  test("user commands beat project ones; commands in .hone and .claude of one folder clash with a warning", () => {
    const f = fixture("cmds");
    f.put(join(f.home, ".claude", "commands", "deploy.md"), "---\ndescription: user deploy\n---\n");
    f.put(join(f.project, ".claude", "commands", "deploy.md"), "---\ndescription: project deploy\n---\n");
    const kept = f.put(join(f.project, ".hone", "commands", "lint.md"), "---\ndescription: hone lint\n---\n");
    const dropped = f.put(join(f.project, ".claude", "commands", "sub", "lint.md"), "---\ndescription: claude lint\n---\n");
    const { skills, warnings } = f.load();
    expect(skills.map((s) => `${s.name}:${s.description}`)).toEqual(["deploy:user deploy", "lint:hone lint"]);
    expect(warnings.map(formatWarning)).toEqual([`${dropped}: command "lint" is also defined in ${kept}; that one is used and this one is ignored`]);
  });

  test("plugin commands are plugin:name; a SKILL.md inside a commands folder is that folder's command", () => {
    const f = fixture("cmds");
    const plugin = join(f.root, "p");
    f.put(join(plugin, ".claude-plugin", "plugin.json"), '{"name": "git-tools"}');
    f.put(join(plugin, "commands", "commit.md"), "---\ndescription: Commit\n---\n");
    f.put(join(plugin, "commands", "nested", "push.md"), "Push it\n");
    f.put(join(f.project, ".claude", "commands", "legacy", "SKILL.md"), "---\ndescription: legacy layout\n---\n");
    const { skills, warnings } = f.load({ pluginDirs: [plugin] });
    expect(warnings).toEqual([]);
    expect(skills.map((s) => [s.name, s.namespace ?? "", s.plugin ?? "", s.description])).toEqual([
      ["legacy", "", "", "legacy layout"],
      ["git-tools:commit", "", "git-tools", "Commit"],
      ["git-tools:push", "nested", "git-tools", "Push it"],
    ]);
  });

  test("a folder named x.md, a dangling symlink and a symlink loop: one warning each, the rest loads", () => {
    const f = fixture("cmds");
    const dir = join(f.project, ".claude", "commands");
    f.put(join(dir, "good.md"), "---\ndescription: good\n---\n");
    mkdirSync(join(dir, "folder.md"));
    symlinkSync(join(f.root, "nowhere.md"), join(dir, "dangling.md"));
    symlinkSync(join(dir, "loop-b.md"), join(dir, "loop-a.md"));
    symlinkSync(join(dir, "loop-a.md"), join(dir, "loop-b.md"));
    mkdirSync(join(dir, "sub"));
    symlinkSync(dir, join(dir, "sub", "back-up"));
    const { skills, warnings } = f.load();
    expect(skills.map((s) => s.name)).toEqual(["good"]);
    expect(warnings.map(formatWarning)).toEqual([
      `${join(dir, "dangling.md")}: is a broken symbolic link (its target ${join(f.root, "nowhere.md")} does not exist); skipped`,
      `${join(dir, "folder.md")}: is a folder, not a markdown file; skipped`,
      `${join(dir, "loop-a.md")}: is a symbolic link loop; skipped`,
      `${join(dir, "loop-b.md")}: is a symbolic link loop; skipped`,
      `${join(dir, "sub", "back-up")}: leads back to ${dir}, which is already scanned (symbolic link loop); not followed`,
    ]);
  });
});
