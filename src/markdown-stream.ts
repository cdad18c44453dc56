// Markdown rendered while it streams in. Rows of blocks that can no longer change are handed out once
// (the caller prints them and never redraws them); the unfinished tail is re-rendered on demand. Only the
// tail is ever lexed again, and a long open block hands out its finished part (markdown-stream-modes.ts),
// so the work stays linear in the text and the tail stays a few rows. Together the rows equal
// renderMarkdown of the whole text, except past the size guards noted on PARA_FORCE and HARD_LIMIT.
import { Lexer, type Links, type Token, type Tokens } from "marked";
import { createColors } from "picocolors";
import { renderBlock, renderListItems, type MarkdownOptions } from "./markdown-render.ts";
import { openFence } from "./markdown-stream-parts.ts";
import {
  blockEnded,
  completeLines,
  fenceBlock,
  listBlock,
  listCut,
  paragraphBlock,
  tableBlock,
  PARA_SPLIT,
  type OpenBlock,
  type StreamContext,
} from "./markdown-stream-modes.ts";
import { tableBody, tableLayout, tableTop, WIDTH_ROWS } from "./markdown-table.ts";

export interface MarkdownStream {
  /** Append streamed text; returns rows that are now final. */
  push(text: string): string[];
  /** Rows of the unfinished tail (a few at most), to redraw below the final rows. */
  pending(): string[];
  /** The remaining rows at the end of the message. */
  finish(): string[];
  /** Width for rows produced from now on (final rows already handed out stay as they are). */
  setWidth(width: number): void;
}

// An open block this large that none of the modes can cut (a quote, a huge list item) is committed up to
// its last complete line; the rest then starts a new block, drawn without a blank row before it.
const HARD_LIMIT = 8_000;
// marked lexes a block quote in time that grows with the square of its length: cut quotes sooner.
const QUOTE_LIMIT = 2_000;
// Text pushed without a newline is only looked at again once this much has arrived.
const RELEX_EVERY = 256;

export function createMarkdownStream(options: MarkdownOptions): MarkdownStream {
  const links: Links = Object.create(null);
  const ctx: StreamContext = {
    width: options.width,
    color: options.color,
    lex(src) {
      const lexer = new Lexer();
      Object.assign(lexer.tokens.links, links);
      return lexer.lex(src);
    },
  };
  let buffer = "";
  let heldCR = false;
  let started = false; // rows were handed out for this message
  let open = false; // the current block already handed out rows (its next rows get no blank row first)
  let block: OpenBlock | undefined;
  let tailType = ""; // type of the open block when no mode holds it
  let lexedAt = 0;
  let cache: string[] | undefined;

  function emit(rows: readonly string[], out: string[]): void {
    if (rows.length === 0) return;
    if (started && !open) out.push("");
    out.push(...rows);
    started = true;
    open = true;
  }

  function commitAll(tokens: readonly Token[], out: string[]): void {
    for (const token of tokens) {
      if (token.type === "space") continue;
      // Only committed definitions are remembered: a half-typed one must not shadow the finished one.
      if (token.type === "def") links[token.tag] ??= { href: token.href, title: token.title };
      emit(renderBlock(token, ctx), out);
      open = false;
    }
  }

  /** One pass over the buffer; true when it should be looked at again. */
  function step(final: boolean, out: string[]): boolean {
    if (block) {
      const { rows, used, done } = block.step(buffer, final, ctx);
      emit(rows, out);
      buffer = buffer.slice(used);
      if (!done) return false;
      block = undefined;
      open = false;
      return true;
    }
    // Commit decisions use complete lines only: an unfinished line may still join the block before it
    // ("1" becoming "10. item" of the list above).
    const complete = completeLines(buffer, final);
    const tokens = complete === "" ? [] : ctx.lex(complete);
    if (final) {
      commitAll(tokens, out);
      buffer = "";
      return false;
    }
    // Tokens that do not add up to the text cannot be cut safely: only the size guard applies then.
    if (tokens.reduce((n, t) => n + t.raw.length, 0) !== complete.length) return false;
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]?.type === "space") last--;
    const lastToken = tokens[last];
    if (lastToken && blockEnded(tokens.slice(last), buffer.slice(complete.length))) {
      commitAll(tokens, out);
      buffer = buffer.slice(complete.length);
      return false;
    }
    tailType = lastToken?.type ?? "";
    const before = last < 0 ? tokens : tokens.slice(0, last);
    commitAll(before, out);
    buffer = buffer.slice(before.reduce((n, t) => n + t.raw.length, 0));
    return openBlock(lastToken, out);
  }

  /** The last, unfinished block, now at the start of the buffer: pick the mode that can cut it. */
  function openBlock(last: Token | undefined, out: string[]): boolean {
    if (last?.type === "code") {
      const fence = openFence(last as Tokens.Code, buffer[last.raw.length] === "\n", ctx.color);
      if (fence === "closed") {
        commitAll([last], out);
        buffer = buffer.slice(last.raw.length);
        return true;
      }
      if (fence) {
        block = fenceBlock(fence);
        buffer = buffer.slice(fence.openingLength);
        return true;
      }
    }
    if (last?.type === "list") {
      const list = last as Tokens.List;
      const cut = listCut(list, 0);
      if (cut) {
        const start = typeof list.start === "number" ? list.start : 1;
        emit(renderListItems(list, ctx, { to: list.items.length - 1 }), out);
        block = listBlock(start + list.items.length - 2, cut.contextLength);
        buffer = buffer.slice(cut.used);
        return false;
      }
    }
    if (last?.type === "table" && (last as Tokens.Table).rows.length > WIDTH_ROWS) {
      openTable(last as Tokens.Table, out);
      return false;
    }
    if ((!last || last.type === "paragraph") && buffer.length > PARA_SPLIT) {
      // The paragraph's own unfinished line counts here: one long line is the usual shape of a paragraph.
      const whole = ctx.lex(buffer);
      if (whole.length === 1 && whole[0]?.type === "paragraph") {
        block = paragraphBlock();
        return true;
      }
    }
    return false;
  }

  function openTable(table: Tokens.Table, out: string[]): void {
    const c = createColors(ctx.color);
    const layout = tableLayout(table, ctx.width, c, ctx.color);
    const lines = table.raw.split("\n");
    const head = `${lines[0]}\n${lines[1]}\n`;
    emit([...tableTop(layout, c), ...tableBody(table, layout, { from: 0, to: table.rows.length }, c, ctx.color)], out);
    block = tableBlock(head, layout);
    buffer = buffer.slice(table.raw.length + (table.raw.endsWith("\n") ? 0 : 1));
  }

  /** An open block too big to keep redrawing: commit its complete lines; the rest starts a new block. */
  function forceCommit(out: string[]): void {
    const complete = completeLines(buffer, false);
    if (complete === "") return;
    if (block) {
      const { rows, used } = block.step(complete, true, ctx);
      emit(rows, out);
      block = undefined;
      commitAll(ctx.lex(complete.slice(used)), out);
    } else {
      commitAll(ctx.lex(complete), out);
    }
    buffer = buffer.slice(complete.length);
    open = true;
  }

  function advance(final: boolean): string[] {
    const out: string[] = [];
    while (step(final, out));
    const limit = !block && tailType === "blockquote" ? QUOTE_LIMIT : HARD_LIMIT;
    if (!final && buffer.length > limit) forceCommit(out);
    lexedAt = buffer.length;
    cache = undefined;
    return out;
  }

  function tailRows(): string[] {
    const rows: string[] = [];
    const add = (part: readonly string[]) => {
      if (part.length === 0) return;
      if (rows.length > 0 || (started && !open)) rows.push("");
      rows.push(...part);
    };
    let tokens: Token[];
    if (block) {
      const { rows: first, after } = block.pending(buffer, ctx);
      add(first);
      tokens = after;
    } else {
      tokens = ctx.lex(buffer);
    }
    for (const token of tokens) if (token.type !== "space") add(renderBlock(token, ctx));
    return rows;
  }

  return {
    push(text) {
      if (text === "") return [];
      let chunk = (heldCR ? "\r" : "") + text;
      heldCR = chunk.endsWith("\r");
      if (heldCR) chunk = chunk.slice(0, -1);
      buffer += chunk.replace(/\r\n?/g, "\n");
      cache = undefined;
      if (!chunk.includes("\n") && !chunk.includes("\r") && buffer.length - lexedAt < RELEX_EVERY) return [];
      return advance(false);
    },
    pending() {
      cache ??= tailRows();
      return cache;
    },
    finish() {
      if (heldCR) buffer += "\n";
      heldCR = false;
      const rows = advance(true);
      started = false;
      open = false;
      lexedAt = 0;
      return rows;
    },
    setWidth(width) {
      ctx.width = width;
      cache = undefined;
    },
  };
}
