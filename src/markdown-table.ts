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

/** How a table is drawn: its column widths, or one "header: value" line per cell when too narrow. */
export interface TableLayout {
  widths: number[];
  aligns: Align[];
  header: string[];
  stacked: boolean;
  width: number;
}

/**
 * Column widths come from the header and the first WIDTH_ROWS rows only, so a streaming table can commit
 * its rows after that many arrived; a longer cell further down wraps inside its column.
 */
export const WIDTH_ROWS = 20;

function cells(row: readonly Tokens.TableCell[], columns: number, c: Colors, color: boolean): string[] {
  return Array.from({ length: columns }, (_, i) => {
    const cell = row[i];
    return cell ? renderInline(cell.tokens, c, color).replace(/\n/g, " ") : "";
  });
}

export function tableLayout(token: Tokens.Table, width: number, c: Colors, color: boolean): TableLayout {
  const columns = token.header.length;
  const header = cells(token.header, columns, c, color).map((h) => c.bold(h));
  const aligns = token.align;
  const room = width - (3 * columns + 1);
  if (room < MIN_COLUMN * columns) return { widths: [], aligns, header, stacked: true, width };
  const sample = token.rows.slice(0, WIDTH_ROWS).map((row) => cells(row, columns, c, color));
  const natural = header.map((h, i) => Math.max(visibleWidth(h), ...sample.map((row) => visibleWidth(row[i] ?? ""))));
  return { widths: fitColumns(natural, room), aligns, header, stacked: false, width };
}

/** Top border, header and the rule under it. */
export function tableTop(layout: TableLayout, c: Colors): string[] {
  if (layout.stacked) return [];
  return [
    c.dim(border(layout.widths, "┌", "┬", "┐")),
    ...tableRow(layout.header, layout.widths, layout.aligns, c),
    c.dim(border(layout.widths, "├", "┼", "┤")),
  ];
}

/** Body rows `from`..`to`; `continued` when earlier rows of the same table were drawn already. */
export function tableBody(
  token: Tokens.Table,
  layout: TableLayout,
  range: { from: number; to: number; continued?: boolean },
  c: Colors,
  color: boolean,
): string[] {
  const { from, to, continued = false } = range;
  const rows: string[] = [];
  for (let r = from; r < to; r++) {
    const row = cells(token.rows[r] ?? [], layout.header.length, c, color);
    if (!layout.stacked) {
      rows.push(...tableRow(row, layout.widths, layout.aligns, c));
      continue;
    }
    // Narrow terminals: one "header: value" line per cell, records separated by a short rule.
    if (r > 0 || continued) rows.push(c.dim("─".repeat(Math.min(layout.width, 8))));
    row.forEach((value, i) => rows.push(...wrapProse(`${layout.header[i] ?? ""}: ${value}`, layout.width)));
  }
  return rows;
}

export function tableBottom(layout: TableLayout, c: Colors): string[] {
  return layout.stacked ? [] : [c.dim(border(layout.widths, "└", "┴", "┘"))];
}

/** The rows of a table at most `width` columns wide. */
export function renderTable(token: Tokens.Table, width: number, c: Colors, color: boolean): string[] {
  if (token.header.length === 0) return [];
  const layout = tableLayout(token, width, c, color);
  if (layout.stacked && token.rows.length === 0) return wrapProse(layout.header.join(" · "), width);
  return [...tableTop(layout, c), ...tableBody(token, layout, { from: 0, to: token.rows.length }, c, color), ...tableBottom(layout, c)];
}
