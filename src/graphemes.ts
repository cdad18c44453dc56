// Grapheme boundaries near an index, so an editing cursor never lands inside a surrogate pair, a
// letter with combining marks or an emoji sequence. Only a window around the index is segmented, so a
// step costs the same on a very long line as on a short one.
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

// Wider than any grapheme a person types; a newline inside the window is a safer start (always a
// boundary, and flag pairs count from there).
const WINDOW = 64;
const LINE_WINDOW = 1024;

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function windowStart(text: string, index: number): number {
  const newline = text.lastIndexOf("\n", index - 1);
  if (newline >= 0 && index - newline <= LINE_WINDOW) return newline + 1;
  let start = Math.max(0, index - WINDOW);
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start += 1;
  return start;
}

function windowEnd(text: string, index: number): number {
  let end = Math.min(text.length, index + WINDOW);
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end += 1;
  return end;
}

/** The end of the grapheme that starts at `index` (which should be a boundary). */
export function nextBoundary(text: string, index: number): number {
  if (index >= text.length) return text.length;
  for (const part of segmenter.segment(text.slice(index, windowEnd(text, index)))) return index + part.segment.length;
  return text.length;
}

/** The start of the grapheme that ends at `index` (which should be a boundary). */
export function previousBoundary(text: string, index: number): number {
  if (index <= 0) return 0;
  if (text.charCodeAt(index - 1) === 0x0a) return index - 1; // also keeps the window below non-empty
  const start = windowStart(text, index);
  let last = start;
  for (const part of segmenter.segment(text.slice(start, index))) last = start + part.index;
  return last;
}

/** The nearest boundary at or before `index`: where a cursor computed by code units may safely go. */
export function snapToBoundary(text: string, index: number): number {
  if (index <= 0) return 0;
  if (index >= text.length) return text.length;
  const start = windowStart(text, index);
  const found = segmenter.segment(text.slice(start, windowEnd(text, index))).containing(index - start);
  return found ? start + found.index : index;
}

/** Every grapheme of the text in order (for layout, which has to look at all of them anyway). */
export function* graphemes(text: string): Generator<{ text: string; index: number }> {
  for (const part of segmenter.segment(text)) yield { text: part.segment, index: part.index };
}
