// The prompt's text and cursor as a value, with the readline/emacs editing operations as pure
// functions. The cursor is a UTF-16 index that always sits on a grapheme boundary, so emoji, CJK and
// accented letters move and delete as one character.
import { visibleWidth } from "./ansi-text.ts";
import { graphemes, nextBoundary, previousBoundary, snapToBoundary } from "./graphemes.ts";
import type { Key } from "./keys.ts";

/**
 * `killed` is the text the last kill (Ctrl+U/K/W) removed, for Ctrl+Y; `goal` is the display column
 * Up/Down aim for, kept across consecutive vertical moves.
 */
export type EditorState = { text: string; cursor: number; killed?: string; goal?: number };

export function emptyEditor(): EditorState {
  return { text: "", cursor: 0 };
}

// Every edit goes through here: keeps the kill buffer, drops the vertical-move goal.
function edited(state: EditorState, text: string, cursor: number, killed = state.killed): EditorState {
  return killed === undefined ? { text, cursor } : { text, cursor, killed };
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf("\n", index - 1) + 1;
}

function lineEnd(text: string, index: number): number {
  const end = text.indexOf("\n", index);
  return end < 0 ? text.length : end;
}

// Removes text[from..to) and remembers it for yank.
function kill(state: EditorState, from: number, to: number): EditorState {
  if (from >= to) return edited(state, state.text, state.cursor);
  return edited(state, state.text.slice(0, from) + state.text.slice(to), from, state.text.slice(from, to));
}

export function insertText(state: EditorState, text: string): EditorState {
  const { text: old, cursor } = state;
  return edited(state, old.slice(0, cursor) + text + old.slice(cursor), cursor + text.length);
}

export function insertNewline(state: EditorState): EditorState {
  return insertText(state, "\n");
}

/** Enter after a backslash: the backslash becomes a newline. Undefined when there is no backslash. */
export function backslashNewline(state: EditorState): EditorState | undefined {
  const { text, cursor } = state;
  if (cursor === 0 || text.charAt(cursor - 1) !== "\\") return undefined;
  return edited(state, `${text.slice(0, cursor - 1)}\n${text.slice(cursor)}`, cursor);
}

export function backspace(state: EditorState): EditorState {
  const from = previousBoundary(state.text, state.cursor);
  return edited(state, state.text.slice(0, from) + state.text.slice(state.cursor), from);
}

export function deleteForward(state: EditorState): EditorState {
  const to = nextBoundary(state.text, state.cursor);
  return edited(state, state.text.slice(0, state.cursor) + state.text.slice(to), state.cursor);
}

export function moveLeft(state: EditorState): EditorState {
  return edited(state, state.text, previousBoundary(state.text, state.cursor));
}

export function moveRight(state: EditorState): EditorState {
  return edited(state, state.text, nextBoundary(state.text, state.cursor));
}

export function moveTo(state: EditorState, cursor: number): EditorState {
  return edited(state, state.text, snapToBoundary(state.text, Math.max(0, Math.min(cursor, state.text.length))));
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

function isWordAt(text: string, index: number): boolean {
  const code = text.codePointAt(index) ?? 0;
  return WORD_CHAR.test(String.fromCodePoint(code));
}

function isSpaceAt(text: string, index: number): boolean {
  return /\s/.test(text.charAt(index));
}

// Scans back over characters failing then passing `inWord`; the result is the start of that word.
function wordStartBefore(text: string, index: number, inWord: (i: number) => boolean): number {
  let at = index;
  while (at > 0 && !inWord(previousBoundary(text, at))) at = previousBoundary(text, at);
  while (at > 0 && inWord(previousBoundary(text, at))) at = previousBoundary(text, at);
  return at;
}

function wordEndAfter(text: string, index: number, inWord: (i: number) => boolean): number {
  let at = index;
  while (at < text.length && !inWord(at)) at = nextBoundary(text, at);
  while (at < text.length && inWord(at)) at = nextBoundary(text, at);
  return at;
}

const letters = (text: string) => (i: number) => isWordAt(text, i);
const nonSpace = (text: string) => (i: number) => !isSpaceAt(text, i);

export function moveWordLeft(state: EditorState): EditorState {
  return edited(state, state.text, wordStartBefore(state.text, state.cursor, letters(state.text)));
}

export function moveWordRight(state: EditorState): EditorState {
  return edited(state, state.text, wordEndAfter(state.text, state.cursor, letters(state.text)));
}

export function moveLineStart(state: EditorState): EditorState {
  return edited(state, state.text, lineStart(state.text, state.cursor));
}

export function moveLineEnd(state: EditorState): EditorState {
  return edited(state, state.text, lineEnd(state.text, state.cursor));
}

// The index in text[start..end) whose display column is closest to `goal` without passing it.
function indexAtColumn(text: string, start: number, end: number, goal: number): number {
  let column = 0;
  for (const part of graphemes(text.slice(start, end))) {
    column += visibleWidth(part.text);
    if (column > goal) return start + part.index;
  }
  return end;
}

function verticalMove(state: EditorState, targetStart: number): EditorState {
  const { text, cursor } = state;
  const goal = state.goal ?? visibleWidth(text.slice(lineStart(text, cursor), cursor));
  const moved = edited(state, text, indexAtColumn(text, targetStart, lineEnd(text, targetStart), goal));
  return { ...moved, goal };
}

/** One line up, keeping the column; undefined on the first line (the caller goes to history). */
export function moveUp(state: EditorState): EditorState | undefined {
  const start = lineStart(state.text, state.cursor);
  if (start === 0) return undefined;
  return verticalMove(state, lineStart(state.text, start - 1));
}

/** One line down, keeping the column; undefined on the last line. */
export function moveDown(state: EditorState): EditorState | undefined {
  const end = state.text.indexOf("\n", state.cursor);
  if (end < 0) return undefined;
  return verticalMove(state, end + 1);
}

/** Ctrl+U: kills to the start of the line; at a line's start, joins it to the line above. */
export function killToLineStart(state: EditorState): EditorState {
  const start = lineStart(state.text, state.cursor);
  return kill(state, start === state.cursor ? Math.max(0, start - 1) : start, state.cursor);
}

/** Ctrl+K: kills to the end of the line; at a line's end, joins the next line to it. */
export function killToLineEnd(state: EditorState): EditorState {
  const end = lineEnd(state.text, state.cursor);
  return kill(state, state.cursor, end === state.cursor ? Math.min(state.text.length, end + 1) : end);
}

/**
 * Alt+Backspace kills the word before the cursor (letters and digits); Ctrl+W (`bigWord`) kills back
 * to the previous whitespace, as shells do, so a whole path goes at once.
 */
export function deleteWordBefore(state: EditorState, bigWord = false): EditorState {
  const inWord = bigWord ? nonSpace(state.text) : letters(state.text);
  return kill(state, wordStartBefore(state.text, state.cursor, inWord), state.cursor);
}

/** Alt+D: kills to the end of the next word. */
export function deleteWordAfter(state: EditorState): EditorState {
  return kill(state, state.cursor, wordEndAfter(state.text, state.cursor, letters(state.text)));
}

/** Ctrl+Y: inserts the text of the last kill. */
export function yank(state: EditorState): EditorState {
  return state.killed ? insertText(state, state.killed) : edited(state, state.text, state.cursor);
}

function ctrlKey(state: EditorState, name: string): EditorState | undefined {
  switch (name) {
    case "a": return moveLineStart(state);
    case "e": return moveLineEnd(state);
    case "b": return moveLeft(state);
    case "f": return moveRight(state);
    // Ctrl+D on an empty prompt is the REPL's (exit).
    case "d": return state.text === "" ? undefined : deleteForward(state);
    case "h": return backspace(state);
    case "u": return killToLineStart(state);
    case "k": return killToLineEnd(state);
    case "w":
    case "backspace": return deleteWordBefore(state, name === "w");
    case "y": return yank(state);
    case "left": return moveWordLeft(state);
    case "right": return moveWordRight(state);
    case "delete": return deleteWordAfter(state);
    case "home": return moveTo(state, 0);
    case "end": return moveTo(state, state.text.length);
  }
  return undefined;
}

function metaKey(state: EditorState, name: string): EditorState | undefined {
  switch (name) {
    case "b":
    case "left": return moveWordLeft(state);
    case "f":
    case "right": return moveWordRight(state);
    case "d":
    case "delete": return deleteWordAfter(state);
    case "backspace": return deleteWordBefore(state);
  }
  return undefined;
}

/**
 * Applies an editing key. Undefined means the key is not an editing key (Enter, Escape, Tab, Ctrl+C,
 * Up/Down at the first/last line...) and is the caller's to handle.
 */
export function editKey(state: EditorState, key: Key): EditorState | undefined {
  if (key.name === "text" || key.name === "paste") return key.text ? insertText(state, key.text) : state;
  if (key.ctrl && !key.meta) return ctrlKey(state, key.name);
  if (key.meta) return metaKey(state, key.name);
  switch (key.name) {
    case "left": return moveLeft(state);
    case "right": return moveRight(state);
    case "home": return moveLineStart(state);
    case "end": return moveLineEnd(state);
    case "backspace": return backspace(state);
    case "delete": return deleteForward(state);
    case "up": return moveUp(state);
    case "down": return moveDown(state);
  }
  return undefined;
}
