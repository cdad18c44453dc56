// Diffs of edits as the terminal shows them after Edit/MultiEdit/Write: old and new line numbers in a
// gutter, removed lines red, added lines green, context dim, cut at a row limit with a count of the rest.
import { createColors } from "picocolors";
import { truncateToWidth } from "./ansi-text.ts";
import type { Hunk } from "./file-io.ts";

export interface DiffOptions {
  width: number;
  color: boolean;
  maxLines?: number;
}

const DEFAULT_MAX = 40;

function gutterWidth(hunks: readonly Hunk[]): number {
  const last = Math.max(1, ...hunks.map((h) => Math.max(h.oldStart + h.oldLines, h.newStart + h.newLines)));
  return String(last).length;
}

function limit(rows: string[], max: number, color: boolean): string[] {
  if (rows.length <= max) return rows;
  const c = createColors(color);
  return [...rows.slice(0, max), c.dim(`… ${rows.length - max} more lines`)];
}

export function renderHunks(hunks: readonly Hunk[], options: DiffOptions): string[] {
  const c = createColors(options.color);
  const pad = gutterWidth(hunks);
  const rows: string[] = [];
  hunks.forEach((hunk, index) => {
    if (index > 0) rows.push(c.dim(`${" ".repeat(pad)} ⋮`));
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    for (const line of hunk.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === "\\") continue;
      const number = mark === "-" ? oldNo++ : mark === "+" ? newNo++ : (oldNo++, newNo++);
      const row = truncateToWidth(`${String(number).padStart(pad)} ${mark === " " ? " " : mark}${text}`, options.width);
      rows.push(mark === "-" ? c.red(row) : mark === "+" ? c.green(row) : c.dim(row));
    }
  });
  return limit(rows, options.maxLines ?? DEFAULT_MAX, options.color);
}

export function renderNewFile(content: string, options: DiffOptions): string[] {
  const c = createColors(options.color);
  const lines = content.replace(/\n$/, "").split("\n");
  const pad = String(lines.length).length;
  const rows = lines.map((line, i) => c.green(truncateToWidth(`${String(i + 1).padStart(pad)} +${line}`, options.width)));
  return limit(rows, options.maxLines ?? DEFAULT_MAX, options.color);
}
