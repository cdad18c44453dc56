// The two sides of a summary: the request that asks the model for it, and the message that replaces the
// summarised history. Pure functions; the model call happens in compact.ts.
import { userBlocks, type Message, type TextBlock, type ToolResultBlock, type UserBlock } from "./messages.ts";
import { isCompactSummary, toolCallsById } from "./compact-cut.ts";
import { summaryPreamble } from "./compact-prompt.ts";
import { textOf } from "./tool.ts";

/**
 * The summary request that reuses the conversation as sent so far (so its prefix is read from the
 * cache): the instruction is added to the last user message, or as a new one after an assistant turn.
 */
export function inPlaceRequest(history: readonly Message[], instruction: string): Message[] {
  const last = history[history.length - 1];
  const block: TextBlock = { type: "text", text: instruction };
  if (!last || last.role === "assistant") return [...history, { role: "user", content: [block] }];
  return [...history.slice(0, -1), { role: "user", content: [...userBlocks(last.content), block] }];
}

function resultText(block: ToolResultBlock): string {
  return textOf(block.content);
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.75);
  const tail = max - head;
  return `${text.slice(0, head)}\n[... ${text.length - max} characters omitted ...]\n${text.slice(text.length - tail)}`;
}

/** The conversation as plain text lines, tool outputs clipped to `resultCap` characters each. */
function renderLines(history: readonly Message[], resultCap: number): string[] {
  const calls = toolCallsById(history);
  const lines: string[] = [];
  for (const message of history) {
    if (message.role === "assistant") {
      for (const block of message.content) {
        if (block.type === "text") lines.push(`[assistant] ${block.text}`);
        else if (block.type === "tool_use") lines.push(`[assistant calls ${block.name}] ${clip(JSON.stringify(block.input), Math.max(resultCap, 400))}`);
      }
      continue;
    }
    for (const block of userBlocks(message.content)) {
      if (block.type === "text") lines.push(`[user] ${block.text}`);
      else if (block.type === "tool_result") lines.push(`[result of ${calls.get(block.tool_use_id)?.name ?? "tool"}${block.is_error ? ", error" : ""}] ${clip(resultText(block), resultCap)}`);
      else lines.push("[user] (an image)");
    }
  }
  return lines;
}

/**
 * The summary request for a history too big to resend: the conversation flattened to text with old
 * tool outputs clipped until it fits `maxChars`; the oldest assistant and tool lines go last of all,
 * and the user's own lines are kept as long as anything is.
 */
export function flattenedRequest(history: readonly Message[], instruction: string, maxChars: number): Message[] {
  const budget = Math.max(1000, maxChars - instruction.length - 200);
  let lines: string[] = [];
  for (const cap of [8000, 2000, 600, 150]) {
    lines = renderLines(history, cap);
    if (lines.reduce((n, l) => n + l.length + 1, 0) <= budget) break;
  }
  let total = lines.reduce((n, l) => n + l.length + 1, 0);
  for (let i = 0; i < lines.length && total > budget; i++) {
    if (lines[i]!.startsWith("[user]")) continue;
    total -= lines[i]!.length;
    lines[i] = "";
  }
  let text = lines.filter((l) => l !== "").join("\n");
  if (text.length > budget) text = text.slice(text.length - budget);
  const body = `Here is the conversation so far, as text (long tool outputs are shortened):\n<conversation>\n${text}\n</conversation>\n\n${instruction}`;
  return [{ role: "user", content: [{ type: "text", text: body }] }];
}

/** The summary out of the model's reply: the <summary> element when present, else the whole text. */
export function extractSummary(reply: string): string {
  const withoutAnalysis = reply.replace(/<analysis>[\s\S]*?<\/analysis>/g, "");
  const match = /<summary>([\s\S]*?)(?:<\/summary>|$)/.exec(withoutAnalysis);
  return (match ? match[1]! : withoutAnalysis).trim();
}

export interface Carried {
  /** The user's messages, oldest first. */
  requests: string[];
  /** Skill bodies the model loaded, newest first. */
  skills: Array<{ name: string; text: string }>;
}

const REQUEST_CAP = 16_000;
const REQUEST_BUDGET = 40_000;
const SKILL_CAP = 20_000;
const SKILL_BUDGET = 100_000;

// Text inside the summary message never contains a literal tag hone parses back: each `<`+backslashes
// before a tag name gets one more backslash, which unescape removes (a bijection, so text round-trips).
const escape = (text: string): string => text.replace(/<(\\*)(\/?)(user-message|skill|summary)\b/g, "<\\$1$2$3");
const unescape = (text: string): string => text.replace(/<\\(\\*)(\/?)(user-message|skill|summary)\b/g, "<$1$2$3");

/** What a previous summary message carried (so it is carried again, not lost at the next compaction). */
export function parseCarried(message: Message | undefined): Carried {
  const carried: Carried = { requests: [], skills: [] };
  if (!isCompactSummary(message)) return carried;
  // Only hone's own block: anything merged after it is a verbatim message collected separately.
  const first = userBlocks(message.content)[0];
  const text = first?.type === "text" ? first.text : "";
  for (const m of text.matchAll(/<user-message>\n?([\s\S]*?)\n?<\/user-message>/g)) carried.requests.push(unescape(m[1]!));
  for (const m of text.matchAll(/<skill name="([^"]*)">\n?([\s\S]*?)\n?<\/skill>/g)) carried.skills.push({ name: m[1]!, text: unescape(m[2]!) });
  return carried;
}

function isSystemOnly(text: string): boolean {
  return /^\s*<system-reminder>[\s\S]*<\/system-reminder>\s*$/.test(text);
}

/** Collects the user's messages and loaded skills from the part of the history being summarised. */
export function collectCarried(summarised: readonly Message[]): Carried {
  const requests: string[] = [];
  const calls = toolCallsById(summarised);
  // Oldest first while collecting (parseCarried lists the newest first), reversed at the end.
  const skills = new Map<string, string>();
  for (const message of summarised) {
    if (message.role !== "user") continue;
    let blocks = userBlocks(message.content);
    // An earlier summary (first, or in the middle after "Summarize from here"): what it carried is carried
    // again; what follows its own block was a user message merged in.
    if (isCompactSummary(message)) {
      const earlier = parseCarried(message);
      requests.push(...earlier.requests);
      for (const skill of earlier.skills.toReversed()) {
        skills.delete(skill.name);
        skills.set(skill.name, skill.text);
      }
      blocks = blocks.slice(1);
    }
    const text = blocks.map((b) => (b.type === "text" ? b.text : "")).filter((t) => t.trim() !== "" && !isSystemOnly(t)).join("\n");
    if (text !== "") requests.push(text);
    for (const block of blocks) {
      if (block.type !== "tool_result" || block.is_error) continue;
      const call = calls.get(block.tool_use_id);
      const name = (call?.input as { skill?: unknown } | undefined)?.skill;
      if (call?.name !== "Skill" || typeof name !== "string") continue;
      skills.delete(name);
      skills.set(name, resultText(block));
    }
  }
  return { requests, skills: [...skills].reverse().map(([name, text]) => ({ name, text })) };
}

/** The first message and the newest ones verbatim, as many as fit; the rest are left to the summary. */
function keptRequests(requests: string[]): { kept: string[]; omitted: number } {
  if (requests.length === 0) return { kept: [], omitted: 0 };
  const clipped = requests.map((r) => clip(r, REQUEST_CAP));
  const first = clipped[0]!;
  let used = first.length;
  const newest: string[] = [];
  for (let i = clipped.length - 1; i >= 1; i--) {
    if (used + clipped[i]!.length > REQUEST_BUDGET && newest.length > 0) break;
    used += clipped[i]!.length;
    newest.unshift(clipped[i]!);
  }
  return { kept: [first, ...newest], omitted: clipped.length - 1 - newest.length };
}

export interface SummaryParts {
  summary: string;
  carried: Carried;
  /** Instruction files loaded during the session (subfolder CLAUDE.md), already rendered. */
  instructions?: string;
  /** Extra context from SessionStart hooks fired for the compaction. */
  context?: string[];
  transcriptPath?: string;
  /** "later": the summary follows earlier messages kept word for word (the rewind menu's "Summarize from here"). */
  part?: "earlier" | "later";
}

/** The message that stands in for the summarised history. */
export function summaryMessage(parts: SummaryParts): Message {
  const sections = [summaryPreamble(parts.transcriptPath, parts.part), `<summary>\n${escape(parts.summary)}\n</summary>`];
  const { kept, omitted } = keptRequests(parts.carried.requests);
  if (kept.length > 0) {
    const note = omitted > 0 ? ` (${omitted} earlier message(s) in between are covered by the summary)` : "";
    sections.push(`The user's messages, oldest first, word for word${note}:\n${kept.map((r) => `<user-message>\n${escape(r)}\n</user-message>`).join("\n")}`);
  }
  let budget = SKILL_BUDGET;
  const skills: string[] = [];
  for (const skill of parts.carried.skills) {
    if (budget <= 0) break;
    const text = clip(skill.text, Math.min(SKILL_CAP, budget));
    budget -= text.length;
    skills.push(`<skill name="${skill.name.replace(/"/g, "")}">\n${escape(text)}\n</skill>`);
  }
  if (skills.length > 0) sections.push(`Skills loaded earlier in the session, still in force:\n${skills.join("\n")}`);
  if (parts.instructions) sections.push(`Instructions from files loaded earlier in the session:\n${escape(parts.instructions)}`);
  for (const extra of parts.context ?? []) sections.push(`<system-reminder>\n${escape(extra)}\n</system-reminder>`);
  const blocks: UserBlock[] = [{ type: "text", text: sections.join("\n\n") }];
  return { role: "user", content: blocks };
}

/** The compacted history: the summary message, then the verbatim tail (a leading user message joins it). */
export function compactedHistory(summary: Message, tail: readonly Message[]): Message[] {
  const first = tail[0];
  if (first?.role !== "user") return [summary, ...tail];
  const joined: Message = { role: "user", content: [...userBlocks(summary.content as UserBlock[]), ...userBlocks(first.content)] };
  return [joined, ...tail.slice(1)];
}
