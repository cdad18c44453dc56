// The note a session leaves in memory/sessions/YYYY-MM-DD.log when it ends: what the user asked, what
// the tools changed and ran, how the final answer began. Dreams read these notes and merge them into
// topic files. Entries are appended (O_APPEND, one write each), never rewritten, so concurrent sessions
// ending at once each add a whole entry.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isCompactSummary } from "./compact-cut.ts";
import { parseCarried } from "./compact-summary.ts";
import { assistantText, userBlocks, type Message, type ToolUseBlock } from "./messages.ts";
import { memoryLayout } from "./memory-dir.ts";
import { toolLabel } from "./tool-display.ts";
import { truncateHead } from "./truncate.ts";

export interface SessionInfo {
  sessionId: string;
  /** The project directory the session worked in. */
  cwd: string;
  /** When the session ended. */
  time: Date;
}

const PROMPT_CHARS = 240;
const MAX_PROMPTS = 20;
const MAX_FILES = 40;
const MAX_COMMANDS = 25;
const ANSWER_LINES = 6;
const ANSWER_CHARS = 600;

const WRITE_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit"]);
const SHELL_TOOLS = new Set(["Bash"]);

/** An entry starts with this line; every other line of an entry is indented or starts with a key. */
export const ENTRY_HEADER = /^=== (\S+) session (\S+) ===$/;

function header(time: Date, sessionId: string): string {
  return `=== ${time.toISOString()} session ${sessionId.replace(/\s+/g, "-")} ===`;
}

/** One line, at most `max` characters. */
function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** What the user typed, without hone's additions (reminders, slash-command wrappers, notifications). */
function promptText(text: string): string | undefined {
  if (/^\s*<task-notification>/.test(text)) return undefined;
  const command = /<command-name>([^<]*)<\/command-name>(?:\s*<command-args>([^<]*)<\/command-args>)?/.exec(text);
  if (command) return `${command[1]!.trim()} ${command[2] ?? ""}`.trim();
  const clean = text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, "").trim();
  return clean === "" ? undefined : clean;
}

function userPrompts(history: readonly Message[]): string[] {
  const prompts: string[] = [];
  history.forEach((message, i) => {
    if (message.role !== "user") return;
    if (i === 0 && isCompactSummary(message)) {
      // Prompts from before a compaction survive inside its summary.
      prompts.push(...parseCarried(message).requests);
      return;
    }
    for (const block of userBlocks(message.content)) {
      if (block.type !== "text") continue;
      const text = promptText(block.text);
      if (text !== undefined) prompts.push(text);
    }
  });
  return prompts;
}

/** Ids of tool calls whose result was an error (a refused or failed edit changed nothing). */
function failedCalls(history: readonly Message[]): Set<string> {
  const failed = new Set<string>();
  for (const message of history) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    for (const block of message.content) if (block.type === "tool_result" && block.is_error) failed.add(block.tool_use_id);
  }
  return failed;
}

function toolCalls(history: readonly Message[]): ToolUseBlock[] {
  return history.flatMap((m) => (m.role === "assistant" ? m.content.filter((b): b is ToolUseBlock => b.type === "tool_use") : []));
}

function capList(items: string[], max: number): string[] {
  const unique = [...new Set(items)];
  if (unique.length <= max) return unique;
  const half = Math.floor(max / 2);
  return [...unique.slice(0, half), `… ${unique.length - max} more …`, ...unique.slice(-(max - half))];
}

function finalAnswer(history: readonly Message[]): string[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i]!;
    if (message.role !== "assistant") continue;
    const text = assistantText(message).trim();
    if (text === "") continue;
    const kept = truncateHead(text, { maxLines: ANSWER_LINES, maxChars: ANSWER_CHARS });
    const lines = kept.text.split("\n").filter((l) => l.trim() !== "");
    return kept.truncated ? [...lines, "…"] : lines;
  }
  return [];
}

function section(name: string, items: string[]): string[] {
  return items.length === 0 ? [] : [`${name}:`, ...items.map((item) => `  - ${item}`)];
}

/** The time in UTC to the minute. The local time zone is left out on purpose: the first local-time call
 * loads the time-zone database (about 12 ms, at every session's end). */
function stamp(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** YYYY-MM-DD in UTC: the name of the day's log. */
export function logDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * The note of one session, ending in a newline; undefined when the user asked nothing (such a session
 * leaves no note and does not count towards the next dream).
 */
export function sessionLogEntry(history: readonly Message[], info: SessionInfo): string | undefined {
  const prompts = userPrompts(history);
  if (prompts.length === 0) return undefined;
  const failed = failedCalls(history);
  const calls = toolCalls(history).filter((call) => !failed.has(call.id));
  const changed = calls.filter((c) => WRITE_TOOLS.has(c.name)).map((c) => shorten(toolLabel(c.name, c.input, info.cwd), PROMPT_CHARS));
  const ran = calls.filter((c) => SHELL_TOOLS.has(c.name)).map((c) => shorten(toolLabel(c.name, c.input, info.cwd).replace(/^Bash\((.*)\)$/s, "$1"), PROMPT_CHARS));
  const answer = finalAnswer(history);
  const lines = [
    header(info.time, info.sessionId),
    `when: ${stamp(info.time)}`,
    `project: ${info.cwd}`,
    ...section("asked", capList(prompts.map((p) => shorten(p, PROMPT_CHARS)), MAX_PROMPTS)),
    ...section("changed", capList(changed, MAX_FILES)),
    ...section("ran", capList(ran, MAX_COMMANDS)),
    ...(answer.length > 0 ? ["answer:", ...answer.map((l) => `  ${l}`)] : []),
  ];
  return `${lines.join("\n")}\n\n`;
}

/** Appends the entry to sessions/<UTC date of now>.log, creating the folders; returns the log's path. */
export function appendSessionLog(dir: string, entry: string, now: Date): string {
  const sessions = memoryLayout(dir).sessions;
  mkdirSync(sessions, { recursive: true });
  const path = join(sessions, `${logDay(now)}.log`);
  const fd = openSync(path, "a", 0o600);
  try {
    const bytes = Buffer.from(entry, "utf8");
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    // No fsync: it cost about 15 ms at every session's end, and a note lost to a power cut only means one
    // session less for the next dream (the session's transcript, which is synced, still has it all).
  } finally {
    closeSync(fd);
  }
  return path;
}
