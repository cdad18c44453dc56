// The `<tick>` message KAIROS sends at each interval (the time, then only what changed) and what
// happens to it afterwards: a tick whose answer did nothing is taken out of the history again, so a
// long quiet stretch costs one short request per tick and no context at all.
import { assistantText, toolUses, userBlocks, type Message } from "./messages.ts";
import { clockTime, localDay } from "./kairos-log.ts";
import { gitSummary, type Observation } from "./kairos-watch.ts";
import { noticeLine, noticeText } from "./tasks.ts";
import { toolLabel } from "./tool-display.ts";

/** Paths listed per kind of change; the rest are counted. */
const LISTED_PATHS = 20;
/** A text-only answer up to this long is an acknowledgement, not an action. */
export const IDLE_REPLY_CHARS = 300;

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function pathList(kind: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const shown = paths.slice(0, LISTED_PATHS).join(", ");
  const more = paths.length > LISTED_PATHS ? ` (and ${paths.length - LISTED_PATHS} more)` : "";
  return [`files ${kind}: ${shown}${more}`];
}

/** What a tick saw, one line each, without the background work's full results (the log's view). */
export function observationLines(obs: Observation): string[] {
  const lines: string[] = [];
  if (obs.first) {
    lines.push(`watching ${obs.fileCount} files${obs.capped ? " (the limit: changes beyond it are not seen)" : ""}`);
    if (obs.gitNow) lines.push(`git: ${gitSummary(obs.gitNow)}`);
  }
  lines.push(...pathList("added", obs.files.added), ...pathList("modified", obs.files.modified), ...pathList("deleted", obs.files.deleted));
  lines.push(...obs.git.map((line) => `git: ${line}`), ...obs.prs);
  lines.push(...obs.notices.map((n) => `background: ${noticeLine(n)}`));
  return lines;
}

/** True when the tick has nothing to report. */
export function isQuiet(obs: Observation): boolean {
  return !obs.first && observationLines(obs).length === 0;
}

export function tickTime(date: Date): string {
  return `${localDay(date)} ${clockTime(date)} ${WEEKDAYS[date.getDay()]}`;
}

/** The tick message: its time, then what changed (finished background work with its results). */
export function tickText(obs: Observation, now: Date): string {
  const open = `<tick time="${tickTime(now)}">`;
  if (isQuiet(obs)) return `${open}nothing changed</tick>`;
  const lines = observationLines(obs).filter((line) => !line.startsWith("background: "));
  const body = [...lines, ...(obs.notices.length > 0 ? [noticeText(obs.notices)] : [])];
  return `${open}\n${body.join("\n")}\n</tick>`;
}

/** Where the tick is: the last user message with a text block that starts with it. */
function findTick(history: readonly Message[], tick: string): { index: number; block: number } | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i] as Message;
    if (message.role !== "user") continue;
    const blocks = userBlocks(message.content);
    const block = blocks.findIndex((b) => b.type === "text" && b.text.startsWith(tick));
    if (block >= 0) return { index: i, block };
  }
  return undefined;
}

/** An answer that did nothing: no tool call, nothing but assistant messages, a short text at most. */
export function isIdleAnswer(answer: readonly Message[], maxReplyChars = IDLE_REPLY_CHARS): boolean {
  let chars = 0;
  for (const message of answer) {
    if (message.role !== "assistant" || toolUses(message).length > 0) return false;
    chars += assistantText(message).trim().length;
  }
  return chars <= maxReplyChars;
}

/**
 * Takes the tick and its answer out of the history (in place) when the answer did nothing; returns
 * whether it did. Ticks that led to tool calls, a longer reply or anything else stay.
 */
export function dropIdleTick(history: Message[], tick: string, maxReplyChars = IDLE_REPLY_CHARS): boolean {
  const found = findTick(history, tick);
  if (!found) return false;
  if (!isIdleAnswer(history.slice(found.index + 1), maxReplyChars)) return false;
  const message = history[found.index] as Extract<Message, { role: "user" }>;
  const blocks = userBlocks(message.content);
  if (blocks.length === 1) {
    history.splice(found.index);
    return true;
  }
  // The tick joined an earlier user message (tool results of an interrupted turn): keep the rest of it.
  history.splice(found.index, history.length - found.index, { role: "user", content: blocks.filter((_, i) => i !== found.block) });
  return true;
}

/** toolLabel, plus the argument that names what the KAIROS tools acted on (toolLabel knows none of theirs). */
export function actionLabel(name: string, input: unknown, cwd: string): string {
  const label = toolLabel(name, input, cwd);
  if (label !== name || typeof input !== "object" || input === null) return label;
  const fields = input as Record<string, unknown>;
  if (name === "SubscribePR" && (typeof fields.pr === "number" || typeof fields.pr === "string")) return `${name}(${typeof fields.pr === "number" ? `#${fields.pr}` : fields.pr})`;
  if (name === "PushNotification" && typeof fields.title === "string") return `${name}(${fields.title})`;
  return label;
}

export interface TickAction {
  name: string;
  input: unknown;
  /** `Bash(npm test)`: how the action is shown and logged. */
  label: string;
  isError: boolean;
}

/** The tool calls made in answer to the tick, in order, with whether each failed. */
export function tickActions(history: readonly Message[], tick: string, cwd: string): TickAction[] {
  const found = findTick(history, tick);
  if (!found) return [];
  const after = history.slice(found.index + 1);
  const failed = new Set<string>();
  for (const message of after) {
    if (message.role !== "user") continue;
    for (const block of userBlocks(message.content)) if (block.type === "tool_result" && block.is_error) failed.add(block.tool_use_id);
  }
  return after.flatMap((message) =>
    message.role === "assistant" ? toolUses(message).map((use) => ({ name: use.name, input: use.input, label: actionLabel(use.name, use.input, cwd), isError: failed.has(use.id) })) : [],
  );
}

/** The model's last words in answer to the tick ("" when it said nothing). */
export function tickReply(history: readonly Message[], tick: string): string {
  const found = findTick(history, tick);
  if (!found) return "";
  const last = history.slice(found.index + 1).findLast((m) => m.role === "assistant");
  return last && last.role === "assistant" ? assistantText(last).trim() : "";
}
