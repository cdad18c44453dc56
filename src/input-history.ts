// Prompt history for the interactive input box: Up/Down recall and Ctrl+R search, per project.
// One append-only JSONL file for all projects (like Claude Code's ~/.claude/history.jsonl), each line
// `{ display, pastedContents, timestamp, project }`. Only the tail of the file is read, once.
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { honeHome, type Env } from "./config-dir.ts";

export const HISTORY_LIMIT = 1000;
/** Pasted text larger than this is not kept in the history file (its placeholder stays as text). */
const MAX_STORED_PASTE = 64 * 1024;
/** How far back from the end of the file loading looks at most, so a huge file never stalls a keystroke. */
const DEFAULT_SCAN_BYTES = 8 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** Pasted text by placeholder number, as the paste store reports it at submit time. */
export type PastedTexts = Readonly<Record<string, string>>;

export interface InputHistoryOptions {
  /** Called once, on the first failed write; later failures are silent. */
  onError?: (message: string) => void;
  limit?: number;
  now?: () => number;
  /** Bytes read back from the end of the file at most. */
  scanBytes?: number;
}

export interface InputHistory {
  /** This project's prompts, oldest first, at most `limit`. The array grows as prompts are added. */
  entries(): readonly string[];
  /** Record a submitted prompt (as shown in the box, placeholders included). */
  add(text: string, pasted?: PastedTexts): void;
  /** The pasted text behind an entry's placeholders, when it was recorded. */
  pastesFor(text: string): PastedTexts | undefined;
}

interface StoredPaste {
  id?: number;
  type?: string;
  content?: string;
}

export function historyFile(env: Env): string {
  return join(honeHome(env), "history.jsonl");
}

function parseLine(line: string, project: string): { display: string; pasted?: PastedTexts } | undefined {
  if (!line.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as { display?: unknown; project?: unknown; pastedContents?: unknown };
  if (record.project !== project || typeof record.display !== "string" || record.display === "") return undefined;
  const pasted: Record<string, string> = {};
  if (typeof record.pastedContents === "object" && record.pastedContents !== null) {
    for (const [key, paste] of Object.entries(record.pastedContents as Record<string, StoredPaste>)) {
      if (paste?.type === "text" && typeof paste.content === "string") pasted[key] = paste.content;
    }
  }
  return Object.keys(pasted).length > 0 ? { display: record.display, pasted } : { display: record.display };
}

/**
 * The last `limit` entries of `project`, reading the file backwards in chunks and stopping once enough
 * are found or `scanBytes` have been read. Lines are split on raw bytes so multi-byte text survives.
 */
export function readHistoryTail(file: string, project: string, limit: number, scanBytes: number): Array<{ display: string; pasted?: PastedTexts }> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return [];
  }
  const found: Array<{ display: string; pasted?: PastedTexts }> = [];
  const decoder = new TextDecoder();
  try {
    let position = fstatSync(fd).size;
    const stop = Math.max(0, position - scanBytes);
    let carry = new Uint8Array(0); // the start of a line whose beginning is in an earlier chunk
    while (position > stop && found.length < limit) {
      const size = Math.min(CHUNK, position - stop);
      position -= size;
      const chunk = new Uint8Array(size + carry.length);
      readSync(fd, chunk, 0, size, position);
      chunk.set(carry, size);
      let end = chunk.length;
      for (let i = chunk.length - 1; i >= 0 && found.length < limit; i--) {
        if (chunk[i] !== 0x0a) continue;
        const entry = parseLine(decoder.decode(chunk.subarray(i + 1, end)), project);
        if (entry) found.push(entry);
        end = i;
      }
      carry = chunk.slice(0, end);
    }
    // The file's first line has no newline before it; a line cut by scanBytes is dropped.
    if (position === 0 && found.length < limit) {
      const entry = parseLine(decoder.decode(carry), project);
      if (entry) found.push(entry);
    }
  } finally {
    closeSync(fd);
  }
  return found.reverse();
}

function storedPastes(pasted: PastedTexts | undefined): Record<string, StoredPaste> | undefined {
  if (!pasted) return undefined;
  const out: Record<string, StoredPaste> = {};
  for (const [key, content] of Object.entries(pasted)) {
    if (content.length <= MAX_STORED_PASTE) out[key] = { id: Number(key), type: "text", content };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function openInputHistory(env: Env, cwd: string, options: InputHistoryOptions = {}): InputHistory {
  const file = historyFile(env);
  const limit = options.limit ?? HISTORY_LIMIT;
  let list: string[] | undefined;
  const pastes = new Map<string, PastedTexts>();
  let reported = false;

  const load = (): string[] => {
    if (list) return list;
    list = [];
    for (const entry of readHistoryTail(file, cwd, limit, options.scanBytes ?? DEFAULT_SCAN_BYTES)) {
      list.push(entry.display);
      if (entry.pasted) pastes.set(entry.display, entry.pasted);
    }
    return list;
  };

  const write = (line: string): void => {
    try {
      mkdirSync(honeHome(env), { recursive: true });
      // One write on an O_APPEND descriptor: concurrent sessions' lines never interleave.
      const fd = openSync(file, "a", 0o600);
      try {
        writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if (reported) return;
      reported = true;
      options.onError?.(`Could not save prompt history to ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return {
    entries: load,
    add(text, pasted) {
      const entries = load();
      if (text.trim() === "" || entries[entries.length - 1] === text) return;
      entries.push(text);
      if (entries.length > limit) entries.splice(0, entries.length - limit);
      const stored = storedPastes(pasted);
      if (stored) pastes.set(text, pasted as PastedTexts);
      else pastes.delete(text);
      const record = { display: text, pastedContents: stored ?? {}, timestamp: (options.now ?? Date.now)(), project: cwd };
      write(`${JSON.stringify(record)}\n`);
    },
    pastesFor(text) {
      load();
      return pastes.get(text);
    },
  };
}

export interface HistoryCursor {
  /** The entry before the one shown; `draft` is the box's text, kept when leaving the unsent prompt. */
  prev(draft: string): string | undefined;
  /** The entry after the one shown, or the kept draft when moving past the newest. */
  next(): string | undefined;
  /** Which entry is shown: entries.length means the draft. */
  readonly index: number;
}

/** Up/Down navigation over a snapshot of the entries; make a new cursor for each new prompt. */
export function createHistoryCursor(entries: readonly string[]): HistoryCursor {
  const items = entries.slice();
  let index = items.length;
  let draft = "";
  return {
    prev(current) {
      if (index === 0) return undefined;
      if (index === items.length) draft = current;
      index--;
      return items[index];
    },
    next() {
      if (index >= items.length) return undefined;
      index++;
      return index === items.length ? draft : items[index];
    },
    get index() {
      return index;
    },
  };
}

/**
 * Ctrl+R: the newest entry before index `before` containing `query` (case-insensitive). Repeating with
 * the returned index finds older matches; an entry identical to the current match is skipped.
 */
export function searchHistory(entries: readonly string[], query: string, before: number = entries.length): { index: number; text: string } | undefined {
  if (query === "") return undefined;
  const needle = query.toLowerCase();
  const current = entries[before];
  for (let i = Math.min(before, entries.length) - 1; i >= 0; i--) {
    const text = entries[i] as string;
    if (text !== current && text.toLowerCase().includes(needle)) return { index: i, text };
  }
  return undefined;
}
