// Markdown rendered while it streams in. Rows of blocks that can no longer change are handed out once
// (the caller prints them and never redraws them); the unfinished tail is re-rendered on demand. Only the
// tail is ever re-lexed, and long open blocks give up their finished part: an open code fence commits its
// lines as they complete, a long paragraph its finished rows, a list its finished items. Together the rows
// equal renderMarkdown of the whole text (see the limits in splitParagraph and HARD_LIMIT).
import { Lexer, type Links, type Token, type Tokens } from "marked";
import { createColors } from "picocolors";
import { renderInline } from "./markdown-inline.ts";
import { codeRows, renderBlock, renderListItems, wrapProse, type MarkdownOptions } from "./markdown-render.ts";
import { openFence, splitParagraph, stripSentinel, SENTINEL, type Fence } from "./markdown-stream-parts.ts";

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

// A paragraph longer than this starts handing out its finished rows.
const PARA_SPLIT = 400;
// Past this, a paragraph is cut even where an unmatched `*`, `_` or backtick could still pair up later.
const PARA_FORCE = 4_000;
// Any other open block (quote, table, a huge list item) is committed up to its last full line past this.
const HARD_LIMIT = 12_000;
// Text pushed without a newline is only looked at again once this much has arrived.
const RELEX_EVERY = 256;

// The start of a line that can only be a paragraph, whatever follows on it.
const SETTLED = /^(?:[\p{L}"'(]|[*_]{1,2}[^\s*_]|`[^`]|\d+[^\d.)])/u;

type Mode =
  | { kind: "blocks" }
  | { kind: "fence"; fence: Fence }
  /** The buffer continues a paragraph whose earlier part was consumed; `carry` is its unfinished last row. */
  | { kind: "paragraph"; carry: string }
  /** The buffer starts with the last list item already drawn (kept so the list lexes as one list). */
  | { kind: "list"; firstNumber: number };

export function createMarkdownStream(options: MarkdownOptions): MarkdownStream {
  const color = options.color;
  let width = options.width;
  let buffer = "";
  let heldCR = false;
  let started = false; // rows were handed out for this message
  let open = false; // the current block already handed out rows (its next rows get no blank row first)
  let mode: Mode = { kind: "blocks" };
  let lexedAt = 0;
  let cache: string[] | undefined;
  const links: Links = Object.create(null);
  const opts = () => ({ width, color });

  function lex(src: string): Token[] {
    const lexer = new Lexer();
    Object.assign(lexer.tokens.links, links);
    return lexer.lex(src);
  }

  function emit(rows: readonly string[], out: string[]): void {
    if (rows.length === 0) return;
    if (started && !open) out.push("");
    out.push(...rows);
    started = true;
    open = true;
  }

  /** Rows of a complete block; the list being continued skips its already drawn first item. */
  function blockRows(token: Token, first: boolean): string[] {
    if (first && mode.kind === "list" && token.type === "list") {
      return renderListItems(token as Tokens.List, opts(), { from: 1, firstNumber: mode.firstNumber });
    }
    return renderBlock(token, opts());
  }

  function commitAll(tokens: readonly Token[], out: string[]): void {
    let first = true;
    for (const token of tokens) {
      if (token.type === "space") continue;
      // Only committed definitions are remembered: a half-typed one must not shadow the finished one.
      if (token.type === "def") links[token.tag] ??= { href: token.href, title: token.title };
      emit(blockRows(token, first), out);
      open = false;
      first = false;
      if (mode.kind === "list") mode = { kind: "blocks" };
    }
    if (mode.kind === "list") mode = { kind: "blocks" };
  }

  /** One pass over the buffer; true when the mode changed and the buffer should be looked at again. */
  function step(final: boolean, out: string[]): boolean {
    if (mode.kind === "fence") return fenceStep(mode.fence, final, out);
    if (mode.kind === "paragraph") return paragraphStep(mode.carry, final, out);
    // Commit decisions use complete lines only: an unfinished line may still join the block before it
    // ("1" becoming "10. item" of the list above).
    const cut = final ? buffer.length : buffer.lastIndexOf("\n") + 1;
    const tokens = cut > 0 ? lex(buffer.slice(0, cut)) : [];
    if (final) {
      commitAll(tokens, out);
      buffer = "";
      return false;
    }
    // Tokens that do not add up to the text cannot be cut safely: only the size guard applies then.
    if (tokens.reduce((n, t) => n + t.raw.length, 0) !== cut) {
      if (buffer.length > HARD_LIMIT) forceCommit(out);
      return false;
    }
    let lastIndex = tokens.length - 1;
    while (lastIndex >= 0 && tokens[lastIndex]?.type === "space") lastIndex--;
    // After a blank line, an unfinished line that already reads as prose at the margin cannot join the
    // block above (html blocks aside, which may run across blank lines): that block is final.
    const previous = tokens[lastIndex];
    if (previous && previous.type !== "html" && tokens.at(-1)?.type === "space" && SETTLED.test(buffer.slice(cut))) {
      commitAll(tokens, out);
      buffer = buffer.slice(cut);
      return true;
    }
    const before = tokens.slice(0, lastIndex < 0 ? tokens.length : lastIndex);
    if (before.some((t) => t.type !== "space")) commitAll(before, out);
    buffer = buffer.slice(before.reduce((n, t) => n + t.raw.length, 0));
    return openBlock(tokens[lastIndex], out);
  }

  /** The last, possibly unfinished block (now at the start of the buffer): hand out what is final. */
  function openBlock(last: Token | undefined, out: string[]): boolean {
    if (last?.type === "code" && mode.kind === "blocks") {
      const fence = openFence(last as Tokens.Code, buffer[last.raw.length] === "\n", color);
      if (fence === "closed") {
        commitAll([last], out);
        buffer = buffer.slice(last.raw.length);
        return true;
      }
      if (fence) {
        mode = { kind: "fence", fence };
        buffer = buffer.slice(fence.openingLength);
        return true;
      }
    }
    if (last?.type === "list") splitList(last as Tokens.List, out);
    if ((!last || last.type === "paragraph") && mode.kind === "blocks" && buffer.length > PARA_SPLIT) {
      // A paragraph's own unfinished line counts here: one long line is the usual shape of a paragraph.
      const whole = lex(buffer);
      if (whole[0]?.type === "paragraph" && !whole.slice(1).some((t) => t.type !== "space")) {
        cutParagraph(whole[0] as Tokens.Paragraph, "", 0, out);
        return false;
      }
    }
    if (buffer.length > HARD_LIMIT) forceCommit(out);
    return false;
  }

  function splitList(list: Tokens.List, out: string[]): void {
    const from = mode.kind === "list" ? 1 : 0;
    const count = list.items.length;
    if (count - 1 <= from) return;
    const starts: number[] = [];
    let pos = 0;
    for (const item of list.items) {
      starts.push(pos);
      pos += item.raw.length;
    }
    // The last item's raw loses the list's trailing newline; the items must otherwise tile the list.
    if (!list.raw.startsWith(list.items.map((item) => item.raw).join(""))) return;
    const first = mode.kind === "list" ? mode.firstNumber : typeof list.start === "number" ? list.start : 1;
    emit(renderListItems(list, opts(), { from, to: count - 1, firstNumber: first }), out);
    buffer = buffer.slice(starts[count - 2] ?? 0);
    mode = { kind: "list", firstNumber: first + count - 2 };
  }

  /** An open block too big to keep redrawing: commit its complete lines; the rest starts a new block. */
  function forceCommit(out: string[]): void {
    const cut = buffer.lastIndexOf("\n") + 1;
    if (cut === 0) return;
    commitAll(lex(buffer.slice(0, cut)), out);
    buffer = buffer.slice(cut);
  }

  function fenceStep(fence: Fence, final: boolean, out: string[]): boolean {
    let start = 0;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n", start)) {
      const line = buffer.slice(start, nl);
      start = nl + 1;
      if (fence.closes(line)) {
        emit(codeRows(fence.highlighter.finish(), width), out);
        open = false;
        mode = { kind: "blocks" };
        buffer = buffer.slice(start);
        return true;
      }
      emit(codeRows(fence.highlighter.add(fence.dedent(line)), width), out);
    }
    buffer = buffer.slice(start);
    if (!final) return false;
    if (buffer !== "" && !fence.closes(buffer)) emit(codeRows(fence.highlighter.add(fence.dedent(buffer)), width), out);
    emit(codeRows(fence.highlighter.finish(), width), out);
    open = false;
    mode = { kind: "blocks" };
    buffer = "";
    return false;
  }

  function paragraphStep(carry: string, final: boolean, out: string[]): boolean {
    const complete = final ? buffer : buffer.slice(0, buffer.lastIndexOf("\n") + 1);
    const tokens = lex(SENTINEL + complete);
    const para = tokens[0];
    if (!para || (para.type !== "paragraph" && para.type !== "heading")) {
      emit(wrapProse(carry, width), out);
      open = false;
      mode = { kind: "blocks" };
      return true;
    }
    if (final || tokens.slice(1).some((t) => t.type !== "space")) {
      const rest = stripSentinel((para as Tokens.Paragraph).tokens);
      emit(wrapProse(carry + renderInline(rest, createColors(color), color), width), out);
      open = false;
      mode = { kind: "blocks" };
      buffer = buffer.slice(Math.max(0, para.raw.length - SENTINEL.length));
      return true;
    }
    if (buffer.length <= PARA_SPLIT) return false;
    const whole = lex(SENTINEL + buffer);
    if (whole[0]?.type !== "paragraph" || whole.slice(1).some((t) => t.type !== "space")) return false;
    cutParagraph(whole[0] as Tokens.Paragraph, carry, SENTINEL.length, out);
    return false;
  }

  /** Move the paragraph's finished part out of the buffer and hand out its finished rows. */
  function cutParagraph(para: Tokens.Paragraph, carry: string, shift: number, out: string[]): void {
    const cut = splitParagraph(para, shift > 0, buffer.length > PARA_FORCE);
    if (!cut) return;
    const rows = wrapProse(carry + renderInline(cut.tokens, createColors(color), color), width);
    emit(rows.slice(0, -1), out);
    buffer = buffer.slice(cut.offset - shift);
    // The cut sits after a single space that the wrap dropped at the row's end.
    mode = { kind: "paragraph", carry: `${rows.at(-1) ?? ""} ` };
  }

  function advance(final: boolean): string[] {
    const out: string[] = [];
    while (step(final, out));
    lexedAt = buffer.length;
    cache = undefined;
    return out;
  }

  function tailRows(): string[] {
    const rows: string[] = [];
    const add = (block: readonly string[]) => {
      if (block.length === 0) return;
      if (rows.length > 0 || (started && !open)) rows.push("");
      rows.push(...block);
    };
    if (mode.kind === "fence") {
      const partial = buffer === "" ? undefined : mode.fence.dedent(buffer);
      add(codeRows(mode.fence.highlighter.pending(partial), width));
      return rows;
    }
    let tokens: Token[];
    if (mode.kind === "paragraph") {
      tokens = lex(SENTINEL + buffer);
      const para = tokens.shift();
      const rest = para && "tokens" in para ? stripSentinel(para.tokens ?? []) : [];
      add(wrapProse(mode.carry + renderInline(rest, createColors(color), color), width));
    } else {
      tokens = lex(buffer);
    }
    let first = true;
    for (const token of tokens) {
      if (token.type === "space") continue;
      add(blockRows(token, first));
      first = false;
    }
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
    setWidth(next) {
      width = next;
      cache = undefined;
    },
  };
}
