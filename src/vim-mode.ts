// Vim editing for the prompt: insert mode is the ordinary line editor; normal mode reads commands
// ([count] motion, [count] operator [count] motion, dd/cc/yy, x D C s S r p P i a I A o O u .) one
// character at a time, keeping the unfinished part in `pending`.
import type { Key } from "./keys.ts";
import { editKey, type EditorState } from "./line-editor.ts";
import { previousBoundary } from "./graphemes.ts";
import { parseVimCommand, type VimCommand } from "./vim-command.ts";
import { clampNormal, lineStartOf, vimMotion } from "./vim-motions.ts";
import { applyVimCommand } from "./vim-apply.ts";

/** A change `.` can repeat: the normal-mode keys (count apart) and what was typed in insert mode after. */
export type VimChange = { count?: number; keys: string; inserted?: Key[] };

export type VimRegister = { text: string; linewise: boolean };

export type VimState = {
  mode: "insert" | "normal";
  /** Normal-mode keys of a command not finished yet ("2d", "g", "f"). */
  pending: string;
  lastChange?: VimChange;
  /** The change being typed in insert mode, stored as lastChange on Escape. */
  recording?: VimChange;
  register?: VimRegister;
  /** Earlier texts for `u`, newest last. */
  undo?: EditorState[];
};

/**
 * `handled: false` means the key is the REPL's (Enter, Ctrl keys, Tab, Escape with nothing pending in
 * normal mode). `history` asks the REPL for the previous/next history entry (j/k past the first or last
 * line; arrow keys come back unhandled instead, like in the plain editor).
 */
export type VimResult = { editor: EditorState; vim: VimState; handled: boolean; history?: "previous" | "next" };

export function initialVim(): VimState {
  return { mode: "insert", pending: "" };
}

/** Escape from insert mode: the cursor steps back onto the last character typed, as in vim. */
function leaveInsert(editor: EditorState, vim: VimState): VimResult {
  const { text, cursor } = editor;
  const back = cursor > lineStartOf(text, cursor) ? previousBoundary(text, cursor) : cursor;
  const next: VimState = { ...vim, mode: "normal", pending: "", recording: undefined };
  if (vim.recording) next.lastChange = vim.recording;
  // An insert that changed nothing leaves no undo step.
  const undo = vim.undo ?? [];
  if (undo.length > 0 && undo[undo.length - 1]?.text === text) next.undo = undo.slice(0, -1);
  return { editor: { text, cursor: clampNormal(text, back) }, vim: next, handled: true };
}

function insertKey(editor: EditorState, vim: VimState, key: Key): VimResult {
  if (key.name === "escape" && !key.ctrl && !key.meta) return leaveInsert(editor, vim);
  const next = editKey(editor, key);
  if (!next) return { editor, vim, handled: false };
  const recording = vim.recording && { ...vim.recording, inserted: [...(vim.recording.inserted ?? []), key] };
  return { editor: next, vim: recording ? { ...vim, recording } : vim, handled: true };
}

// Arrow and editing keys in normal mode, as the vim keys they stand for.
const NORMAL_ALIASES: Record<string, string> = {
  left: "h", right: "l", home: "0", end: "$", backspace: "h", delete: "x",
};

function repeatChange(editor: EditorState, vim: VimState, count: number | undefined): VimResult {
  const change = vim.lastChange;
  if (!change) return { editor, vim, handled: true };
  const repeated: VimChange = { ...change, count: count ?? change.count };
  let result = normalKeys(editor, { ...vim, pending: "" }, `${repeated.count ?? ""}${change.keys}`);
  if (result.vim.mode === "insert") {
    for (const key of change.inserted ?? []) result = insertKey(result.editor, result.vim, key);
    result = leaveInsert(result.editor, result.vim);
  }
  return { ...result, vim: { ...result.vim, lastChange: repeated } };
}

function runCommand(editor: EditorState, vim: VimState, command: VimCommand): VimResult {
  const done = { ...vim, pending: "" };
  if (command.action === ".") return repeatChange(editor, done, command.count);
  if (command.action === "u") {
    const undo = vim.undo ?? [];
    const previous = undo[undo.length - 1];
    if (!previous) return { editor, vim: done, handled: true };
    const text = previous.text;
    return { editor: { text, cursor: clampNormal(text, Math.min(previous.cursor, text.length)) }, vim: { ...done, undo: undo.slice(0, -1) }, handled: true };
  }
  if (!command.operator && !command.action && command.motion) {
    const moved = vimMotion(editor, command.motion, command.count, command.arg);
    if (moved === "top" || moved === "bottom") {
      return { editor, vim: done, handled: true, history: moved === "top" ? "previous" : "next" };
    }
    if (moved === "none") return { editor, vim: done, handled: true };
    const next: EditorState = { text: editor.text, cursor: clampNormal(editor.text, moved.cursor) };
    if (moved.goal !== undefined) next.goal = moved.goal;
    return { editor: next, vim: done, handled: true };
  }
  return applyVimCommand(editor, done, command);
}

function normalChar(editor: EditorState, vim: VimState, char: string): VimResult {
  const keys = vim.pending + char;
  const command = parseVimCommand(keys);
  if (command === "incomplete") return { editor, vim: { ...vim, pending: keys }, handled: true };
  if (command === "invalid") return { editor, vim: { ...vim, pending: "" }, handled: true };
  return runCommand(editor, vim, command);
}

// Typed text in normal mode is a run of commands; once one enters insert mode the rest is typed.
function normalKeys(editor: EditorState, vim: VimState, text: string): VimResult {
  let result: VimResult = { editor, vim, handled: true };
  for (const char of text) {
    result =
      result.vim.mode === "insert"
        ? insertKey(result.editor, result.vim, { name: "text", text: char })
        : { ...normalChar(result.editor, result.vim, char), history: undefined };
  }
  return result;
}

function normalKey(editor: EditorState, vim: VimState, key: Key): VimResult {
  if (key.name === "text" && !key.ctrl && !key.meta) {
    const text = key.text ?? "";
    // Only a lone j/k can ask for history; inside a burst of keys it just stops.
    return [...text].length === 1 ? normalChar(editor, vim, text) : normalKeys(editor, vim, text);
  }
  if ((key.name === "up" || key.name === "down") && !key.ctrl && !key.meta) {
    const result = normalChar(editor, { ...vim, pending: "" }, key.name === "up" ? "k" : "j");
    // Past the first or last line the arrow is the REPL's, as in the plain editor.
    return result.history ? { editor, vim: result.vim, handled: false } : result;
  }
  if (key.name === "paste") {
    // Like P: the text goes before the cursor, which ends on its last character.
    const pasted = editKey(editor, key) ?? editor;
    const cursor = pasted.cursor > editor.cursor ? previousBoundary(pasted.text, pasted.cursor) : pasted.cursor;
    return { editor: { text: pasted.text, cursor: clampNormal(pasted.text, cursor) }, vim, handled: true };
  }
  if (key.name === "escape" && vim.pending !== "") return { editor, vim: { ...vim, pending: "" }, handled: true };
  const alias = !key.ctrl && !key.meta ? NORMAL_ALIASES[key.name] : undefined;
  if (alias) return normalChar(editor, { ...vim, pending: "" }, alias);
  return { editor, vim, handled: false };
}

export function vimKey(editor: EditorState, vim: VimState, key: Key): VimResult {
  if (vim.mode === "insert") return insertKey(editor, vim, key);
  // The REPL may hand over a cursor past the last character (history recall, a paste): put it back on one.
  const cursor = clampNormal(editor.text, editor.cursor);
  return normalKey(cursor === editor.cursor ? editor : { ...editor, cursor }, vim, key);
}
