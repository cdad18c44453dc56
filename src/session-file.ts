// Reading and appending a session's JSONL file. Appends are synced to disk before returning, so an
// entry written before a request survives a kill; a torn last line (killed mid-write) is skipped on
// read and cut off before the next append, so it can never glue itself to a new entry.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { TranscriptEntry } from "./transcript.ts";

export interface ReadTranscript {
  entries: TranscriptEntry[];
  warnings: string[];
}

export function readTranscript(path: string): ReadTranscript {
  const bytes = readFileSync(path);
  const lines = bytes.toString("utf8").split("\n");
  const entries: TranscriptEntry[] = [];
  const warnings: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const isTail = index === lines.length - 1;
    const value = parseLine(line);
    if (value) {
      entries.push(value);
      continue;
    }
    const why = isTail ? "an incomplete last entry (the previous run was killed while writing it)" : "a line that is not a JSON object";
    warnings.push(`${path}:${index + 1}: skipped ${why}`);
  }
  return { entries, warnings };
}

function parseLine(line: string): TranscriptEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as TranscriptEntry) : undefined;
  } catch {
    return undefined;
  }
}

export interface TranscriptWriter {
  readonly path: string;
  append(entries: TranscriptEntry[]): void;
  close(): void;
}

/**
 * Opens (creating if needed) a transcript for appending; before the first append a torn tail is cut off
 * and a complete last line missing its newline gets one.
 */
export function openTranscript(path: string): TranscriptWriter {
  let fd: number | undefined;
  let closed = false;
  // Opened on the first append, so a run that never records anything leaves no empty file behind.
  const open = (): number => {
    if (fd !== undefined) return fd;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (existsSync(path)) repairTail(path);
    // O_APPEND: every write lands at the current end, so a second writer (another terminal on the same
    // session, a rewind) interleaves whole entries instead of overwriting them.
    fd = openSync(path, "a", 0o600);
    return fd;
  };
  return {
    path,
    append(entries) {
      if (closed || entries.length === 0) return;
      const handle = open();
      const data = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(""), "utf8");
      let written = 0;
      while (written < data.length) written += writeSync(handle, data, written, data.length - written);
      fsyncSync(handle);
    },
    close() {
      if (closed) return;
      closed = true;
      if (fd !== undefined) closeSync(fd);
    },
  };
}

/**
 * Cuts off an incomplete last line (a writer killed mid-entry) and ends a complete last line that lacks
 * its newline. Decided from the file as it is now, so entries another writer added since it was read stay.
 */
function repairTail(path: string): void {
  const bytes = readFileSync(path);
  const lineStart = bytes.lastIndexOf(0x0a) + 1;
  if (lineStart === bytes.length) return;
  const complete = parseLine(bytes.subarray(lineStart).toString("utf8")) !== undefined;
  const fd = openSync(path, "r+");
  try {
    if (complete) writeSync(fd, "\n", bytes.length);
    else ftruncateSync(fd, lineStart);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

