// The long blocks a markdown stream can hold open, each handing out its finished part while the rest still
// streams: a code fence (line by line), a paragraph (finished rows), a list (finished items) and a table
// (finished rows, with column widths fixed by its first rows).
import type { Token, Tokens } from "marked";
import { createColors } from "picocolors";
import { renderInline } from "./markdown-inline.ts";
import { codeRows, renderListItems, wrapProse } from "./markdown-render.ts";
import { splitParagraph, stripSentinel, SENTINEL, type Fence } from "./markdown-stream-parts.ts";
import { tableBody, tableBottom, type TableLayout } from "./markdown-table.ts";

export interface StreamContext {
  width: number;
  color: boolean;
  /** marked's lexer with the link definitions committed so far. */
  lex(src: string): Token[];
}

export interface Step {
  /** Rows now final. */
  rows: string[];
  /** How much of the buffer those rows used up. */
  used: number;
  /** The block ended; what follows `used` is lexed as new blocks. */
  done: boolean;
}

export interface OpenBlock {
  step(buffer: string, final: boolean, ctx: StreamContext): Step;
  /** Rows of the unfinished block, and the tokens of whatever follows it in the buffer. */
  pending(buffer: string, ctx: StreamContext): { rows: string[]; after: Token[] };
}

// A paragraph longer than this starts handing out its finished rows.
export const PARA_SPLIT = 400;
// Past this, a paragraph is cut even where an unmatched `*`, `_` or backtick could still pair up later.
const PARA_FORCE = 4_000;

// An unfinished code line longer than this is previewed by its last part only.
const LONG_PARTIAL = 1_000;
const PARTIAL_ROWS = 12;

const NOTHING: Step = { rows: [], used: 0, done: false };

/** The buffer up to its last newline: only complete lines decide where a block ends. */
export function completeLines(buffer: string, final: boolean): string {
  return final ? buffer : buffer.slice(0, buffer.lastIndexOf("\n") + 1);
}

// The start of a line that can only be a paragraph, whatever follows on it.
const SETTLED = /^(?:[\p{L}"'(]|[*_]{1,2}[^\s*_]|`[^`]|\d+[^\d.)])/u;

/**
 * Whether the first block of `tokens` (lexed from complete lines) has ended: another block follows, or a
 * blank line does and the unfinished line already reads as prose at the margin (so it cannot continue a
 * list or quote). html blocks are never ended this way, as some run across blank lines.
 */
export function blockEnded(tokens: readonly Token[], partial: string): boolean {
  if (tokens.slice(1).some((t) => t.type !== "space")) return true;
  return tokens.length > 1 && tokens[0]?.type !== "html" && tokens.at(-1)?.type === "space" && SETTLED.test(partial);
}

export function fenceBlock(fence: Fence): OpenBlock {
  const { highlighter } = fence;
  return {
    step(buffer, final, ctx) {
      const rows: string[] = [];
      let start = 0;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n", start)) {
        const line = buffer.slice(start, nl);
        start = nl + 1;
        if (fence.closes(line)) return { rows: [...rows, ...codeRows(highlighter.finish(), ctx.width)], used: start, done: true };
        rows.push(...codeRows(highlighter.add(fence.dedent(line)), ctx.width));
      }
      if (!final) return { rows, used: start, done: false };
      const partial = buffer.slice(start);
      if (partial !== "" && !fence.closes(partial)) rows.push(...codeRows(highlighter.add(fence.dedent(partial)), ctx.width));
      return { rows: [...rows, ...codeRows(highlighter.finish(), ctx.width)], used: buffer.length, done: true };
    },
    pending(buffer, ctx) {
      // A huge unfinished line (minified code, a data blob) shows only its end until it is complete.
      // An unfinished line that already closes the fence is the fence's end, as in a fresh render.
      const partial = buffer === "" || fence.closes(buffer) ? undefined : fence.dedent(buffer);
      if (partial !== undefined && partial.length > LONG_PARTIAL) {
        const rows = codeRows([...highlighter.pending(), `…${partial.slice(-LONG_PARTIAL)}`], ctx.width);
        return { rows: rows.slice(-PARTIAL_ROWS), after: [] };
      }
      return { rows: codeRows(highlighter.pending(partial), ctx.width), after: [] };
    },
  };
}

/**
 * A long paragraph. After its first cut the buffer holds only the rest of it, lexed behind a sentinel
 * line so it still reads as a paragraph's continuation; `carry` is the unfinished last row so far.
 */
export function paragraphBlock(): OpenBlock {
  let carry = "";
  let lead = "";
  const inline = (tokens: readonly Token[], ctx: StreamContext) =>
    renderInline(lead ? stripSentinel(tokens) : tokens, createColors(ctx.color), ctx.color);
  return {
    step(buffer, final, ctx) {
      const complete = completeLines(buffer, final);
      // Until the first cut the whole paragraph may still be one unfinished line (nothing complete yet).
      if (complete !== "" || lead !== "") {
        const tokens = ctx.lex(lead + complete);
        const para = tokens[0];
        if (!para || (para.type !== "paragraph" && para.type !== "heading")) {
          return { rows: carry ? wrapProse(carry, ctx.width) : [], used: 0, done: true };
        }
        // A blank line always ends a paragraph.
        if (final || tokens.length > 1) {
          const rows = wrapProse(carry + inline((para as Tokens.Paragraph).tokens, ctx), ctx.width);
          return { rows, used: Math.max(0, para.raw.length - lead.length), done: true };
        }
      } else if (final) {
        return { rows: [], used: 0, done: true };
      }
      if (buffer.length <= PARA_SPLIT) return NOTHING;
      const whole = ctx.lex(lead + buffer);
      if (whole.length !== 1 || whole[0]?.type !== "paragraph") return NOTHING;
      const cut = splitParagraph(whole[0] as Tokens.Paragraph, lead !== "", buffer.length > PARA_FORCE);
      if (!cut) return NOTHING;
      const rows = wrapProse(carry + renderInline(cut.tokens, createColors(ctx.color), ctx.color), ctx.width);
      // The cut sits after a single space, which the wrap dropped from the row's end.
      carry = `${rows.at(-1) ?? ""} `;
      const used = cut.offset - lead.length;
      lead = SENTINEL;
      return { rows: rows.slice(0, -1), used, done: false };
    },
    pending(buffer, ctx) {
      const tokens = ctx.lex(lead + buffer);
      const para = tokens[0];
      const text = para && "tokens" in para && para.tokens ? inline(para.tokens, ctx) : "";
      return { rows: wrapProse(carry + text, ctx.width), after: tokens.slice(1) };
    },
  };
}

/**
 * A list whose first items were handed out. The buffer starts with the last item already drawn, kept so
 * the rest still lexes as the same list; `firstNumber` is that item's number in an ordered list.
 */
export function listBlock(firstNumber: number, contextLength: number): OpenBlock {
  const items = (list: Tokens.List, from: number, to: number, ctx: StreamContext) =>
    renderListItems(list, ctx, { from, to, firstNumber });
  return {
    step(buffer, final, ctx) {
      const complete = completeLines(buffer, final);
      const tokens = ctx.lex(complete);
      const list = tokens[0];
      if (list?.type !== "list") return { rows: [], used: Math.min(contextLength, buffer.length), done: true };
      const { length } = (list as Tokens.List).items;
      if (final || blockEnded(tokens, buffer.slice(complete.length))) {
        return { rows: items(list as Tokens.List, 1, length, ctx), used: list.raw.length, done: true };
      }
      const cut = listCut(list as Tokens.List, 1);
      if (!cut) return NOTHING;
      const rows = items(list as Tokens.List, 1, length - 1, ctx);
      firstNumber += length - 2;
      contextLength = cut.contextLength;
      return { rows, used: cut.used, done: false };
    },
    pending(buffer, ctx) {
      const tokens = ctx.lex(buffer);
      const list = tokens[0];
      if (list?.type !== "list") return { rows: [], after: tokens };
      return { rows: items(list as Tokens.List, 1, (list as Tokens.List).items.length, ctx), after: tokens.slice(1) };
    },
  };
}

/**
 * Where an open list can be cut, keeping its last finished item as context: the offset of that item and
 * its length. Undefined when fewer than two items lie past `from` or the items do not tile the list.
 */
export function listCut(list: Tokens.List, from: number): { used: number; contextLength: number } | undefined {
  const count = list.items.length;
  if (count - 1 <= from) return undefined;
  // The last item's raw loses the list's trailing newline; the items must otherwise tile the list.
  if (!list.raw.startsWith(list.items.map((item) => item.raw).join(""))) return undefined;
  let used = 0;
  for (let i = 0; i < count - 2; i++) used += list.items[i]?.raw.length ?? 0;
  return { used, contextLength: list.items[count - 2]?.raw.length ?? 0 };
}

/** A table whose top and first rows were handed out; `head` is its header and delimiter lines. */
export function tableBlock(head: string, layout: TableLayout): OpenBlock {
  const foot = (color: boolean) => tableBottom(layout, createColors(color));
  return {
    step(buffer, final, ctx) {
      const complete = completeLines(buffer, final);
      const tokens = ctx.lex(head + complete);
      const table = tokens[0];
      if (table?.type !== "table") return { rows: foot(ctx.color), used: 0, done: true };
      const t = table as Tokens.Table;
      const rows = tableBody(t, layout, { from: 0, to: t.rows.length, continued: true }, createColors(ctx.color), ctx.color);
      if (final || tokens.length > 1) {
        return { rows: [...rows, ...foot(ctx.color)], used: Math.max(0, table.raw.length - head.length), done: true };
      }
      return { rows, used: complete.length, done: false };
    },
    pending(buffer, ctx) {
      const tokens = ctx.lex(head + buffer);
      const table = tokens[0];
      if (table?.type !== "table") return { rows: foot(ctx.color), after: tokens };
      const t = table as Tokens.Table;
      const rows = tableBody(t, layout, { from: 0, to: t.rows.length, continued: true }, createColors(ctx.color), ctx.color);
      return { rows: [...rows, ...foot(ctx.color)], after: tokens.slice(1) };
    },
  };
}
