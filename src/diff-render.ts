// Diffs of file edits for the terminal: each line with its old and new line numbers in a gutter, removed
// lines red, added lines green, context dim, long lines wrapped under the gutter, and the whole cut to a
// number of rows with a "… N more lines" note.
import { createColors } from "picocolors";
import { visibleWidth, wrapLines } from "./ansi-text.ts";
import type { Hunk } from "./file-io.ts";
import { sanitizeLine } from "./syntax-highlight.ts";
import { wrapAnsi } from "fast-wrap-ansi";

export type { Hunk };

export interface DiffOptions {
  width: number;
  color: boolean;
  /** Most rows to return; the last one then says how many diff lines were left out. */
  maxLines?: number;
}

type Kind = "context" | "removed" | "added" | "note";

interface Line {
  kind: Kind;
  text: string;
  oldNo?: number;
  newNo?: number;
}

type Colors = ReturnType<typeof createColors>;

interface Layout {
  numberWidth: number;
  width: number;
  c: Colors;
  /** A new file has only new line numbers: one number column. */
  newOnly: boolean;
}

const SIGN: Record<Kind, string> = { context: " ", removed: "-", added: "+", note: " " };

function paint(kind: Kind, c: Colors): (s: string) => string {
  if (kind === "removed") return c.red;
  if (kind === "added") return c.green;
  return c.dim;
}

/** The rows of one diff line: gutter (numbers and sign) then the text, cut at the column and continued. */
function lineRows(line: Line, layout: Layout): string[] {
  const { numberWidth, width, c } = layout;
  const num = (n: number | undefined) => (n === undefined ? " ".repeat(numberWidth) : String(n).padStart(numberWidth));
  const numbers = layout.newOnly ? num(line.newNo) : `${num(line.oldNo)} ${num(line.newNo)}`;
  let gutter = `${numbers} ${SIGN[line.kind]} `;
  // Too narrow for the numbers: keep only the sign.
  if (width - gutter.length < 8) gutter = `${SIGN[line.kind]} `;
  const room = Math.max(2, width - gutter.length);
  const text = sanitizeLine(line.text);
  const parts = visibleWidth(text) <= room ? [text] : wrapAnsi(text, room, { hard: true, trim: false, wordWrap: false }).split("\n");
  const style = paint(line.kind, c);
  const blank = " ".repeat(gutter.length);
  return parts.map((part, i) => {
    const lead = i === 0 ? c.dim(gutter.slice(0, -2)) + style(gutter.slice(-2)) : blank;
    return part === "" ? lead.trimEnd() : lead + style(part);
  });
}

/**
 * Diff lines as rows, stopping at a whole line so that the note of what was left out still fits in
 * maxLines. `hidden` counts lines that were never turned into Line objects (the rest of a new file).
 */
function fit(lines: readonly Line[], layout: Layout, maxLines: number | undefined, hidden = 0): string[] {
  const rows: string[] = [];
  const limit = maxLines === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(maxLines));
  const note = (from: number) => {
    const left = lines.slice(from).filter((l) => l.kind !== "note").length + hidden;
    return wrapLines([layout.c.dim(`… ${left} more line${left === 1 ? "" : "s"}`)], layout.width);
  };
  for (const [i, line] of lines.entries()) {
    const next = lineRows(line, layout);
    const more = i < lines.length - 1 || hidden > 0;
    if (rows.length + next.length + (more ? 1 : 0) > limit) return [...rows, ...note(i)];
    rows.push(...next);
  }
  return hidden > 0 ? [...rows, ...note(lines.length)] : rows;
}

function digits(n: number): number {
  return String(Math.max(1, n)).length;
}

/** Hunks as Edit, MultiEdit and Write report them (the `diff` package's structuredPatch shape). */
export function renderHunks(hunks: readonly Hunk[], options: DiffOptions): string[] {
  if (hunks.length === 0) return [];
  const c = createColors(options.color);
  const last = hunks.reduce((n, h) => Math.max(n, h.oldStart + h.oldLines, h.newStart + h.newLines), 1);
  const layout: Layout = { numberWidth: digits(last), width: Math.max(2, Math.floor(options.width)), c, newOnly: false };
  const lines: Line[] = [];
  hunks.forEach((hunk, index) => {
    if (index > 0) lines.push({ kind: "note", text: "⋮" });
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    for (const raw of hunk.lines) {
      const mark = raw[0];
      const text = raw.slice(1);
      if (mark === "-") lines.push({ kind: "removed", text, oldNo: oldNo++ });
      else if (mark === "+") lines.push({ kind: "added", text, newNo: newNo++ });
      else if (mark === "\\") lines.push({ kind: "note", text: text.trim() });
      else lines.push({ kind: "context", text, oldNo: oldNo++, newNo: newNo++ });
    }
  });
  return fit(lines, layout, options.maxLines);
}

/** A file Write created: its first lines, all shown as added. */
export function renderNewFile(content: string, options: DiffOptions): string[] {
  if (content === "") return [];
  const c = createColors(options.color);
  const body = content.endsWith("\n") ? content.slice(0, -1) : content;
  let total = 1;
  for (let i = body.indexOf("\n"); i >= 0; i = body.indexOf("\n", i + 1)) total++;
  // Only the lines that can be shown are split out of what may be a large file.
  const wanted = options.maxLines === undefined ? total : Math.min(total, Math.max(1, Math.floor(options.maxLines)));
  const lines: Line[] = [];
  let start = 0;
  for (let n = 1; n <= wanted; n++) {
    const end = body.indexOf("\n", start);
    lines.push({ kind: "added", text: body.slice(start, end < 0 ? undefined : end), newNo: n });
    start = end + 1;
  }
  const layout: Layout = { numberWidth: digits(total), width: Math.max(2, Math.floor(options.width)), c, newOnly: true };
  return fit(lines, layout, options.maxLines, total - lines.length);
}
