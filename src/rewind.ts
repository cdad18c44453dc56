// Rewinding a session to just before one of its prompts: the conversation (a rewind marker in the
// transcript, so the next turn continues from the prompt's parent) and the files the file tools changed
// (restored from the per-prompt checkpoints). No printing here: `hone rewind` and the REPL share it.
import { basename, join } from "node:path";
import { readCheckpoints, restoreCheckpoint, type RestoreResult } from "./file-history.ts";
import { openTranscript, readTranscript } from "./session-file.ts";
import { sessionFolder } from "./session-store.ts";
import { activeBranch, conversationFrom, isPrompt, promptText, type RewindEntry } from "./transcript.ts";

export interface RewindPoint {
  /** 1-based position among the prompts on the active branch. */
  number: number;
  /** The prompt entry's uuid, which is also its checkpoint id. */
  uuid: string;
  /** Where the conversation stood just before this prompt (null: empty). */
  parentUuid: string | null;
  timestamp: string;
  text: string;
  /** Absolute paths the file tools changed while this prompt ran (backed up or skipped). */
  files: string[];
}

export interface CodeRewind extends RestoreResult {
  /** The checkpoint restored, or undefined when no tracked file changed at or after the prompt. */
  checkpoint?: string;
}

export function fileHistoryDir(transcriptPath: string): string {
  return join(sessionFolder(transcriptPath), "file-history");
}

/** The prompts of the session's current conversation, oldest first, with the files each one changed. */
export function listRewindPoints(transcriptPath: string): RewindPoint[] {
  const { entries } = readTranscript(transcriptPath);
  const checkpoints = new Map(readCheckpoints(fileHistoryDir(transcriptPath)).map((c) => [c.id, c]));
  return activeBranch(entries)
    .filter(isPrompt)
    .map((entry, i) => {
      const cp = checkpoints.get(entry.uuid);
      const files = cp ? [...cp.files.map((f) => f.path), ...(cp.skipped ?? [])] : [];
      return { number: i + 1, uuid: entry.uuid, parentUuid: entry.parentUuid, timestamp: entry.timestamp, text: promptText(entry), files };
    });
}

/**
 * How many messages of the conversation come before `point`'s prompt: where a summary "from here" starts
 * or one "up to here" ends. Read from the transcript as a rewind would see it, without writing anything.
 */
export function messagesBefore(transcriptPath: string, point: Pick<RewindPoint, "parentUuid">): number {
  const { entries } = readTranscript(transcriptPath);
  const marker: RewindEntry = { type: "rewind", leafUuid: point.parentUuid, sessionId: basename(transcriptPath, ".jsonl"), timestamp: new Date(0).toISOString() };
  return conversationFrom([...entries, marker]).history.length;
}

/**
 * Makes the conversation continue from just before `point`: appends (synced) a rewind marker whose leaf is
 * the prompt's parent. Earlier entries stay in the file, so nothing is lost; they just leave the active branch.
 */
export function rewindConversation(transcriptPath: string, point: Pick<RewindPoint, "uuid" | "parentUuid">, now = new Date()): RewindEntry {
  const read = readTranscript(transcriptPath);
  if (!read.entries.some((e) => (e.type === "user" || e.type === "assistant") && e.uuid === point.uuid)) {
    throw new Error(`prompt ${point.uuid} is not in ${transcriptPath}`);
  }
  const entry: RewindEntry = { type: "rewind", leafUuid: point.parentUuid, sessionId: basename(transcriptPath, ".jsonl"), timestamp: now.toISOString() };
  const writer = openTranscript(transcriptPath);
  try {
    writer.append([entry]);
  } finally {
    writer.close();
  }
  return entry;
}

/**
 * Puts the files changed by the file tools back to how they were just before `point`. Uses the prompt's own
 * checkpoint, or else the first checkpoint of any prompt written to the transcript after it (file order is
 * time order), which also covers prompts on branches abandoned by an earlier conversation rewind.
 */
export function rewindCode(transcriptPath: string, point: Pick<RewindPoint, "uuid">): CodeRewind {
  const dir = fileHistoryDir(transcriptPath);
  const checkpoints = readCheckpoints(dir);
  let chosen = checkpoints.find((c) => c.id === point.uuid);
  if (!chosen) {
    const order = new Map<string, number>();
    readTranscript(transcriptPath).entries.forEach((e, i) => {
      if ((e.type === "user" || e.type === "assistant") && !order.has(e.uuid)) order.set(e.uuid, i);
    });
    const at = order.get(point.uuid);
    if (at === undefined) throw new Error(`prompt ${point.uuid} is not in ${transcriptPath}`);
    chosen = checkpoints.find((c) => (order.get(c.id) ?? -1) > at);
  }
  if (!chosen) return { restored: [], removed: [], skipped: [] };
  return { checkpoint: chosen.id, ...restoreCheckpoint(dir, chosen.id) };
}
