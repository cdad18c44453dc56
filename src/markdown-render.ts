// Markdown (marked's block tokens) as terminal rows, each already fitted to the width: headings, paragraphs,
// lists with hanging indents, quotes, highlighted code, tables, rules. Blocks are separated by one blank row.
import { Lexer, type Token, type Tokens } from "marked";
import { createColors } from "picocolors";
import { stripAnsi, visibleWidth, wrapLines } from "./ansi-text.ts";
import { decodeEntities, paintLines, plainText, renderInline, type Colors } from "./markdown-inline.ts";
import { renderTable } from "./markdown-table.ts";
import { createLineHighlighter } from "./syntax-highlight.ts";
import { wrapAnsi } from "fast-wrap-ansi";

export interface MarkdownOptions {
  width: number;
  color: boolean;
}

interface Ctx {
  width: number;
  color: boolean;
  c: Colors;
  /** Nesting depth of lists (picks the bullet). */
  depth: number;
}

function context(options: MarkdownOptions): Ctx {
  return { width: fitWidth(options.width), color: options.color, c: createColors(options.color), depth: 0 };
}

/** Widths below 2 are treated as 2: a wide character cannot be split. */
export function fitWidth(width: number): number {
  return Math.max(2, Math.floor(width) || 2);
}

export function renderMarkdown(text: string, options: MarkdownOptions): string[] {
  return renderTokens(Lexer.lex(text), options);
}

export function renderTokens(tokens: readonly Token[], options: MarkdownOptions): string[] {
  return joinBlocks(tokens, context(options), true);
}

/** One top-level block's rows (no separating blank rows). */
export function renderBlock(token: Token, options: MarkdownOptions): string[] {
  return block(token, context(options));
}

/**
 * Prose wrapped at spaces with the spaces at row ends dropped (a row never starts with the space it broke
 * at). ansi-text's wrapLine keeps spaces, which suits preformatted text; prose wants them trimmed.
 */
export function wrapProse(text: string, width: number): string[] {
  const columns = fitWidth(width);
  const rows: string[] = [];
  for (const line of text.split("\n")) {
    // Most lines fit as they are; wrapAnsi would only have trimmed their edge spaces.
    if (visibleWidth(line) <= columns && !/^ | $/.test(stripAnsi(line))) rows.push(line);
    else rows.push(...wrapAnsi(line, columns, { hard: true, trim: true }).split("\n"));
  }
  return rows;
}

/** Rows of a fenced or indented code block's lines, already coloured: indented and hard-wrapped. */
export function codeRows(lines: readonly string[], width: number): string[] {
  const indent = codeIndent(width);
  const room = fitWidth(width - indent.length);
  const rows: string[] = [];
  for (const line of lines) {
    // Code is cut at the column, never re-flowed at spaces.
    const parts =
      visibleWidth(line) <= room ? [line] : wrapAnsi(line, room, { hard: true, trim: false, wordWrap: false }).split("\n");
    for (const part of parts) rows.push(part === "" ? "" : indent + part);
  }
  return rows;
}

export function codeIndent(width: number): string {
  return width >= 24 ? "  " : "";
}

/**
 * A code token's source lines. marked adds a newline to a fence's text when the content ends with a blank
 * line; an indented block keeps no trailing blank lines; an empty fence has no lines at all.
 */
export function codeLines(token: Tokens.Code): string[] {
  if (token.codeBlockStyle === "indented") return token.text.replace(/\n+$/, "").split("\n");
  return token.text === "" ? [] : token.text.replace(/\n$/, "").split("\n");
}

function renderCode(token: Tokens.Code, ctx: Ctx): string[] {
  const highlighter = createLineHighlighter(token.lang, ctx.color);
  const lines: string[] = [];
  for (const line of codeLines(token)) lines.push(...highlighter.add(line));
  lines.push(...highlighter.finish());
  return codeRows(lines, ctx.width);
}

/**
 * Blocks joined by blank rows. At the top level and in quotes every pair is separated; inside a list item
 * only where the source had a blank line (a `space` token), so tight lists stay tight.
 */
function joinBlocks(tokens: readonly Token[], ctx: Ctx, alwaysGap: boolean): string[] {
  const rows: string[] = [];
  let gap = false;
  for (const token of tokens) {
    if (token.type === "space") {
      gap = true;
      continue;
    }
    const out = block(token, ctx);
    if (out.length === 0) continue;
    if (rows.length > 0 && (alwaysGap || gap)) rows.push("");
    rows.push(...out);
    gap = false;
  }
  return rows;
}

function block(token: Token, ctx: Ctx): string[] {
  const { c, width } = ctx;
  switch (token.type) {
    case "space":
    case "def":
      return [];
    case "paragraph":
    case "text":
      return wrapProse(inline(token, ctx), width);
    case "heading":
      return heading(token as Tokens.Heading, ctx);
    case "code":
      return renderCode(token as Tokens.Code, ctx);
    case "list":
      return renderList(token as Tokens.List, ctx);
    case "blockquote":
      return quote(token as Tokens.Blockquote, ctx);
    case "table":
      return renderTable(token as Tokens.Table, width, c, ctx.color);
    case "hr":
      return [c.dim("─".repeat(width))];
    case "html":
      return wrapLines([paintLines(c.dim, plainText(String(token.text)).replace(/\n+$/, ""))], width);
    default:
      return wrapLines([plainText(decodeEntities(String(token.raw))).replace(/\n+$/, "")], width);
  }
}

function inline(token: Token, ctx: Ctx): string {
  if ("tokens" in token && Array.isArray(token.tokens)) return renderInline(token.tokens, ctx.c, ctx.color);
  return plainText(decodeEntities("text" in token ? String(token.text) : token.raw));
}

function heading(token: Tokens.Heading, ctx: Ctx): string[] {
  const text = renderInline(token.tokens, ctx.c, ctx.color).replace(/\n/g, " ");
  if (!ctx.color) return wrapProse(`${"#".repeat(token.depth)} ${text}`, ctx.width);
  const { c } = ctx;
  const paint = token.depth === 1 ? (s: string) => c.bold(c.underline(s)) : c.bold;
  return wrapProse(text, ctx.width).map((row) => paint(row));
}

function quote(token: Tokens.Blockquote, ctx: Ctx): string[] {
  // Too narrow for the bar: the quote's text alone.
  if (ctx.width < 4) return joinBlocks(token.tokens, ctx, true);
  const inner = joinBlocks(token.tokens, { ...ctx, width: ctx.width - 2 }, true);
  const bar = ctx.c.dim("│");
  return inner.map((row) => (row === "" ? bar : `${bar} ${row}`));
}

const BULLETS = ["•", "◦", "▪"];

export interface ListSlice {
  /** Index of the first item to draw (the ones before were drawn already). */
  from?: number;
  /** Index after the last item to draw. */
  to?: number;
  /** Number shown for item 0 of an ordered list (defaults to the list's own start). */
  firstNumber?: number;
}

/** Items `from`..`to` of a list; a blank row goes between items where the source had a blank line. */
export function renderListItems(token: Tokens.List, options: MarkdownOptions, slice: ListSlice): string[] {
  return renderList(token, context(options), slice);
}

function renderList(token: Tokens.List, ctx: Ctx, slice: ListSlice = {}): string[] {
  const from = slice.from ?? 0;
  const to = slice.to ?? token.items.length;
  const first = slice.firstNumber ?? (typeof token.start === "number" ? token.start : 1);
  const rows: string[] = [];
  for (let i = from; i < to; i++) {
    const item = token.items[i];
    if (!item) break;
    if (i > 0 && /\n[ \t]*\n\s*$/.test(token.items[i - 1]?.raw ?? "")) rows.push("");
    const marker = token.ordered ? `${first + i}.` : (BULLETS[ctx.depth % BULLETS.length] ?? "•");
    rows.push(...listItem(item, marker, ctx));
  }
  return rows;
}

function listItem(item: Tokens.ListItem, marker: string, ctx: Ctx): string[] {
  const { c } = ctx;
  const shown = item.task ? (item.checked ? c.green("[x]") : c.dim("[ ]")) : c.dim(marker);
  const indent = (item.task ? 3 : marker.length) + 1;
  // A marker wider than the room left would push the text past the edge: drop the hanging indent.
  const hang = ctx.width - indent >= 2 ? indent : 0;
  const inner: Ctx = { ...ctx, width: ctx.width - hang, depth: ctx.depth + 1 };
  const body = joinBlocks(
    item.tokens.filter((t) => t.type !== "checkbox"),
    inner,
    false,
  );
  if (body.length === 0) body.push("");
  if (hang === 0) return [...wrapLines([shown], ctx.width), ...body];
  const pad = " ".repeat(hang);
  return body.map((row, i) => (i === 0 ? `${shown} ${row}` : row === "" ? "" : pad + row));
}
