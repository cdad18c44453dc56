// Splits `---` YAML frontmatter from a markdown body (skills, commands, agent files). Strict YAML first;
// when that fails, each top-level `key: value` entry is read on its own and an entry that is still not
// valid YAML keeps its raw text, because real files often carry unquoted values such as
// `description: Use when: x` or `argument-hint: [pr] [priority]` that Claude Code loads anyway. Only
// frontmatter that is not a list of `key: value` entries at all is reported as broken.
import { createRequire } from "node:module";
import { splitRuleList } from "./permission-rules.ts";
import { isPlain, setOwn } from "./settings-parse.ts";

export interface Markdown {
  /** Every frontmatter field as parsed; {} when the file has no frontmatter. */
  data: Record<string, unknown>;
  /** The text after the closing fence (LF line endings, no BOM). */
  body: string;
  /** 1-based file line where the body starts. */
  bodyLine: number;
  hasFrontmatter: boolean;
  /** Strict YAML failed and the entry-by-entry reading was used. */
  lenient: boolean;
  /** 1-based file line of each top-level key, for warnings about a field. */
  keyLines: Record<string, number>;
}

export type MarkdownResult = { ok: true; value: Markdown } | { ok: false; line?: number; message: string };

interface Split {
  yaml: string;
  /** 1-based file line of the first YAML line. */
  yamlLine: number;
  body: string;
  bodyLine: number;
}

export function normalizeText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes("\r") ? noBom.replace(/\r\n?/g, "\n") : noBom;
}

/** End of the line starting at `start` (index of its newline, or the text length). */
const lineEnd = (text: string, start: number) => {
  const nl = text.indexOf("\n", start);
  return nl < 0 ? text.length : nl;
};

/** The frontmatter text and body; undefined when the file has none; an error when the fence never closes. */
export function splitFrontmatter(raw: string): Split | undefined | { line: number; message: string } {
  const text = normalizeText(raw);
  if (!text.startsWith("---")) return undefined;
  const openEnd = lineEnd(text, 0);
  if (text.slice(0, openEnd).trimEnd() !== "---") return undefined;
  // Scan line starts for the closing fence without splitting the whole file.
  for (let start = openEnd + 1; start <= text.length; ) {
    const end = lineEnd(text, start);
    if (text.startsWith("---", start) && text.slice(start, end).trimEnd() === "---") {
      const yaml = start > openEnd + 1 ? text.slice(openEnd + 1, start - 1) : "";
      const yamlLines = yaml === "" && start === openEnd + 1 ? 0 : yaml.split("\n").length;
      return { yaml, yamlLine: 2, body: text.slice(Math.min(end + 1, text.length)), bodyLine: yamlLines + 3 };
    }
    if (end >= text.length) break;
    start = end + 1;
  }
  return { line: 1, message: "frontmatter opened with '---' on line 1 is never closed with a '---' line" };
}

/** The body without frontmatter (the fence is found textually, the YAML is not parsed). */
export function markdownBody(raw: string): string {
  const split = splitFrontmatter(raw);
  if (split === undefined) return normalizeText(raw);
  return "body" in split ? split.body : normalizeText(raw);
}

type Parsed = { ok: true; data: Record<string, unknown> } | { ok: false; line: number; message: string };

const SIMPLE_KEY = /^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+(.*)$/;
const PLAIN_START = /^[^\s\-?:,[\]{}#&*!|>'"%@`]/;
const BOOLEANS: Record<string, boolean | null> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false, null: null, Null: null, NULL: null, "~": null };
const NUMBER_LIKE = /^[-+]?(\.?[0-9]|0[xo]|\.inf|\.nan)/i;

/** A single-line scalar as YAML's core schema reads it; undefined when it needs the full parser. */
function simpleScalar(raw: string): unknown {
  const value = raw.trimEnd();
  const double = /^"([^"\\]*)"$/.exec(value);
  if (double) return double[1];
  const single = /^'([^']*)'$/.exec(value);
  if (single) return single[1];
  if (Object.hasOwn(BOOLEANS, value)) return BOOLEANS[value];
  if (!PLAIN_START.test(value) || NUMBER_LIKE.test(value)) return undefined;
  if (/:([ \t]|$)|[ \t]#/.test(value)) return undefined;
  return value;
}

/**
 * Most frontmatter is a few `key: plain text` lines; reading those directly spares every run the YAML
 * library's start-up cost. Anything else (lists, blocks, quotes with escapes, numbers) returns
 * undefined and goes to the real parser, so results never differ from it.
 */
export function simpleYaml(text: string): { value: Record<string, unknown> } | undefined {
  const value: Record<string, unknown> = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const m = SIMPLE_KEY.exec(line);
    if (!m || Object.hasOwn(value, m[1]!)) return undefined;
    const scalar = simpleScalar(m[2]!);
    if (scalar === undefined) return undefined;
    setOwn(value, m[1]!, scalar);
  }
  return { value };
}

type YamlLibrary = typeof import("yaml");
let yamlLibrary: YamlLibrary | undefined;

/**
 * The YAML library, loaded on first use: most frontmatter takes the fast path, and evaluating the
 * library costs every start a few milliseconds. Bun bundles the literal require; Deno has no
 * `require` in modules, so it gets one from createRequire.
 */
function yaml(): YamlLibrary {
  yamlLibrary ??= (typeof require === "function" ? require("yaml") : createRequire(import.meta.url)("yaml")) as YamlLibrary;
  return yamlLibrary;
}

/** Parses YAML text; undefined when it is not valid YAML (the entry-by-entry reading then takes over). */
function strictYaml(text: string): { value: unknown } | undefined {
  const simple = simpleYaml(text);
  if (simple && Object.keys(simple.value).length > 0) return simple;
  try {
    const doc = yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) return undefined;
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    // Alias limits and unresolvable aliases throw from toJS.
    return undefined;
  }
}

/**
 * A top-level `key: value` line split at its first `:` that ends the line or is followed by a blank
 * (no backtracking regex: a 64 KB line must not take quadratic time).
 */
function splitKeyLine(line: string): { key: string; value: string | undefined } | undefined {
  if (/^[\s#\-[\]{}&*!|>%@`,?]/.test(line)) return undefined;
  const colon = line.search(/:(?=[ \t]|$)/);
  if (colon <= 0) return undefined;
  const key = unquote(line.slice(0, colon).trim());
  if (key === "") return undefined;
  const value = line.slice(colon + 1).trim();
  return { key, value: value === "" ? undefined : value };
}

interface Entry {
  key: string;
  line: number;
  inline: string | undefined;
  lines: string[];
}

/** Groups top-level lines into `key:` entries with their indented continuation lines. */
function entries(text: string, offset: number): { ok: true; list: Entry[] } | { ok: false; line: number; message: string } {
  const list: Entry[] = [];
  const byKey = new Map<string, Entry>();
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    const i = index + offset - 1;
    const current = list[list.length - 1];
    if (line.trim() === "" || line.startsWith("#")) {
      current?.lines.push(line);
      continue;
    }
    if (/^[ \t]/.test(line) || (/^-( |$)/.test(line) && current)) {
      if (!current) return { ok: false, line: i + 1, message: "indented line before any key" };
      current.lines.push(line);
      continue;
    }
    const split = splitKeyLine(line);
    if (!split) return { ok: false, line: i + 1, message: `expected "key: value", found ${JSON.stringify(line.slice(0, 60))}` };
    const previous = byKey.get(split.key);
    if (previous) return { ok: false, line: i + 1, message: `duplicate key "${split.key}" (first on line ${previous.line})` };
    const entry = { key: split.key, line: i + 1, inline: split.value, lines: [line] };
    byKey.set(split.key, entry);
    list.push(entry);
  }
  return { ok: true, list };
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}

/** One entry's value as plain text, folded the way YAML folds a multi-line plain scalar. */
function rawValue(entry: Entry): string {
  const rest = entry.lines.slice(1).filter((l) => !l.startsWith("#") && l.trim() !== "");
  return unquote([entry.inline ?? "", ...rest.map((l) => l.trim())].join(" ").trim());
}

const MAX_LENIENT_FIELDS = 500;

/** Entry-by-entry reading; error lines are file lines (`offset` is the file line of the first YAML line). */
function lenientYaml(text: string, offset: number): Parsed {
  const grouped = entries(text, offset);
  if (!grouped.ok) return grouped;
  // Each entry is parsed on its own; bound the work for a pathological file.
  if (grouped.list.length > MAX_LENIENT_FIELDS) return { ok: false, line: offset, message: `${grouped.list.length} fields is more than the ${MAX_LENIENT_FIELDS} a frontmatter may have` };
  const data: Record<string, unknown> = {};
  for (const entry of grouped.list) {
    const parsed = strictYaml(entry.lines.join("\n"));
    const value = parsed && isPlain(parsed.value) && Object.hasOwn(parsed.value, entry.key) ? parsed.value[entry.key] : rawValue(entry);
    setOwn(data, entry.key, value);
  }
  return { ok: true, data };
}

function keyLines(yaml: string, offset: number): Record<string, number> {
  const lines: Record<string, number> = {};
  for (const [i, line] of yaml.split("\n").entries()) {
    const key = splitKeyLine(line)?.key;
    if (key !== undefined && !Object.hasOwn(lines, key)) setOwn(lines, key, offset + i);
  }
  return lines;
}

/** Reads frontmatter and body from a markdown file's text. Error lines are 1-based lines of the file. */
export function parseMarkdown(raw: string): MarkdownResult {
  const split = splitFrontmatter(raw);
  if (split === undefined) {
    return { ok: true, value: { data: {}, body: normalizeText(raw), bodyLine: 1, hasFrontmatter: false, lenient: false, keyLines: {} } };
  }
  if (!("yaml" in split)) return { ok: false, ...split };
  const offset = split.yamlLine;
  const lines = keyLines(split.yaml, offset);
  const base = { body: split.body, bodyLine: split.bodyLine, hasFrontmatter: true, keyLines: lines };
  const strict = strictYaml(split.yaml);
  if (strict && (strict.value === null || strict.value === undefined)) return { ok: true, value: { ...base, data: {}, lenient: false } };
  if (strict && isPlain(strict.value)) return { ok: true, value: { ...base, data: strict.value, lenient: false } };
  const lenient = lenientYaml(split.yaml, offset);
  if (lenient.ok) return { ok: true, value: { ...base, data: lenient.data, lenient: true } };
  return { ok: false, line: lenient.line, message: `invalid frontmatter: ${lenient.message}` };
}

// Field readers: each returns undefined (the default applies) and reports through `warn` when a value
// has the wrong type, so one bad field never stops the file from loading.
export type FieldWarn = (key: string, message: string) => void;

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isPlain(value)) return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Text fields: numbers and booleans are taken as written (`version: 1.0` is "1"), lists and maps are wrong. */
export function textField(data: Record<string, unknown>, key: string, warn: FieldWarn): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  warn(key, `"${key}" must be text, not ${describe(value)}; ignored`);
  return undefined;
}

const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

/** Booleans as YAML gives them, or the words true/false/yes/no/on/off/1/0 in any case. */
export function boolField(data: Record<string, unknown>, key: string, warn: FieldWarn): boolean | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  const word = String(value).trim().toLowerCase();
  if ((typeof value === "string" || typeof value === "number") && TRUE.has(word)) return true;
  if ((typeof value === "string" || typeof value === "number") && FALSE.has(word)) return false;
  warn(key, `"${key}" must be true or false, not ${describe(value)}; ignored`);
  return undefined;
}

/** A tool list written as a comma/space separated string or a YAML list of names. */
export function listField(data: Record<string, unknown>, key: string, warn: FieldWarn): string[] | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return splitRuleList([value]);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return splitRuleList(value);
  warn(key, `"${key}" must be a comma-separated string or a list of names, not ${describe(value)}; ignored`);
  return undefined;
}
