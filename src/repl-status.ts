// The figures the status line command gets (§15.3 of the compat notes), gathered from the session's
// events as they happen: latest usage, API time, lines the file tools added and removed.
import type { AgentEvent } from "./agent.ts";
import type { Conversation } from "./conversation.ts";
import type { Usage } from "./models.ts";
import type { PreparedRun } from "./prepare-run.ts";
import { lineCount, patchLineCounts } from "./tool-display.ts";
import { createStatusLine, statusLineInput, type StatusInfo, type StatusLine } from "./status-line.ts";

export interface StatusTracker {
  observe(event: AgentEvent): void;
  /** A turn's result message (for its API time). */
  turnDone(result: unknown): void;
  info(run: PreparedRun, conversation: Conversation, vimMode?: "NORMAL" | "INSERT"): StatusInfo;
}

export function createStatusTracker(started = performance.now()): StatusTracker {
  let lastUsage: Usage | undefined;
  let apiMs = 0;
  let added = 0;
  let removed = 0;
  return {
    observe(event) {
      if (event.type === "assistant") lastUsage = { ...event.message.usage } as Usage;
      if (event.type !== "tool_result" || event.result.isError) return;
      const s = event.result.structured as { type?: string; content?: string } | undefined;
      if (event.name === "Write" && s?.type === "create" && typeof s.content === "string") {
        added += lineCount(s.content);
        return;
      }
      const counts = patchLineCounts((s as { structuredPatch?: unknown } | undefined)?.structuredPatch);
      added += counts.added;
      removed += counts.removed;
    },
    turnDone(result) {
      const ms = (result as { duration_api_ms?: unknown }).duration_api_ms;
      if (typeof ms === "number") apiMs += ms;
    },
    info(run, conversation, vimMode) {
      const { setup, session } = run;
      return {
        sessionId: session.id,
        ...(session.transcriptPath ? { transcriptPath: session.transcriptPath } : {}),
        cwd: setup.agent.session.cwd,
        projectDir: setup.cwd,
        addedDirs: setup.permissions.workingDirs.filter((d) => d !== setup.cwd),
        model: setup.agent.model,
        outputStyle: run.styles.current.name,
        ledger: conversation.ledger,
        ...(lastUsage ? { lastUsage } : {}),
        durationMs: performance.now() - started,
        apiDurationMs: apiMs,
        linesAdded: added,
        linesRemoved: removed,
        ...(vimMode ? { vimMode } : {}),
      };
    },
  };
}

/** The status line command of the settings, or undefined when none is configured. */
export function startStatusLine(run: PreparedRun, env: NodeJS.ProcessEnv, onLines: (lines: string[]) => void, onError: (message: string) => void): StatusLine | undefined {
  const config = run.settings.statusLine;
  if (!config) return undefined;
  return createStatusLine({ command: config.command, ...(config.padding !== undefined ? { padding: config.padding } : {}), cwd: run.setup.cwd, env, onLines, onError });
}

export { statusLineInput };
