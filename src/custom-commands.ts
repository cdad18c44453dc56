// Loads markdown slash commands: every `*.md` under a commands folder is `/name` (the file name without
// `.md`). Subfolders only namespace the description ("(project:frontend)"); plugin commands are
// `plugin:name`. The body is read when the command runs.
import { basename, dirname } from "node:path";
import { markdownFiles } from "./extension-files.ts";
import type { LoadWarning, SkillDef } from "./extension-types.ts";
import { firstLine, lazyBody, readMarkdownHead, skillFields, type ExtensionOrigin } from "./skills.ts";

/** Loads one command file; `subdirs` are the folders between the commands root and the file. */
export function loadCommand(file: string, subdirs: string[], origin: ExtensionOrigin, warnings: LoadWarning[]): SkillDef | undefined {
  const head = readMarkdownHead(file, warnings);
  if (!head) return undefined;
  const fields = skillFields(head, warnings);
  // A `SKILL.md` in a commands folder is the folder's command (the skill layout, kept where it was put).
  const skillLayout = basename(file) === "SKILL.md" && subdirs.length > 0;
  const base = skillLayout ? (subdirs[subdirs.length - 1] ?? "") : basename(file, ".md");
  const namespace = (skillLayout ? subdirs.slice(0, -1) : subdirs).join(":");
  return {
    name: origin.plugin === undefined ? base : `${origin.plugin}:${base}`,
    kind: "command",
    scope: origin.scope,
    ...fields,
    description: fields.description || firstLine(head.markdown.body),
    path: file,
    baseDir: dirname(file),
    ...(namespace ? { namespace } : {}),
    ...(origin.plugin === undefined ? {} : { plugin: origin.plugin }),
    frontmatter: head.markdown.data,
    body: lazyBody(file),
  };
}

/** Every command under `root` (recursively), in path order. */
export function scanCommands(root: string, origin: ExtensionOrigin, warnings: LoadWarning[]): SkillDef[] {
  return markdownFiles(root, warnings).flatMap(({ path, subdirs }) => loadCommand(path, subdirs, origin, warnings) ?? []);
}
