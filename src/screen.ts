// Drawing inline in the normal screen buffer. Finished output is written once, above the live region,
// and becomes ordinary terminal scrollback (scrolling, selecting and copying keep working). Only the
// live region at the bottom (the streaming tail, spinner, input box, status) is ever redrawn, as one
// synchronized frame, and only when it changed.
import { visibleWidth, wrapLines } from "./ansi-text.ts";

export interface ScreenOutput {
  write(text: string): void;
  columns(): number;
  rows(): number;
}

export interface LiveFrame {
  rows: string[];
  /** Where the terminal cursor goes (the input caret); hidden when absent. */
  cursor?: { row: number; col: number };
}

export interface Screen {
  /** Writes lines for good above the live region (wrapped to the width). */
  commit(lines: readonly string[]): void;
  /** Replaces the live region; drawn at the next frame. A function is called only when a frame is drawn,
   * so a caller can report every change without composing a frame for each. */
  setLive(frame: LiveFrame | (() => LiveFrame)): void;
  /** Draws now instead of at the next frame (keystroke echo). */
  flush(): void;
  /** Erases the live region and stops drawing (a prompt library or child process takes the terminal). */
  suspend(): void;
  /** Draws the live region again, below whatever was written meanwhile. */
  resume(): void;
  /** The width changed: the old live region has been reflowed by the terminal. */
  resized(previousColumns: number): void;
}

const SYNC_START = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const FRAME_MS = 16;
const EOL_CLEAR = "\x1b[K";

/** Clears `count` rows from the cursor's row down, line by line, and comes back to the first. */
function eraseBelow(count: number): string {
  if (count <= 0) return "";
  let out = "";
  for (let i = 0; i < count; i++) out += `\x1b[2K${i < count - 1 ? "\x1b[1B" : ""}`;
  return count > 1 ? `${out}\x1b[${count - 1}A` : out;
}

/** The rows shown: at most one screen minus a line, keeping the cursor row in view. */
function fitToScreen(frame: LiveFrame, columns: number, maxRows: number): LiveFrame {
  const rows = frame.rows.map((row) => (visibleWidth(row) > columns ? wrapLines([row], columns)[0]! : row));
  if (rows.length <= maxRows) return { rows, ...(frame.cursor ? { cursor: frame.cursor } : {}) };
  const cursorRow = frame.cursor?.row ?? rows.length - 1;
  const start = Math.min(Math.max(0, cursorRow - maxRows + 1), rows.length - maxRows);
  const shown = rows.slice(start, start + maxRows);
  return { rows: shown, ...(frame.cursor ? { cursor: { row: frame.cursor.row - start, col: frame.cursor.col } } : {}) };
}

export function createScreen(out: ScreenOutput, options: { sync?: boolean } = {}): Screen {
  const sync = options.sync !== false;
  let wanted: LiveFrame | (() => LiveFrame) = { rows: [] };
  let forced = false;
  let drawn: LiveFrame = { rows: [] };
  // The row of the live region the terminal cursor is on now.
  let cursorRow = 0;
  let pending: string[] = [];
  let suspended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastDraw = 0;
  let dirty = false;

  const toTop = (): string => `\r${cursorRow > 0 ? `\x1b[${cursorRow}A` : ""}`;

  const draw = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (suspended || (!dirty && pending.length === 0)) return;
    dirty = false;
    const next = typeof wanted === "function" ? wanted() : wanted;
    if (!forced && pending.length === 0 && sameFrame(next, drawn)) return;
    forced = false;
    const columns = out.columns();
    const frame = fitToScreen(next, columns, Math.max(1, out.rows() - 1));
    // Rows are overwritten in place, each cleared to its end, and only what is below the new frame is
    // erased: erasing from the top-left corner would make tmux push the whole screen into scrollback.
    // A row as wide as the terminal leaves the cursor on its last cell, where clearing would eat that
    // cell; such rows need no clearing anyway. The rest of the old frame goes just before the last row.
    const cleared = (row: string): string => (visibleWidth(row) < columns ? row + EOL_CLEAR : row);
    let text = (sync ? SYNC_START : "") + HIDE_CURSOR + toTop();
    for (const line of pending) text += `${cleared(line)}\r\n`;
    pending = [];
    const rows = frame.rows;
    if (rows.length === 0) text += eraseBelow(drawn.rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (i === rows.length - 1) text += "\x1b[J";
      text += i < rows.length - 1 ? `${cleared(rows[i]!)}\r\n` : rows[i]!;
    }
    const last = Math.max(0, frame.rows.length - 1);
    cursorRow = last;
    if (frame.cursor) {
      const up = last - frame.cursor.row;
      text += `${up > 0 ? `\x1b[${up}A` : ""}\r${frame.cursor.col > 0 ? `\x1b[${frame.cursor.col}C` : ""}${SHOW_CURSOR}`;
      cursorRow = frame.cursor.row;
    }
    if (sync) text += SYNC_END;
    out.write(text);
    drawn = frame;
    lastDraw = performance.now();
  };

  const schedule = (): void => {
    if (timer || suspended) return;
    const wait = Math.max(0, FRAME_MS - (performance.now() - lastDraw));
    timer = setTimeout(draw, wait);
  };

  const sameFrame = (a: LiveFrame, b: LiveFrame): boolean =>
    a.rows.length === b.rows.length && a.rows.every((row, i) => row === b.rows[i]) && a.cursor?.row === b.cursor?.row && a.cursor?.col === b.cursor?.col;

  return {
    commit(lines) {
      if (lines.length === 0) return;
      pending.push(...wrapLines(lines, out.columns()));
      schedule();
    },
    setLive(frame) {
      wanted = frame;
      dirty = typeof frame === "function" || !sameFrame(frame, drawn);
      if (dirty) schedule();
    },
    flush: draw,
    suspend() {
      if (suspended) return;
      draw();
      out.write(`${toTop()}${eraseBelow(drawn.rows.length)}${SHOW_CURSOR}`);
      suspended = true;
      cursorRow = 0;
      drawn = { rows: [] };
    },
    resume() {
      suspended = false;
      dirty = true;
      forced = true;
      draw();
    },
    resized(previousColumns) {
      const columns = out.columns();
      // Narrowing reflows the rows above the cursor onto more lines; widening leaves hard line ends alone.
      if (columns < previousColumns) {
        let physical = 0;
        for (let i = 0; i < cursorRow && i < drawn.rows.length; i++) physical += Math.max(1, Math.ceil(visibleWidth(drawn.rows[i]!) / columns));
        const col = drawn.cursor && drawn.cursor.row === cursorRow ? drawn.cursor.col : 0;
        cursorRow = physical + Math.floor(col / columns);
      }
      dirty = true;
      forced = true;
      draw();
    },
  };
}
