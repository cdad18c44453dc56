// One dream: a sub-agent consolidates the session notes into a copy of the memory folder, and the copy
// replaces the old memory only when the sub-agent finished and the result is valid. The sub-agent can
// read the copy and the session notes and write only inside the copy; on failure, abort or a kill the
// old memory stays byte for byte (a killed dream's copy and lock are cleaned up by the next one).
import { rmSync } from "node:fs";
import { escape } from "minimatch";
import type { AgentConfig, AgentEvent } from "./agent.ts";
import { homeDir, type Env } from "./config-dir.ts";
import { shouldDream, writeLastDream, type DreamGate, type DreamSettings, type GateResult } from "./dream-gates.ts";
import { releaseLock, stillHeld } from "./dream-lock.ts";
import { DREAM_TYPE, dreamTask } from "./dream-prompt.ts";
import { prepareStaging, swapIn, validateStaging } from "./dream-swap.ts";
import { memoryLayout } from "./memory-dir.ts";
import type { PermissionContext } from "./permission-context.ts";
import type { PermissionRule } from "./permission-rules.ts";
import { realPathOr } from "./paths.ts";
import { createSessionState } from "./session-state.ts";
import { runSubagent, type SubagentParent } from "./subagent.ts";
import type { Tool } from "./tool.ts";
import { editTool } from "./tools/edit.ts";
import { globTool } from "./tools/glob.ts";
import { grepTool } from "./tools/grep.ts";
import { readTool } from "./tools/read.ts";
import { writeTool } from "./tools/write.ts";

/** A dream that runs longer than this is stopped (and changes nothing). */
const DEFAULT_MAX_DURATION_MS = 20 * 60 * 1000;

export interface DreamOptions {
  /** The memory folder. */
  dir: string;
  /** A passed gate (shouldDream): holds the lock, which runDream releases whatever happens. */
  gate: Extract<GateResult, { run: true }>;
  /** The session's agent configuration: its provider, model and retry policy are used. */
  config: AgentConfig;
  env: Env;
  /** Names the dream's conversation (transcripts, the child session's id). */
  sessionId?: string;
  /** An alias or model id for the dream; default the parent's. */
  model?: string;
  now?: () => Date;
  signal?: AbortSignal;
  maxDurationMs?: number;
  onEvent?: (event: AgentEvent) => void;
  transcriptPath?: string;
}

export interface DreamResult {
  status: "completed" | "failed" | "stopped";
  /** The sub-agent's report, or what went wrong. */
  message: string;
  /** Topic files of the new memory (completed only). */
  topics: string[];
  warnings: string[];
}

/** Writes only inside the staging folder (an allow rule, since it may sit in a protected ~/.hone). */
function stagingContext(staging: string, sessions: string, env: Env): PermissionContext {
  const rule: PermissionRule = {
    text: `Edit(//${staging}/**)`,
    kind: "allow",
    tool: "Edit",
    specifier: `/${escape(staging)}/**`,
    source: { file: "autoDream", scope: "session" },
    anchor: staging,
  };
  return { mode: "dontAsk", rules: [rule], cwd: staging, home: homeDir(env), workingDirs: [staging], readableDirs: [realPathOr(sessions)] };
}

function dreamParent(options: DreamOptions, staging: string, context: PermissionContext): SubagentParent {
  const sessionId = options.sessionId ?? `dream-${process.pid}`;
  // Its own session state and no hooks: nothing of the dream reaches the session's file history, and
  // no PreToolUse hook can widen where it writes.
  const config: AgentConfig = { ...options.config, hooks: undefined, session: createSessionState(sessionId, staging), projectDir: staging, control: {} };
  const tools = [readTool, globTool, grepTool, writeTool, editTool] as Tool[];
  return { config, tools, permissions: () => context, env: options.env, sessionId };
}

/** Runs the four phases as one sub-agent conversation and swaps the result in when it is valid. */
export async function runDream(options: DreamOptions): Promise<DreamResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const { lock } = options.gate;
  const layout = memoryLayout(options.dir);
  const warnings: string[] = [];
  const result = (status: DreamResult["status"], message: string, topics: string[] = []): DreamResult => ({ status, message, topics, warnings });
  const timeout = AbortSignal.timeout(options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let staging: string | undefined;
  try {
    if (signal.aborted) return result("stopped", "The dream was stopped before it started.");
    staging = realPathOr(prepareStaging(options.dir));
    const context = stagingContext(staging, layout.sessions, options.env);
    const prompt = dreamTask({ staging, sessions: realPathOr(layout.sessions), logs: options.gate.logs, lastDream: options.gate.lastDream, now: started });
    const spec = {
      id: `dream-${process.pid}`,
      type: DREAM_TYPE,
      prompt,
      cwd: staging,
      extraDirs: [staging],
      ...(options.model ? { model: options.model } : {}),
      ...(options.transcriptPath ? { transcriptPath: options.transcriptPath } : {}),
    };
    const outcome = await runSubagent(spec, dreamParent(options, staging, context), signal, options.onEvent ?? (() => {}));
    if (outcome.status === "stopped" || signal.aborted) {
      return result("stopped", timeout.aborted ? "The dream ran out of time; the memory is unchanged." : "The dream was stopped; the memory is unchanged.");
    }
    if (outcome.status !== "completed") return result("failed", `${outcome.text}\nThe memory is unchanged.`);
    const check = validateStaging(staging);
    if (!check.ok) return result("failed", `The dream's result was not used: ${check.reason}. The memory is unchanged.`);
    warnings.push(...check.warnings);
    // A dream that outlived its lock (taken over after an hour) must not swap over the new holder's work.
    if (!stillHeld(lock)) return result("failed", "The dream lost its lock to another dream; its result was not used.");
    swapIn(options.dir, staging);
    writeLastDream(options.dir, started);
    return result("completed", outcome.text, check.topics);
  } catch (error) {
    return result("failed", `The dream failed: ${error instanceof Error ? error.message : String(error)}. The memory is unchanged.`);
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
    releaseLock(lock);
  }
}

export type DreamRun = ({ ran: true } & DreamResult & { notes: string[] }) | { ran: false; blocked: DreamGate; reason: string };

/**
 * The gates, then the dream when they pass: what `--dream-now` (force) and a background dream process
 * (no force) both run. `settings` is the merged settings' `memory` table.
 */
export async function dreamWhenDue(options: Omit<DreamOptions, "gate"> & { settings: DreamSettings; force?: boolean }): Promise<DreamRun> {
  const now = options.now ?? (() => new Date());
  const gate = shouldDream(options.dir, options.settings, now(), { force: options.force ?? false });
  if (!gate.run) return { ran: false, blocked: gate.blocked, reason: gate.reason };
  const result = await runDream({ ...options, gate });
  return { ran: true, ...result, notes: gate.notes };
}
