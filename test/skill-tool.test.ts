import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SkillDef } from "../src/extension-types.ts";
import { expandInvocation } from "../src/slash-command.ts";
import { toolSchema } from "../src/tool.ts";
import { createSkillTool, type SkillToolDeps } from "../src/tools/skill.ts";
import { harness } from "./support/tool-harness.ts";
import { skillDef, skillOnDisk } from "./support/skill-defs.ts";

/** The real pipeline with a real shell, as the integrator wires it (minus permission checks). */
function tool(skills: SkillDef[], grants: Array<[string, string[]]> = []) {
  const expand: SkillToolDeps["expand"] = (skill, args) =>
    expandInvocation(skill, args, {
      positional: "zero",
      vars: {},
      run: async (cmd) => {
        const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
        return r.status === 0 ? { ok: true, output: r.stdout } : { ok: false, error: `exit ${r.status}: ${r.stderr.trim()}` };
      },
      readFile: () => undefined,
    });
  return createSkillTool({ skills: () => skills, expand, onGrant: (s, tools) => grants.push([s.name, tools]) });
}

describe("Skill tool", () => {
  test("schema and flags", () => {
    const t = tool([]);
    expect(t.name).toBe("Skill");
    expect(t.readOnly).toBe(true);
    const schema = toolSchema(t);
    expect(Object.keys(schema.input_schema.properties as object)).toEqual(["skill", "args"]);
    expect(schema.input_schema.required).toEqual(["skill"]);
    expect(t.description.length).toBeLessThan(900);
  });

  test("returns the expanded body with its base directory and supporting files", async () => {
    const skill = skillOnDisk("pdf", "Extract $ARGUMENTS using scripts/extract.py (see reference.md).", {
      "reference.md": "ref",
      "scripts/extract.py": "print()",
      ".hidden": "x",
      "node_modules/dep/index.js": "x",
    }, { allowedTools: ["Bash(python:*)"] });
    const grants: Array<[string, string[]]> = [];
    const h = harness();
    const r = await h.call(tool([skill], grants), { skill: "pdf", args: "invoice.pdf" });
    expect(r.isError).toBeFalsy();
    expect(r.text).toBe(
      `Base directory for this skill: ${skill.baseDir}\n\nExtract invoice.pdf using scripts/extract.py (see reference.md).\n\n` +
        "Supporting files in the base directory (read them with Read, or run scripts with Bash, when the instructions above refer to them):\n" +
        "- reference.md\n- scripts/extract.py",
    );
    expect(grants).toEqual([["pdf", ["Bash(python:*)"]]]);
    expect(r.structured).toEqual({ success: true, commandName: "pdf", allowedTools: ["Bash(python:*)"] });
  });

  test("lists at most 30 supporting files", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 45; i++) files[`ref/${String(i).padStart(2, "0")}.md`] = "x";
    const skill = skillOnDisk("many", "Body", files);
    const r = await harness().call(tool([skill]), { skill: "many" });
    expect(r.text.match(/^- ref\//gm)).toHaveLength(30);
    expect(r.text).toContain("- ref/29.md\n- …and more");
  });

  test("commands and folderless skills get neither base directory nor file list", async () => {
    const cmd = skillDef("fix", { kind: "command", baseDir: "/somewhere/commands", text: "Fix it." });
    const r = await harness().call(tool([cmd]), { skill: "/fix" });
    expect(r.text).toBe("Fix it.");
  });

  test("identical re-invocation in a session is a short note; new content or a new session is not", async () => {
    const skill = skillOnDisk("once", "Do $ARGUMENTS carefully.");
    const grants: Array<[string, string[]]> = [];
    const t = tool([skill], grants);
    const h = harness();
    const first = await h.call(t, { skill: "once", args: "a" });
    expect(first.text).toContain("Do a carefully.");
    const again = await h.call(t, { skill: "once", args: "a" });
    expect(again.isError).toBeFalsy();
    expect(again.text).toBe('The skill "once" is already loaded above with the same content; follow those instructions.');
    expect((await h.call(t, { skill: "once", args: "b" })).text).toContain("Do b carefully.");
    writeFileSync(skill.path, "---\nname: once\n---\nEdited $ARGUMENTS.");
    expect((await h.call(t, { skill: "once", args: "a" })).text).toContain("Edited a.");
    expect((await h.call(t, { skill: "once", args: "a" })).text).toContain("already loaded above");
    // Another session has seen nothing yet.
    expect((await harness().call(t, { skill: "once", args: "a" })).text).toContain("Edited a.");
    t.forgetLoaded(h.state.id);
    expect((await h.call(t, { skill: "once", args: "a" })).text).toContain("Edited a.");
    expect(grants).toHaveLength(7);
  });

  test("unknown skills name near matches or what exists", async () => {
    const skills = [skillDef("review"), skillDef("review-pr"), skillDef("secret", { disableModelInvocation: true })];
    const near = await harness().call(tool(skills), { skill: "reviw" });
    expect(near.isError).toBe(true);
    expect(near.text).toContain('Unknown skill "reviw". Did you mean: review, review-pr?');
    const none = await harness().call(tool(skills), { skill: "zzz" });
    expect(none.text).toContain('Unknown skill "zzz". Available skills: review, review-pr.');
    expect(none.text).not.toContain("secret");
    expect((await harness().call(tool([]), { skill: "x" })).text).toContain("no skills are available");
  });

  test("user-only skills are refused", async () => {
    const r = await harness().call(tool([skillDef("deploy", { disableModelInvocation: true })]), { skill: "deploy" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("can only be run by the user (typing /deploy)");
  });

  test("expansion failures become tool errors and grant nothing", async () => {
    const grants: Array<[string, string[]]> = [];
    const bad = skillDef("bad", { text: "State: !`echo nope >&2; exit 2`" });
    const r = await harness().call(tool([bad], grants), { skill: "bad" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('The skill "bad" could not be loaded: /bad: the command `echo nope >&2; exit 2` did not run: exit 2: nope');
    expect(grants).toEqual([]);
  });

  test("plugin skills by full or unambiguous bare name", async () => {
    const p = skillDef("kit:lint", { plugin: "kit", scope: "plugin", text: "Lint!" });
    expect((await harness().call(tool([p]), { skill: "kit:lint" })).text).toBe("Lint!");
    expect((await harness().call(tool([p]), { skill: "lint" })).text).toBe("Lint!");
  });

  test("a name typed with its arguments in `skill` still works", async () => {
    const s = skillDef("fix", { kind: "command", text: "Fix $ARGUMENTS" });
    expect((await harness().call(tool([s]), { skill: "/fix 12 now" })).text).toBe("Fix 12 now");
    expect((await harness().call(tool([s]), { skill: "fix 12", args: "more" })).text).toBe("Fix 12 more");
  });

  test("a missing folder still returns the body", async () => {
    const skill = skillDef("ghost", { baseDir: join("/nonexistent", "ghost"), text: "Boo" });
    const r = await harness().call(tool([skill]), { skill: "ghost" });
    expect(r.text).toBe("Base directory for this skill: /nonexistent/ghost\n\nBoo");
  });
});
