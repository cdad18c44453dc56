// The prompt box's behaviour: which key does what. Editing itself is line-editor.ts (or vim-mode.ts);
// this adds history (Up/Down, Ctrl+R search), completion menus, pastes, and the keys that act on the
// session (submit, interrupt, exit, mode cycling, rewind). Pure state plus actions for the REPL.
import type { Key } from "./keys.ts";
import { backslashNewline, editKey, insertNewline, insertText, moveDown, moveUp, type EditorState } from "./line-editor.ts";
import { initialVim, vimKey, type VimState } from "./vim-mode.ts";
import { createHistoryCursor, searchHistory } from "./input-history.ts";
import type { CompletionMenu } from "./repl-completion.ts";

export type InputAction =
  | { type: "submit"; text: string }
  | { type: "interrupt" }
  | { type: "exit" }
  | { type: "rewind" }
  | { type: "cycle-mode" }
  | { type: "clear-screen" }
  | { type: "paste-image" }
  | { type: "paste"; text: string }
  | { type: "background" }
  | { type: "suspend" }
  | { type: "exit-hint" };

export interface SearchState {
  query: string;
  match?: { index: number; text: string };
}

export interface InputDeps {
  history(): readonly string[];
  completion: CompletionMenu;
  busy(): boolean;
  now(): number;
  /** A history entry as it goes back into the box (its pastes registered again). */
  recall(text: string): string;
}

export interface PromptInput {
  readonly editor: EditorState;
  readonly search: SearchState | undefined;
  readonly vim: VimState | undefined;
  key(key: Key): InputAction | undefined;
  setText(text: string): void;
  insert(text: string): void;
  setVim(on: boolean): void;
}

const DOUBLE_PRESS_MS = 800;
const EMPTY: EditorState = { text: "", cursor: 0 };

export function createPromptInput(deps: InputDeps): PromptInput {
  let editor: EditorState = EMPTY;
  let vim: VimState | undefined;
  let search: SearchState | undefined;
  // Made on the first Up/Down after each submit, so it includes the prompt just sent.
  let cursor: ReturnType<typeof createHistoryCursor> | undefined;
  let lastEscape = -Infinity;
  let lastCtrlC = -Infinity;

  const set = (next: EditorState): void => {
    editor = next;
    deps.completion.update(editor);
  };
  const reset = (): void => {
    set(EMPTY);
    cursor = undefined;
  };

  const searchKey = (key: Key, s: SearchState): InputAction | undefined => {
    const entries = deps.history();
    const find = (query: string, before?: number) => (query === "" ? undefined : searchHistory(entries, query, before));
    if (key.name === "r" && key.ctrl) {
      search = { query: s.query, ...(s.match ? { match: find(s.query, s.match.index) ?? s.match } : {}) };
      return undefined;
    }
    if (key.name === "return") {
      search = undefined;
      const text = s.match ? deps.recall(s.match.text) : editor.text;
      reset();
      return text.trim() ? { type: "submit", text } : undefined;
    }
    if (key.name === "escape" || key.name === "tab" || (key.ctrl && (key.name === "g" || key.name === "c"))) {
      search = undefined;
      if (key.name !== "g" && key.name !== "c" && s.match) {
        const text = deps.recall(s.match.text);
        set({ text, cursor: text.length });
      }
      return undefined;
    }
    const query = key.name === "backspace" ? s.query.slice(0, -1) : key.name === "text" || key.name === "paste" ? s.query + (key.text ?? "") : undefined;
    if (query === undefined) return undefined;
    const match = find(query);
    search = { query, ...(match ? { match } : {}) };
    return undefined;
  };

  const recallHistory = (direction: "up" | "down"): void => {
    cursor ??= createHistoryCursor(deps.history());
    const entry = direction === "up" ? cursor.prev(editor.text) : cursor.next();
    const text = entry === undefined ? undefined : deps.recall(entry);
    if (text !== undefined) set({ text, cursor: direction === "up" ? 0 : text.length });
  };

  const submit = (): InputAction | undefined => {
    const joined = backslashNewline(editor);
    if (joined) {
      set(joined);
      return undefined;
    }
    const text = editor.text;
    if (text.trim() === "") return undefined;
    reset();
    return { type: "submit", text };
  };

  const escape = (): InputAction | undefined => {
    if (deps.completion.close()) return undefined;
    if (deps.busy()) return { type: "interrupt" };
    const double = deps.now() - lastEscape < DOUBLE_PRESS_MS;
    lastEscape = double ? -Infinity : deps.now();
    if (!double) return undefined;
    if (editor.text === "") return { type: "rewind" };
    reset();
    return undefined;
  };

  const sessionKey = (key: Key): InputAction | undefined | "edit" => {
    if (key.ctrl && key.name === "c") {
      if (editor.text !== "") {
        reset();
        return undefined;
      }
      if (deps.busy()) return { type: "interrupt" };
      const double = deps.now() - lastCtrlC < DOUBLE_PRESS_MS * 2;
      lastCtrlC = deps.now();
      return double ? { type: "exit" } : { type: "exit-hint" };
    }
    if (key.ctrl && key.name === "d" && editor.text === "") return { type: "exit" };
    if (key.ctrl && key.name === "r") {
      search = { query: "" };
      return undefined;
    }
    if (key.ctrl && key.name === "l") return { type: "clear-screen" };
    if (key.ctrl && key.name === "v") return { type: "paste-image" };
    if (key.ctrl && key.name === "b") return { type: "background" };
    if (key.ctrl && key.name === "z") return { type: "suspend" };
    if (key.name === "tab" && key.shift) return { type: "cycle-mode" };
    if (key.name === "tab") {
      const done = deps.completion.accept(editor);
      if (done) set(done.state);
      return undefined;
    }
    if (key.name === "paste") return { type: "paste", text: key.text ?? "" };
    if (key.name === "escape") return escape();
    if (key.name === "return" && (key.shift || key.meta)) {
      set(insertNewline(editor));
      return undefined;
    }
    if (key.name === "j" && key.ctrl) {
      set(insertNewline(editor));
      return undefined;
    }
    if (key.name === "return") {
      const done = deps.completion.accept(editor);
      if (done) {
        set(done.state);
        if (!done.submit) return undefined;
      }
      return submit();
    }
    if (key.name === "up" || key.name === "down") {
      if (deps.completion.move(key.name === "up" ? -1 : 1)) return undefined;
      const moved = key.name === "up" ? moveUp(editor) : moveDown(editor);
      if (moved) {
        set(moved);
        return undefined;
      }
      recallHistory(key.name);
      return undefined;
    }
    return "edit";
  };

  return {
    get editor() {
      return editor;
    },
    get search() {
      return search;
    },
    get vim() {
      return vim;
    },
    key(key) {
      if (search) return searchKey(key, search);
      // In vim's insert mode Esc goes back to normal mode; a second Esc then acts on the session.
      if (vim && vim.mode === "insert" && key.name === "escape" && !deps.completion.close()) {
        const result = vimKey(editor, vim, key);
        vim = result.vim;
        set(result.editor);
        return undefined;
      }
      if (vim && vim.mode === "normal" && key.name !== "return" && !key.ctrl && !(key.name === "tab" && key.shift)) {
        const result = vimKey(editor, vim, key);
        vim = result.vim;
        if (result.history) {
          recallHistory(result.history === "previous" ? "up" : "down");
          return undefined;
        }
        if (result.handled) {
          set(result.editor);
          return undefined;
        }
      }
      const acted = sessionKey(key);
      if (acted !== "edit") return acted;
      if (vim) {
        const result = vimKey(editor, vim, key);
        vim = result.vim;
        if (result.handled) set(result.editor);
        return undefined;
      }
      const next = editKey(editor, key);
      if (next) set(next);
      return undefined;
    },
    setText(text) {
      set({ text, cursor: text.length });
    },
    insert(text) {
      set(insertText(editor, text));
    },
    setVim(on) {
      vim = on ? initialVim() : undefined;
    },
  };
}
