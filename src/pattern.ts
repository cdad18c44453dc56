// Wildcard patterns over plain text: literal chunks and WILD, which stands for any run of characters
// (spaces and newlines included). Permission rules are patterns, and so are shell commands whose parts
// are only known at run time ($VAR, globs, command substitutions): comparing two patterns answers
// "could this command match that rule?" (overlaps) and "does that rule match every way this command
// could expand?" (covers), which is what deny and allow decisions each need.

export const WILD: unique symbol = Symbol("wild");
export type Wild = typeof WILD;
export type Pattern = readonly (string | Wild)[];

/** Literal text and wildcards merged into canonical form: no empty strings, no adjacent wildcards, chars split. */
function normalize(pattern: Pattern): (string | Wild)[] {
  const out: (string | Wild)[] = [];
  for (const part of pattern) {
    if (part === WILD) {
      if (out[out.length - 1] !== WILD) out.push(WILD);
      continue;
    }
    for (const ch of part) out.push(ch);
  }
  return out;
}

/** Builds a pattern from text where `*` is a wildcard (permission-rule syntax). */
export function fromGlob(text: string): Pattern {
  const parts: (string | Wild)[] = [];
  for (const piece of text.split("*")) {
    if (parts.length > 0) parts.push(WILD);
    if (piece !== "") parts.push(piece);
  }
  return parts;
}

/** The text when the pattern has no wildcard. */
export function literalText(pattern: Pattern): string | undefined {
  return pattern.includes(WILD) ? undefined : pattern.join("");
}

export function isDynamic(pattern: Pattern): boolean {
  return pattern.includes(WILD);
}

/** For display: wildcards shown as `*`. */
export function show(pattern: Pattern): string {
  return pattern.map((p) => (p === WILD ? "*" : p)).join("");
}

/**
 * Whether some string matches both patterns. Dynamic programming over positions: a wildcard may end
 * (advance past it) or absorb the other side's next character or wildcard.
 */
export function overlaps(a: Pattern, b: Pattern): boolean {
  const x = normalize(a);
  const y = normalize(b);
  const seen = new Set<number>();
  const width = y.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = x[i];
    const q = y[j];
    if (p === undefined && q === undefined) return true;
    if (p === WILD) {
      stack.push([i + 1, j]);
      if (q !== undefined) stack.push([i, j + 1]);
    }
    if (q === WILD) {
      stack.push([i, j + 1]);
      if (p !== undefined) stack.push([i + 1, j]);
    }
    if (p !== undefined && q !== undefined && p !== WILD && q !== WILD && p === q) stack.push([i + 1, j + 1]);
  }
  return false;
}

/** Whether text matches the pattern. */
export function matches(pattern: Pattern, text: string): boolean {
  return overlaps(pattern, [text]);
}

// A character no rule contains: a wildcard of the specific side is replaced by it, so only a wildcard of
// the general side can absorb it, and whatever the real expansion is, that wildcard absorbs it too.
const UNKNOWN = "\u0000";

/** Whether every string `specific` can stand for matches `general` (sound: never true when one does not). */
export function covers(general: Pattern, specific: Pattern): boolean {
  if (general.some((p) => p !== WILD && p.includes(UNKNOWN))) return false;
  return matches(general, specific.map((p) => (p === WILD ? UNKNOWN : p)).join(""));
}
