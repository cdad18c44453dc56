// Markdown tables drawn with box characters, columns shrunk (their cells wrapped) to fit the width; when
// even narrow columns cannot fit, each row is shown as "header: value" lines instead.
import type { Tokens } from "marked";
import { visibleWidth } from "./ansi-text.ts";
import { renderInline, type Colors } from "./markdown-inline.ts";
import { wrapProse } from "./markdown-render.ts";

type Align = "center" | "left" | "right" | null;

const MIN_COLUMN = 3;

/** Column widths: natural when they fit, else the space shared out with narrow columns kept whole. */
export function fitColumns(natural: readonly number[], available: number): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= available) return natural.map((w) => Math.max(1, w));
  const widths = natural.map(() => 0);
  let open = natural.map((_, i) => i);
  let left = available;
  // Water-filling: a column narrower than its fair share keeps its width; the rest split what remains.
  for (;;) {
    const share = Math.floor(left / open.length);
    const small = open.filter((i) => (natural[i] ?? 0) <= share);
    if (small.length === 0) break;
    for (const i of small) {
      widths[i] = Math.max(1, natural[i] ?? 0);
      left -= widths[i] ?? 0;
    }
    open = open.filter((i) => !small.includes(i));
    if (open.length === 0) return widths;
  }
  const share = Math.floor(left / open.length);
  let extra = left - share * open.length;
  for (const i of open) {
    widths[i] = share + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
  }
  return widths;
}

function pad(text: string, width: number, align: Align): string {
  const gap = Math.max(0, width - visibleWidth(text));
  if (align === "right") return " ".repeat(gap) + text;
  if (align === "center") return " ".repeat(Math.floor(gap / 2)) + text + " ".repeat(gap - Math.floor(gap / 2));
  return text + " ".repeat(gap);
}

function border(widths: readonly number[], left: string, mid: string, right: string): string {
  return left + widths.map((w) => "─".repeat(w + 2)).join(mid) + right;
}

function tableRow(cells: readonly string[], widths: readonly number[], aligns: readonly Align[], c: Colors): string[] {
  const wrapped = cells.map((cell, i) => wrapProse(cell, widths[i] ?? 1));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  const bar = c.dim("│");
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    const parts = widths.map((w, i) => pad(wrapped[i]?.[r] ?? "", w, aligns[i] ?? null));
    rows.push(`${bar} ${parts.join(` ${bar} `)} ${bar}`);
  }
  return rows;
}

/** The rows of a table at most `width` columns wide. */
export function renderTable(token: Tokens.Table, width: number, c: Colors, color: boolean): string[] {
  const cell = (tokens: Tokens.TableCell) => renderInline(tokens.tokens, c, color).replace(/\n/g, " ");
  const header = token.header.map((h) => c.bold(cell(h)));
  const body = token.rows.map((row) => token.header.map((_, i) => (row[i] ? cell(row[i]) : "")));
  const columns = header.length;
  const overhead = 3 * columns + 1;
  if (columns === 0) return [];
  if (width - overhead < MIN_COLUMN * columns) return stackedRows(header, body, width, c);
  const natural = header.map((h, i) => Math.max(visibleWidth(h), ...body.map((row) => visibleWidth(row[i] ?? ""))));
  const widths = fitColumns(natural, width - overhead);
  const aligns = token.align;
  return [
    c.dim(border(widths, "┌", "┬", "┐")),
    ...tableRow(header, widths, aligns, c),
    c.dim(border(widths, "├", "┼", "┤")),
    ...body.flatMap((row) => tableRow(row, widths, aligns, c)),
    c.dim(border(widths, "└", "┴", "┘")),
  ];
}

// Narrow terminals: one "header: value" line per cell, records separated by a short rule.
function stackedRows(header: readonly string[], body: readonly string[][], width: number, c: Colors): string[] {
  const rows: string[] = [];
  body.forEach((record, r) => {
    if (r > 0) rows.push(c.dim("─".repeat(Math.min(width, 8))));
    record.forEach((value, i) => rows.push(...wrapProse(`${header[i] ?? ""}: ${value}`, width)));
  });
  if (body.length === 0) rows.push(...wrapProse(header.join(" · "), width));
  return rows;
}
