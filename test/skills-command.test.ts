import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { skillsCommand } from "../src/skills-command.ts";
import { SUBCOMMANDS } from "../src/subcommands.ts";
import { captureIO } from "./support/command-io.ts";
import { fixture } from "./support/extension-fixture.ts";

describe("hone skills", () => {
  test("lists skills and commands with kind, scope, namespace and who may invoke them", async () => {
    const f = fixture("skills-cmd");
    const skill = f.put(join(f.home, ".claude", "skills", "pdf", "SKILL.md"), "---\ndescription: Read PDFs\nallowed-tools: Read, Bash(pdftotext:*)\n---\nx\n");
    const hidden = f.put(join(f.project, ".claude", "skills", "internal", "SKILL.md"), "---\ndescription: Model only\nuser-invocable: false\nmodel: haiku\n---\nx\n");
    const command = f.put(join(f.project, ".claude", "commands", "frontend", "component.md"), "---\ndescription: Make a component\nargument-hint: <name>\ndisable-model-invocation: true\n---\nx\n");
    const broken = f.put(join(f.project, ".claude", "commands", "broken.md"), "---\ndescription: x\n");
    const add = join(f.root, "extra");
    const extra = f.put(join(add, ".claude", "skills", "extra", "SKILL.md"), "Extra skill from an added folder.\n");
    const io = captureIO(f.project, f.home);
    expect(await skillsCommand(["--add-dir", add], io)).toBe(0);
    expect(io.stdout).toBe(
      [
        `Skills and commands for ${f.project} (3 skills, 1 command):`,
        "",
        "/pdf  (skill, user; user and model)",
        "  Read PDFs",
        "  allowed tools: Read, Bash(pdftotext:*)",
        `  from: ${skill}`,
        "",
        "/internal  (skill, project; model only)",
        "  Model only",
        "  model: haiku",
        `  from: ${hidden}`,
        "",
        "/extra  (skill, project; user and model)",
        "  Extra skill from an added folder.",
        `  from: ${extra}`,
        "",
        "/component <name>  (command, project:frontend; user only)",
        "  Make a component",
        `  from: ${command}`,
        "",
        "Built into hone: /commit, /debug, /init, /review, /simplify",
        "",
      ].join("\n"),
    );
    expect(io.stderr).toBe(`Warnings:\n  - ${broken}:1: frontmatter opened with '---' on line 1 is never closed with a '---' line; skipped\n`);
  });

  test("--json gives every field scripts need", async () => {
    const f = fixture("skills-cmd");
    const plugin = join(f.root, "p");
    f.put(join(plugin, ".claude-plugin", "plugin.json"), '{"name": "kit"}');
    const file = f.put(join(plugin, "commands", "go.md"), "---\ndescription: Go\nwhen_to_use: When going\nargument-hint: [where]\n---\n");
    const io = captureIO(f.project, f.home);
    expect(await skillsCommand(["--json", `--plugin-dir=${plugin}`], io)).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({
      cwd: f.project,
      bundled: ["commit", "debug", "init", "review", "simplify"],
      skills: [
        {
          name: "kit:go",
          kind: "command",
          scope: "plugin",
          plugin: "kit",
          description: "Go",
          whenToUse: "When going",
          argumentHint: "[where]",
          allowedTools: [],
          model: null,
          modelInvocable: true,
          userInvocable: true,
          path: file,
        },
      ],
      warnings: [],
    });
    expect(io.stderr).toBe("");
  });

  test("unknown flags (including --agents, which only hone agents takes) exit 2", async () => {
    const f = fixture("skills-cmd");
    for (const args of [["--verbose"], ["--agents", "{}"], ["--add-dir"]]) {
      const io = captureIO(f.project, f.home);
      expect(await skillsCommand(args, io)).toBe(2);
      expect(io.stderr).toStartWith("hone skills: ");
      expect(io.stderr).toContain("Usage: hone skills");
    }
  });

  test("is registered in the subcommand table", async () => {
    const f = fixture("skills-cmd");
    const io = captureIO(f.project, f.home);
    expect(await SUBCOMMANDS.skills?.run([], io)).toBe(0);
    expect(io.stdout).toBe(`No skills or commands found for ${f.project}.\n\nBuilt into hone: /commit, /debug, /init, /review, /simplify\n`);
  });
});
