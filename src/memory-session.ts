// What a session leaves in the memory when it ends: its note in the day's session log, and, when the
// dream gates pass, a background dream in a detached `hone __dream` (a dream must survive the session;
// a killed one leaves the old memory as it was, and the next one clears its lock and staging folder).
import type { Env } from "./config-dir.ts";
import type { Message } from "./messages.ts";
import { appendSessionLog, sessionLogEntry } from "./session-log.ts";

export interface SessionMemory {
  dir: string;
  autoDream: boolean;
  settings: { dreamIntervalHours: number; dreamSessionThreshold: number };
}

/** Returns what went wrong, for a notice; the session itself never fails over its memory. */
export async function recordSessionMemory(memory: SessionMemory, history: readonly Message[], info: { sessionId: string; cwd: string; env: Env }, now = new Date()): Promise<string | undefined> {
  try {
    const entry = sessionLogEntry(history, { sessionId: info.sessionId, cwd: info.cwd, time: now });
    if (!entry) return undefined;
    appendSessionLog(memory.dir, entry, now);
    if (!memory.autoDream) return undefined;
    // The gates (and what starts a dream) are loaded only when dreaming is on.
    const { checkGates } = await import("./dream-gates.ts");
    if (checkGates(memory.dir, memory.settings, now).run) await startBackgroundDream(info.cwd, info.env);
    return undefined;
  } catch (error) {
    return `could not write the session's memory note in ${memory.dir}: ${(error as Error).message}`;
  }
}

async function startBackgroundDream(cwd: string, env: Env): Promise<void> {
  const [{ spawn }, { selfCommand }] = await Promise.all([import("node:child_process"), import("./sandbox-proxy.ts")]);
  const [file, ...args] = [...selfCommand(), "__dream"];
  const child = spawn(file!, args, { cwd, env, detached: true, stdio: "ignore" });
  child.on("error", () => undefined);
  child.unref();
}
