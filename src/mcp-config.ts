// The MCP servers a run uses: --mcp-config values, local scope (this folder's entry in ~/.hone/mcp.json,
// then in Claude Code's ~/.claude.json), the project's .mcp.json (only in a trusted folder, filtered by the
// enabled/disabledMcpjsonServers settings), user scope (same two files, top level) and plugin servers.
// For one name the highest layer's whole entry wins: cli > local > project > user > plugin.
import type { Env } from "./config-dir.ts";
import type { LoadWarning, McpScope, McpServerEntry, McpTransport } from "./extension-types.ts";
import { claudeJsonPath, honeMcpPath, McpConfigError, projectKey, projectMcpPath, readCliConfig, readJsonFile, type JsonDoc } from "./mcp-config-files.ts";
import { normalizeServerName, parseMcpServersDetailed } from "./mcp-config-parse.ts";

export { claudeJsonPath, honeMcpPath, McpConfigError, projectMcpPath };
export { expandVars, normalizeServerName, parseMcpServers, SERVER_NAME_PATTERN, type McpParseContext } from "./mcp-config-parse.ts";

/** The settings keys that approve or refuse a project's .mcp.json servers. */
export interface McpApprovalSettings {
  enableAllProjectMcpServers?: boolean | undefined;
  enabledMcpjsonServers?: string[] | undefined;
  disabledMcpjsonServers?: string[] | undefined;
}

export interface McpLoadInputs {
  cwd: string;
  env: Env;
  /** --mcp-config values, in command-line order (a later one wins for the same name). */
  cliConfigs: string[];
  /** --strict-mcp-config: only the --mcp-config servers. */
  strict: boolean;
  /** Whether cwd is a trusted folder; untrusted folders' .mcp.json servers are not started. */
  trusted: boolean;
  settings: McpApprovalSettings;
  pluginServers?: McpServerEntry[];
}

export interface McpSkipped {
  name: string;
  source: string;
  reason: string;
}

export interface McpLoadResult {
  servers: McpServerEntry[];
  warnings: LoadWarning[];
  skipped: McpSkipped[];
}

/** One source of definitions, as written (`raw`) and as parsed. */
export interface McpLayer {
  scope: McpScope;
  file: string;
  servers: McpServerEntry[];
  /** The server map as written in the file (unexpanded), by name. */
  raw: Record<string, unknown>;
}

export interface McpResolution extends McpLoadResult {
  /** Definitions hidden by a higher layer's server of the same (normalised) name. */
  shadowed: { entry: McpServerEntry; by: McpServerEntry }[];
  layers: McpLayer[];
}

function objectAt(value: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === "object" && current !== null ? (current as Record<string, unknown>) : undefined;
}

/** Layers from hone's mcp.json or ~/.claude.json: the cwd's local-scope map and the user-scope map. */
function homeLayers(doc: JsonDoc, cwd: string, env: Env, warnings: LoadWarning[]): { local?: McpLayer; user?: McpLayer } {
  const layer = (scope: McpScope, prefix: string[], container: Record<string, unknown> | undefined): McpLayer | undefined => {
    if (!container || container.mcpServers === undefined) return undefined;
    const locate = (path: (string | number)[]) => doc.locate([...prefix, ...path]);
    const parsed = parseMcpServersDetailed({ mcpServers: container.mcpServers }, { file: doc.path, scope, env, locate });
    for (const problem of parsed.problems) warnings.push(problem.warning);
    return { scope, file: doc.path, servers: parsed.servers, raw: objectAt(container, "mcpServers") ?? {} };
  };
  const root = objectAt(doc.data);
  const key = projectKey(objectAt(doc.data, "projects"), cwd);
  return {
    local: key === undefined ? undefined : layer("local", ["projects", key], objectAt(doc.data, "projects", key)),
    user: layer("user", [], root),
  };
}

function fileLayer(path: string, scope: McpScope, env: Env, warnings: LoadWarning[]): McpLayer | undefined {
  const read = readJsonFile(path);
  if (read.status === "missing") return undefined;
  if (read.status === "error") {
    warnings.push(read.warning);
    return undefined;
  }
  const parsed = parseMcpServersDetailed(read.doc.data, { file: path, scope, env, locate: read.doc.locate });
  for (const problem of parsed.problems) warnings.push(problem.warning);
  return { scope, file: path, servers: parsed.servers, raw: objectAt(read.doc.data, "mcpServers") ?? {} };
}

function cliLayer(value: string, cwd: string, env: Env, warnings: LoadWarning[]): McpLayer {
  const doc = readCliConfig(value, cwd);
  const parsed = parseMcpServersDetailed(doc.data, { file: doc.path, scope: "cli", env, locate: doc.locate });
  const invalid = parsed.problems.filter((p) => p.kind === "invalid").map((p) => p.warning.message.replace(/; server skipped$/, ""));
  if (invalid.length > 0) throw new McpConfigError(value, invalid.join("; "));
  for (const problem of parsed.problems) warnings.push(problem.warning);
  return { scope: "cli", file: doc.path, servers: parsed.servers, raw: objectAt(doc.data, "mcpServers") ?? {} };
}

/** Every layer that defines servers, highest precedence first. Throws McpConfigError for a bad --mcp-config. */
export function readMcpLayers(inputs: Omit<McpLoadInputs, "trusted" | "settings">): { layers: McpLayer[]; warnings: LoadWarning[] } {
  const { cwd, env } = inputs;
  const warnings: LoadWarning[] = [];
  const layers: McpLayer[] = [];
  const push = (layer: McpLayer | undefined) => {
    if (layer) layers.push(layer);
  };
  for (const value of [...inputs.cliConfigs].reverse()) push(cliLayer(value, cwd, env, warnings));
  if (inputs.strict) return { layers, warnings };
  const homeFile = (path: string) => {
    const read = readJsonFile(path);
    if (read.status === "error") warnings.push(read.warning);
    return read.status === "ok" ? homeLayers(read.doc, cwd, env, warnings) : {};
  };
  const hone = homeFile(honeMcpPath(env));
  const claude = homeFile(claudeJsonPath(env));
  push(hone.local);
  push(claude.local);
  push(fileLayer(projectMcpPath(cwd), "project", env, warnings));
  push(hone.user);
  push(claude.user);
  const plugins = inputs.pluginServers ?? [];
  for (const source of new Set(plugins.map((s) => s.source))) {
    layers.push({ scope: "plugin", file: source, servers: plugins.filter((s) => s.source === source), raw: {} });
  }
  return { layers, warnings };
}

/** Why a project (.mcp.json) server is not started, or undefined when it may be. */
function projectRefusal(name: string, inputs: McpLoadInputs): string | undefined {
  const { settings } = inputs;
  if (settings.disabledMcpjsonServers?.includes(name)) return "listed in disabledMcpjsonServers in the settings";
  if (!inputs.trusted) return `${inputs.cwd} is not a trusted folder; run "hone trust" there to start its .mcp.json servers`;
  if (settings.enableAllProjectMcpServers !== true && settings.enabledMcpjsonServers !== undefined && !settings.enabledMcpjsonServers.includes(name)) {
    return "not listed in enabledMcpjsonServers in the settings (add it, or set enableAllProjectMcpServers)";
  }
  return undefined;
}

function target(transport: McpTransport): string {
  return transport.type === "stdio" ? JSON.stringify([transport.command, ...transport.args]) : transport.url;
}

/** Loads every layer and merges them; also returns what was shadowed (for `hone mcp list`). */
export function resolveMcpServers(inputs: McpLoadInputs): McpResolution {
  const { layers, warnings } = readMcpLayers(inputs);
  const chosen = new Map<string, McpServerEntry>();
  const skipped: McpSkipped[] = [];
  const shadowed: McpResolution["shadowed"] = [];
  for (const layer of layers) {
    for (const entry of layer.servers) {
      const refusal = entry.scope === "project" ? projectRefusal(entry.name, inputs) : undefined;
      if (refusal) {
        skipped.push({ name: entry.name, source: entry.source, reason: refusal });
        continue;
      }
      const key = normalizeServerName(entry.name, entry.plugin);
      const winner = chosen.get(key);
      if (winner) {
        shadowed.push({ entry, by: winner });
        continue;
      }
      // A plugin often ships a server the user already configured by hand: start it only once.
      const twin = entry.scope === "plugin" ? [...chosen.values()].find((e) => target(e.transport) === target(entry.transport)) : undefined;
      if (twin) {
        const what = entry.transport.type === "stdio" ? "command" : "url";
        skipped.push({ name: entry.name, source: entry.source, reason: `same ${what} as server "${twin.name}" (${twin.scope}), which is used instead` });
        continue;
      }
      chosen.set(key, entry);
    }
  }
  return { servers: [...chosen.values()], warnings, skipped, shadowed, layers };
}

/** The MCP servers for a run. Throws McpConfigError when a --mcp-config value is unusable (a usage error). */
export function loadMcpServers(inputs: McpLoadInputs): McpLoadResult {
  const { servers, warnings, skipped } = resolveMcpServers(inputs);
  return { servers, warnings, skipped };
}
