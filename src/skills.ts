// Loads skills: `<root>/<name>/SKILL.md`, the folder name being the skill's name (in plugins the
// frontmatter `name` replaces it, after the `plugin:` prefix). Only the head of SKILL.md is read here;
// the body is read when the skill is used (SkillDef.body()), and an oversized file is refused.
import { basename, join } from "node:path";
import { BODY_LIMIT, fileProblem, formatSize, listEntries, readHead, readWhole, HEAD_BYTES } from "./extension-files.ts";
import type { ExtensionScope, LoadWarning, SkillDef } from "./extension-types.ts";
import { boolField, listField, markdownBody, parseMarkdown, textField, type Markdown } from "./frontmatter.ts";

export interface ExtensionOrigin {
  scope: ExtensionScope;
  plugin?: string;
}

const FALLBACK_LIMIT = 1024;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > FALLBACK_LIMIT ? `${flat.slice(0, FALLBACK_LIMIT - 1)}…` : flat;
}

const stripHeading = (line: string) => line.replace(/^#{1,6}\s+/, "");

/** The body's first paragraph (a heading counts as one), for skills without a description. */
export function firstParagraph(body: string): string {
  const lines = body.split("\n");
  const start = lines.findIndex((l) => l.trim() !== "");
  if (start < 0) return "";
  const first = lines[start] ?? "";
  if (/^#{1,6}\s/.test(first)) return clip(stripHeading(first));
  const end = lines.findIndex((l, i) => i > start && (l.trim() === "" || /^#{1,6}\s/.test(l)));
  return clip(lines.slice(start, end < 0 ? undefined : end).join(" "));
}

/** The body's first non-empty line, for commands without a description. */
export function firstLine(body: string): string {
  const line = body.split("\n").find((l) => l.trim() !== "");
  return line === undefined ? "" : clip(stripHeading(line.trim()));
}

export interface MarkdownHead {
  file: string;
  markdown: Markdown;
}

/** Reads and parses the head of a skill or command file; one warning and undefined when it cannot be used. */
export function readMarkdownHead(file: string, warnings: LoadWarning[]): MarkdownHead | undefined {
  const read = readHead(file);
  if (!read.ok) {
    warnings.push({ file, message: `${read.message}; skipped` });
    return undefined;
  }
  const { head } = read;
  if (head.size > BODY_LIMIT) {
    warnings.push({ file, message: `is ${formatSize(head.size)}, over the ${formatSize(BODY_LIMIT)} limit for a skill or command; skipped (move long material into separate files the skill points to)` });
    return undefined;
  }
  const parsed = parseMarkdown(head.text);
  if (!parsed.ok) {
    const unclosed = !head.complete && parsed.line === 1;
    const message = unclosed ? `frontmatter is not closed within the first ${formatSize(HEAD_BYTES)}` : parsed.message;
    warnings.push({ file, ...(parsed.line === undefined ? {} : { line: parsed.line }), message: `${message}; skipped` });
    return undefined;
  }
  return { file, markdown: parsed.value };
}

/** The fields skills and commands share (one mechanism since Claude Code 2.1.3). */
export function skillFields(head: MarkdownHead, warnings: LoadWarning[]) {
  const { data, keyLines } = head.markdown;
  const warn = (key: string, message: string) => {
    const line = keyLines[key];
    warnings.push({ file: head.file, ...(line === undefined ? {} : { line }), message });
  };
  const hint = data["argument-hint"];
  // `argument-hint: [pr-number]` is a YAML list; the author meant the brackets literally.
  const argumentHint = Array.isArray(hint) && hint.every((h) => typeof h === "string") ? hint.map((h) => `[${h}]`).join(" ") : textField(data, "argument-hint", warn);
  const whenToUse = textField(data, "when_to_use", warn);
  const model = textField(data, "model", warn);
  return {
    description: textField(data, "description", warn) ?? "",
    ...(whenToUse ? { whenToUse } : {}),
    ...(argumentHint ? { argumentHint } : {}),
    allowedTools: listField(data, "allowed-tools", warn) ?? [],
    ...(model ? { model } : {}),
    disableModelInvocation: boolField(data, "disable-model-invocation", warn) ?? false,
    userInvocable: boolField(data, "user-invocable", warn) ?? true,
  };
}

/** Reads the body on demand; a file that grew past the limit or vanished throws ExtensionFileError. */
export function lazyBody(file: string): () => string {
  return () => markdownBody(readWhole(file));
}

const PLUGIN_SKILL_NAME = /^[^\s:/\\]+$/;

/** Loads `<dir>/SKILL.md` as skill `dirName` (plugin skills: `plugin:<frontmatter name or dirName>`). */
export function loadSkill(dir: string, origin: ExtensionOrigin, warnings: LoadWarning[]): SkillDef | undefined {
  const file = join(dir, "SKILL.md");
  const head = readMarkdownHead(file, warnings);
  if (!head) return undefined;
  const fields = skillFields(head, warnings);
  const { data, body } = head.markdown;
  let name = basename(dir);
  if (origin.plugin !== undefined) {
    const own = typeof data.name === "string" && PLUGIN_SKILL_NAME.test(data.name.trim()) ? data.name.trim() : name;
    name = `${origin.plugin}:${own}`;
  }
  return {
    name,
    kind: "skill",
    scope: origin.scope,
    ...fields,
    description: fields.description || firstParagraph(body),
    path: file,
    baseDir: dir,
    ...(origin.plugin === undefined ? {} : { plugin: origin.plugin }),
    frontmatter: data,
    body: lazyBody(file),
  };
}

/** Whether a folder is itself a skill (holds SKILL.md, even a broken one). */
export function isSkillDir(dir: string): boolean {
  return fileProblem(join(dir, "SKILL.md")) !== "does not exist";
}

/** Every skill folder directly under `root`, in name order. Folders without SKILL.md get one warning. */
export function scanSkills(root: string, origin: ExtensionOrigin, warnings: LoadWarning[]): SkillDef[] {
  const skills: SkillDef[] = [];
  for (const entry of listEntries(root)) {
    if (entry.kind === "broken") {
      warnings.push({ file: entry.path, message: `${entry.problem}; skipped` });
      continue;
    }
    if (entry.kind !== "dir") continue;
    if (!isSkillDir(entry.path)) {
      const lower = listEntries(entry.path).find((e) => e.name.toLowerCase() === "skill.md");
      const hint = lower ? ` (found ${lower.name}: the file must be named SKILL.md)` : "";
      warnings.push({ file: entry.path, message: `has no SKILL.md, so it is not a skill${hint}` });
      continue;
    }
    const skill = loadSkill(entry.path, origin, warnings);
    if (skill) skills.push(skill);
  }
  return skills;
}

/** A plugin `skills` path: a skill folder itself, or a folder of skill folders. */
export function skillsAt(path: string, origin: ExtensionOrigin, warnings: LoadWarning[]): SkillDef[] {
  if (isSkillDir(path)) {
    const skill = loadSkill(path, origin, warnings);
    return skill ? [skill] : [];
  }
  return scanSkills(path, origin, warnings);
}
