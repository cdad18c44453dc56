// Loads one plugin folder: `.claude-plugin/plugin.json` (name, version, description and component path
// overrides, which add to the default folders), the default `commands/`, `agents/`, `skills/`,
// `hooks/hooks.json` and `.mcp.json`. `${CLAUDE_PLUGIN_ROOT}` in hook commands and MCP configs becomes
// the plugin's folder. Every problem is one warning naming the file; a broken manifest skips the plugin.
import { basename, join, relative, resolve } from "node:path";
import type { Env } from "./config-dir.ts";
import { fileProblem, formatSize, readHead } from "./extension-files.ts";
import type { LoadWarning, McpServerEntry, PluginDef } from "./extension-types.ts";
import { parseJsonText } from "./mcp-config-files.ts";
import { parseMcpServers } from "./mcp-config.ts";
import { isDirectory, realPathOr } from "./paths.ts";
import { isPlain } from "./settings-parse.ts";

const JSON_LIMIT = 1024 * 1024;

/** Plugin names: what `plugin:component` and `mcp__plugin_<name>_...` are built from. */
export const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

interface JsonFile {
  data: unknown;
  locate: (path: (string | number)[]) => number | undefined;
}


/** A JSON file, or undefined with one warning (none when it is simply missing and `optional`). */
export function readJson(file: string, warnings: LoadWarning[], optional: boolean): JsonFile | undefined {
  if (optional && fileProblem(file) === "does not exist") return undefined;
  const read = readHead(file, JSON_LIMIT);
  if (!read.ok) {
    warnings.push({ file, message: `${read.message}; skipped` });
    return undefined;
  }
  if (!read.head.complete) {
    warnings.push({ file, message: `is ${formatSize(read.head.size)}, too large for a plugin file; skipped` });
    return undefined;
  }
  const parsed = parseJsonText(read.head.text, file);
  if ("error" in parsed) {
    const { line, column, problem } = parsed.error;
    warnings.push({ file, line, message: `not valid JSON (line ${line}, column ${column}: ${problem}); skipped` });
    return undefined;
  }
  return { data: parsed.doc.data, locate: parsed.doc.locate };
}

const PLUGIN_ROOT_VAR = /\$\{CLAUDE_PLUGIN_ROOT\}|\$CLAUDE_PLUGIN_ROOT(?![A-Za-z0-9_])/g;

/** Replaces `${CLAUDE_PLUGIN_ROOT}` (and `$CLAUDE_PLUGIN_ROOT`) in every string of a JSON value. */
export function withPluginRoot(value: unknown, root: string): unknown {
  if (typeof value === "string") return value.replace(PLUGIN_ROOT_VAR, () => root);
  if (Array.isArray(value)) return value.map((v) => withPluginRoot(v, root));
  if (isPlain(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPluginRoot(v, root)]));
  return value;
}

interface Context {
  root: string;
  name: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
  locate: JsonFile["locate"];
  env: Env;
  warnings: LoadWarning[];
}

function warnAt(ctx: Context, key: (string | number)[], message: string): void {
  const line = ctx.locate(key);
  ctx.warnings.push({ file: ctx.manifestPath, ...(line === undefined ? {} : { line }), message });
}

/** A manifest value that may be one item or a list, with each item's key path for warnings. */
function items(ctx: Context, key: string): { value: unknown; at: (string | number)[] }[] {
  const value = ctx.manifest[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v, i) => ({ value: v, at: [key, i] }));
  return [{ value, at: [key] }];
}

/** A manifest path: must start with `./`, stay inside the plugin and exist. */
function manifestPath(ctx: Context, value: unknown, at: (string | number)[]): string | undefined {
  const field = at.map((p) => (typeof p === "number" ? `[${p}]` : p)).join("");
  if (typeof value !== "string") return void warnAt(ctx, at, `"${field}" must be a path string starting with ./; ignored`);
  if (!value.startsWith("./")) return void warnAt(ctx, at, `"${field}": path ${JSON.stringify(value)} must start with ./ (relative to the plugin folder); ignored`);
  const full = resolve(ctx.root, value);
  const rel = relative(ctx.root, full);
  if (rel.startsWith("..")) return void warnAt(ctx, at, `"${field}": path ${JSON.stringify(value)} leaves the plugin folder; ignored`);
  const problem = fileProblem(full);
  if (problem && problem !== "is a folder, not a file") return void warnAt(ctx, at, `"${field}": ${value} ${problem}; ignored`);
  return full;
}

/** The default folder (when present) plus the manifest's extra paths, each once. */
function componentPaths(ctx: Context, key: "commands" | "agents" | "skills"): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    const real = realPathOr(path);
    if (seen.has(real)) return;
    seen.add(real);
    out.push(path);
  };
  const fallback = join(ctx.root, key);
  if (isDirectory(fallback)) add(fallback);
  for (const { value, at } of items(ctx, key)) {
    const path = manifestPath(ctx, value, at);
    if (path !== undefined) add(path);
  }
  return out;
}

/** A hooks.json-style file or inline object: the `hooks` object inside, or the object itself. */
function hooksObject(value: unknown): unknown {
  return isPlain(value) && isPlain(value.hooks) ? value.hooks : value;
}

function hookLayers(ctx: Context): PluginDef["hookLayers"] {
  const layers: PluginDef["hookLayers"] = [];
  const seen = new Set<string>();
  const fromFile = (file: string, optional: boolean) => {
    const real = realPathOr(file);
    if (seen.has(real)) return;
    seen.add(real);
    const json = readJson(file, ctx.warnings, optional);
    if (!json) return;
    if (!isPlain(json.data) || !isPlain(json.data.hooks)) {
      ctx.warnings.push({ file, message: 'expected {"hooks": {"<Event>": [...]}}; the plugin\'s hooks in this file are not loaded' });
      return;
    }
    layers.push({ hooks: withPluginRoot(json.data.hooks, ctx.root), file });
  };
  fromFile(join(ctx.root, "hooks", "hooks.json"), true);
  for (const { value, at } of items(ctx, "hooks")) {
    if (isPlain(value)) {
      layers.push({ hooks: withPluginRoot(hooksObject(value), ctx.root), file: ctx.manifestPath });
      continue;
    }
    const path = manifestPath(ctx, value, at);
    if (path !== undefined) fromFile(path, false);
  }
  return layers;
}

function mcpServers(ctx: Context): McpServerEntry[] {
  const servers: McpServerEntry[] = [];
  const seen = new Set<string>();
  const take = (data: unknown, file: string, locate: JsonFile["locate"]) => {
    const parsed = parseMcpServers(data, { file, scope: "plugin", env: ctx.env, plugin: ctx.name, pluginRoot: ctx.root, locate });
    ctx.warnings.push(...parsed.warnings);
    for (const server of parsed.servers) {
      if (seen.has(server.name)) {
        ctx.warnings.push({ file, message: `MCP server "${server.name}" is already defined by this plugin; the first definition is used` });
        continue;
      }
      seen.add(server.name);
      servers.push(server);
    }
  };
  const fromFile = (file: string, optional: boolean) => {
    const json = readJson(file, ctx.warnings, optional);
    if (json) take(json.data, file, json.locate);
  };
  fromFile(join(ctx.root, ".mcp.json"), true);
  for (const { value, at } of items(ctx, "mcpServers")) {
    if (isPlain(value)) {
      take(value, ctx.manifestPath, (path) => ctx.locate([...at, ...path.filter((p) => p !== "mcpServers")]));
      continue;
    }
    const path = manifestPath(ctx, value, at);
    if (path !== undefined) fromFile(path, false);
  }
  return servers;
}

const COMPONENTS = ["commands", "agents", "skills", join("hooks", "hooks.json"), ".mcp.json", ".lsp.json"];

function readManifest(root: string, manifestPath: string, warnings: LoadWarning[]): { manifest: Record<string, unknown>; locate: JsonFile["locate"] } | undefined {
  if (fileProblem(manifestPath) === "does not exist") {
    // The manifest is optional when the folder has the standard layout; the folder name is the plugin name.
    if (COMPONENTS.some((c) => fileProblem(join(root, c)) !== "does not exist")) return { manifest: {}, locate: () => undefined };
    warnings.push({ file: root, message: "is not a plugin: no .claude-plugin/plugin.json and no commands/, agents/, skills/, hooks/hooks.json or .mcp.json; skipped" });
    return undefined;
  }
  const json = readJson(manifestPath, warnings, false);
  if (!json) return undefined;
  if (!isPlain(json.data)) {
    warnings.push({ file: manifestPath, line: 1, message: "expected a JSON object; plugin skipped" });
    return undefined;
  }
  return { manifest: json.data, locate: json.locate };
}

/** Loads the plugin in `root`; undefined (with a warning) when it is not a usable plugin. */
export function loadPlugin(root: string, env: Env, warnings: LoadWarning[]): PluginDef | undefined {
  if (!isDirectory(root)) {
    warnings.push({ file: root, message: `plugin folder ${fileProblem(root) ?? "is not a folder"}; skipped` });
    return undefined;
  }
  const manifestFile = join(root, ".claude-plugin", "plugin.json");
  const read = readManifest(root, manifestFile, warnings);
  if (!read) return undefined;
  const { manifest, locate } = read;
  const hasManifest = Object.keys(manifest).length > 0 || fileProblem(manifestFile) === undefined;
  const name = hasManifest ? manifest.name : basename(root);
  const nameLine = locate(["name"]);
  const at = { file: manifestFile, ...(nameLine === undefined ? { line: 1 } : { line: nameLine }) };
  if (typeof name !== "string" || name.trim() === "") {
    warnings.push({ ...at, message: 'missing required field "name" (a kebab-case plugin name); plugin skipped' });
    return undefined;
  }
  if (!PLUGIN_NAME.test(name)) {
    warnings.push({ ...at, message: `invalid plugin name ${JSON.stringify(name)} (use kebab-case: letters, digits and hyphens, no spaces or ':'); plugin skipped` });
    return undefined;
  }
  const ctx: Context = { root, name, manifestPath: manifestFile, manifest, locate, env, warnings };
  const text = (key: string) => (typeof manifest[key] === "string" || typeof manifest[key] === "number" ? String(manifest[key]) : undefined);
  const version = text("version");
  const description = text("description");
  return {
    name,
    root,
    manifestPath: manifestFile,
    ...(version === undefined ? {} : { version }),
    ...(description === undefined ? {} : { description }),
    commandDirs: componentPaths(ctx, "commands"),
    agentDirs: componentPaths(ctx, "agents"),
    skillDirs: componentPaths(ctx, "skills"),
    hookLayers: hookLayers(ctx),
    mcpServers: mcpServers(ctx),
  };
}
