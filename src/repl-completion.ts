// The menu under the prompt while a `/command` or an `@path` is typed: suggestions follow the text,
// Up/Down pick one, Tab (or Enter) puts it in. Enter on a command name runs it at once.
import { createColors } from "picocolors";
import { truncateToWidth } from "./ansi-text.ts";
import { applyCompletion, completeSlash, mentionText, mentionToken, slashToken, type CommandInfo, type TextRange, type TextState } from "./completion.ts";
import { createFileIndex, type FileIndex } from "./file-suggest.ts";

export interface CompletionMenu {
  /** Recompute the suggestions for the text as it is now. */
  update(state: TextState): void;
  /** Move the selection; false when no menu is open. */
  move(delta: number): boolean;
  /** The text with the selected suggestion put in; `submit` when Enter should also send it. */
  accept(state: TextState): { state: TextState; submit: boolean } | undefined;
  /** Close the menu; false when none was open. */
  close(): boolean;
  rows(width: number, color: boolean): string[];
}

interface Item {
  value: string;
  label: string;
  detail?: string;
}

const MAX_ROWS = 8;

export function createCompletionMenu(deps: { cwd: string; commands(): CommandInfo[]; color: boolean }): CompletionMenu {
  let items: Item[] = [];
  let range: TextRange | undefined;
  let kind: "slash" | "mention" | undefined;
  let selected = 0;
  let dismissedAt: string | undefined;
  let index: FileIndex | undefined;
  let lastText = "";

  const files = (): FileIndex => (index ??= createFileIndex(deps.cwd));

  const clear = (): void => {
    items = [];
    range = undefined;
    kind = undefined;
    selected = 0;
  };

  const show = (next: Item[], at: TextRange, what: "slash" | "mention"): void => {
    if (next.length === 0) return clear();
    items = next;
    range = at;
    kind = what;
    selected = Math.min(selected, items.length - 1);
  };

  const update = (state: TextState): void => {
    if (state.text === lastText && items.length > 0) return;
    lastText = state.text;
    if (dismissedAt !== undefined && dismissedAt === state.text) return;
    dismissedAt = undefined;
    const slash = slashToken(state.text, state.cursor);
    if (slash) {
      const matches = completeSlash(slash.partial, deps.commands(), 50);
      return show(matches.map((c) => ({ value: `/${c.name}`, label: `/${c.name}${c.argumentHint ? ` ${c.argumentHint}` : ""}`, detail: c.description })), slash, "slash");
    }
    const mention = mentionToken(state.text, state.cursor);
    if (mention) {
      return show(files().suggest(mention.query, 15).map((p) => ({ value: mentionText(p), label: p })), mention, "mention");
    }
    clear();
  };

  return {
    update,
    move(delta) {
      if (items.length === 0) return false;
      selected = (selected + delta + items.length) % items.length;
      return true;
    },
    accept(state) {
      const item = items[selected];
      if (!item || !range) return undefined;
      const next = applyCompletion(state, range, item.value);
      // Enter on a command runs it (Claude Code does the same); Tab only completes.
      const submit = kind === "slash";
      clear();
      lastText = "";
      update(next);
      return { state: next, submit };
    },
    close() {
      if (items.length === 0) return false;
      dismissedAt = lastText;
      clear();
      return true;
    },
    rows(width, color) {
      if (items.length === 0) return [];
      const c = createColors(color);
      const start = Math.max(0, Math.min(selected - MAX_ROWS + 1, items.length - MAX_ROWS));
      const shown = items.slice(start, start + MAX_ROWS);
      const labelWidth = Math.min(32, Math.max(...shown.map((i) => i.label.length)) + 2);
      return shown.map((item, i) => {
        const active = start + i === selected;
        const label = item.label.padEnd(labelWidth);
        const text = truncateToWidth(`  ${label}${item.detail ?? ""}`, width);
        return active ? c.cyan(text) : c.dim(text);
      });
    },
  };
}
