// Where the prompt's text goes on screen: the rows of the input box (prompt before the first line, a
// continuation prefix before later ones, long lines wrapped by character) and the cell the terminal
// cursor belongs in. Runs on every keystroke, so it only looks at the input text.
import { createColors } from "picocolors";
import { truncateToWidth, visibleWidth } from "./ansi-text.ts";
import { graphemes } from "./graphemes.ts";
import type { EditorState } from "./line-editor.ts";

export type EditorLayoutOptions = {
  prompt: string;
  continuation: string;
  width: number;
  placeholder?: string;
  color?: boolean;
};

/** `cursorRow` indexes `rows`; `cursorCol` is the 0-based screen column. */
export type EditorLayout = { rows: string[]; cursorRow: number; cursorCol: number };

const TAB_WIDTH = 4;

// Control characters would move the terminal's cursor: show them in caret notation instead.
function shown(grapheme: string, room: number): string {
  if (grapheme === "\t") return " ".repeat(Math.min(TAB_WIDTH, room));
  const code = grapheme.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
  if (code === 0x7f) return "^?";
  return grapheme;
}

// Leaves at least two columns for text, so a wide character always fits on a row.
function fitPrefix(prefix: string, width: number): string {
  return visibleWidth(prefix) > width - 2 ? truncateToWidth(prefix, width - 2) : prefix;
}

function placeholderLayout(prompt: string, placeholder: string, width: number, color: boolean): EditorLayout {
  const colors = createColors(color);
  const text = truncateToWidth(placeholder.split("\n")[0] ?? "", width - visibleWidth(prompt));
  return { rows: [prompt + (text ? colors.dim(text) : "")], cursorRow: 0, cursorCol: visibleWidth(prompt) };
}

export function layoutEditor(state: EditorState, options: EditorLayoutOptions): EditorLayout {
  const width = Math.max(2, Math.floor(options.width));
  const firstPrefix = fitPrefix(options.prompt, width);
  if (state.text === "" && options.placeholder) {
    return placeholderLayout(firstPrefix, options.placeholder, width, options.color ?? false);
  }
  const otherPrefix = fitPrefix(options.continuation, width);
  const rows: string[] = [];
  let cursorRow = 0;
  let cursorCol = 0;
  let placed = false;
  let offset = 0;
  const lines = state.text.split("\n");
  for (const [number, line] of lines.entries()) {
    const prefix = number === 0 ? firstPrefix : otherPrefix;
    const prefixWidth = visibleWidth(prefix);
    const room = width - prefixWidth;
    const indent = " ".repeat(prefixWidth);
    let row = prefix;
    let column = 0;
    const breakRow = () => {
      rows.push(row);
      row = indent;
      column = 0;
    };
    const placeCursorAt = (index: number) => {
      if (placed || index < state.cursor) return;
      placed = true;
      cursorRow = rows.length;
      cursorCol = prefixWidth + column;
    };
    for (const part of graphemes(line)) {
      const cell = shown(part.text, room);
      const cellWidth = visibleWidth(cell);
      if (column > 0 && column + cellWidth > room) breakRow();
      placeCursorAt(offset + part.index);
      row += cell;
      column += cellWidth;
    }
    // A line that fills its last row exactly gets an empty row after it: the cursor at its end needs
    // a cell, and the box keeps its height as the cursor moves.
    if (column >= room) breakRow();
    placeCursorAt(offset + line.length);
    rows.push(row);
    offset += line.length + 1;
  }
  return { rows, cursorRow, cursorCol };
}
