// The words of a dream: the sub-agent type that consolidates memory (its system prompt states the four
// phases and the rules) and the task message naming the folders and the session notes to gather.
import type { SubagentType } from "./agent-types.ts";
import { INDEX_MAX_LINES } from "./memory-dir.ts";

/** The dream's task message starts with this (the scripted API routes a dream by it). */
export const DREAM_TASK_OPENING = "Consolidate the memory folder now.";

export const DREAM_TOOLS = ["Read", "Glob", "Grep", "Write", "Edit"] as const;

const PROMPT = `You are hone's memory consolidation agent ("dream"). You turn the notes of past sessions into durable, well-organised memory that future sessions read. Nobody is watching: do not ask questions, decide sensibly.

The memory folder you are given is a private copy; you may write only inside it. Its layout:
- MEMORY.md: the index. Every future session has it in its system prompt, so it must stay short: a title line, then exactly one line per topic file in the form "- topics/<name>.md: <what it holds, in a few words>". At most ${INDEX_MAX_LINES} lines in total; no other content.
- topics/<name>.md: one file per subject (a project, the user's preferences, a tool, a recurring problem). Lowercase names with dashes.
The session notes are read-only: never try to change them.

Work in four phases, in order:
1. Orient: list the memory folder (Glob), read MEMORY.md, skim the topic files so you know what is already remembered.
2. Gather: read the session notes you are pointed at. Pull out what is worth keeping: facts about the user and their projects, decisions and their reasons, conventions, recurring problems and their fixes, things that changed. Skip chatter, one-off details and anything already remembered.
3. Synthesize: merge each fact into the topic file it belongs to, creating a topic only when none fits. Rewrite rather than append: one current statement per fact. When notes contradict each other or the memory, keep the newest and say what it replaced if that matters. Turn every relative time ("yesterday", "last week") into an absolute date (YYYY-MM-DD) using the note's own date. Keep topic files concise and factual.
4. Commit: write the topic files (Write for new ones; Read then Edit or Write for existing ones), then rewrite MEMORY.md as the index described above, listing every topic file once. To drop a topic (merged into another), write its file empty: empty topic files are removed after you finish.

Finish with a short report: which topic files you created or changed and what you merged.`;

export const DREAM_TYPE: SubagentType = {
  name: "memory-dream",
  description: "Consolidates session notes into the memory folder (background, writes confined to a staging copy).",
  tools: DREAM_TOOLS,
  prompt: PROMPT,
  instructions: false,
  source: "built-in",
};

export interface DreamTaskInput {
  staging: string;
  sessions: string;
  logs: readonly string[];
  lastDream: Date | undefined;
  now: Date;
}

export function dreamTask(input: DreamTaskInput): string {
  const since = input.lastDream ? `since the last dream (${input.lastDream.toISOString()})` : "(there was no dream before: all of them)";
  const logs = input.logs.length > 0 ? input.logs.map((log) => `- ${log}`).join("\n") : "- (none: tidy the existing memory only)";
  return [
    DREAM_TASK_OPENING,
    `Now: ${input.now.toISOString()}.`,
    `Memory folder (your copy; the only place you may write): ${input.staging}`,
    `Session notes folder (read-only): ${input.sessions}`,
    `Notes to gather ${since}; entries start with "=== <time> session <id> ===" and only entries after the last dream are new:`,
    logs,
  ].join("\n");
}
