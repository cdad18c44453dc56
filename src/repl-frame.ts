// The live region's layout, bottom of the terminal: the turn's streaming rows, queued messages, the
// prompt box between two rules, then either the completion menu or the footer (mode, hints) and the
// status line. A pure function of the state, run on every frame.
import { createColors } from "picocolors";
import { truncateToWidth } from "./ansi-text.ts";
import { layoutEditor } from "./editor-layout.ts";
import type { PermissionMode } from "./permission-modes.ts";
import type { CompletionMenu } from "./repl-completion.ts";
import type { PromptInput } from "./repl-input.ts";
import { modeLabel } from "./repl-modes.ts";
import type { LiveFrame } from "./screen.ts";

export interface FrameState {
  width: number;
  color: boolean;
  turnRows: string[];
  queued: readonly string[];
  input: Pick<PromptInput, "editor" | "search" | "vim">;
  completion: Pick<CompletionMenu, "rows">;
  mode: PermissionMode;
  hint?: string;
  statusLines: readonly string[];
}

const PROMPT = "❯ ";
/** The footer's hint until the run (settings, session, servers) is prepared. */
export const STARTING_HINT = "starting…";
const CONTINUATION = "  ";

export function composeFrame(state: FrameState): LiveFrame {
  const c = createColors(state.color);
  const width = Math.max(10, state.width);
  const rows = [...state.turnRows];
  for (const text of state.queued) rows.push(c.dim(truncateToWidth(`${PROMPT}${text.replace(/\n/g, " ⏎ ")}`, width)));
  if (rows.length > 0) rows.push("");
  const rule = c.dim("─".repeat(width));
  rows.push(rule);
  const search = state.input.search;
  let cursor: { row: number; col: number };
  if (search) {
    const line = `(reverse-i-search)\`${search.query}': ${search.match?.text.replace(/\n/g, " ⏎ ") ?? ""}`;
    cursor = { row: rows.length, col: Math.min(width - 1, `(reverse-i-search)\`${search.query}`.length) };
    rows.push(truncateToWidth(line, width));
  } else {
    const layout = layoutEditor(state.input.editor, {
      prompt: state.input.editor.text.startsWith("!") ? "! " : PROMPT,
      continuation: CONTINUATION,
      width,
      placeholder: "Ask hone to do something, / for commands, @ for files, ! for shell",
      color: state.color,
    });
    cursor = { row: rows.length + layout.cursorRow, col: layout.cursorCol };
    rows.push(...layout.rows);
  }
  rows.push(rule);
  const menu = state.completion.rows(width, state.color);
  if (menu.length > 0) {
    rows.push(...menu);
  } else {
    const vim = state.input.vim ? c.dim(state.input.vim.mode === "insert" ? "-- INSERT --  " : "-- NORMAL --  ") : "";
    const mode = modeLabel(state.mode);
    const left = state.hint ? c.yellow(state.hint) : mode ? c.magenta(mode) : c.dim("? for shortcuts · esc esc to rewind");
    rows.push(truncateToWidth(`  ${vim}${left}`, width));
  }
  for (const line of state.statusLines) rows.push(truncateToWidth(line, width));
  return { rows, cursor };
}

/** The frame before anything is typed or loaded: main.ts draws it while the rest of the program loads. */
export function startingFrame(width: number, color: boolean): LiveFrame {
  const input = { editor: { text: "", cursor: 0 }, search: undefined, vim: undefined };
  return composeFrame({ width, color, turnRows: [], queued: [], input, completion: { rows: () => [] }, mode: "default", hint: STARTING_HINT, statusLines: [] });
}
