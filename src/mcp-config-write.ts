// Adds and removes server definitions for `hone mcp add/remove`: project scope edits <cwd>/.mcp.json,
// user and local scope edit ~/.hone/mcp.json (Claude Code's ~/.claude.json is only ever read). Files are
// edited in place so comments, key order and indentation survive, and written atomically.
import { readFileSync, statSync } from "node:fs";
import { applyEdits, format, modify, parse, type FormattingOptions, type ParseError } from "jsonc-parser";
import type { Env } from "./config-dir.ts";
import { atomicWrite } from "./file-io.ts";
import { honeMcpPath, projectKey, projectMcpPath } from "./mcp-config-files.ts";
import { realPathOr } from "./paths.ts";
import { lineColumn } from "./settings-parse.ts";

export type WritableScope = "local" | "project" | "user";

export class McpWriteError extends Error {
  override name = "McpWriteError";
}

interface Target {
  path: string;
  text: string;
  data: Record<string, unknown>;
  /** Key path of the server map inside the file. */
  mapPath: string[];
}

export function scopeFile(scope: WritableScope, cwd: string, env: Env): string {
  return scope === "project" ? projectMcpPath(cwd) : honeMcpPath(env);
}

function readTarget(scope: WritableScope, cwd: string, env: Env): Target {
  const path = scopeFile(scope, cwd, env);
  let text = "";
  try {
    if (statSync(path).isDirectory()) throw new McpWriteError(`${path} is a directory, not a JSON file; nothing was changed`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof McpWriteError) throw error;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new McpWriteError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let data: unknown = {};
  if (text.trim() !== "") {
    const errors: ParseError[] = [];
    data = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first) {
      const { line, column } = lineColumn(text, first.offset);
      throw new McpWriteError(`${path} does not parse (line ${line}, column ${column}); fix it by hand first, hone will not overwrite it`);
    }
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new McpWriteError(`${path} does not hold a JSON object at the top level; fix it by hand first, hone will not overwrite it`);
  }
  const record = data as Record<string, unknown>;
  let mapPath = ["mcpServers"];
  if (scope === "local") {
    const key = projectKey(record.projects, cwd) ?? realPathOr(cwd);
    mapPath = ["projects", key, "mcpServers"];
  }
  return { path, text, data: record, mapPath };
}

function valueAt(data: unknown, path: string[]): unknown {
  let current = data;
  for (const key of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The server map of the scope's file when it exists and is an object; a malformed one is an error. */
function serverMap(target: Target): Record<string, unknown> | undefined {
  const map = valueAt(target.data, target.mapPath);
  if (map === undefined) return undefined;
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw new McpWriteError(`${target.path}: "${target.mapPath.join(".")}" is not an object; fix it by hand first`);
  }
  return map as Record<string, unknown>;
}

/** The file's own indentation, so inserted lines look like the rest. */
function formatting(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indented = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indented?.startsWith("\t")) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented ? Math.min(indented.length, 8) : 2, eol };
}

/**
 * Sets a value, formatting only the inserted text: jsonc-parser's own formatting would also reflow the
 * whole line it lands on, turning a neighbour's hand-written one-line definition into many lines.
 */
function insertFormatted(text: string, path: string[], value: unknown): string {
  const edit = modify(text, path, value, {})[0];
  if (!edit) return text;
  const next = applyEdits(text, [edit]);
  let start = edit.offset;
  let end = edit.offset + edit.content.length;
  // Inserted into an empty object: format the braces too so the entry gets its own lines.
  let before = start - 1;
  while (before >= 0 && /\s/.test(next[before] ?? "")) before--;
  let after = end;
  while (after < next.length && /\s/.test(next[after] ?? "")) after++;
  if (next[before] === "{" && next[after] === "}") {
    start = before;
    end = after + 1;
  }
  return applyEdits(next, format(next, { offset: start, length: end - start }, formatting(text)));
}

async function write(target: Target, text: string, scope: WritableScope): Promise<void> {
  const out = text.endsWith("\n") ? text : `${text}\n`;
  // hone's own file may hold tokens in env/headers: private when hone creates it.
  await atomicWrite(target.path, new TextEncoder().encode(out), scope === "project" ? 0o666 : 0o600);
}

/** Whether `name` is defined in the scope's hone-written file. */
export function hasServer(scope: WritableScope, name: string, cwd: string, env: Env): boolean {
  const map = serverMap(readTarget(scope, cwd, env));
  return map !== undefined && Object.hasOwn(map, name);
}

/** Adds a definition (as it should be written, unexpanded); refuses a name already in that scope. */
export async function addServer(scope: WritableScope, name: string, definition: Record<string, unknown>, cwd: string, env: Env): Promise<string> {
  const target = readTarget(scope, cwd, env);
  const map = serverMap(target);
  if (map && Object.hasOwn(map, name)) {
    throw new McpWriteError(`an MCP server named "${name}" already exists in ${scope} scope (${target.path}); remove it first with "hone mcp remove ${name} --scope ${scope}"`);
  }
  await write(target, insertFormatted(target.text, [...target.mapPath, name], definition), scope);
  return target.path;
}

/** Removes a definition; returns the file, or undefined when the scope had no such server. */
export async function removeServer(scope: WritableScope, name: string, cwd: string, env: Env): Promise<string | undefined> {
  const target = readTarget(scope, cwd, env);
  const map = serverMap(target);
  if (!map || !Object.hasOwn(map, name)) return undefined;
  let text = applyEdits(target.text, modify(target.text, [...target.mapPath, name], undefined, {}));
  // Removing the last entry leaves an awkward multi-line "{ }": write a plain {} instead.
  if (Object.keys(map).length === 1) text = applyEdits(text, modify(text, target.mapPath, {}, {}));
  await write(target, text, scope);
  return target.path;
}
