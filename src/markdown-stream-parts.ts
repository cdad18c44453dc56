// Pieces of the markdown stream that look inside one open block: where an open code fence ends and how
// its lines are dedented (as marked does it), and where a long paragraph can be cut without changing how
// the rest of it renders.
import type { Token, Tokens } from "marked";
import { createLineHighlighter, type LineHighlighter } from "./syntax-highlight.ts";

export interface Fence {
  /** Length of the opening line with its newline. */
  openingLength: number;
  /** Whether a complete line closes the fence. */
  closes(line: string): boolean;
  /** A content line without the opening fence's indentation. */
  dedent(line: string): string;
  highlighter: LineHighlighter;
}

/**
 * An unfinished fenced code block at the start of the buffer, once its opening line is complete; "closed"
 * when its closing line (and that line's newline) has arrived; undefined when it is not a fence yet.
 */
export function openFence(token: Tokens.Code, followedByNewline: boolean, color: boolean): Fence | "closed" | undefined {
  if (token.codeBlockStyle === "indented") return undefined;
  const nl = token.raw.indexOf("\n");
  if (nl < 0) return undefined;
  const opening = token.raw.slice(0, nl);
  const marker = /^ {0,3}(`{3,}|~{3,})/.exec(opening)?.[1];
  if (!marker) return undefined;
  // Same rule as marked: the opening run, optionally longer, then only spaces.
  const closing = new RegExp(`^ {0,3}${marker}${marker[0]}* *$`);
  // marked's raw sometimes includes the newline after the closing line and sometimes not.
  const body = token.raw.slice(nl + 1).replace(/\n$/, "");
  const lastLine = body.slice(body.lastIndexOf("\n") + 1);
  const ended = followedByNewline || token.raw.endsWith("\n");
  if (ended && body !== "" && closing.test(lastLine)) return "closed";
  // marked removes up to the opening's indentation from each line, for backtick fences only.
  const indent = /^(\s+)```/.exec(opening)?.[1]?.length ?? 0;
  return {
    openingLength: nl + 1,
    closes: (line) => closing.test(line),
    dedent(line) {
      if (indent === 0) return line;
      const lead = /^\s+/.exec(line)?.[0].length ?? 0;
      return line.slice(Math.min(lead, indent));
    },
    highlighter: createLineHighlighter(token.lang, color),
  };
}

/** Lexing a paragraph's continuation after this keeps it a paragraph continuation line. */
export const SENTINEL = "x\n";

/** The inline tokens without the sentinel line that was lexed in front of them. */
export function stripSentinel(tokens: readonly Token[]): Token[] {
  const [first, ...rest] = tokens;
  if (first?.type !== "text") return [...tokens];
  if (first.raw === "x") return rest;
  if (!String(first.raw).startsWith(SENTINEL) || !String(first.text).startsWith(SENTINEL)) return [...tokens];
  const raw = String(first.raw).slice(SENTINEL.length);
  const text = String(first.text).slice(SENTINEL.length);
  return raw === "" ? rest : [{ ...first, raw, text } as Token, ...rest];
}

// Characters that could still pair with something later in the paragraph (emphasis, code, links, html).
const OPENERS = new Set(["*", "_", "~", "`", "[", "<"]);
const LETTER = /\p{L}/u;

export interface ParagraphCut {
  /** Inline tokens before the cut (sentinel removed). */
  tokens: Token[];
  /** Where the rest starts, in the lexed source. */
  offset: number;
}

/**
 * The latest point to cut a paragraph at: after a single space and before a letter, inside plain text, on
 * a line without `|` (the rest must still lex as a plain continuation line), and, unless `force`, before
 * any character that a later closer could still turn into emphasis, code or a link.
 */
export function splitParagraph(para: Tokens.Paragraph, sentinel: boolean, force: boolean): ParagraphCut | undefined {
  const source = para.text;
  if (!para.raw.startsWith(source)) return undefined;
  const spans: { index: number; start: number; end: number }[] = [];
  let limit = source.length;
  let pos = 0;
  para.tokens.forEach((token, index) => {
    const end = pos + token.raw.length;
    if (token.type === "text" && !("tokens" in token && token.tokens)) {
      if (token.raw === token.text) spans.push({ index, start: pos, end });
      if (!force && limit === source.length) {
        for (let i = pos; i < end; i++) {
          if (OPENERS.has(source[i] ?? "")) {
            limit = i;
            break;
          }
        }
      }
    }
    pos = end;
  });
  if (pos !== source.length) return undefined;
  // Lines holding a "|" are never cut: a delimiter row arriving next would make that line a table header.
  const piped = new Set<number>();
  let lineStart = 0;
  for (let i = 0; i <= source.length; i++) {
    if (i < source.length && source[i] !== "\n") continue;
    if (source.slice(lineStart, i).includes("|")) piped.add(lineStart);
    lineStart = i + 1;
  }
  let span = spans.length - 1;
  let line = source.length + 1;
  const first = sentinel ? SENTINEL.length + 1 : 2;
  for (let p = Math.min(limit, source.length) - 1; p >= first; p--) {
    const ch = source[p] ?? "";
    if (!LETTER.test(ch) || source[p - 1] !== " " || /\s/.test(source[p - 2] ?? " ")) continue;
    if (p < line) line = source.lastIndexOf("\n", p) + 1;
    if (piped.has(line)) continue;
    while (span >= 0 && (spans[span]?.start ?? 0) > p - 1) span--;
    const s = spans[span];
    if (!s || p >= s.end) continue;
    const token = para.tokens[s.index] as Tokens.Text;
    const piece = token.raw.slice(0, p - s.start);
    const before = [...para.tokens.slice(0, s.index), { ...token, raw: piece, text: piece } as Token];
    return { tokens: sentinel ? stripSentinel(before) : before, offset: p };
  }
  return undefined;
}
