// Builds SkillDef objects for tests (skills without a loader), optionally backed by a real folder.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { SkillDef } from "../../src/extension-types.ts";

/** A skill whose body() returns `body` (or throws when body is an Error). */
export function skillDef(name: string, over: Partial<SkillDef> & { text?: string | Error } = {}): SkillDef {
  const { text, ...rest } = over;
  return {
    name,
    kind: "skill",
    scope: "project",
    description: `${name} description`,
    allowedTools: [],
    disableModelInvocation: false,
    userInvocable: true,
    path: "",
    baseDir: "",
    frontmatter: {},
    body: () => {
      if (text instanceof Error) throw text;
      return text ?? `Body of ${name}.`;
    },
    ...rest,
  };
}

/** A skill in a real temp folder: SKILL.md plus the given supporting files; body() reads the file. */
export function skillOnDisk(name: string, body: string, files: Record<string, string> = {}, over: Partial<SkillDef> = {}): SkillDef {
  const baseDir = join(mkdtempSync(join(tmpdir(), "hone-skill-")), name);
  mkdirSync(baseDir, { recursive: true });
  const path = join(baseDir, "SKILL.md");
  writeFileSync(path, `---\nname: ${name}\n---\n${body}`);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(baseDir, rel)), { recursive: true });
    writeFileSync(join(baseDir, rel), content);
  }
  return skillDef(name, { path, baseDir, body: () => readFileSync(path, "utf8").replace(/^---\n[\s\S]*?\n---\n/, ""), ...over });
}
