// A sub-agent's own transcript, beside its parent's: <session folder>/subagents/agent-<id>.jsonl, in
// the same entry shape as a session's, marked as a sidechain with the agent's id (Claude Code's layout).
import { join } from "node:path";
import type { AssistantMessage, ToolResultBlock, UserBlock } from "./messages.ts";
import { costUSD } from "./models.ts";
import { openTranscript, type TranscriptWriter } from "./session-file.ts";
import { assistantEntries, userEntry, type EntryContext, type TranscriptEntry } from "./transcript.ts";
import { VERSION } from "./version.ts";

export interface SidechainLog {
  readonly path: string;
  prompt(content: string | UserBlock[]): void;
  assistant(message: AssistantMessage): void;
  toolResults(results: ToolResultBlock[]): void;
  close(): void;
}

export function subagentTranscriptPath(sessionFolder: string, agentId: string): string {
  return join(sessionFolder, "subagents", `agent-${agentId}.jsonl`);
}

export function openSidechainLog(path: string, ids: { sessionId: string; agentId: string; cwd: string }): SidechainLog {
  const ctx: EntryContext = { sessionId: ids.sessionId, cwd: ids.cwd, version: VERSION, entrypoint: "sub-agent" };
  const writer: TranscriptWriter = openTranscript(path);
  let parent: string | null = null;
  const write = (entries: TranscriptEntry[]): void => {
    const marked = entries.map((e) => ({ ...e, isSidechain: true, agentId: ids.agentId }));
    // A sub-agent's record is a convenience: a full disk must not fail the work it describes.
    try {
      writer.append(marked);
    } catch {
      // Left incomplete; the parent's transcript still has the agent's result.
    }
    const last = entries[entries.length - 1];
    if (last && "uuid" in last && typeof last.uuid === "string") parent = last.uuid;
  };
  return {
    path,
    prompt: (content) => write([userEntry(ctx, parent, content)]),
    assistant: (message) => write(assistantEntries(ctx, parent, message, costUSD(message.model, message.usage))),
    toolResults(results) {
      const entries: TranscriptEntry[] = [];
      for (const block of results) {
        const entry = userEntry(ctx, parent, [block]);
        parent = entry.uuid;
        entries.push(entry);
      }
      write(entries);
    },
    close: () => writer.close(),
  };
}
