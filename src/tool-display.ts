// How a tool call looks in the terminal: one line naming the call (`Bash(npm test)`), then a short
// summary of its result (a few output lines, a count, or the diff of an edit).
import { relative, isAbsolute } from "node:path";
import { textOf, type ToolResult } from "./tool.ts";

const MAX_ARG = 120;
const PREVIEW_LINES = 3;

function field(input: unknown, name: string): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const value = (input as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function shortPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

function oneLine(text: string): string {
  const first = text.split("\n")[0] ?? "";
  const clipped = first.length > MAX_ARG ? `${first.slice(0, MAX_ARG - 1)}…` : first;
  return text.includes("\n") && clipped === first ? `${clipped} …` : clipped;
}

/** `Bash(npm test)`, `Edit(src/app.ts)`, `server - tool (MCP)`. */
export function toolLabel(name: string, input: unknown, cwd: string): string {
  const path = field(input, "file_path") ?? field(input, "notebook_path") ?? field(input, "path");
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  if (mcp) return `${mcp[1]} - ${mcp[2]} (MCP)`;
  const arg =
    field(input, "command") ??
    (path !== undefined && name !== "Grep" && name !== "Glob" ? shortPath(path, cwd) : undefined) ??
    field(input, "pattern") ??
    field(input, "url") ??
    field(input, "query") ??
    field(input, "description") ??
    field(input, "skill") ??
    field(input, "shell_id") ??
    field(input, "bash_id");
  return arg === undefined ? name : `${name}(${oneLine(arg)})`;
}

/** Lines of a file's text; a final newline ends the last line rather than starting another. */
export function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function preview(text: string): string[] {
  const lines = text.replace(/\s+$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return ["(no output)"];
  const shown = lines.slice(0, PREVIEW_LINES);
  return lines.length > shown.length ? [...shown, `… +${lines.length - shown.length} lines`] : shown;
}

/** Lines an edit's hunks (the `diff` package's shape) add and remove. */
export function patchLineCounts(hunks: unknown): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  if (!Array.isArray(hunks)) return { added, removed };
  for (const hunk of hunks as Array<{ lines?: string[] }>) {
    for (const line of hunk.lines ?? []) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
    }
  }
  return { added, removed };
}

export interface ResultSummary {
  lines: string[];
  isError: boolean;
  /** Hunks of an edit (the `diff` package's shape) for the diff renderer. */
  hunks?: unknown[];
  /** A file Write created, shown as all added lines. */
  created?: string;
}

function structuredOf(result: ToolResult): Record<string, unknown> | undefined {
  const s = result.structured;
  return typeof s === "object" && s !== null && !Array.isArray(s) ? (s as Record<string, unknown>) : undefined;
}

/** What is shown under the call line once the tool has finished. */
export function summarizeResult(name: string, result: ToolResult): ResultSummary {
  // Error wrappers are for the model; the person sees the message.
  const text = textOf(result.content).replace(/<\/?tool_use_error>/g, "");
  if (result.isError) return { lines: preview(text), isError: true };
  const s = structuredOf(result);
  if ((name === "Edit" || name === "MultiEdit" || name === "Write") && s) {
    const hunks = Array.isArray(s.structuredPatch) ? s.structuredPatch : [];
    if (name === "Write" && s.type === "create" && typeof s.content === "string") {
      return { lines: [`Wrote ${plural(lineCount(s.content), "line")}`], isError: false, created: s.content };
    }
    const { added, removed } = patchLineCounts(hunks);
    return { lines: [`Added ${plural(added, "line")}, removed ${plural(removed, "line")}`], isError: false, hunks };
  }
  if (name === "Read" && s && typeof s.file === "object" && s.file !== null) {
    const file = s.file as { numLines?: number; content?: string };
    const count = file.numLines ?? (file.content ?? "").split("\n").length;
    return { lines: [s.type === "image" ? "Read an image" : `Read ${plural(count, "line")}`], isError: false };
  }
  if (name === "Glob" || name === "Grep") {
    const lines = text.trim() === "" ? 0 : text.trim().split("\n").length;
    return { lines: [`Found ${plural(lines, name === "Glob" ? "file" : "line")}`], isError: false };
  }
  if (name === "TodoWrite") return { lines: ["Updated the todo list"], isError: false };
  return { lines: preview(text), isError: false };
}
