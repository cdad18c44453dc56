// Language server definitions in Claude Code's format: `{ "<name>": { command, args, extensionToLanguage,
// env, initializationOptions, settings, startupTimeout, ... } }`, from a project's `.lsp.json` and from
// plugins (`.lsp.json` at the plugin root, or `lspServers` in plugin.json as an object or a "./path").
// `${CLAUDE_PLUGIN_ROOT}` and `${VAR}` expand in command, args and env. A bad server is one warning
// naming the file and field; the other servers still load.
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Env } from "./config-dir.ts";
import type { LoadWarning, PluginDef } from "./extension-types.ts";
import { expandVars } from "./mcp-config-parse.ts";
import { readJson } from "./plugins.ts";
import { isPlain, setOwn } from "./settings-parse.ts";

export interface LspServerConfig {
  /** As written in the config ("typescript"), or the built-in table's name. */
  name: string;
  command: string;
  args: string[];
  /** Lower-case extension with its dot (".ts") to the LSP language id ("typescript"). */
  extensionToLanguage: Record<string, string>;
  env: Record<string, string>;
  initializationOptions?: unknown;
  /** Answered to workspace/configuration requests and sent once with didChangeConfiguration. */
  settings?: unknown;
  startupTimeoutMs?: number;
  shutdownTimeoutMs?: number;
  /** How many times a crashed server is started again (default 2); 0 with restartOnCrash false. */
  maxRestarts?: number;
  /** The file that defined it, or "built-in". */
  source: string;
  plugin?: string;
}

export interface LspParseContext {
  file: string;
  env: Env;
  /** Relative commands (./bin/server) resolve against it: the plugin root or the project folder. */
  baseDir: string;
  pluginRoot?: string;
  plugin?: string;
  /** Key path of the server map inside the file (["lspServers"] for an inline manifest object). */
  at?: (string | number)[];
  locate?: (path: (string | number)[]) => number | undefined;
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

function stringRecord(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlain(value)) throw new FieldError(field, `"${field}" must be an object of strings (got ${describe(value)})`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new FieldError(field, `"${field}.${key}" must be a string (got ${describe(v)})`);
    setOwn(out, key, v);
  }
  return out;
}

function positive(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.round(value);
  throw new FieldError(field, `"${field}" must be a positive number of milliseconds (got ${describe(value)})`);
}

function extensions(value: unknown): Record<string, string> {
  if (value === undefined) throw new FieldError("extensionToLanguage", `needs "extensionToLanguage" (e.g. {".ts": "typescript"})`);
  const raw = stringRecord(value, "extensionToLanguage");
  const out: Record<string, string> = {};
  for (const [ext, language] of Object.entries(raw)) {
    const key = (ext.startsWith(".") ? ext : `.${ext}`).toLowerCase();
    if (key === "." || language.trim() === "") throw new FieldError("extensionToLanguage", `"extensionToLanguage" has an empty extension or language id`);
    setOwn(out, key, language);
  }
  if (Object.keys(out).length === 0) throw new FieldError("extensionToLanguage", `"extensionToLanguage" maps no extensions`);
  return out;
}

function buildServer(name: string, raw: Record<string, unknown>, ctx: LspParseContext, expand: (s: string) => string): LspServerConfig {
  if (typeof raw.command !== "string" || raw.command.trim() === "") throw new FieldError("command", `"command" must be a non-empty string`);
  if (raw.transport !== undefined && raw.transport !== "stdio") throw new FieldError("transport", `transport ${JSON.stringify(raw.transport)} is not supported by hone (only "stdio")`);
  const args = raw.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) throw new FieldError("args", `"args" must be an array of strings`);
  let command = expand(raw.command);
  if (!isAbsolute(command) && (command.startsWith("./") || command.startsWith("../"))) command = resolve(ctx.baseDir, command);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(stringRecord(raw.env, "env"))) setOwn(env, key, expand(value));
  const server: LspServerConfig = { name, command, args: (args as string[]).map(expand), extensionToLanguage: extensions(raw.extensionToLanguage), env, source: ctx.file };
  if (raw.initializationOptions !== undefined) server.initializationOptions = raw.initializationOptions;
  if (raw.settings !== undefined) server.settings = raw.settings;
  const startup = positive(raw.startupTimeout, "startupTimeout");
  if (startup !== undefined) server.startupTimeoutMs = startup;
  const shutdown = positive(raw.shutdownTimeout, "shutdownTimeout");
  if (shutdown !== undefined) server.shutdownTimeoutMs = shutdown;
  if (raw.maxRestarts !== undefined) {
    if (typeof raw.maxRestarts !== "number" || !Number.isInteger(raw.maxRestarts) || raw.maxRestarts < 0) throw new FieldError("maxRestarts", `"maxRestarts" must be a whole number, 0 or more`);
    server.maxRestarts = raw.maxRestarts;
  }
  if (raw.restartOnCrash === false) server.maxRestarts = 0;
  if (ctx.plugin !== undefined) server.plugin = ctx.plugin;
  return server;
}

/** The servers of one `{ "<name>": {...} }` map; each bad one is skipped with a warning. */
export function parseLspServers(value: unknown, ctx: LspParseContext): { servers: LspServerConfig[]; warnings: LoadWarning[] } {
  const servers: LspServerConfig[] = [];
  const warnings: LoadWarning[] = [];
  const at = ctx.at ?? [];
  const warn = (path: (string | number)[], message: string) => {
    // A missing field has no line of its own: point at its server.
    const line = ctx.locate?.([...at, ...path]) ?? ctx.locate?.([...at, ...path.slice(0, 1)]);
    warnings.push({ file: ctx.file, ...(line === undefined ? {} : { line }), message });
  };
  if (!isPlain(value)) {
    warn([], `expected an object mapping language server names to definitions (got ${describe(value)}); no servers loaded from it`);
    return { servers, warnings };
  }
  for (const [name, raw] of Object.entries(value)) {
    if (!isPlain(raw)) {
      warn([name], `LSP server "${name}": expected an object (got ${describe(raw)}); server skipped`);
      continue;
    }
    const missing = new Set<string>();
    const lookup = (key: string) => (key === "CLAUDE_PLUGIN_ROOT" && ctx.pluginRoot !== undefined ? ctx.pluginRoot : ctx.env[key]);
    try {
      servers.push(buildServer(name, raw, ctx, (text) => expandVars(text, lookup, missing)));
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      warn([name, error.field], `LSP server "${name}": ${error.message}; server skipped`);
      continue;
    }
    if (missing.size > 0) warn([name], `LSP server "${name}": ${[...missing].map((v) => `\${${v}}`).join(", ")} not set and left as written`);
  }
  return { servers, warnings };
}

function fromFile(file: string, optional: boolean, ctx: Omit<LspParseContext, "file">, out: LspServerConfig[], warnings: LoadWarning[]): void {
  const json = readJson(file, warnings, optional);
  if (!json) return;
  const parsed = parseLspServers(json.data, { ...ctx, file, locate: json.locate });
  out.push(...parsed.servers);
  warnings.push(...parsed.warnings);
}

/** A plugin's servers: `.lsp.json` at its root, then the manifest's `lspServers` (object, "./path" or a list). */
export function pluginLspServers(plugin: PluginDef, env: Env, warnings: LoadWarning[]): LspServerConfig[] {
  const out: LspServerConfig[] = [];
  const ctx = { env, baseDir: plugin.root, pluginRoot: plugin.root, plugin: plugin.name };
  const rootFile = join(plugin.root, ".lsp.json");
  fromFile(rootFile, true, ctx, out, warnings);
  const manifest = readJson(plugin.manifestPath, [], true);
  if (!manifest || !isPlain(manifest.data)) return out;
  const value = manifest.data.lspServers;
  if (value === undefined || value === null) return out;
  const list = Array.isArray(value) ? value.map((v, i) => ({ v, at: ["lspServers", i] })) : [{ v: value, at: ["lspServers"] }];
  for (const { v, at } of list) {
    const where = (message: string) => {
      const line = manifest.locate(at);
      warnings.push({ file: plugin.manifestPath, ...(line === undefined ? {} : { line }), message });
    };
    if (isPlain(v)) {
      const parsed = parseLspServers(v, { ...ctx, file: plugin.manifestPath, at, locate: manifest.locate });
      out.push(...parsed.servers);
      warnings.push(...parsed.warnings);
      continue;
    }
    if (typeof v !== "string" || !v.startsWith("./")) {
      where(`"lspServers" must be an object of servers or a path starting with ./ (got ${describe(v)}); ignored`);
      continue;
    }
    const file = resolve(plugin.root, v);
    if (relative(plugin.root, file).startsWith("..")) {
      where(`"lspServers": path ${JSON.stringify(v)} leaves the plugin folder; ignored`);
      continue;
    }
    if (file === rootFile) continue;
    fromFile(file, false, ctx, out, warnings);
  }
  return out;
}

export interface LspConfigInputs {
  /** The project folder: its `.lsp.json` is read (only pass it for a trusted folder). */
  root: string;
  env: Env;
  plugins?: PluginDef[];
  /** False leaves the project's `.lsp.json` out (an untrusted folder must not start its commands). */
  includeProject?: boolean;
}

/** Configured servers, project first, then each plugin in load order; the first to claim an extension serves it. */
export function loadLspConfigs(inputs: LspConfigInputs): { configs: LspServerConfig[]; warnings: LoadWarning[] } {
  const configs: LspServerConfig[] = [];
  const warnings: LoadWarning[] = [];
  if (inputs.includeProject !== false) fromFile(join(inputs.root, ".lsp.json"), true, { env: inputs.env, baseDir: inputs.root }, configs, warnings);
  for (const plugin of inputs.plugins ?? []) configs.push(...pluginLspServers(plugin, inputs.env, warnings));
  return { configs, warnings };
}

