// Vim motions over the prompt's text (h l j k, w b e and W B E, 0 ^ $, gg G, f t F T) and the ranges
// operators act on. Pure: indexes in, indexes out, always on grapheme boundaries.
import { nextBoundary, previousBoundary } from "./graphemes.ts";
import { moveDown, moveUp, type EditorState } from "./line-editor.ts";

/** Where a motion lands; `linewise` and `inclusive` say how an operator covers the span. */
export type Motion = { cursor: number; goal?: number; linewise?: boolean; inclusive?: boolean; word?: boolean };

/** Why a motion could not move: j/k past the first or last line (the REPL's history), or nothing. */
export type MotionFailure = "top" | "bottom" | "none";

export function lineStartOf(text: string, index: number): number {
  return text.lastIndexOf("\n", index - 1) + 1;
}

export function lineEndOf(text: string, index: number): number {
  const end = text.indexOf("\n", index);
  return end < 0 ? text.length : end;
}

/** Normal mode's cursor sits on a character: never after the last one of a non-empty line. */
export function clampNormal(text: string, cursor: number): number {
  const start = lineStartOf(text, cursor);
  return cursor === lineEndOf(text, cursor) && cursor > start ? previousBoundary(text, cursor) : cursor;
}

export function firstNonBlank(text: string, index: number): number {
  let at = lineStartOf(text, index);
  while (text[at] === " " || text[at] === "\t") at += 1;
  return at;
}

// 0 blank, 1 word characters, 2 other punctuation (W/B/E treat 1 and 2 alike).
function classAt(text: string, index: number, big: boolean): number {
  const char = String.fromCodePoint(text.codePointAt(index) ?? 32);
  if (/\s/u.test(char)) return 0;
  if (big) return 1;
  return /[\p{L}\p{N}\p{M}_]/u.test(char) ? 1 : 2;
}

const isEmptyLine = (text: string, at: number) => text[at] === "\n" && (at === 0 || text[at - 1] === "\n");

function wordForward(text: string, from: number, big: boolean): number {
  let at = from;
  const kind = classAt(text, at, big);
  if (kind !== 0) while (at < text.length && classAt(text, at, big) === kind) at = nextBoundary(text, at);
  while (at < text.length && classAt(text, at, big) === 0) {
    if (at > from && isEmptyLine(text, at)) break;
    at = nextBoundary(text, at);
  }
  return at;
}

function wordEnd(text: string, from: number, big: boolean): number {
  let at = nextBoundary(text, from);
  while (at < text.length && classAt(text, at, big) === 0) at = nextBoundary(text, at);
  if (at >= text.length) return from;
  const kind = classAt(text, at, big);
  for (let next = nextBoundary(text, at); next < text.length && classAt(text, next, big) === kind; ) {
    at = next;
    next = nextBoundary(text, at);
  }
  return at;
}

// cw changes to the end of the word under the cursor, even on its last character (unlike ce).
function changeWordEnd(text: string, from: number, big: boolean): number {
  const kind = classAt(text, from, big);
  if (kind === 0) return previousBoundary(text, wordForward(text, from, big));
  let at = from;
  for (let next = nextBoundary(text, at); next < text.length && classAt(text, next, big) === kind; ) {
    at = next;
    next = nextBoundary(text, at);
  }
  return at;
}

function wordBackward(text: string, from: number, big: boolean): number {
  let at = previousBoundary(text, from);
  while (at > 0 && classAt(text, at, big) === 0 && !isEmptyLine(text, at)) at = previousBoundary(text, at);
  const kind = classAt(text, at, big);
  if (kind === 0) return at;
  while (at > 0 && classAt(text, previousBoundary(text, at), big) === kind) at = previousBoundary(text, at);
  return at;
}

function findInLine(text: string, from: number, char: string, forward: boolean): number | undefined {
  if (forward) {
    const found = text.indexOf(char, nextBoundary(text, from));
    return found >= 0 && found < lineEndOf(text, from) ? found : undefined;
  }
  const start = lineStartOf(text, from);
  const found = from === 0 ? -1 : text.lastIndexOf(char, from - 1);
  return found >= start ? found : undefined;
}

function repeat(count: number, from: number, step: (at: number) => number): number {
  let at = from;
  for (let i = 0; i < count; i += 1) at = step(at);
  return at;
}

function vertical(state: EditorState, count: number, down: boolean): Motion | MotionFailure {
  let moved: EditorState = state;
  for (let i = 0; i < count; i += 1) {
    const next = down ? moveDown(moved) : moveUp(moved);
    if (!next) break;
    moved = next;
  }
  if (moved === state) return down ? "bottom" : "top";
  return { cursor: moved.cursor, goal: moved.goal, linewise: true };
}

/** The line-th line's start (1-based, clamped), for gg and G. */
function lineNumberStart(text: string, line: number): number {
  let at = 0;
  for (let i = 1; i < line; i += 1) {
    const end = text.indexOf("\n", at);
    if (end < 0) break;
    at = end + 1;
  }
  return at;
}

/** Where `motion` (with `count`, and the character for f/t/F/T) takes the cursor. */
export function vimMotion(state: EditorState, motion: string, count: number | undefined, arg = ""): Motion | MotionFailure {
  const { text, cursor } = state;
  const times = count ?? 1;
  const start = lineStartOf(text, cursor);
  const end = lineEndOf(text, cursor);
  switch (motion) {
    case "h": return { cursor: repeat(times, cursor, (at) => (at > start ? previousBoundary(text, at) : at)) };
    case "l": return { cursor: repeat(times, cursor, (at) => (at < end ? nextBoundary(text, at) : at)) };
    case "j": return vertical(state, times, true);
    case "k": return vertical(state, times, false);
    case "w":
    case "W": return { cursor: repeat(times, cursor, (at) => wordForward(text, at, motion === "W")), word: true };
    case "e":
    case "E": return { cursor: repeat(times, cursor, (at) => wordEnd(text, at, motion === "E")), inclusive: true };
    case "cw":
    case "cW": {
      const big = motion === "cW";
      const first = changeWordEnd(text, cursor, big);
      return { cursor: repeat(times - 1, first, (at) => wordEnd(text, at, big)), inclusive: true };
    }
    case "b":
    case "B": return { cursor: repeat(times, cursor, (at) => wordBackward(text, at, motion === "B")) };
    case "0": return { cursor: start };
    case "^": return { cursor: firstNonBlank(text, cursor) };
    case "$": return { cursor: end, inclusive: false };
    case "gg": return { cursor: firstNonBlank(text, lineNumberStart(text, times)), linewise: true };
    case "G": {
      const target = count === undefined ? lineStartOf(text, text.length) : lineNumberStart(text, count);
      return { cursor: firstNonBlank(text, target), linewise: true };
    }
    case "f":
    case "t":
    case "F":
    case "T": {
      const forward = motion === "f" || motion === "t";
      let at: number | undefined = cursor;
      for (let i = 0; i < times && at !== undefined; i += 1) at = findInLine(text, at, arg, forward);
      if (at === undefined) return "none";
      if (motion === "t") at = previousBoundary(text, at);
      if (motion === "T") at = nextBoundary(text, at);
      return { cursor: at, inclusive: forward };
    }
  }
  return "none";
}

/** The span [from, to) an operator covers when the cursor moves by `motion`. */
export function motionSpan(text: string, cursor: number, motion: Motion): { from: number; to: number } {
  let from = Math.min(cursor, motion.cursor);
  let to = Math.max(cursor, motion.cursor);
  if (motion.linewise) return { from: lineStartOf(text, from), to: lineEndOf(text, to) };
  if (motion.inclusive) to = nextBoundary(text, to);
  // vim's rule for dw: when the motion ends at the first word of a later line, the operator stops at
  // the end of the line before it instead of eating the line break.
  if (motion.word && motion.cursor > cursor) {
    const targetLine = lineStartOf(text, motion.cursor);
    if (targetLine > cursor && text.slice(targetLine, motion.cursor).trim() === "") to = Math.max(from, targetLine - 1);
  }
  if (from > to) from = to;
  return { from, to };
}
