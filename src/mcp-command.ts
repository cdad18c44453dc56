// `hone mcp`: add, add-json, list, get and remove MCP server definitions. Reads every source a run reads
// (hone's ~/.hone/mcp.json, Claude Code's ~/.claude.json, the project's .mcp.json); writes only hone's
// own files and .mcp.json. Exit codes: 0 ok, 1 failure, 2 usage error.
import type { McpServerEntry } from "./extension-types.ts";
import { EXIT } from "./exit-codes.ts";
import { addCommand, addJsonCommand, McpUsageError, parseAddArgs, parseScope } from "./mcp-command-add.ts";
import { claudeJsonPath, readMcpLayers, resolveMcpServers, type McpResolution } from "./mcp-config.ts";
import { hasServer, McpWriteError, removeServer, scopeFile, type WritableScope } from "./mcp-config-write.ts";
import { inspectSettings } from "./settings.ts";
import type { CommandIO } from "./subcommands.ts";
import { isTrusted } from "./trust.ts";

const USAGE = `usage: hone mcp add [--transport stdio|sse|http] [--scope local|project|user] [-e KEY=value]... [-H "Name: value"]... <name> <url | -- command [args...]>
       hone mcp add-json [--scope local|project|user] <name> '<json>'
       hone mcp list [--json]
       hone mcp get <name>
       hone mcp remove <name> [--scope local|project|user]
Scopes: local (default; this folder only, in ~/.hone/mcp.json), project (.mcp.json, shared), user (every folder, ~/.hone/mcp.json).
Put -- before a stdio command whose own options look like hone's (-t, -s, -e, -H and their long forms).
`;

interface Listing extends McpResolution {
  trusted: boolean;
}

/** What a run in this folder would load (without --mcp-config or plugins). */
function listing(io: CommandIO): Listing {
  let trusted = false;
  const notes: string[] = [];
  try {
    trusted = isTrusted(io.cwd, io.env);
  } catch (error) {
    notes.push(`${(error as Error).message} (folder treated as not trusted)`);
  }
  const report = inspectSettings({ cwd: io.cwd, env: io.env, trusted });
  const { enableAllProjectMcpServers, enabledMcpjsonServers, disabledMcpjsonServers } = report.loaded.settings;
  const settings = { enableAllProjectMcpServers, enabledMcpjsonServers, disabledMcpjsonServers };
  const resolved = resolveMcpServers({ cwd: io.cwd, env: io.env, cliConfigs: [], strict: false, trusted, settings });
  for (const error of report.errors) resolved.warnings.push({ file: error.file, message: `${error.problem} (its MCP approval settings are not applied)` });
  for (const note of notes) resolved.warnings.push({ file: "trust", message: note });
  return { ...resolved, trusted };
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function targetText(entry: McpServerEntry): string {
  const t = entry.transport;
  return t.type === "stdio" ? [t.command, ...t.args].map(quote).join(" ") : t.url;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  return rows.map((r) => `  ${r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join("  ")}`.trimEnd());
}

function warningText(w: { file: string; line?: number; message: string }): string {
  return `${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.message}`;
}

function listCommand(args: string[], io: CommandIO): number {
  const extra = args.filter((a) => a !== "--json");
  if (extra.length > 0) throw new McpUsageError(`unexpected argument ${extra[0]}`);
  const l = listing(io);
  if (args.includes("--json")) {
    const server = (e: McpServerEntry) => {
      const t = e.transport;
      const how = t.type === "stdio" ? { command: t.command, args: t.args, envKeys: Object.keys(t.env), cwd: t.cwd } : { url: t.url, headerKeys: Object.keys(t.headers) };
      return { name: e.name, scope: e.scope, type: t.type, ...how, source: e.source, timeoutMs: e.timeoutMs };
    };
    const shadowed = l.shadowed.map((s) => ({ name: s.entry.name, scope: s.entry.scope, source: s.entry.source, usedInstead: { scope: s.by.scope, source: s.by.source } }));
    io.out(`${JSON.stringify({ cwd: io.cwd, trusted: l.trusted, servers: l.servers.map(server), skipped: l.skipped, shadowed, warnings: l.warnings }, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines: string[] = [];
  if (l.servers.length === 0) lines.push(`No MCP servers configured for ${io.cwd}.`);
  else {
    lines.push(`MCP servers for ${io.cwd} (highest precedence first):`);
    lines.push(...table([["NAME", "SCOPE", "TYPE", "COMMAND / URL", "SOURCE"], ...l.servers.map((e) => [e.name, e.scope, e.transport.type, targetText(e), e.source])]));
  }
  if (l.skipped.length > 0) {
    lines.push("", "Not started:");
    for (const s of l.skipped) lines.push(`  ${s.name} (${s.source}): ${s.reason}`);
  }
  if (l.shadowed.length > 0) {
    lines.push("", "Overridden by a definition of the same name in a higher scope:");
    for (const s of l.shadowed) lines.push(`  ${s.entry.name} (${s.entry.scope}, ${s.entry.source}): the ${s.by.scope} one in ${s.by.source} is used`);
  }
  if (l.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const w of l.warnings) lines.push(`  - ${warningText(w)}`);
  }
  io.out(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

function getCommand(args: string[], io: CommandIO): number {
  const [name, ...extra] = args;
  if (name === undefined) throw new McpUsageError("missing the server name");
  if (extra.length > 0) throw new McpUsageError(`unexpected argument ${extra[0]}`);
  const l = listing(io);
  const used = l.servers.find((e) => e.name === name);
  const definitions = l.layers.filter((layer) => Object.hasOwn(layer.raw, name));
  if (definitions.length === 0) {
    io.err(`hone mcp: no MCP server named "${name}" here (see "hone mcp list")\n`);
    return EXIT.error;
  }
  const lines: string[] = [`${name}:`];
  if (used) {
    const t = used.transport;
    lines.push(`  Type:     ${t.type}`);
    if (t.type === "stdio") lines.push(`  Command:  ${targetText(used)}`, ...(t.cwd ? [`  Cwd:      ${t.cwd}`] : []));
    else lines.push(`  URL:      ${t.url}`);
    if (used.timeoutMs !== undefined) lines.push(`  Timeout:  ${used.timeoutMs} ms`);
  }
  for (const layer of definitions) {
    const entry = layer.servers.find((e) => e.name === name);
    const skip = l.skipped.find((s) => s.name === name && s.source === layer.file);
    let status = "invalid (see the warning below)";
    if (entry && entry === used) status = "used";
    else if (skip) status = `not started: ${skip.reason}`;
    else if (entry) status = `overridden by the ${used?.scope ?? "other"} definition`;
    lines.push("", `  ${layer.scope} scope, ${layer.file}`, `  Status:   ${status}`, "  As written:");
    lines.push(...JSON.stringify(layer.raw[name], null, 2).split("\n").map((line) => `    ${line}`));
  }
  const mine = l.warnings.filter((w) => w.message.includes(`"${name}"`));
  if (mine.length > 0) lines.push("", "Warnings:", ...mine.map((w) => `  - ${warningText(w)}`));
  io.out(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

const SCOPES: WritableScope[] = ["local", "project", "user"];

async function removeCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseAddArgs(args, ["scope"]);
  const [name, ...extra] = parsed.words;
  if (name === undefined) throw new McpUsageError("missing the server name");
  if (extra.length > 0) throw new McpUsageError(`unexpected argument ${extra[0]}`);
  const wanted = parsed.scope === undefined ? SCOPES : [parseScope(parsed.scope)];
  const found = wanted.filter((scope) => hasServer(scope, name, io.cwd, io.env));
  const claudeFile = claudeJsonPath(io.env);
  const inClaude = readMcpLayers({ cwd: io.cwd, env: io.env, cliConfigs: [], strict: false })
    .layers.filter((layer) => layer.file === claudeFile && Object.hasOwn(layer.raw, name) && wanted.includes(layer.scope as WritableScope))
    .map((layer) => layer.scope);
  const claudeNote = inClaude.length === 0 ? "" : `"${name}" is defined in ${claudeFile} (${inClaude.join(", ")} scope), Claude Code's file, which hone reads but never edits; remove it there with "claude mcp remove ${name}" or by hand.`;
  if (found.length === 0) {
    const where = parsed.scope === undefined ? "" : ` in ${wanted[0]} scope`;
    io.err(`hone mcp: no MCP server named "${name}"${where} in hone's files.${claudeNote ? ` ${claudeNote}` : ""}\n`);
    return EXIT.error;
  }
  if (found.length > 1) {
    const list = found.map((scope) => `  ${scope}: ${scopeFile(scope, io.cwd, io.env)}`).join("\n");
    io.err(`hone mcp: "${name}" is defined in several scopes; choose one with --scope:\n${list}\n`);
    return EXIT.error;
  }
  const scope = found[0] as WritableScope;
  const file = await removeServer(scope, name, io.cwd, io.env);
  io.out(`Removed MCP server "${name}" from ${scope} scope (${file})\n`);
  if (claudeNote) io.out(`Note: ${claudeNote}\n`);
  return EXIT.ok;
}

export async function mcpCommand(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help" || rest[0] === "--help" || rest[0] === "-h") {
    (sub === undefined ? io.err : io.out)(USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  try {
    if (sub === "add") return await addCommand(rest, io);
    if (sub === "add-json") return await addJsonCommand(rest, io);
    if (sub === "list") return listCommand(rest, io);
    if (sub === "get") return getCommand(rest, io);
    if (sub === "remove" || sub === "rm") return await removeCommand(rest, io);
    throw new McpUsageError(`unknown subcommand "${sub}"`);
  } catch (error) {
    if (error instanceof McpUsageError) {
      io.err(`hone mcp ${sub}: ${error.message}\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof McpWriteError) {
      io.err(`hone mcp ${sub}: ${error.message}\n`);
      return EXIT.error;
    }
    throw error;
  }
}
