// Where MCP server definitions live and how their files are read: hone's ~/.hone/mcp.json, Claude Code's
// ~/.claude.json, a project's .mcp.json and --mcp-config values. JSONC is accepted; a file that does not
// parse gives one warning with its line and column and is skipped.
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { homeDir, honeHome, type Env } from "./config-dir.ts";
import type { LoadWarning } from "./extension-types.ts";
import { realPathOr } from "./paths.ts";
import { lineColumn } from "./settings-parse.ts";

/** Larger config files are refused rather than read into memory (~/.claude.json is a few MB at most). */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export function honeMcpPath(env: Env): string {
  return join(honeHome(env), "mcp.json");
}

/** Claude Code's app-state file: in CLAUDE_CONFIG_DIR when set, else directly in the home folder. */
export function claudeJsonPath(env: Env): string {
  return env.CLAUDE_CONFIG_DIR ? join(env.CLAUDE_CONFIG_DIR, ".claude.json") : join(homeDir(env), ".claude.json");
}

export function projectMcpPath(cwd: string): string {
  return join(cwd, ".mcp.json");
}

/** A parsed JSON(C) document with a lazy locator from key paths to 1-based lines. */
export interface JsonDoc {
  path: string;
  text: string;
  data: unknown;
  locate: (keyPath: (string | number)[]) => number | undefined;
}

export type ReadResult = { status: "missing" } | { status: "error"; warning: LoadWarning } | { status: "ok"; doc: JsonDoc };

function describeParseError(error: ParseError): string {
  // "CommaExpected" -> "comma expected"
  return printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/** Parses JSON fast (native) and falls back to JSONC (comments, trailing commas) only when needed. */
export function parseJsonText(raw: string, path: string): { doc: JsonDoc } | { error: { line: number; column: number; problem: string } } {
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    data = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    const first = errors[0];
    if (first) {
      const { line, column } = lineColumn(text, first.offset);
      return { error: { line, column, problem: describeParseError(first) } };
    }
  }
  let tree: Node | undefined | null = null;
  const locate = (keyPath: (string | number)[]): number | undefined => {
    // Only built when a warning needs a line: ~/.claude.json can be large.
    if (tree === null) tree = parseTree(text, [], { allowTrailingComma: true }) ?? undefined;
    if (tree === undefined) return undefined;
    const node = findNodeAtLocation(tree, keyPath);
    if (!node) return undefined;
    return lineColumn(text, node.parent?.type === "property" ? node.parent.offset : node.offset).line;
  };
  return { doc: { path, text, data, locate } };
}

/** Reads one config file; a missing file is normal, anything else wrong is one warning. */
export function readJsonFile(path: string): ReadResult {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { status: "error", warning: { file: path, message: "is a directory, expected a JSON file; skipped" } };
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return { status: "missing" };
    return { status: "error", warning: { file: path, message: `cannot be read (${(error as Error).message}); skipped` } };
  }
  if (size > MAX_CONFIG_BYTES) return { status: "error", warning: { file: path, message: `is ${Math.round(size / 1048576)} MB, too large to be an MCP config; skipped` } };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { status: "error", warning: { file: path, message: `cannot be read (${(error as Error).message}); skipped` } };
  }
  if (text.trim() === "") return { status: "ok", doc: { path, text, data: {}, locate: () => undefined } };
  const parsed = parseJsonText(text, path);
  if ("error" in parsed) {
    const { line, column, problem } = parsed.error;
    return { status: "error", warning: { file: path, line, message: `not valid JSON at line ${line}, column ${column}: ${problem}; its MCP servers are not loaded` } };
  }
  return { status: "ok", doc: parsed.doc };
}

/** The key of `projects` that stands for cwd (as given, resolved, or with symlinks resolved). */
export function projectKey(projects: unknown, cwd: string): string | undefined {
  if (typeof projects !== "object" || projects === null) return undefined;
  for (const key of new Set([cwd, resolve(cwd), realPathOr(cwd)])) {
    if (Object.hasOwn(projects, key)) return key;
  }
  return undefined;
}

export class McpConfigError extends Error {
  override name = "McpConfigError";
  constructor(
    readonly value: string,
    readonly problem: string,
  ) {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    super(`--mcp-config ${shown}: ${problem}`);
  }
}

/** One --mcp-config value (inline JSON when it starts with `{`, else a path against cwd) as a document. */
export function readCliConfig(value: string, cwd: string): JsonDoc {
  const inline = value.trimStart().startsWith("{");
  let text = value;
  let path = "--mcp-config";
  if (!inline) {
    path = resolve(cwd, value);
    const read = readJsonFile(path);
    if (read.status === "missing") throw new McpConfigError(value, `no such file (${path})`);
    if (read.status === "error") throw new McpConfigError(value, `${path} ${read.warning.message.replace(/; (skipped|its MCP servers are not loaded)$/, "")}`);
    text = read.doc.text;
    if (text.trim() === "") throw new McpConfigError(value, `${path} is empty; expected {"mcpServers": {...}}`);
  }
  const parsed = parseJsonText(text, path);
  if ("error" in parsed) {
    const { line, column, problem } = parsed.error;
    throw new McpConfigError(value, `not valid JSON at line ${line}, column ${column}: ${problem}`);
  }
  const data = parsed.doc.data;
  const servers = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).mcpServers : undefined;
  if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
    throw new McpConfigError(value, `expected a JSON object of the form {"mcpServers": {"name": {...}}}`);
  }
  return parsed.doc;
}
