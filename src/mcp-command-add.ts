// `hone mcp add` and `hone mcp add-json`: Claude Code's syntax (options, then the name, then a URL or
// the stdio command, with `--` keeping the command's own options away from hone's), validated with the
// same parser that loads the files, then written into the chosen scope's file.
import { EXIT } from "./exit-codes.ts";
import { parseMcpServersDetailed, SERVER_NAME_PATTERN } from "./mcp-config-parse.ts";
import { addServer, McpWriteError, type WritableScope } from "./mcp-config-write.ts";
import { setOwn } from "./settings-parse.ts";
import type { CommandIO } from "./subcommands.ts";
import { isTrusted } from "./trust.ts";

export class McpUsageError extends Error {
  override name = "McpUsageError";
}

export function parseScope(value: string): WritableScope {
  if (value === "local" || value === "project" || value === "user") return value;
  if (value === "global") return "user";
  throw new McpUsageError(`unknown scope "${value}" (expected local, project or user)`);
}

type OptionName = "transport" | "scope" | "env" | "header";

const OPTIONS: Record<string, OptionName> = {
  "--transport": "transport", "-t": "transport",
  "--scope": "scope", "-s": "scope",
  "--env": "env", "-e": "env",
  "--header": "header", "-H": "header",
};

/** Words that continue a repeated -e / -H list: names cannot contain '=' or ':', so no confusion. */
const CONTINUES: Partial<Record<OptionName, RegExp>> = { env: /^[A-Za-z_][A-Za-z0-9_]*=/, header: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:\s/ };

export interface AddArgs {
  transport?: string;
  scope?: string;
  env: string[];
  headers: string[];
  /** Words that are not hone options: the name, then the URL or command and its arguments. */
  words: string[];
  /** Whether `--` was given (everything after it went to `words` verbatim). */
  dashDash: boolean;
}

function matchOption(word: string): { name: OptionName; inline?: string } | undefined {
  const eq = word.startsWith("--") ? word.indexOf("=") : -1;
  const flag = eq === -1 ? word : word.slice(0, eq);
  const name = OPTIONS[flag];
  if (!name) return undefined;
  return eq === -1 ? { name } : { name, inline: word.slice(eq + 1) };
}

/** Splits `add` arguments. Before the name an unknown option is an error; after it, it belongs to the command. */
export function parseAddArgs(args: string[], allowed: OptionName[]): AddArgs {
  const out: AddArgs = { env: [], headers: [], words: [], dashDash: false };
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? "";
    if (word === "--") {
      out.words.push(...args.slice(i + 1));
      out.dashDash = true;
      break;
    }
    const option = matchOption(word);
    if (!option || !allowed.includes(option.name)) {
      if (word.startsWith("-") && word !== "-" && out.words.length === 0) throw new McpUsageError(`unknown option ${word}`);
      out.words.push(word);
      continue;
    }
    const value = option.inline ?? args[++i];
    if (value === undefined) throw new McpUsageError(`${word} needs a value`);
    if (option.name === "transport" || option.name === "scope") {
      out[option.name] = value;
      continue;
    }
    const list = option.name === "env" ? out.env : out.headers;
    list.push(value);
    const more = CONTINUES[option.name];
    while (more && option.inline === undefined && i + 1 < args.length && more.test(args[i + 1] ?? "")) list.push(args[++i] ?? "");
  }
  return out;
}

function checkName(name: string | undefined): string {
  if (name === undefined) throw new McpUsageError("missing the server name");
  if (!SERVER_NAME_PATTERN.test(name)) throw new McpUsageError(`invalid server name "${name}": use only letters, digits, "_" and "-"`);
  return name;
}

function pairs(list: string[], sep: "=" | ":", what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const at = item.indexOf(sep);
    const key = at === -1 ? "" : item.slice(0, at).trim();
    if (key === "") throw new McpUsageError(`${what} "${item}" must look like ${sep === "=" ? "KEY=value" : '"Name: value"'}`);
    setOwn(out, key, sep === "=" ? item.slice(at + 1) : item.slice(at + 1).trim());
  }
  return out;
}

/** The definition `hone mcp add` writes, from its parsed arguments. */
export function definitionFromArgs(parsed: AddArgs): { name: string; definition: Record<string, unknown>; inferred: boolean } {
  const [rawName, ...target] = parsed.words;
  const name = checkName(rawName);
  let type = parsed.transport;
  let inferred = false;
  if (type === "streamable-http") type = "http";
  if (type === undefined) {
    // A lone URL is clearly not a command: take it as a streamable HTTP server.
    inferred = target.length === 1 && !parsed.dashDash && /^https?:\/\//i.test(target[0] ?? "");
    type = inferred ? "http" : "stdio";
  }
  if (type === "ws") throw new McpUsageError(`transport "ws" is not supported by hone (use stdio, http or sse)`);
  if (type !== "stdio" && type !== "http" && type !== "sse") throw new McpUsageError(`unknown transport "${type}" (expected stdio, http or sse)`);
  if (type === "stdio") {
    if (parsed.headers.length > 0) throw new McpUsageError("--header is for http and sse servers; a stdio server takes --env");
    const [command, ...args] = target;
    if (command === undefined || command === "") throw new McpUsageError(`missing the command to run (hone mcp add ${name} -- <command> [args...])`);
    return { name, definition: { type, command, args, env: pairs(parsed.env, "=", "--env") }, inferred };
  }
  if (parsed.env.length > 0) throw new McpUsageError(`--env is for stdio servers; a ${type} server takes --header`);
  if (target.length !== 1) throw new McpUsageError(`a ${type} server takes exactly one URL after the name (got ${target.length} words)`);
  const definition: Record<string, unknown> = { type, url: target[0] };
  if (parsed.headers.length > 0) definition.headers = pairs(parsed.headers, ":", "--header");
  return { name, definition, inferred };
}

/** Checks a definition with the loader's parser: problems that would skip it are errors, the rest notes. */
function validate(name: string, definition: unknown, io: CommandIO): { error?: string; unsupported: boolean; notes: string[] } {
  const { problems } = parseMcpServersDetailed({ mcpServers: { [name]: definition } }, { file: "(command line)", scope: "local", env: io.env });
  const skipping = problems.find((p) => p.kind !== "note");
  const notes = problems.filter((p) => p.kind === "note").map((p) => p.warning.message);
  if (!skipping) return { unsupported: false, notes };
  return { error: skipping.warning.message.replace(/; server skipped$/, ""), unsupported: skipping.kind === "unsupported", notes };
}

async function save(scope: WritableScope, name: string, definition: Record<string, unknown>, io: CommandIO, label: string): Promise<number> {
  const check = validate(name, definition, io);
  if (check.error) {
    io.err(`hone mcp: ${check.error}\n`);
    return check.unsupported ? EXIT.error : EXIT.usage;
  }
  let file: string;
  try {
    file = await addServer(scope, name, definition, io.cwd, io.env);
  } catch (error) {
    if (!(error instanceof McpWriteError)) throw error;
    io.err(`hone mcp: ${error.message}\n`);
    return EXIT.error;
  }
  const where = scope === "local" ? `${file}, for ${io.cwd}` : file;
  io.out(`Added ${label} MCP server "${name}" to ${scope} scope (${where})\n`);
  for (const note of check.notes) io.err(`warning: ${note}\n`);
  if (scope === "project" && !safeTrusted(io)) {
    io.out(`Note: ${io.cwd} is not trusted, so .mcp.json servers are not started here; run "hone trust" to allow them.\n`);
  }
  return EXIT.ok;
}

function safeTrusted(io: CommandIO): boolean {
  try {
    return isTrusted(io.cwd, io.env);
  } catch {
    return false;
  }
}

export async function addCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseAddArgs(args, ["transport", "scope", "env", "header"]);
  const scope = parseScope(parsed.scope ?? "local");
  const { name, definition, inferred } = definitionFromArgs(parsed);
  const label = inferred ? "http (inferred from the URL; --transport sse for SSE)" : String(definition.type);
  return save(scope, name, definition, io, label);
}

export async function addJsonCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseAddArgs(args, ["scope"]);
  const scope = parseScope(parsed.scope ?? "local");
  const [rawName, json, ...extra] = parsed.words;
  const name = checkName(rawName);
  if (json === undefined) throw new McpUsageError(`missing the JSON definition (hone mcp add-json ${name} '{"type":"stdio","command":"..."}')`);
  if (extra.length > 0) throw new McpUsageError(`unexpected argument ${extra[0]} (quote the JSON as one argument)`);
  let definition: unknown;
  try {
    definition = JSON.parse(json);
  } catch (error) {
    throw new McpUsageError(`the definition is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) throw new McpUsageError("the definition must be a JSON object");
  const record = definition as Record<string, unknown>;
  const label = typeof record.type === "string" ? record.type : "stdio";
  return save(scope, name, record, io, label);
}
