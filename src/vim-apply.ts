// Carries out vim's changing commands on the prompt: operators over motions (d c y), their shorthands
// (x X D C s S), entering insert mode (i a I A o O), put (p P) and replace (r). Each change records an
// undo step and what `.` repeats.
import { nextBoundary, previousBoundary } from "./graphemes.ts";
import type { EditorState } from "./line-editor.ts";
import type { VimCommand } from "./vim-command.ts";
import type { VimRegister, VimResult, VimState } from "./vim-mode.ts";
import { clampNormal, firstNonBlank, lineEndOf, lineStartOf, motionSpan, vimMotion } from "./vim-motions.ts";

const UNDO_LIMIT = 100;

// The shorthands, as the operator and motion they stand for.
const SHORTHANDS: Record<string, Pick<VimCommand, "operator" | "motion">> = {
  x: { operator: "d", motion: "l" },
  X: { operator: "d", motion: "h" },
  D: { operator: "d", motion: "$" },
  C: { operator: "c", motion: "$" },
  s: { operator: "c", motion: "l" },
  S: { operator: "c", motion: "c" },
};

function withUndo(vim: VimState, editor: EditorState): VimState {
  const undo = [...(vim.undo ?? []), { text: editor.text, cursor: editor.cursor }];
  return { ...vim, undo: undo.length > UNDO_LIMIT ? undo.slice(-UNDO_LIMIT) : undo };
}

function normal(text: string, cursor: number, vim: VimState): VimResult {
  return { editor: { text, cursor: clampNormal(text, cursor) }, vim: { ...vim, mode: "normal" }, handled: true };
}

/** A finished change: undo step before it, `.` repeats it. */
function changed(before: EditorState, vim: VimState, command: VimCommand, text: string, cursor: number): VimResult {
  const next = { ...withUndo(vim, before), lastChange: { count: command.count, keys: command.keys } };
  return normal(text, cursor, next);
}

/** A change that continues in insert mode; Escape turns the recording into lastChange. */
function insertAt(before: EditorState, vim: VimState, command: VimCommand, text: string, cursor: number): VimResult {
  const next: VimState = { ...withUndo(vim, before), mode: "insert", recording: { count: command.count, keys: command.keys } };
  return { editor: { text, cursor }, vim: next, handled: true };
}

// [start of the cursor's line, end of the line count-1 below].
function linesSpan(text: string, cursor: number, count: number): { from: number; to: number } {
  let end = lineEndOf(text, cursor);
  for (let i = 1; i < count && end < text.length; i += 1) end = lineEndOf(text, end + 1);
  return { from: lineStartOf(text, cursor), to: end };
}

function deleteLines(text: string, from: number, to: number): { text: string; cursor: number } {
  if (to < text.length) {
    const rest = text.slice(0, from) + text.slice(to + 1);
    return { text: rest, cursor: firstNonBlank(rest, from) };
  }
  const start = Math.max(0, from - 1);
  const rest = text.slice(0, start);
  return { text: rest, cursor: firstNonBlank(rest, lineStartOf(rest, start)) };
}

function operate(editor: EditorState, vim: VimState, command: VimCommand): VimResult {
  const { text, cursor } = editor;
  const operator = command.operator ?? "d";
  let span: { from: number; to: number };
  let linewise = false;
  if (command.motion === operator) {
    span = linesSpan(text, cursor, command.count ?? 1);
    linewise = true;
  } else {
    const onWord = operator === "c" && (command.motion === "w" || command.motion === "W");
    const motion = onWord ? `c${command.motion}` : (command.motion ?? "");
    const moved = vimMotion(editor, motion, command.count, command.arg);
    if (typeof moved === "string") return normal(text, cursor, vim);
    linewise = moved.linewise === true;
    span = motionSpan(text, cursor, moved);
  }
  const register: VimRegister = { text: text.slice(span.from, span.to), linewise };
  const next = { ...vim, register };
  if (operator === "y") return normal(text, linewise ? cursor : span.from, next);
  if (operator === "c") {
    return insertAt(editor, next, command, text.slice(0, span.from) + text.slice(span.to), span.from);
  }
  if (linewise) {
    const after = deleteLines(text, span.from, span.to);
    return changed(editor, next, command, after.text, after.cursor);
  }
  return changed(editor, next, command, text.slice(0, span.from) + text.slice(span.to), span.from);
}

function put(editor: EditorState, vim: VimState, command: VimCommand): VimResult {
  const register = vim.register;
  if (!register || register.text === "") return normal(editor.text, editor.cursor, vim);
  const { text, cursor } = editor;
  const body = Array.from({ length: command.count ?? 1 }, () => register.text).join(register.linewise ? "\n" : "");
  if (register.linewise) {
    const at = command.action === "p" ? lineEndOf(text, cursor) : lineStartOf(text, cursor);
    const inserted = command.action === "p" ? `\n${body}` : `${body}\n`;
    const start = command.action === "p" ? at + 1 : at;
    const result = text.slice(0, at) + inserted + text.slice(at);
    return changed(editor, vim, command, result, firstNonBlank(result, start));
  }
  const after = command.action === "p" && cursor < lineEndOf(text, cursor);
  const at = after ? nextBoundary(text, cursor) : cursor;
  const result = text.slice(0, at) + body + text.slice(at);
  return changed(editor, vim, command, result, previousBoundary(result, at + body.length));
}

function replace(editor: EditorState, vim: VimState, command: VimCommand): VimResult {
  const { text, cursor } = editor;
  const end = lineEndOf(text, cursor);
  let to = cursor;
  const count = command.count ?? 1;
  for (let i = 0; i < count; i += 1) {
    if (to >= end) return normal(text, cursor, vim); // not enough characters: vim does nothing
    to = nextBoundary(text, to);
  }
  const body = (command.arg ?? "").repeat(count);
  const result = text.slice(0, cursor) + body + text.slice(to);
  return changed(editor, vim, command, result, previousBoundary(result, cursor + body.length));
}

function enterInsert(editor: EditorState, vim: VimState, command: VimCommand): VimResult {
  const { text, cursor } = editor;
  const start = lineStartOf(text, cursor);
  const end = lineEndOf(text, cursor);
  switch (command.action) {
    case "a": return insertAt(editor, vim, command, text, cursor < end ? nextBoundary(text, cursor) : cursor);
    case "I": return insertAt(editor, vim, command, text, firstNonBlank(text, cursor));
    case "A": return insertAt(editor, vim, command, text, end);
    case "o": return insertAt(editor, vim, command, `${text.slice(0, end)}\n${text.slice(end)}`, end + 1);
    case "O": return insertAt(editor, vim, command, `${text.slice(0, start)}\n${text.slice(start)}`, start);
  }
  return insertAt(editor, vim, command, text, cursor);
}

/** Runs an operator or a changing action (motions, `u` and `.` are vim-mode.ts's). */
export function applyVimCommand(editor: EditorState, vim: VimState, command: VimCommand): VimResult {
  const action = command.action;
  if (action && SHORTHANDS[action]) return operate(editor, vim, { ...command, ...SHORTHANDS[action] });
  if (command.operator) return operate(editor, vim, command);
  if (action === "p" || action === "P") return put(editor, vim, command);
  if (action === "r") return replace(editor, vim, command);
  return enterInsert(editor, vim, command);
}
