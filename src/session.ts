// Opening a session for a run: a new one, the latest in this folder (--continue), a given one
// (--resume), or a copy (--fork-session); then recording what happens, entry by entry, synced before
// the next request. With persistence off the same interface records nothing.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { honeHome, type Env } from "./config-dir.ts";
import { userBlocks, type AssistantMessage, type Message, type ToolResultBlock, type UserBlock } from "./messages.ts";
import { isCompactSummary } from "./compact-cut.ts";
import { openTranscript, readTranscript, type TranscriptWriter } from "./session-file.ts";
import { cleanupSessions, findSession, isUuid, latestSession, sessionFolder, transcriptPath } from "./session-store.ts";
import { activeBranch, assistantEntries, compactBoundaryEntry, conversationFrom, userEntry, type CompactBoundaryEntry, type EntryContext, type TranscriptEntry } from "./transcript.ts";
import { scratchRoot } from "./session-state.ts";
import { VERSION } from "./version.ts";
import { costUSD, emptyUsage } from "./models.ts";

export interface SessionRequest {
  env: Env;
  cwd: string;
  persist: boolean;
  sessionId?: string;
  resume?: string;
  continueLatest: boolean;
  fork: boolean;
  entrypoint: string;
}

export interface Session {
  readonly id: string;
  /** The JSONL file, or undefined when nothing is persisted. */
  readonly transcriptPath?: string;
  /** The session's own folder (file history, large tool outputs). */
  readonly folder: string;
  /** The conversation so far (empty for a new session), already repaired. */
  readonly history: Message[];
  readonly model?: string;
  readonly permissionMode?: string;
  /** The main agent's mode when the session was saved ("coordinator"). */
  readonly mode?: string;
  readonly warnings: string[];
  /** Records a user prompt and returns its entry uuid (the rewind checkpoint id). */
  recordPrompt(content: string | UserBlock[]): string;
  recordAssistant(message: AssistantMessage): void;
  recordToolResults(results: ToolResultBlock[], structured: ReadonlyMap<string, unknown>): void;
  recordPermissionMode(mode: string): void;
  recordMode(mode: string): void;
  /** Records text hone added to the conversation on its own (task notifications): not a prompt. */
  recordMeta(text: string): void;
  /**
   * Records a compaction: a boundary, then the new history (summary first) as fresh entries, so a
   * resume rebuilds exactly that context. Everything before stays in the file.
   */
  recordCompaction(meta: CompactBoundaryEntry["compactMetadata"], history: Message[], model: string): void;
  close(): void;
}

export class SessionError extends Error {
  override name = "SessionError";
}

/** The transcript could not be written: the run stops rather than go on unrecorded. */
export class SessionWriteError extends Error {
  override name = "SessionWriteError";
}

interface Loaded {
  entries: TranscriptEntry[];
  warnings: string[];
  path: string;
  id: string;
}

function loadExisting(request: SessionRequest): Loaded | undefined {
  if (!request.resume && !request.continueLatest) return undefined;
  const file = request.resume ? findSession(request.env, request.cwd, request.resume) : latestSession(request.env, request.cwd);
  const read = readTranscript(file.path);
  return { entries: read.entries, warnings: read.warnings, path: file.path, id: file.id };
}

function chooseId(request: SessionRequest, loaded: Loaded | undefined): string {
  if (request.sessionId !== undefined && !isUuid(request.sessionId)) throw new SessionError(`--session-id must be a UUID, got "${request.sessionId}"`);
  if (loaded && !request.fork) {
    if (request.sessionId && request.sessionId !== loaded.id) throw new SessionError("--session-id can only be combined with --resume/--continue when --fork-session is given");
    return loaded.id;
  }
  const id = request.sessionId ?? crypto.randomUUID();
  if (request.persist && existsSync(transcriptPath(request.env, request.cwd, id))) {
    throw new SessionError(`Session ID ${id} is already in use; resume it with --resume ${id}`);
  }
  return id;
}

export function openSession(request: SessionRequest): Session {
  if (request.fork && !request.resume && !request.continueLatest) throw new SessionError("--fork-session needs --resume <id> or --continue");
  const loaded = loadExisting(request);
  const id = chooseId(request, loaded);
  const ctx: EntryContext = { sessionId: id, cwd: request.cwd, version: VERSION, entrypoint: request.entrypoint };
  const path = loaded && !request.fork ? loaded.path : transcriptPath(request.env, request.cwd, id);
  const folder = request.persist ? sessionFolder(path) : join(scratchRoot(), id);
  const warnings = [...(loaded?.warnings ?? [])];

  let entries = loaded?.entries ?? [];
  if (loaded && request.fork) entries = forkEntries(entries, id);
  const conversation = conversationFrom(entries);
  let parent = conversation.leafUuid;

  let writer: TranscriptWriter | undefined;
  if (request.persist) {
    writer = openTranscript(path);
    if (loaded && request.fork) writer.append(entries);
  }
  // Metadata waits for the next conversation entry, so it costs no sync of its own.
  let pending: TranscriptEntry[] = [];
  const append = (batch: TranscriptEntry[]) => {
    const entries = [...pending, ...batch];
    pending = [];
    try {
      writer?.append(entries);
    } catch (error) {
      throw new SessionWriteError(`cannot save the session to ${path}: ${(error as Error).message} (--no-session-persistence runs without saving)`);
    }
  };

  // Results invented for calls cut off by a kill are written down, so the file itself becomes whole.
  const trailing = trailingSynthesized(conversation.history, conversation.repair.synthesized);
  if (trailing.length > 0) {
    const entry = userEntry(ctx, parent, trailing);
    append([entry]);
    parent = entry.uuid;
    warnings.push(`${trailing.length} tool call(s) from the interrupted run had no result; they were marked as interrupted`);
  }

  return {
    id,
    transcriptPath: request.persist ? path : undefined,
    folder,
    history: conversation.history,
    model: conversation.model,
    permissionMode: conversation.permissionMode,
    ...(conversation.mode ? { mode: conversation.mode } : {}),
    warnings,
    recordPrompt(content) {
      const entry = userEntry(ctx, parent, content);
      append([entry]);
      parent = entry.uuid;
      return entry.uuid;
    },
    recordAssistant(message) {
      const batch = assistantEntries(ctx, parent, message, costUSD(message.model, message.usage));
      append(batch);
      parent = batch[batch.length - 1]?.uuid ?? parent;
    },
    recordToolResults(results, structured) {
      const batch = results.map((block) => {
        const entry = userEntry(ctx, parent, [block], structured.get(block.tool_use_id));
        parent = entry.uuid;
        return entry;
      });
      append(batch);
    },
    recordMode(mode) {
      pending.push({ type: "mode", mode, sessionId: id });
    },
    recordMeta(text) {
      const entry = userEntry(ctx, parent, [{ type: "text", text }]);
      entry.isMeta = true;
      append([entry]);
      parent = entry.uuid;
    },
    recordPermissionMode(mode) {
      pending.push({ type: "permission-mode", permissionMode: mode, sessionId: id });
    },
    recordCompaction(meta, history, model) {
      const boundary = compactBoundaryEntry(ctx, parent, meta);
      const batch: TranscriptEntry[] = [boundary];
      let last: string = boundary.uuid;
      for (const message of history) {
        if (message.role === "user") {
          // A summary is its own entry (not a prompt to rewind to); a prompt merged after it gets its own.
          const whole = message.content;
          const blocks = userBlocks(whole);
          const parts = isCompactSummary(message) ? [blocks.slice(0, 1), blocks.slice(1)] : [whole];
          for (const [part, content] of parts.entries()) {
            if (part === 1 && content.length === 0) continue;
            const entry = userEntry(ctx, last, content);
            if (parts.length === 2 && part === 0) entry.isCompactSummary = true;
            batch.push(entry);
            last = entry.uuid;
          }
          continue;
        }
        // Kept replies get fresh ids and no usage: they were paid for (and counted) when first received.
        const copy = { id: `msg_kept_${crypto.randomUUID()}`, model, content: message.content, stop_reason: null, usage: emptyUsage() };
        const entries = assistantEntries(ctx, last, copy);
        batch.push(...entries);
        last = entries[entries.length - 1]?.uuid ?? last;
      }
      append(batch);
      parent = last;
    },
    close() {
      writer?.close();
    },
  };
}

function trailingSynthesized(history: Message[], synthesized: ToolResultBlock[]): ToolResultBlock[] {
  const last = history[history.length - 1];
  if (!last || last.role !== "user" || typeof last.content === "string") return [];
  const invented = new Set(synthesized);
  return last.content.filter((b): b is ToolResultBlock => b.type === "tool_result" && invented.has(b));
}

/** A fork keeps the source's active branch (same uuids, so parents still link) under the new id. */
function forkEntries(entries: TranscriptEntry[], id: string): TranscriptEntry[] {
  const branch: TranscriptEntry[] = activeBranch(entries).map((e) => ({ ...e, sessionId: id }));
  const mode = entries.filter((e) => e.type === "permission-mode").pop();
  if (mode && mode.type === "permission-mode") branch.push({ ...mode, sessionId: id });
  const agentMode = entries.filter((e) => e.type === "mode").pop();
  if (agentMode && agentMode.type === "mode") branch.push({ ...agentMode, sessionId: id });
  return branch;
}

/**
 * Sweeps old sessions at most once a day; the stamp file keeps startup from listing every project each
 * run. Best effort: a sweep that cannot run never stops the session.
 */
export function cleanupOldSessions(env: Env, days: number, now = Date.now()): string[] {
  const stamp = join(honeHome(env), "last-cleanup");
  try {
    const last = Number(readFileSync(stamp, "utf8"));
    if (Number.isFinite(last) && now - last < 86_400_000) return [];
  } catch {
    // First sweep.
  }
  try {
    const removed = cleanupSessions(env, days, now);
    mkdirSync(honeHome(env), { recursive: true });
    writeFileSync(`${stamp}.tmp`, String(now));
    renameSync(`${stamp}.tmp`, stamp);
    return removed;
  } catch {
    return [];
  }
}
