// Session transcript entries in Claude Code's JSONL shape (one object per line, linked by parentUuid),
// and the pure conversion from entries back to a valid conversation. No I/O here.
import { userBlocks, wireAssistantMessage, type AssistantBlock, type AssistantMessage, type Message, type ToolResultBlock, type ToolUseBlock, type UserBlock } from "./messages.ts";

interface EntryBase {
  uuid: string;
  parentUuid: string | null;
  isSidechain: boolean;
  userType: "external";
  cwd: string;
  sessionId: string;
  version: string;
  timestamp: string;
  entrypoint?: string;
}

export interface UserEntry extends EntryBase {
  type: "user";
  message: { role: "user"; content: string | UserBlock[] };
  /** The tool's structured output, beside the tool_result block the model saw. */
  toolUseResult?: unknown;
  isMeta?: boolean;
  /** The message that stands in for the history before the last compact_boundary. */
  isCompactSummary?: boolean;
}

export interface AssistantEntry extends EntryBase {
  type: "assistant";
  /** What this request cost, from the model table (on each entry of the message; count a message once). */
  costUSD?: number;
  message: {
    id: string;
    type: "message";
    role: "assistant";
    model: string;
    content: AssistantBlock[];
    stop_reason: string | null;
    stop_sequence: null;
    usage: unknown;
  };
}

export interface PermissionModeEntry {
  type: "permission-mode";
  permissionMode: string;
  sessionId: string;
}

/** How the session's main agent works ("coordinator"), restored on resume. */
export interface ModeEntry {
  type: "mode";
  mode: string;
  sessionId: string;
}

/** hone's marker for a conversation rewind: later entries continue from `leafUuid` (null = empty). */
export interface RewindEntry {
  type: "rewind";
  leafUuid: string | null;
  sessionId: string;
  timestamp: string;
}

/**
 * Where a compaction cut the conversation: it has no parent, so the context rebuilt from the file starts
 * here; `logicalParentUuid` keeps the link to what came before, which stays in the file.
 */
export interface CompactBoundaryEntry extends Omit<EntryBase, "parentUuid"> {
  type: "system";
  subtype: "compact_boundary";
  content: string;
  parentUuid: null;
  logicalParentUuid: string | null;
  level: "info";
  compactMetadata: { trigger: "auto" | "manual"; preTokens: number; postTokens: number };
}

export type ConversationEntry = UserEntry | AssistantEntry;
export type TranscriptEntry = ConversationEntry | PermissionModeEntry | ModeEntry | RewindEntry | CompactBoundaryEntry;

export interface EntryContext {
  sessionId: string;
  cwd: string;
  version: string;
  entrypoint: string;
  now?: () => Date;
  newId?: () => string;
}

function base(ctx: EntryContext, parentUuid: string | null): EntryBase {
  return {
    uuid: (ctx.newId ?? (() => crypto.randomUUID()))(),
    parentUuid,
    isSidechain: false,
    userType: "external",
    cwd: ctx.cwd,
    sessionId: ctx.sessionId,
    version: ctx.version,
    timestamp: (ctx.now ?? (() => new Date()))().toISOString(),
    entrypoint: ctx.entrypoint,
  };
}

export function userEntry(ctx: EntryContext, parentUuid: string | null, content: string | UserBlock[], toolUseResult?: unknown): UserEntry {
  const entry: UserEntry = { ...base(ctx, parentUuid), type: "user", message: { role: "user", content } };
  if (toolUseResult !== undefined) entry.toolUseResult = toolUseResult;
  return entry;
}

export function compactBoundaryEntry(ctx: EntryContext, logicalParent: string | null, meta: CompactBoundaryEntry["compactMetadata"]): CompactBoundaryEntry {
  const { parentUuid: _, ...rest } = base(ctx, null);
  return { ...rest, parentUuid: null, logicalParentUuid: logicalParent, type: "system", subtype: "compact_boundary", content: "Conversation compacted", level: "info", compactMetadata: meta };
}

/** One entry per content block sharing the message id, chained, as Claude Code writes them. */
export function assistantEntries(ctx: EntryContext, parentUuid: string | null, message: AssistantMessage, costUSD?: number): AssistantEntry[] {
  const entries: AssistantEntry[] = [];
  let parent = parentUuid;
  for (const block of message.content) {
    const entry: AssistantEntry = {
      ...base(ctx, parent),
      type: "assistant",
      message: wireAssistantMessage(message, [block]),
      ...(costUSD !== undefined ? { costUSD } : {}),
    };
    entries.push(entry);
    parent = entry.uuid;
  }
  return entries;
}

export function isConversationEntry(value: unknown): value is ConversationEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.type !== "user" && v.type !== "assistant") return false;
  if (typeof v.uuid !== "string" || typeof v.message !== "object" || v.message === null) return false;
  const content = (v.message as Record<string, unknown>).content;
  return typeof content === "string" || Array.isArray(content);
}

/**
 * The entries on the path from the current leaf back to the root, or to the last compaction boundary
 * on that path (what came before it is summarised in the entry after it), oldest first.
 */
export function activeBranch(entries: TranscriptEntry[]): ConversationEntry[] {
  const byId = new Map<string, ConversationEntry | CompactBoundaryEntry>();
  let leaf: string | null = null;
  for (const entry of entries) {
    if (entry.type === "rewind") leaf = entry.leafUuid;
    else if (entry.type === "system" && entry.subtype === "compact_boundary" && typeof entry.uuid === "string") byId.set(entry.uuid, entry);
    else if (entry.type === "user" || entry.type === "assistant") {
      byId.set(entry.uuid, entry);
      if (!entry.isSidechain) leaf = entry.uuid;
    }
  }
  const chain: ConversationEntry[] = [];
  const seen = new Set<string>();
  for (let id = leaf; id !== null && !seen.has(id); ) {
    seen.add(id);
    const entry = byId.get(id);
    if (!entry || entry.type === "system") break;
    chain.push(entry);
    id = entry.parentUuid;
  }
  return chain.reverse();
}

/** Adjacent entries of one role become one message (streamed blocks, per-tool results, a prompt after results). */
function mergeRoles(chain: ConversationEntry[]): Message[] {
  const messages: Message[] = [];
  let lastAssistantId: string | undefined;
  for (const entry of chain) {
    const last = messages[messages.length - 1];
    if (entry.type === "assistant") {
      if (last?.role === "assistant" && lastAssistantId === entry.message.id) last.content.push(...entry.message.content);
      else messages.push({ role: "assistant", content: [...entry.message.content] });
      lastAssistantId = entry.message.id;
      continue;
    }
    lastAssistantId = undefined;
    if (last?.role === "user") last.content = [...userBlocks(last.content), ...userBlocks(entry.message.content)];
    else messages.push({ role: "user", content: typeof entry.message.content === "string" ? entry.message.content : [...entry.message.content] });
  }
  return messages;
}

export const INTERRUPTED_RESULT = "The session ended before this tool finished; its result was lost. Check the current state before relying on it.";

export interface Repair {
  /** Results invented for tool calls whose results never reached the transcript. */
  synthesized: ToolResultBlock[];
  /** tool_result blocks dropped because their tool_use is not in the conversation. */
  orphans: number;
}

/**
 * Makes a loaded conversation valid for the API: every tool_use answered in the next message, no
 * tool_result without its tool_use, roles alternating. Returns the repaired history and what changed.
 */
export function repairHistory(messages: Message[]): { history: Message[]; repair: Repair } {
  const history: Message[] = [];
  const repair: Repair = { synthesized: [], orphans: 0 };
  let pending: ToolUseBlock[] = [];
  for (const message of messages) {
    if (message.role === "assistant") {
      if (pending.length > 0) {
        const results = pending.map(interrupted);
        repair.synthesized.push(...results);
        history.push({ role: "user", content: results });
      }
      history.push(message);
      pending = message.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
      continue;
    }
    const blocks = userBlocks(message.content);
    const answered = new Set(pending.map((p) => p.id));
    const kept = blocks.filter((b) => b.type !== "tool_result" || answered.has(b.tool_use_id));
    repair.orphans += blocks.length - kept.length;
    const got = new Set(kept.filter((b): b is ToolResultBlock => b.type === "tool_result").map((b) => b.tool_use_id));
    const missing = pending.filter((p) => !got.has(p.id)).map(interrupted);
    repair.synthesized.push(...missing);
    pending = [];
    const results = [...missing, ...kept.filter((b) => b.type === "tool_result")];
    const rest = kept.filter((b) => b.type !== "tool_result");
    const content = [...results, ...rest];
    if (content.length === 0) continue;
    const keepString = typeof message.content === "string" && results.length === 0;
    history.push({ role: "user", content: keepString ? message.content : content });
  }
  if (pending.length > 0) {
    const results = pending.map(interrupted);
    repair.synthesized.push(...results);
    history.push({ role: "user", content: results });
  }
  return { history: mergeAdjacentUsers(history), repair };
}

function mergeAdjacentUsers(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    const last = out[out.length - 1];
    if (message.role === "user" && last?.role === "user") last.content = [...userBlocks(last.content), ...userBlocks(message.content)];
    else out.push(message);
  }
  return out;
}

function interrupted(call: ToolUseBlock): ToolResultBlock {
  return { type: "tool_result", tool_use_id: call.id, content: INTERRUPTED_RESULT, is_error: true };
}

export interface LoadedConversation {
  history: Message[];
  /** uuid of the last entry on the active branch: the parent of whatever is written next. */
  leafUuid: string | null;
  repair: Repair;
  model?: string;
  permissionMode?: string;
  mode?: string;
}

export function conversationFrom(entries: TranscriptEntry[]): LoadedConversation {
  const chain = activeBranch(entries);
  const { history, repair } = repairHistory(mergeRoles(chain));
  let model: string | undefined;
  let permissionMode: string | undefined;
  for (const entry of chain) if (entry.type === "assistant") model = entry.message.model;
  let mode: string | undefined;
  for (const entry of entries) {
    if (entry.type === "permission-mode") permissionMode = entry.permissionMode;
    else if (entry.type === "mode") mode = entry.mode;
  }
  return { history, leafUuid: chain[chain.length - 1]?.uuid ?? null, repair, model, permissionMode, ...(mode ? { mode } : {}) };
}

/** A user entry typed by a person (not tool results, not synthetic). */
export function isPrompt(entry: ConversationEntry): entry is UserEntry {
  if (entry.type !== "user" || entry.isMeta || entry.isCompactSummary) return false;
  const content = entry.message.content;
  if (typeof content === "string") return true;
  return content.some((b) => b.type === "text") && !content.some((b) => b.type === "tool_result");
}

export function promptText(entry: UserEntry): string {
  const content = entry.message.content;
  if (typeof content === "string") return content;
  return content.map((b) => (b.type === "text" ? b.text : "")).join("");
}
