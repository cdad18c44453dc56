// Inline markdown (emphasis, code spans, links, breaks) from marked's tokens to one styled string. Hard
// breaks become "\n"; every style is applied per line so each line stands alone once it is wrapped.
import type { Token } from "marked";
import { createColors } from "picocolors";
import { sanitizeLine } from "./syntax-highlight.ts";

export type Colors = ReturnType<typeof createColors>;

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  bull: "•",
  middot: "·",
  times: "×",
  divide: "÷",
  plusmn: "±",
  deg: "°",
  micro: "µ",
  para: "¶",
  sect: "§",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  harr: "↔",
  rArr: "⇒",
  lArr: "⇐",
  ne: "≠",
  le: "≤",
  ge: "≥",
  infin: "∞",
  check: "✓",
};

/** HTML character references (named ones in common use, and numeric) decoded to text. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref] ?? whole;
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
  });
}

/** Prose made safe to print: a tab as one space, control characters (an escape from the model) shown as �. */
export function plainText(text: string): string {
  return sanitizeLine(text.includes("\t") ? text.replace(/\t/g, " ") : text);
}

/** Apply `paint` to each line of `text` on its own, so no style spans a line break. */
export function paintLines(paint: (s: string) => string, text: string): string {
  if (!text.includes("\n")) return text === "" ? "" : paint(text);
  return text
    .split("\n")
    .map((line) => (line === "" ? "" : paint(line)))
    .join("\n");
}

function children(token: Token): Token[] {
  return "tokens" in token && Array.isArray(token.tokens) ? token.tokens : [];
}

/** A link's target as shown after its text: mailto: dropped, nothing when the text already says it. */
function linkSuffix(text: string, href: string): string {
  const target = href.startsWith("mailto:") ? href.slice(7) : href;
  if (target === "" || text === target || text === href) return "";
  return target;
}

/** Inline tokens as one styled string ("\n" where a hard break was). */
export function renderInline(tokens: readonly Token[], c: Colors, color: boolean): string {
  let out = "";
  for (const token of tokens) out += renderOne(token, c, color);
  return out;
}

function renderOne(token: Token, c: Colors, color: boolean): string {
  switch (token.type) {
    case "text": {
      const nested = children(token);
      if (nested.length > 0) return renderInline(nested, c, color);
      // Soft line breaks read as spaces, as in any markdown viewer.
      return plainText(decodeEntities(String(token.text)).replace(/[ \t]*\n[ \t]*/g, " "));
    }
    case "escape":
      return plainText(String(token.text));
    case "strong":
      return paintLines(c.bold, renderInline(children(token), c, color));
    case "em":
      return paintLines(c.italic, renderInline(children(token), c, color));
    case "del":
      return paintLines(color ? c.strikethrough : (s) => `~${s}~`, renderInline(children(token), c, color));
    case "codespan": {
      const code = plainText(decodeEntities(String(token.text)));
      return color ? c.cyan(code) : `\`${code}\``;
    }
    case "br":
      return "\n";
    case "link": {
      const text = renderInline(children(token), c, color);
      const href = token.autolink ? String(token.href) : decodeEntities(String(token.href));
      const suffix = linkSuffix(plainText(String(token.text)), plainText(href));
      const shown = paintLines((s) => c.blue(c.underline(s)), text);
      return suffix ? `${shown} ${c.dim(`(${suffix})`)}` : shown;
    }
    case "image": {
      const alt = plainText(decodeEntities(String(token.text))) || "image";
      return `${c.dim(`[image: ${alt}]`)}${token.href ? ` ${c.dim(`(${plainText(String(token.href))})`)}` : ""}`;
    }
    case "checkbox":
      return ""; // drawn as the list item's marker
    case "html":
      return plainText(String(token.raw)).replace(/\n/g, " ");
    default:
      return plainText(decodeEntities(String(token.raw)));
  }
}
