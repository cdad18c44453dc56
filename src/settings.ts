// hone's one settings loader. Layers, later winning for scalars: user (~/.claude then ~/.hone JSON,
// then ~/.hone/config.toml), project (.claude, .hone, .hone.toml), local (.claude and .hone
// settings.local.json), --settings, HONE_* variables, and managed files above everything. Arrays
// concatenate and objects merge key by key, so rules and hooks from every layer all apply. A file
// that does not parse or has a wrong-typed value is an error naming file, line and key; nothing here
// ever writes to a settings file (a peer reset and rewrote users' files on a parse error).
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { claudeHome, homeDir, honeHome, type Env } from "./config-dir.ts";
import { isLogLevel } from "./log.ts";
import { isPlain, parseJsonSource, setOwn, SettingsError, type KeyPath, type ParsedSource, type Plain } from "./settings-parse.ts";
import { FILE_SCHEMA, IGNORED_KEYS, NESTED_SCHEMAS, SETTINGS_DEFAULTS, SETTINGS_SCHEMA, type Settings, type SettingsFile } from "./settings-schema.ts";
import { parseTomlSource } from "./settings-toml.ts";
import type { z } from "zod";

export { SettingsError } from "./settings-parse.ts";
export { DEFAULT_CLEANUP_DAYS, SETTINGS_DEFAULTS, type Settings } from "./settings-schema.ts";

export type SettingsScope = "user" | "project" | "local" | "cli" | "managed";
export const SETTING_SOURCES = ["user", "project", "local"] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];
export type RuleKind = "allow" | "ask" | "deny";

export const DEFAULT_MANAGED_PATHS: readonly string[] = ["/etc/claude-code/managed-settings.json", "/etc/hone/managed-settings.json"];

export interface LoadOptions {
  cwd: string;
  env: Env;
  /** The --settings value: inline JSON when it starts with `{`, else a path resolved against cwd. */
  cliSettings?: string;
  /** Like --setting-sources: which of user/project/local to read (cli, environment and managed always apply). */
  settingSources?: SettingSource[];
  managedPaths?: readonly string[];
  /**
   * Whether the project folder is trusted. Untrusted project and local files may only tighten: their
   * hooks, env, allow rules, extra directories, loosening defaultMode and sandbox settings are skipped.
   */
  trusted?: boolean;
}

export interface SettingsSource {
  file: string;
  line?: number;
  scope: SettingsScope;
  /** Where `/path` rule specifiers and relative directories of this file are anchored. */
  anchor: string;
}

export interface SettingsRule {
  rule: string;
  kind: RuleKind;
  source: SettingsSource;
}

export interface LoadedSettings {
  settings: Settings;
  /** The caller's environment overlaid with the merged settings `env` block. */
  env: Env;
  files: { path: string; scope: string; status: "loaded" | "missing" }[];
  rules: SettingsRule[];
  /** permissions.additionalDirectories entries, resolved against their file's anchor. */
  directories: { path: string; source: SettingsSource }[];
  /** Each file's raw `hooks` value with where it came from (the hooks module validates them). */
  hookLayers: { hooks: unknown; source: { file: string; scope: SettingsScope } }[];
  /** Keys of untrusted project files that were not applied. */
  untrusted: { file: string; key: string }[];
  warnings: string[];
  ignoredKeys: { file: string; key: string }[];
}

/** What `hone doctor` needs: every file's outcome, with broken files skipped instead of fatal. */
export interface SettingsReport {
  loaded: LoadedSettings;
  files: { path: string; scope: string; status: "loaded" | "missing" | "error"; error?: string }[];
  errors: SettingsError[];
}

interface Candidate {
  path: string;
  scope: SettingsScope;
  format: "json" | "toml";
  /** Inline --settings JSON: no file to read. */
  inline?: string;
}

function candidates(options: LoadOptions): Candidate[] {
  const { cwd, env } = options;
  const wanted = new Set<SettingSource>(options.settingSources ?? SETTING_SOURCES);
  const list: Candidate[] = [];
  const add = (scope: SettingsScope, path: string, format: "json" | "toml" = "json") => list.push({ path, scope, format });
  if (wanted.has("user")) {
    add("user", join(claudeHome(env), "settings.json"));
    add("user", join(honeHome(env), "settings.json"));
    add("user", join(honeHome(env), "config.toml"), "toml");
  }
  if (wanted.has("project")) {
    add("project", join(cwd, ".claude", "settings.json"));
    add("project", join(cwd, ".hone", "settings.json"));
    add("project", join(cwd, ".hone.toml"), "toml");
  }
  if (wanted.has("local")) {
    add("local", join(cwd, ".claude", "settings.local.json"));
    add("local", join(cwd, ".hone", "settings.local.json"));
  }
  const cli = options.cliSettings;
  if (cli !== undefined) {
    if (cli.trimStart().startsWith("{")) list.push({ path: "--settings", scope: "cli", format: "json", inline: cli });
    else add("cli", isAbsolute(cli) ? cli : resolve(cwd, cli));
  }
  for (const path of options.managedPaths ?? DEFAULT_MANAGED_PATHS) add("managed", path);
  return list;
}

/** Reads a file's text, or undefined when it does not exist (a missing --settings file is an error). */
function readText(candidate: Candidate): string | undefined {
  if (candidate.inline !== undefined) return candidate.inline;
  try {
    return readFileSync(candidate.path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const absent = code === "ENOENT" || code === "ENOTDIR";
    if (absent && candidate.scope !== "cli") return undefined;
    const problem = absent ? "--settings file not found" : `cannot read settings file (${code ?? String(error)})`;
    throw new SettingsError(candidate.path, undefined, undefined, undefined, problem);
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string", number: "a number", boolean: "true or false", array: "an array", object: "an object", record: "an object",
};

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (value instanceof Date) return "a date";
  if (Array.isArray(value)) return "an array";
  if (isPlain(value)) return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let node = data;
  for (const part of path) node = (node as Record<string | number, unknown> | undefined)?.[part];
  return node;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const got = `, got ${show(value)}`;
  if (issue.code === "invalid_value") return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`;
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
    return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}${got}`;
  }
  return `${issue.message}${got}`;
}

interface Accumulator {
  warnings: string[];
  ignoredKeys: { file: string; key: string }[];
  rules: SettingsRule[];
  directories: LoadedSettings["directories"];
  hookLayers: LoadedSettings["hookLayers"];
  untrusted: LoadedSettings["untrusted"];
}

/** Sorts a file's keys into known, ignored-for-now (listed for doctor) and unknown (one warning each). */
function reviewKeys(file: string, source: ParsedSource, acc: Accumulator): void {
  const flag = (path: KeyPath, known: boolean) => {
    const at = source.where(path, true);
    const name = path.map(String).join(".");
    if (known && IGNORED_KEYS.has(name)) acc.ignoredKeys.push({ file, key: at.key });
    else acc.warnings.push(`${file}${at.line === undefined ? "" : `:${at.line}:${at.column ?? 1}`}: unknown setting "${at.key}" ignored`);
  };
  const nested: Record<string, { shape: object }> = NESTED_SCHEMAS;
  for (const [key, value] of Object.entries(source.data)) {
    if (!(key in FILE_SCHEMA.shape)) {
      flag([key], true);
      continue;
    }
    const inner = nested[key];
    if (!inner || !isPlain(value)) continue;
    for (const sub of Object.keys(value)) if (!(sub in inner.shape)) flag([key, sub], true);
  }
  for (const path of source.unknown) flag(path, false);
}

/** Keys an untrusted repository could use to run code or loosen permissions. */
const LOOSENING_KEYS = ["hooks", "env", "enabledPlugins", "apiKeyHelper", "statusLine", "sandbox", "enableAllProjectMcpServers", "enabledMcpjsonServers", "awsAuthRefresh", "awsCredentialExport", "gcpAuthRefresh", "otelHeadersHelper", "fileSuggestion"] as const;

function withoutLoosening(data: SettingsFile, raw: Plain, file: string, acc: Accumulator): SettingsFile {
  const out: Plain = { ...(data as Plain) };
  for (const key of LOOSENING_KEYS) {
    if (!(key in raw)) continue;
    delete out[key];
    acc.untrusted.push({ file, key });
  }
  const permissions = data.permissions;
  if (permissions) {
    const kept: Plain = { ...(permissions as Plain) };
    for (const key of ["allow", "additionalDirectories"] as const) {
      if (permissions[key] === undefined) continue;
      delete kept[key];
      acc.untrusted.push({ file, key: `permissions.${key}` });
    }
    if (permissions.defaultMode === "acceptEdits" || permissions.defaultMode === "bypassPermissions") {
      delete kept.defaultMode;
      acc.untrusted.push({ file, key: "permissions.defaultMode" });
    }
    out.permissions = kept;
  }
  return out as SettingsFile;
}

function anchorOf(candidate: Candidate, cwd: string): string {
  if (candidate.scope === "project" || candidate.scope === "local" || candidate.inline !== undefined) return cwd;
  return dirname(candidate.path);
}

function readLayer(candidate: Candidate, text: string, acc: Accumulator, options: LoadOptions): SettingsFile {
  const file = candidate.path;
  const source = candidate.format === "toml" ? parseTomlSource(text, file) : parseJsonSource(text, file);
  const result = FILE_SCHEMA.safeParse(source.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== "symbol");
    const at = source.where(path);
    const problem = issue ? describeIssue(issue, valueAt(source.data, path)) : "invalid settings";
    throw new SettingsError(file, at.line, at.column, at.key || undefined, problem);
  }
  // Keys are reviewed only once the file is valid so a broken file reports its error, not noise.
  reviewKeys(file, source, acc);
  const inRepository = candidate.scope === "project" || candidate.scope === "local";
  const data = inRepository && options.trusted !== true ? withoutLoosening(result.data, source.data, file, acc) : result.data;
  const anchor = anchorOf(candidate, options.cwd);
  const at = (path: KeyPath): SettingsSource => {
    const line = source.where(path).line;
    return { file, scope: candidate.scope, anchor, ...(line === undefined ? {} : { line }) };
  };
  for (const kind of ["allow", "ask", "deny"] as const) {
    (data.permissions?.[kind] ?? []).forEach((rule, i) => acc.rules.push({ rule, kind, source: at(["permissions", kind, i]) }));
  }
  (data.permissions?.additionalDirectories ?? []).forEach((dir, i) => {
    const expanded = dir === "~" || dir.startsWith("~/") ? join(homeDir(options.env), dir.slice(1)) : dir;
    acc.directories.push({ path: resolve(anchor, expanded), source: at(["permissions", "additionalDirectories", i]) });
  });
  if (data.hooks !== undefined) acc.hookLayers.push({ hooks: data.hooks, source: { file, scope: candidate.scope } });
  return data;
}

/** Arrays concatenate (repeated plain values kept once), objects merge key by key, scalars: later wins. */
function merge(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) {
    const out = [...base];
    for (const item of over) if (typeof item === "object" || !out.includes(item)) out.push(item);
    return out;
  }
  if (isPlain(base) && isPlain(over)) {
    const out: Plain = { ...base };
    for (const [key, value] of Object.entries(over)) setOwn(out, key, key in base ? merge(base[key], value) : value);
    return out;
  }
  return over === undefined ? base : over;
}

type EnvReader = (value: string) => SettingsFile | string;
const wholeNumber = (value: string, min: number, max: number): number | undefined => {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : undefined;
};
const ENV_READERS: [string, EnvReader][] = [
  ["HONE_MODEL", (v) => ({ model: v })],
  ["HONE_MAX_TOKENS", (v) => { const n = wholeNumber(v, 1, Number.MAX_SAFE_INTEGER); return n === undefined ? "expected a positive integer" : { maxTokens: n }; }],
  ["HONE_BASH_TIMEOUT", (v) => { const n = wholeNumber(v, 1, 600); return n === undefined ? "expected whole seconds from 1 to 600" : { bashTimeoutSecs: n }; }],
  ["HONE_MEMORY_DIR", (v) => ({ memory: { memoryDir: v } })],
  ["HONE_AUTO_DREAM", (v) => (/^(1|true|on)$/i.test(v.trim()) ? { memory: { autoDream: true } } : /^(0|false|off)$/i.test(v.trim()) ? { memory: { autoDream: false } } : "expected 1 or 0")],
  ["HONE_LOG_LEVEL", (v) => { const level = v.trim().toLowerCase(); return isLogLevel(level) ? { logLevel: level } : "expected one of trace, debug, info, warn, error"; }],
];

function environmentLayer(env: Env, onError: (error: SettingsError) => void): Plain {
  let layer: Plain = {};
  for (const [name, read] of ENV_READERS) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    const result = read(value);
    if (typeof result === "string") onError(new SettingsError("environment", undefined, undefined, name, `${result}, got ${JSON.stringify(value)}`));
    else layer = merge(layer, result) as Plain;
  }
  return layer;
}

function collect(options: LoadOptions, strict: boolean): SettingsReport {
  const acc: Accumulator = { warnings: [], ignoredKeys: [], rules: [], directories: [], hookLayers: [], untrusted: [] };
  const files: SettingsReport["files"] = [];
  const errors: SettingsError[] = [];
  const fail = (error: SettingsError) => {
    if (strict) throw error;
    errors.push(error);
  };
  let merged: Plain = {};
  let managed: Plain = {};
  const seen = new Set<string>();
  for (const candidate of candidates(options)) {
    // With cwd at home, <cwd>/.claude/settings.json is the user file: read it once.
    if (seen.has(candidate.path)) continue;
    seen.add(candidate.path);
    try {
      const text = readText(candidate);
      if (text === undefined) {
        files.push({ path: candidate.path, scope: candidate.scope, status: "missing" });
        continue;
      }
      const layer = readLayer(candidate, text, acc, options);
      if (candidate.scope === "managed") managed = merge(managed, layer) as Plain;
      else merged = merge(merged, layer) as Plain;
      files.push({ path: candidate.path, scope: candidate.scope, status: "loaded" });
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      files.push({ path: candidate.path, scope: candidate.scope, status: "error", error: error.message });
      fail(error);
    }
  }
  const settingsEnv = merge(merged.env ?? {}, managed.env ?? {}) as Record<string, string>;
  const env: Env = { ...options.env, ...settingsEnv };
  const all = merge(merge(merged, environmentLayer(env, fail)), managed);
  // Nothing configured (the common case) needs no validation pass; zod's first parse costs milliseconds.
  const settings = isPlain(all) && Object.keys(all).length === 0 ? defaultSettings() : SETTINGS_SCHEMA.parse(all);
  const loaded: LoadedSettings = {
    settings,
    env,
    files: files.flatMap((f) => (f.status === "error" ? [] : [{ path: f.path, scope: f.scope, status: f.status }])),
    rules: acc.rules,
    directories: acc.directories,
    hookLayers: acc.hookLayers,
    untrusted: acc.untrusted,
    warnings: acc.warnings,
    ignoredKeys: acc.ignoredKeys,
  };
  return { loaded, files, errors };
}

function defaultSettings(): Settings {
  return { memory: { ...SETTINGS_DEFAULTS.memory }, kairos: { ...SETTINGS_DEFAULTS.kairos }, ultraplan: { ...SETTINGS_DEFAULTS.ultraplan } };
}

/** Loads and merges every settings layer; throws SettingsError on the first broken file or variable. */
export function loadSettings(options: LoadOptions): LoadedSettings {
  return collect(options, true).loaded;
}

/** Like loadSettings, but a broken file is skipped and reported instead of thrown (for `hone doctor`). */
export function inspectSettings(options: LoadOptions): SettingsReport {
  return collect(options, false);
}
