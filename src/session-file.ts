// Reading and appending a session's JSONL file. Appends are synced to disk before returning, so an
// entry written before a request survives a kill; a torn last line (killed mid-write) is skipped on
// read and cut off before the next append, so it can never glue itself to a new entry.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { TranscriptEntry } from "./transcript.ts";

export interface ReadTranscript {
  entries: TranscriptEntry[];
  warnings: string[];
  /** Byte length of the file up to and including its last complete line. */
  validBytes: number;
  totalBytes: number;
}

export function readTranscript(path: string): ReadTranscript {
  const bytes = readFileSync(path);
  const lines = bytes.toString("utf8").split("\n");
  const entries: TranscriptEntry[] = [];
  const warnings: string[] = [];
  let tailComplete = false;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const isTail = index === lines.length - 1;
    const value = parseLine(line);
    if (value) {
      entries.push(value);
      if (isTail) tailComplete = true;
      continue;
    }
    const why = isTail ? "an incomplete last entry (the previous run was killed while writing it)" : "a line that is not a JSON object";
    warnings.push(`${path}:${index + 1}: skipped ${why}`);
  }
  // A complete JSON object without its newline still counts as written.
  const validBytes = tailComplete ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
  return { entries, warnings, validBytes, totalBytes: bytes.length };
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
 * Opens (creating if needed) a transcript for appending. `validBytes` from readTranscript cuts off a
 * torn tail first; a complete last line missing its newline gets one.
 */
export function openTranscript(path: string, validBytes?: number): TranscriptWriter {
  let fd: number | undefined;
  let offset = 0;
  let closed = false;
  // Opened on the first append, so a run that never records anything leaves no empty file behind.
  const open = (): number => {
    if (fd !== undefined) return fd;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const existed = existsSync(path);
    fd = openSync(path, existed ? "r+" : "a", 0o600);
    if (!existed) return fd;
    const size = fstatSync(fd).size;
    offset = Math.min(validBytes ?? size, size);
    if (offset < size) ftruncateSync(fd, offset);
    if (offset > 0 && lastByte(fd, offset) !== 0x0a) {
      writeSync(fd, "\n", offset);
      offset += 1;
    }
    return fd;
  };
  return {
    path,
    append(entries) {
      if (closed || entries.length === 0) return;
      const handle = open();
      const data = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(""), "utf8");
      let written = 0;
      while (written < data.length) written += writeSync(handle, data, written, data.length - written, offset + written);
      offset += data.length;
      fsyncSync(handle);
    },
    close() {
      if (closed) return;
      closed = true;
      if (fd !== undefined) closeSync(fd);
    },
  };
}

function lastByte(fd: number, length: number): number | undefined {
  const one = Buffer.alloc(1);
  return readSync(fd, one, 0, 1, length - 1) === 1 ? one[0] : undefined;
}
