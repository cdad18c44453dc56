// Pure matching strategies for Edit: where does old_string occur in the file? Exact first; when that
// fails, a few safe fuzzy levels absorb the usual copy slips (trailing blanks, smart quotes, shifted
// indentation). Every strategy returns spans of the ORIGINAL text, so only the matched region is ever
// replaced and the rest of the file keeps its bytes. Inputs are in LF form.

export type MatchLevel = "exact" | "trailing-whitespace" | "unicode" | "indentation" | "trimmed" | "inner-whitespace";

export interface Span {
  start: number;
  end: number;
  /** Adjusts new_string to this match (re-indentation); identity when absent. */
  adapt?: (replacement: string) => string;
}

export interface MatchResult {
  level: MatchLevel;
  spans: Span[];
}

/** How each fuzzy level is described to the model in a result or error. */
export const LEVEL_NOTES: Record<MatchLevel, string> = {
  exact: "exact",
  "trailing-whitespace": "ignoring trailing whitespace",
  unicode: "normalising Unicode quotes, dashes and spaces",
  indentation: "allowing a consistent indentation difference",
  trimmed: "ignoring leading and trailing whitespace on each line",
  "inner-whitespace": "treating runs of spaces and tabs as one space",
};

function exactSpans(haystack: string, needle: string): Span[] {
  const spans: Span[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) {
    spans.push({ start: i, end: i + needle.length });
  }
  return spans;
}

// ---- Unicode folding (character-wise, with a map back to original offsets) ----

const FOLD: Record<string, string> = {};
for (const c of "\u2018\u2019\u201a\u201b\u2032") FOLD[c] = "'";
for (const c of "\u201c\u201d\u201e\u201f\u2033") FOLD[c] = '"';
for (const c of "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d") FOLD[c] = "-";
for (const c of "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000") {
  FOLD[c] = " ";
}

// Per code point NFKD (compatibility decomposition) then the table above. Equal NFKC forms have equal
// NFKD forms, and decomposing per code point keeps a simple offset map. Memoised: files reuse few
// distinct non-ASCII characters.
const foldMemo = new Map<string, string>();
function foldCodePoint(cp: string): string {
  let out = foldMemo.get(cp);
  if (out === undefined) {
    out = "";
    for (const c of cp.normalize("NFKD")) out += FOLD[c] ?? c;
    foldMemo.set(cp, out);
  }
  return out;
}

/** A non-ASCII code point: where its folded form sits and where it came from. */
interface Mark {
  folded: number;
  foldedLen: number;
  orig: number;
  origLen: number;
}

/** Fold `text`, recording only the non-ASCII code points (ASCII runs map one to one). */
function foldWithMarks(text: string, marks?: Mark[]): string {
  let out = "";
  let runStart = 0;
  for (let i = 0; i < text.length;) {
    if (text.charCodeAt(i) < 0x80) {
      i++;
      continue;
    }
    out += text.slice(runStart, i);
    const cp = String.fromCodePoint(text.codePointAt(i) ?? 0);
    const f = foldCodePoint(cp);
    marks?.push({ folded: out.length, foldedLen: f.length, orig: i, origLen: cp.length });
    out += f;
    i += cp.length;
    runStart = i;
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

export function foldUnicode(text: string): string {
  return isAscii(text) ? text : foldWithMarks(text);
}

/** Original range of the code point behind folded index x, and whether x is its first/last unit. */
function locate(marks: Mark[], x: number): { start: number; end: number; first: boolean; last: boolean } {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((marks[mid]?.folded ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  const m = marks[lo - 1];
  if (!m) return { start: x, end: x + 1, first: true, last: true };
  if (x < m.folded + m.foldedLen) {
    return { start: m.orig, end: m.orig + m.origLen, first: x === m.folded, last: x === m.folded + m.foldedLen - 1 };
  }
  const orig = m.orig + m.origLen + (x - m.folded - m.foldedLen);
  return { start: orig, end: orig + 1, first: true, last: true };
}

function unicodeSpans(haystack: string, needle: string): Span[] {
  const target = foldUnicode(needle);
  if (target.length === 0) return [];
  const marks: Mark[] = [];
  const folded = foldWithMarks(haystack, marks);
  const spans: Span[] = [];
  for (let s = folded.indexOf(target); s !== -1;) {
    const a = locate(marks, s);
    const b = locate(marks, s + target.length - 1);
    // Only accept matches that cover whole original code points.
    if (a.first && b.last) {
      spans.push({ start: a.start, end: b.end });
      s = folded.indexOf(target, s + target.length);
    } else s = folded.indexOf(target, s + 1);
  }
  return spans;
}

// ---- Line-wise levels ----

interface Line {
  start: number;
  end: number;
  text: string;
}

/** The file split into lines once per findMatches call, with per-level normalised copies cached. */
interface Hay {
  text: string;
  lines: Line[];
  columns: Map<string, string[]>;
}

function makeHay(text: string): Hay {
  const lines: Line[] = [];
  for (let start = 0; ;) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ start, end, text: text.slice(start, end) });
    if (nl === -1) break;
    start = nl + 1;
  }
  return { text, lines, columns: new Map() };
}

/** `norm` applied to every line, computed once; levels that fold Unicode share the folded lines. */
function column(hay: Hay, name: string, norm: (line: string) => string, folded = true): string[] {
  let col = hay.columns.get(name);
  if (!col) {
    const base = folded && name !== "fold" ? column(hay, "fold", foldUnicode, false) : hay.lines.map((l) => l.text);
    col = base.map(norm);
    hay.columns.set(name, col);
  }
  return col;
}

const leading = (s: string): string => /^[ \t]*/.exec(s)?.[0] ?? "";

interface Needle {
  lines: string[];
  /** old_string ended with a newline: the match must too. */
  trailingNewline: boolean;
  /** old_string's first line starts without indentation: it may sit after the file line's indentation. */
  firstLoose: boolean;
}

function prepareNeedle(needle: string): Needle | undefined {
  const trailingNewline = needle.endsWith("\n");
  const lines = (trailingNewline ? needle.slice(0, -1) : needle).split("\n");
  if (lines.every((l) => l.trim() === "")) return undefined; // blank needles would match anywhere
  const first = lines[0] ?? "";
  return { lines, trailingNewline, firstLoose: first !== "" && leading(first) === "" };
}

/** Does the window of file lines starting at line `i` match? Returns the adapt function when it does. */
type WindowTest = (i: number) => { adapt?: (r: string) => string } | undefined;

function lineSpans(hay: Hay, needle: Needle, test: WindowTest): Span[] {
  const { lines } = hay;
  const k = needle.lines.length;
  const spans: Span[] = [];
  for (let i = 0; i + k <= lines.length;) {
    const first = lines[i];
    const last = lines[i + k - 1];
    const hit = first && last && !(needle.trailingNewline && last.end >= hay.text.length) ? test(i) : undefined;
    if (!first || !last || !hit) {
      i++;
      continue;
    }
    const start = needle.firstLoose ? first.start + leading(first.text).length : first.start;
    spans.push({ start, end: last.end + (needle.trailingNewline ? 1 : 0), ...hit });
    i += k;
  }
  return spans;
}

/** Equal after `norm` on every line (the first line may carry extra indentation when firstLoose). */
function normalisedSpans(
  hay: Hay,
  needle: Needle,
  name: string,
  norm: (line: string) => string,
  fold: boolean,
): Span[] {
  const col = column(hay, name, norm, fold);
  const loose = needle.firstLoose ? column(hay, `${name}:loose`, (l) => norm(l.trimStart()), fold) : col;
  const want = needle.lines.map((l) => norm(fold ? foldUnicode(l) : l));
  return lineSpans(hay, needle, (i) => {
    if (loose[i] !== want[0]) return undefined;
    for (let j = 1; j < want.length; j++) if (col[i + j] !== want[j]) return undefined;
    return {};
  });
}

/** Same lines after shifting the whole block by one indentation offset; new_string gets the same shift. */
function indentationSpans(hay: Hay, needle: Needle): Span[] {
  const col = column(hay, "indent", (l) => l.trimEnd());
  const want = needle.lines.map((l) => foldUnicode(l).trimEnd());
  return lineSpans(hay, needle, (i) => {
    let shift: { add: string } | { remove: string } | undefined;
    for (let j = 0; j < want.length; j++) {
      const h = col[i + j] ?? "";
      const n = want[j] ?? "";
      if (n === "" || h === "") {
        if (n !== h) return undefined;
        continue;
      }
      const hi = leading(h);
      const ni = leading(n);
      if (h.slice(hi.length) !== n.slice(ni.length)) return undefined;
      if (j === 0 && needle.firstLoose) continue;
      if (!shift) {
        if (hi.endsWith(ni)) shift = { add: hi.slice(0, hi.length - ni.length) };
        else if (ni.endsWith(hi)) shift = { remove: ni.slice(0, ni.length - hi.length) };
        else return undefined;
      } else if ("add" in shift ? hi !== shift.add + ni : ni !== shift.remove + hi) return undefined;
    }
    const s = shift;
    if (!s || ("add" in s ? s.add === "" : s.remove === "")) return {};
    const adapt = (replacement: string): string =>
      replacement
        .split("\n")
        .map((line, r) => {
          if ((r === 0 && needle.firstLoose) || line.trim() === "") return line;
          if ("add" in s) return s.add + line;
          return line.startsWith(s.remove) ? line.slice(s.remove.length) : line.trimStart();
        })
        .join("\n");
    return { adapt };
  });
}

type Finder = (text: string, needle: string, hay: () => Hay, lines: Needle | undefined) => Span[];

const LEVELS: Array<{ level: MatchLevel; find: Finder }> = [
  { level: "exact", find: exactSpans },
  {
    level: "trailing-whitespace",
    find: (_t, _n, hay, p) => (p ? normalisedSpans(hay(), p, "trail", (l) => l.trimEnd(), false) : []),
  },
  { level: "unicode", find: (t, n) => (isAscii(t) && isAscii(n) ? [] : unicodeSpans(t, n)) },
  { level: "indentation", find: (_t, _n, hay, p) => (p ? indentationSpans(hay(), p) : []) },
  {
    level: "trimmed",
    find: (_t, _n, hay, p) => (p ? normalisedSpans(hay(), p, "trim", (l) => l.trim(), true) : []),
  },
  {
    level: "inner-whitespace",
    find: (_t, _n, hay, p) =>
      p ? normalisedSpans(hay(), p, "inner", (l) => l.trim().replace(/[ \t]+/g, " "), true) : [],
  },
];

function isAscii(s: string): boolean {
  return !/[^\x00-\x7f]/.test(s);
}

/**
 * The first level (exact, then fuzzy ones in order) at which `needle` occurs, with all its
 * non-overlapping matches in that level's terms. Undefined when nothing matches.
 */
export function findMatches(haystack: string, needle: string): MatchResult | undefined {
  if (needle === "") return undefined;
  let hay: Hay | undefined;
  const lazyHay = () => (hay ??= makeHay(haystack));
  const prepared = prepareNeedle(needle);
  for (const { level, find } of LEVELS) {
    const spans = find(haystack, needle, lazyHay, prepared);
    if (spans.length > 0) return { level, spans };
  }
  return undefined;
}

/** A fuzzy match far longer than what the model wrote is more likely wrong than a slip. */
export function spanTooLong(span: Span, needle: string): boolean {
  return span.end - span.start > 2 * needle.length + 64;
}
