// TOML config files (~/.hone/config.toml, <project>/.hone.toml): the seed's snake_case sections
// ([api], [tools], [memory], [kairos], [ultraplan]) and any settings.json key, mapped onto the same
// settings object. smol-toml gives no positions for values, so key locations come from scanning the
// text; that is best effort, which is fine for error messages and rule sources.
import { parse as parseTomlText, TomlError } from "smol-toml";
import { formatKeyPath, isPlain, setOwn, SettingsError, type KeyPath, type ParsedSource, type Plain, type Where } from "./settings-parse.ts";
import { FILE_SCHEMA, NESTED_SCHEMAS } from "./settings-schema.ts";

/** Seed sections that are not settings.json keys, and where each of their keys lands. */
const SEED_SECTIONS: Record<string, Record<string, KeyPath>> = {
  api: { model: ["model"], max_tokens: ["maxTokens"], provider: ["provider"] },
  tools: { allowed: ["permissions", "allow"], bash_timeout_secs: ["bashTimeoutSecs"] },
};

const TOP_KEYS: readonly string[] = Object.keys(FILE_SCHEMA.shape);
const NESTED: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(NESTED_SCHEMAS).map(([name, schema]) => [name, Object.keys(schema.shape)]),
);

/** `dream_interval_hours` → `dreamIntervalHours` when that is a known key; anything else stays as written. */
function camelIfKnown(key: string, known: readonly string[]): string {
  if (known.includes(key)) return key;
  const camel = key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  return known.includes(camel) ? camel : key;
}

/** smol-toml builds null-prototype tables; copy into ordinary objects (dates stay Dates and fail validation). */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (!isPlain(value)) return value;
  const out: Plain = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, key, toPlain(item));
  return out;
}

interface MappedToml {
  data: Plain;
  unknown: KeyPath[];
  /** The TOML key path a settings key path came from. */
  originOf: (path: KeyPath) => KeyPath;
}

function mapToml(table: Plain, fail: (path: KeyPath, problem: string) => never): MappedToml {
  const data: Plain = {};
  const origins = new Map<string, KeyPath>();
  const unknown: KeyPath[] = [];

  const assign = (target: KeyPath, value: unknown, origin: KeyPath): void => {
    let node = data;
    for (const part of target.slice(0, -1)) {
      const next = node[part as string];
      // A scalar where a table belongs is left for validation to report.
      if (next !== undefined && !isPlain(next)) return;
      if (next === undefined) setOwn(node, part as string, {});
      node = node[part as string] as Plain;
    }
    const last = target[target.length - 1] as string;
    const existing = node[last];
    // [tools] allowed and [permissions] allow in one file both feed permissions.allow.
    const offset = Array.isArray(existing) && Array.isArray(value) ? existing.length : 0;
    const merged = offset > 0 ? [...(existing as unknown[]), ...(value as unknown[]).map(toPlain)] : toPlain(value);
    setOwn(node, last, merged);
    if (offset === 0) origins.set(formatKeyPath(target), origin);
    if (Array.isArray(value)) value.forEach((_, i) => origins.set(formatKeyPath([...target, offset + i]), [...origin, i]));
  };

  for (const [key, value] of Object.entries(table)) {
    const section = SEED_SECTIONS[key];
    if (section) {
      if (!isPlain(value)) fail([key], "expected a table");
      for (const [sub, item] of Object.entries(value)) {
        const target = section[sub];
        if (target) assign(target, item, [key, sub]);
        else unknown.push([key, sub]);
      }
      continue;
    }
    const top = camelIfKnown(key, TOP_KEYS);
    const nestedKeys = NESTED[top];
    if (!nestedKeys || !isPlain(value)) {
      assign([top], value, [key]);
      continue;
    }
    if (data[top] === undefined) setOwn(data, top, {});
    origins.set(top, [key]);
    for (const [sub, item] of Object.entries(value)) assign([top, camelIfKnown(sub, nestedKeys)], item, [key, sub]);
  }

  const originOf = (path: KeyPath): KeyPath => {
    for (let n = path.length; n > 0; n--) {
      const origin = origins.get(formatKeyPath(path.slice(0, n)));
      if (origin) return [...origin, ...path.slice(n)];
    }
    return path;
  };
  return { data, unknown, originOf };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const dotted = (keys: string[]): string =>
  keys.map((k) => `(?:${escape(k)}|"${escape(k)}"|'${escape(k)}')`).join("\\s*\\.\\s*");
const HEADER = /^\s*\[\[?[^\],]*\]\]?\s*(#.*)?$/;

/** Lines [start, end) that belong to a table; the top-level table runs until the first header. */
function tableRegion(lines: string[], keys: string[]): { start: number; end: number } | undefined {
  let start = 0;
  if (keys.length > 0) {
    const header = new RegExp(`^\\s*\\[\\s*${dotted(keys)}\\s*\\]\\s*(#.*)?$`);
    const at = lines.findIndex((line) => header.test(line));
    if (at < 0) return undefined;
    start = at + 1;
  }
  let end = start;
  while (end < lines.length && !HEADER.test(lines[end] ?? "")) end++;
  return { start, end };
}

function spot(lines: string[], index: number): { line: number; column: number } {
  const text = lines[index] ?? "";
  return { line: index + 1, column: text.length - text.trimStart().length + 1 };
}

/** Recognises an array element's literal on a line (strings quoted, numbers and booleans as words). */
function elementMatcher(element: unknown): ((line: string) => boolean) | undefined {
  if (typeof element === "string") return (line) => line.includes(JSON.stringify(element)) || line.includes(`'${element}'`);
  if (typeof element !== "number" && typeof element !== "boolean") return undefined;
  const word = new RegExp(`(^|[\\s\\[,=])${escape(String(element))}(?=$|[\\s\\],#])`);
  return (line) => word.test(line);
}

/** Best-effort line of a TOML key (and of one string element in its array, when `element` is given). */
function locateToml(lines: string[], origin: KeyPath, element: unknown): { line?: number; column?: number } {
  const keys = origin.filter((part): part is string => typeof part === "string");
  for (let split = keys.length - 1; split >= 0; split--) {
    const region = tableRegion(lines, keys.slice(0, split));
    if (!region) continue;
    const assignment = new RegExp(`^\\s*${dotted(keys.slice(split))}\\s*=`);
    for (let i = region.start; i < region.end; i++) {
      if (!assignment.test(lines[i] ?? "")) continue;
      const shows = elementMatcher(element);
      if (!shows) return spot(lines, i);
      for (let j = i; j < region.end; j++) if (shows(lines[j] ?? "")) return spot(lines, j);
      return spot(lines, i);
    }
  }
  const header = keys.length > 0 ? tableRegion(lines, keys) : undefined;
  return header ? spot(lines, header.start - 1) : {};
}

function valueAt(table: Plain, path: KeyPath): unknown {
  let node: unknown = table;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === "number") node = node[part];
    else if (isPlain(node) && typeof part === "string") node = node[part];
    else return undefined;
  }
  return node;
}

export function parseTomlSource(text: string, file: string): ParsedSource {
  let table: Plain;
  try {
    table = parseTomlText(text) as Plain;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const problem = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
    throw new SettingsError(file, error.line, error.column, undefined, problem || "invalid TOML");
  }
  const lines = text.split(/\r?\n/);
  const locate = (origin: KeyPath): Where => {
    const last = origin[origin.length - 1];
    const element = typeof last === "number" ? valueAt(table, origin) : undefined;
    return { key: formatKeyPath(origin), ...locateToml(lines, origin, element) };
  };
  const fail = (path: KeyPath, problem: string): never => {
    const at = locate(path);
    throw new SettingsError(file, at.line, at.column, at.key, problem);
  };
  const mapped = mapToml(table, fail);
  return { data: mapped.data, unknown: mapped.unknown, where: (path) => locate(mapped.originOf(path)) };
}
