// KAIROS's daily logs, ~/.hone/kairos/YYYY-MM-DD.md (local date): what each tick observed and every
// action taken, with times. Append-only (O_APPEND) and fsynced, so a crash loses at most the entry
// being written and never rewrites an earlier one.
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { honeHome, type Env } from "./config-dir.ts";

export function kairosDir(env: Env): string {
  return join(honeHome(env), "kairos");
}

export function outboxDir(env: Env): string {
  return join(kairosDir(env), "outbox");
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** YYYY-MM-DD in local time. */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** HH:MM:SS in local time. */
export function clockTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function dailyLogPath(env: Env, date: Date): string {
  return join(kairosDir(env), `${localDay(date)}.md`);
}

/** Appends text to the day's log (created with a title line) and syncs it to disk; returns the path. */
export function appendDailyLog(env: Env, date: Date, text: string): string {
  const path = dailyLogPath(env, date);
  mkdirSync(kairosDir(env), { recursive: true });
  const fd = openSync(path, "a");
  try {
    const body = fstatSync(fd).size === 0 ? `# KAIROS log ${localDay(date)}\n\n${text}` : text;
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** A tick's block: its time, then one bullet per observation. */
export function tickEntry(date: Date, lines: readonly string[]): string {
  const bullets = lines.length > 0 ? lines : ["nothing changed"];
  return `## ${clockTime(date)} tick\n${bullets.map((line) => `- ${oneLine(line)}`).join("\n")}\n\n`;
}

/** One line under the current tick: an action (a tool call's label), a delivered file, a reply. */
export function noteEntry(date: Date, kind: string, text: string): string {
  return `- ${clockTime(date)} ${kind}: ${oneLine(text)}\n`;
}

/** Log entries stay one line each; long text is cut (the transcript has it in full). */
function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s*\n\s*/g, " ⏎ ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
