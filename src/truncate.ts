// The one rule for output too large for the context: keep whole lines up to a line and character cap
// (the head for reads and searches, the tail for shell output), write the full text to a file, and tell
// the model where it is so it can page through it with Read.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureSpillDir, type SessionState } from "./session-state.ts";

export interface Limits {
  maxLines: number;
  maxChars: number;
}

export const DEFAULT_LIMITS: Limits = { maxLines: 2000, maxChars: 50_000 };

export interface Truncation {
  text: string;
  truncated: boolean;
  totalLines: number;
  keptLines: number;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Keep the first whole lines that fit. A single line longer than the cap is cut at the cap. */
export function truncateHead(text: string, limits: Limits = DEFAULT_LIMITS): Truncation {
  const lines = splitLines(text);
  if (lines.length <= limits.maxLines && text.length <= limits.maxChars) {
    return { text, truncated: false, totalLines: lines.length, keptLines: lines.length };
  }
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (kept.length >= limits.maxLines || size + line.length + 1 > limits.maxChars) break;
    kept.push(line);
    size += line.length + 1;
  }
  if (kept.length === 0) kept.push((lines[0] ?? "").slice(0, limits.maxChars));
  return { text: kept.join("\n"), truncated: true, totalLines: lines.length, keptLines: kept.length };
}

/** Keep the last whole lines that fit (shell output: the end is where errors and results are). */
export function truncateTail(text: string, limits: Limits = DEFAULT_LIMITS): Truncation {
  const lines = splitLines(text);
  if (lines.length <= limits.maxLines && text.length <= limits.maxChars) {
    return { text, truncated: false, totalLines: lines.length, keptLines: lines.length };
  }
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (kept.length >= limits.maxLines || size + line.length + 1 > limits.maxChars) break;
    kept.push(line);
    size += line.length + 1;
  }
  if (kept.length === 0) kept.push((lines[lines.length - 1] ?? "").slice(-limits.maxChars));
  kept.reverse();
  return { text: kept.join("\n"), truncated: true, totalLines: lines.length, keptLines: kept.length };
}

let spillCounter = 0;

/** Write the full text beside the session and return its path. */
export function spillToFile(state: SessionState, text: string, label: string): string {
  const dir = ensureSpillDir(state);
  const safe = label.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40) || "output";
  const path = join(dir, `${safe}-${Date.now()}-${++spillCounter}.txt`);
  writeFileSync(path, text);
  return path;
}

/**
 * Apply the shared rule: truncate (head or tail), and when anything was cut, spill the full text to a
 * file and append a notice naming it.
 */
export function limitOutput(
  text: string,
  opts: { keep: "head" | "tail"; state: SessionState; label: string; limits?: Limits },
): { text: string; truncated: boolean; fullOutputPath?: string } {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const cut = opts.keep === "head" ? truncateHead(text, limits) : truncateTail(text, limits);
  if (!cut.truncated) return { text, truncated: false };
  const fullOutputPath = spillToFile(opts.state, text, opts.label);
  const which = opts.keep === "head" ? "first" : "last";
  const notice =
    `[Output truncated: showing the ${which} ${cut.keptLines} of ${cut.totalLines} lines ` +
    `(${text.length} characters). Full output: ${fullOutputPath}]`;
  const body = opts.keep === "head" ? `${cut.text}\n\n${notice}` : `${notice}\n\n${cut.text}`;
  return { text: body, truncated: true, fullOutputPath };
}
