// Editor states written as text with a bar for the cursor: "ab|cd".
import type { EditorState } from "../../src/line-editor.ts";

export function at(marked: string): EditorState {
  const cursor = marked.indexOf("|");
  if (cursor < 0) throw new Error(`no cursor mark in ${JSON.stringify(marked)}`);
  return { text: marked.slice(0, cursor) + marked.slice(cursor + 1), cursor };
}

export function show(state: EditorState | undefined): string | undefined {
  if (!state) return undefined;
  return `${state.text.slice(0, state.cursor)}|${state.text.slice(state.cursor)}`;
}
