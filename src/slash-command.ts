// `/name args` prompts: recognising them, finding the skill or command they name, expanding its body
// (the one pipeline shared with the Skill tool) and shaping the user message the transcript records.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { SkillDef } from "./extension-types.ts";
import { ExpansionError, expandText, type ExpandOptions, type ShellRun } from "./command-expand.ts";
import { decodeText, looksBinary } from "./file-io.ts";
import { truncateHead } from "./truncate.ts";

/** Bodies larger than this are refused: a skill that big would crowd out the conversation. */
export const MAX_SKILL_BODY_CHARS = 100_000;

/** `/name args` → { name, args }; undefined when the prompt does not start with a command-shaped word. */
export function parseSlashPrompt(prompt: string): { name: string; args: string } | undefined {
  // A name is letters, digits, `:`, `-`, `_`, `.`; whatever follows must be whitespace, so
  // `/usr/bin/x` or `/tmp/` are not commands.
  const m = /^\/([A-Za-z0-9_][\w:.-]*)(?:\s+([\s\S]*))?$/.exec(prompt.trimStart());
  if (!m?.[1]) return undefined;
  return { name: m[1], args: (m[2] ?? "").trim() };
}

/**
 * The skill `name` refers to: an exact name, or for a bare name the one plugin skill `plugin:name`
 * when exactly one plugin has it. Undefined when unknown or ambiguous.
 */
export function resolveSkill(registry: SkillDef[], name: string): SkillDef | undefined {
  const wanted = name.startsWith("/") ? name.slice(1) : name;
  const exact = registry.find((s) => s.name === wanted);
  if (exact || wanted.includes(":")) return exact;
  const pluginMatches = registry.filter((s) => s.plugin !== undefined && s.name.endsWith(`:${wanted}`));
  return pluginMatches.length === 1 ? pluginMatches[0] : undefined;
}

/** Names close to `name` (substring either way, or a shared prefix), for "did you mean" messages. */
export function nearSkillNames(names: string[], name: string, max = 5): string[] {
  const wanted = name.toLowerCase().replace(/^\//, "");
  const bare = (n: string): string => n.toLowerCase().slice(n.lastIndexOf(":") + 1);
  const scored = names
    .map((n) => {
      const b = bare(n);
      if (b === bare(wanted)) return { n, score: 0 };
      if (b.includes(bare(wanted)) || bare(wanted).includes(b)) return { n, score: 1 };
      let common = 0;
      while (common < b.length && b[common] === bare(wanted)[common]) common++;
      return { n, score: common >= 3 ? 2 : 9 };
    })
    .filter((x) => x.score < 9);
  scored.sort((a, b) => a.score - b.score || a.n.localeCompare(b.n));
  return scored.slice(0, max).map((x) => x.n);
}

/**
 * A user prompt that invokes a command: the skill (user-invocable ones only) and its arguments.
 * Undefined means the prompt is sent as typed (a path such as `/usr/bin/x`, or an unknown name).
 */
export function matchSlashCommand(registry: SkillDef[], prompt: string): { skill: SkillDef; args: string } | undefined {
  const parsed = parseSlashPrompt(prompt);
  if (!parsed) return undefined;
  const skill = resolveSkill(registry, parsed.name);
  if (!skill || !skill.userInvocable) return undefined;
  return { skill, args: parsed.args };
}

/** The line that tells the model where a skill's supporting files live ("" for commands and built-ins). */
export function baseDirLine(skill: SkillDef): string {
  return skill.kind === "skill" && skill.baseDir !== "" ? `Base directory for this skill: ${skill.baseDir}\n\n` : "";
}

/** The tags Claude Code puts before an invoked command's prompt (skills, markdown commands, MCP prompts). */
export function commandTags(name: string, args: string): string {
  return `<command-message>${name} is running…</command-message>\n<command-name>/${name}</command-name>\n<command-args>${args}</command-args>`;
}

/** The user message Claude Code records for `/name args`: the command tags, then the expanded prompt. */
export function buildCommandMessage(skill: SkillDef, args: string, expanded: string): string {
  return `${commandTags(skill.name, args)}\n\n${baseDirLine(skill)}${expanded}`;
}

export interface InvocationDeps {
  /** The `positional` setting: "zero" (current) or "one" (legacy `$1` = first argument). */
  positional: ExpandOptions["positional"];
  /** `${NAME}` values; CLAUDE_SKILL_DIR defaults to the skill's folder. */
  vars: Record<string, string>;
  /** Runs one shell block after the caller's checks (permissions, trust, disableSkillShellExecution). */
  run: ShellRun;
  /** Contents of an `@path` mention as typed, or undefined to leave the mention alone. */
  readFile: (path: string) => string | undefined;
}

export interface Invocation {
  /** The expanded body (without command tags or the base directory line). */
  text: string;
  allowedTools: string[];
  model?: string;
}

/** Frontmatter `arguments`: a YAML list or a whitespace/comma separated string of names. */
function namedArguments(frontmatter: Record<string, unknown>): string[] {
  const raw = frontmatter.arguments;
  if (Array.isArray(raw)) return raw.filter((x): x is string => typeof x === "string");
  if (typeof raw === "string") return raw.split(/[\s,]+/).filter((x) => x !== "");
  return [];
}

function readBody(skill: SkillDef): string {
  let body: string;
  try {
    body = skill.body();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ExpansionError(`/${skill.name}: cannot read ${skill.path || "its body"}: ${why}`);
  }
  if (body.length > MAX_SKILL_BODY_CHARS) {
    throw new ExpansionError(
      `/${skill.name}: ${skill.path || "its body"} is ${body.length} characters, over the ${MAX_SKILL_BODY_CHARS}-character limit for a skill body; move detail into supporting files`,
    );
  }
  return body;
}

/**
 * Reads and expands a skill or command for `/name args` and the Skill tool alike: body → arguments
 * and `${VAR}`s → shell blocks → `@file` mentions. Throws ExpansionError (unreadable or oversized
 * body, a shell block that failed or was refused).
 */
export async function expandInvocation(skill: SkillDef, args: string, deps: InvocationDeps): Promise<Invocation> {
  const body = readBody(skill);
  const vars = { CLAUDE_SKILL_DIR: skill.baseDir, ...deps.vars };
  const opts: ExpandOptions = { positional: deps.positional, vars, named: namedArguments(skill.frontmatter) };
  let text: string;
  try {
    text = await expandText(body, args, opts, deps.run, deps.readFile);
  } catch (error) {
    if (error instanceof ExpansionError) throw new ExpansionError(`/${skill.name}: ${error.message}`, error.command);
    throw error;
  }
  const result: Invocation = { text, allowedTools: skill.allowedTools };
  if (skill.model !== undefined) result.model = skill.model;
  return result;
}

/** Largest file inlined for an `@path` mention; bigger ones are cut to their head. */
const MENTION_LIMITS = { maxLines: 2000, maxChars: 50_000 };
const MENTION_READ_BYTES = 256 * 1024;

/**
 * A `readFile` for InvocationDeps: resolves `@path` against `cwd` (and `~/` against `home`), inlines
 * regular text files, leaves directories, binaries, missing files and paths `canRead` refuses alone.
 */
export function fileMentionReader(opts: { cwd: string; home: string; canRead?: (abs: string) => boolean }): (path: string) => string | undefined {
  return (token) => {
    const abs = token.startsWith("~/") ? join(opts.home, token.slice(2)) : isAbsolute(token) ? token : resolve(opts.cwd, token);
    if (opts.canRead && !opts.canRead(abs)) return undefined;
    try {
      const st = statSync(abs);
      if (!st.isFile()) return undefined;
      // Only the head is ever shown, so a huge file is not read whole.
      const bytes = new Uint8Array(Math.min(st.size, MENTION_READ_BYTES));
      const fd = openSync(abs, "r");
      try {
        readSync(fd, bytes, 0, bytes.length, 0);
      } finally {
        closeSync(fd);
      }
      if (looksBinary(bytes)) return undefined;
      const cut = truncateHead(decodeText(bytes).text, MENTION_LIMITS);
      if (!cut.truncated && bytes.length === st.size) return cut.text;
      return `${cut.text}\n[truncated: only the start of this ${st.size}-byte file is shown]`;
    } catch {
      return undefined;
    }
  };
}
