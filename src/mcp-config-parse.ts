// Turns one `{"mcpServers": {...}}` object (from .mcp.json, ~/.claude.json, hone's mcp.json, a plugin
// or --mcp-config) into McpServerEntry values: transport chosen, `${VAR}` expanded, and every problem
// reported once per server, naming the server and field, while the other servers still load.
import type { Env } from "./config-dir.ts";
import type { LoadWarning, McpScope, McpServerEntry, McpTransport } from "./extension-types.ts";
import { isPlain, setOwn } from "./settings-parse.ts";

export interface McpParseContext {
  file: string;
  scope: McpScope;
  env: Env;
  plugin?: string;
  pluginRoot?: string;
  /** 1-based line of a key path inside the file, when the caller has the text (for warnings). */
  locate?: (path: (string | number)[]) => number | undefined;
}

/**
 * A warning and what it did: "invalid" dropped a server for bad configuration (fatal in --mcp-config),
 * "unsupported" dropped one hone cannot speak to, "note" kept the server.
 */
export interface McpProblem {
  warning: LoadWarning;
  kind: "invalid" | "unsupported" | "note";
}

export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The server part of tool names `mcp__<server>__<tool>`; plugin servers are `plugin_<plugin>_<server>`. */
export function normalizeServerName(name: string, plugin?: string): string {
  const full = plugin === undefined ? name : `plugin_${plugin}_${name}`;
  return full.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Transport types Claude Code knows that hone does not speak. */
const UNSUPPORTED_TYPES = new Set(["ws", "sse-ide", "ws-ide", "sdk", "claudeai-proxy"]);

/** `${VAR}` and `${VAR:-default}`; unknown names stay as written and are collected in `missing`. */
export function expandVars(text: string, lookup: (name: string) => string | undefined, missing: Set<string>): string {
  return text.replace(/\$\{([^}]+)\}/g, (match, body: string) => {
    const split = body.indexOf(":-");
    const name = split === -1 ? body : body.slice(0, split);
    const value = lookup(name);
    if (value !== undefined) return value;
    if (split !== -1) return body.slice(split + 2);
    missing.add(name);
    return match;
  });
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new FieldError(field, `"${field}" must be an array of strings`);
  return value as string[];
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlain(value)) throw new FieldError(field, `"${field}" must be an object of string values`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new FieldError(field, `"${field}.${key}" must be a string (got ${describe(v)})`);
    setOwn(out, key, v);
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

type RawType = "stdio" | "http" | "sse";

/** The transport type a raw entry asks for, or a FieldError / unsupported message. */
function transportType(raw: Record<string, unknown>): RawType | { unsupported: string } {
  const type = raw.type;
  if (type === undefined) {
    if (raw.command !== undefined) return "stdio";
    if (raw.url !== undefined) throw new FieldError("type", `has "url" but no "type"; add "type": "http" (or "sse")`);
    throw new FieldError("command", `needs "command" (a stdio server) or "type" and "url" (a remote server)`);
  }
  if (typeof type !== "string") throw new FieldError("type", `"type" must be a string (got ${describe(type)})`);
  if (type === "stdio" || type === "http" || type === "sse") return type;
  if (type === "streamable-http") return "http";
  if (UNSUPPORTED_TYPES.has(type)) return { unsupported: type };
  throw new FieldError("type", `unknown "type" ${JSON.stringify(type)} (expected stdio, http, streamable-http or sse)`);
}

function expandMap(map: Record<string, string>, expand: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) setOwn(out, key, expand(value));
  return out;
}

function buildTransport(type: RawType, raw: Record<string, unknown>, expand: (s: string) => string): McpTransport {
  if (type === "stdio") {
    if (typeof raw.command !== "string" || raw.command.trim() === "") throw new FieldError("command", `"command" must be a non-empty string`);
    const args = stringList(raw.args, "args");
    const env = stringMap(raw.env, "env");
    if (raw.cwd !== undefined && typeof raw.cwd !== "string") throw new FieldError("cwd", `"cwd" must be a string`);
    const transport: McpTransport = { type, command: expand(raw.command), args: args.map(expand), env: expandMap(env, expand) };
    if (typeof raw.cwd === "string" && raw.cwd !== "") transport.cwd = expand(raw.cwd);
    return transport;
  }
  if (typeof raw.url !== "string" || raw.url.trim() === "") throw new FieldError("url", `a ${type} server needs "url" (a string)`);
  const headers = stringMap(raw.headers, "headers");
  const url = expand(raw.url);
  // A URL still holding `${...}` is reported as a missing variable rather than as malformed.
  if (!url.includes("${")) {
    let protocol = "";
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new FieldError("url", `"url" is not a valid URL: ${url}`);
    }
    if (protocol !== "http:" && protocol !== "https:") throw new FieldError("url", `"url" must be http:// or https:// (got ${protocol})`);
  }
  return { type, url, headers: expandMap(headers, expand) };
}

/** One server: an entry, or a problem; `notes` are warnings that do not drop it. */
function parseServer(name: string, raw: unknown, ctx: McpParseContext): { entry?: McpServerEntry; problem?: McpProblem; notes: LoadWarning[] } {
  const at = (field?: string): LoadWarning => {
    const line = ctx.locate?.(field === undefined ? ["mcpServers", name] : ["mcpServers", name, field]);
    return line === undefined ? { file: ctx.file, message: "" } : { file: ctx.file, line, message: "" };
  };
  const fail = (field: string | undefined, message: string, kind: McpProblem["kind"] = "invalid"): { problem: McpProblem; notes: LoadWarning[] } => ({
    problem: { warning: { ...at(field), message: `MCP server "${name}": ${message}; server skipped` }, kind },
    notes: [],
  });
  if (name === "") return fail(undefined, "the server name is empty");
  if (!isPlain(raw)) return fail(undefined, `expected an object (got ${describe(raw)})`);
  const missing = new Set<string>();
  const lookup = (key: string): string | undefined => (key === "CLAUDE_PLUGIN_ROOT" && ctx.pluginRoot !== undefined ? ctx.pluginRoot : ctx.env[key]);
  const expand = (text: string) => expandVars(text, lookup, missing);
  let transport: McpTransport;
  try {
    const type = transportType(raw);
    if (typeof type === "object") return fail("type", `transport "${type.unsupported}" is not supported by hone (use stdio, http or sse)`, "unsupported");
    transport = buildTransport(type, raw, expand);
  } catch (error) {
    if (error instanceof FieldError) return fail(error.field, error.message);
    throw error;
  }
  const entry: McpServerEntry = { name, transport, scope: ctx.scope, source: ctx.file };
  if (ctx.plugin !== undefined) entry.plugin = ctx.plugin;
  const notes: LoadWarning[] = [];
  if (raw.timeout !== undefined) {
    const t = raw.timeout;
    if (typeof t === "number" && Number.isFinite(t) && t > 0) entry.timeoutMs = Math.round(t);
    else notes.push({ ...at("timeout"), message: `MCP server "${name}": "timeout" must be a positive number of milliseconds (got ${describe(t)}); using the default` });
  }
  if (missing.size > 0) {
    const names = [...missing].map((v) => `\${${v}}`).join(", ");
    notes.push({ ...at(), message: `MCP server "${name}": ${names} ${missing.size === 1 ? "is" : "are"} not set and left as written (set it, or use \${NAME:-default})` });
  }
  return { entry, notes };
}

/** Like parseMcpServers, but each warning says whether it dropped a server for bad configuration. */
export function parseMcpServersDetailed(value: unknown, ctx: McpParseContext): { servers: McpServerEntry[]; problems: McpProblem[] } {
  const servers: McpServerEntry[] = [];
  const problems: McpProblem[] = [];
  const whole = (message: string, kind: McpProblem["kind"] = "invalid") => problems.push({ warning: { file: ctx.file, message }, kind });
  if (!isPlain(value)) {
    whole(`expected a JSON object with "mcpServers" (got ${describe(value)})`);
    return { servers, problems };
  }
  let map: unknown = value.mcpServers;
  if (map === undefined) {
    // Plugin manifests may give the server map itself; VS Code's mcp.json uses "servers", which hone does not read.
    const looksLikeMap = Object.values(value).some((v) => isPlain(v) && ("command" in v || "url" in v));
    if (ctx.scope === "plugin" && looksLikeMap) map = value;
    else if (isPlain(value.servers)) whole(`no "mcpServers" key ("servers" is VS Code's format; rename it to "mcpServers")`, "note");
    if (map === undefined) return { servers, problems };
  }
  if (!isPlain(map)) {
    whole(`"mcpServers" must be an object mapping server names to definitions (got ${describe(map)})`);
    return { servers, problems };
  }
  for (const [name, raw] of Object.entries(map)) {
    const result = parseServer(name, raw, ctx);
    if (result.problem) problems.push(result.problem);
    for (const note of result.notes) problems.push({ warning: note, kind: "note" });
    if (result.entry) servers.push(result.entry);
  }
  return { servers, problems };
}

/** Servers of one `{"mcpServers": {...}}` object, with one warning per problem (bad servers are skipped). */
export function parseMcpServers(value: unknown, ctx: McpParseContext): { servers: McpServerEntry[]; warnings: LoadWarning[] } {
  const { servers, problems } = parseMcpServersDetailed(value, ctx);
  return { servers, warnings: problems.map((p) => p.warning) };
}
