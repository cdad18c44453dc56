// hone's own skills (skills/<name>/SKILL.md in the repository). The compiled binary embeds that folder
// (build.ts `assets: ["skills"]`): Bun lists each file in Bun.embeddedFiles under its relative path
// ("skills/review/SKILL.md") and serves it through node:fs next to the bundled entry module. From
// source (bun test, Deno) the folder beside src/ is read instead. Only frontmatter is parsed up front.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SkillDef } from "./extension-types.ts";
import { boolField, listField, parseMarkdown, textField } from "./frontmatter.ts";
import { bunRuntime } from "./runtime.ts";

interface Source {
  /** The skill's folder name, which is its command name. */
  name: string;
  read(): string;
}

const EMBEDDED_NAME = /(?:^|\/)skills\/([^/]+)\/SKILL\.md$/;

/** The embedded SKILL.md files of a compiled binary; undefined when not running compiled. */
function embeddedSources(): Source[] | undefined {
  const files = bunRuntime()?.embeddedFiles ?? [];
  // Embedded assets are reachable through node:fs relative to the entry module's folder ($bunfs root).
  const root = dirname(fileURLToPath(import.meta.url));
  const sources: Source[] = [];
  for (const blob of files) {
    const name = (blob as Blob & { name?: string }).name ?? "";
    const m = EMBEDDED_NAME.exec(name);
    if (m?.[1]) sources.push({ name: m[1], read: () => readFileSync(join(root, name), "utf8") });
  }
  return sources.length > 0 ? sources : undefined;
}

/** The skills/ folder next to the source tree. */
function folderSources(): Source[] {
  const dir = fileURLToPath(new URL("../skills/", import.meta.url));
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
  return names.map((name) => ({ name, read: () => readFileSync(join(dir, name, "SKILL.md"), "utf8") }));
}

function skillFrom(source: Source): SkillDef | undefined {
  let parsed: ReturnType<typeof parseMarkdown>;
  try {
    parsed = parseMarkdown(source.read());
  } catch {
    return undefined; // a folder without SKILL.md (or a stray file) is not a skill
  }
  // Our own files: the bundled-skills test keeps them valid, so problems are dropped, not reported.
  if (!parsed.ok) return undefined;
  const { data, body } = parsed.value;
  const ignore = (): void => {};
  const skill: SkillDef = {
    name: source.name,
    kind: "skill",
    scope: "bundled",
    description: textField(data, "description", ignore) ?? "",
    allowedTools: listField(data, "allowed-tools", ignore) ?? [],
    disableModelInvocation: boolField(data, "disable-model-invocation", ignore) ?? false,
    userInvocable: boolField(data, "user-invocable", ignore) ?? true,
    // Built in: there is no folder on disk the model could read from a compiled binary.
    path: "",
    baseDir: "",
    frontmatter: data,
    body: () => body,
  };
  const whenToUse = textField(data, "when_to_use", ignore);
  if (whenToUse) skill.whenToUse = whenToUse;
  const argumentHint = textField(data, "argument-hint", ignore);
  if (argumentHint) skill.argumentHint = argumentHint;
  const model = textField(data, "model", ignore);
  if (model) skill.model = model;
  return skill;
}

let cached: SkillDef[] | undefined;

/** hone's bundled skills (scope "bundled"), sorted by name; read once per process. */
export function loadBundledSkills(): SkillDef[] {
  if (cached) return cached;
  const sources = embeddedSources() ?? folderSources();
  cached = sources
    .map(skillFrom)
    .filter((s): s is SkillDef => s !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return cached;
}

/** The bundled skills plus the loaded ones; a user's skill of the same name replaces the bundled one. */
export function withBundledSkills(loaded: SkillDef[]): SkillDef[] {
  const own = new Set(loaded.map((s) => s.name));
  return [...loadBundledSkills().filter((s) => !own.has(s.name)), ...loaded];
}
