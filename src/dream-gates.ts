// Whether a dream should run now: three gates, cheapest first. Enough hours since the last dream
// (.last-dream holds its ISO time; none means never), enough sessions logged since then (entries in the
// session logs newer than it), and the lock free or stale. The last gate takes the lock, so a caller
// that is told to dream holds it; leftovers of dreams whose process died are cleaned up at that point.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { acquireLock, lockHeld, pidAlive, type DreamLock, type IsAlive } from "./dream-lock.ts";
import { recoverLeftovers } from "./dream-swap.ts";
import { folderNames, memoryLayout } from "./memory-dir.ts";
import { ENTRY_HEADER, logDay } from "./session-log.ts";

export interface DreamSettings {
  dreamIntervalHours: number;
  dreamSessionThreshold: number;
}

export type DreamGate = "interval" | "sessions" | "lock";

export type GateResult =
  | {
      run: true;
      lock: DreamLock;
      /** The last dream's time, undefined if there was none. */
      lastDream: Date | undefined;
      /** Session logs holding entries newer than the last dream, oldest first. */
      logs: string[];
      sessions: number;
      /** Stale locks taken over and leftovers cleaned, for the log. */
      notes: string[];
    }
  | { run: false; blocked: DreamGate; reason: string };

export interface GateOptions {
  /** --dream-now: skips the time and session gates, never the lock. */
  force?: boolean;
  isAlive?: IsAlive;
}

export function readLastDream(dir: string): Date | undefined {
  try {
    const time = new Date(readFileSync(memoryLayout(dir).lastDream, "utf8").trim());
    return Number.isNaN(time.getTime()) ? undefined : time;
  } catch {
    return undefined;
  }
}

/** Records when a dream started (the sessions it read are those logged before this time). */
export function writeLastDream(dir: string, time: Date): void {
  const path = memoryLayout(dir).lastDream;
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, `${time.toISOString()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Session entries newer than `since` (all of them when undefined), and the logs that hold them. */
export function sessionsSince(dir: string, since: Date | undefined): { count: number; logs: string[] } {
  const folder = memoryLayout(dir).sessions;
  const names = folderNames(folder).filter((n) => /^\d{4}-\d{2}-\d{2}\.log$/.test(n)).sort();
  // Logs are named by local date and entries carry UTC times: a day of margin covers any time zone.
  const from = since ? logDay(new Date(since.getTime() - 24 * 3600_000)) : "";
  let count = 0;
  const logs: string[] = [];
  for (const name of names) {
    if (name.slice(0, 10) < from) continue;
    let text: string;
    try {
      text = readFileSync(join(folder, name), "utf8");
    } catch {
      continue;
    }
    let here = 0;
    for (const line of text.split("\n")) {
      const match = ENTRY_HEADER.exec(line);
      if (!match) continue;
      const time = Date.parse(match[1]!);
      if (!Number.isNaN(time) && (since === undefined || time > since.getTime())) here++;
    }
    if (here > 0) logs.push(join(folder, name));
    count += here;
  }
  return { count, logs };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A dream that failed is tried again only after this long, not at every session's end. */
const RETRY_HOURS = 1;
const attemptPath = (dir: string): string => join(dir, ".last-dream-attempt");

function readAttempt(dir: string): Date | undefined {
  try {
    const time = new Date(readFileSync(attemptPath(dir), "utf8").trim());
    return Number.isNaN(time.getTime()) ? undefined : time;
  } catch {
    return undefined;
  }
}

type Blocked = { run: false; blocked: DreamGate; reason: string };
interface Due {
  lastDream: Date | undefined;
  logs: string[];
  sessions: number;
}

/** The time and session gates, which only read files. */
function cheapGates(dir: string, settings: DreamSettings, now: Date, force: boolean): Due | Blocked {
  const lastDream = readLastDream(dir);
  if (!force && lastDream) {
    const hours = (now.getTime() - lastDream.getTime()) / 3600_000;
    if (hours < settings.dreamIntervalHours) {
      return { run: false, blocked: "interval", reason: `the last dream was ${hours.toFixed(1)} hours ago; dreams are at least ${settings.dreamIntervalHours} hours apart` };
    }
  }
  const attempt = readAttempt(dir);
  if (!force && attempt && (!lastDream || attempt > lastDream)) {
    const hours = (now.getTime() - attempt.getTime()) / 3600_000;
    if (hours < RETRY_HOURS) {
      return { run: false, blocked: "interval", reason: `a dream started ${Math.round(hours * 60)} minutes ago did not finish; the next try waits until an hour has passed` };
    }
  }
  const { count, logs } = sessionsSince(dir, lastDream);
  if (!force && count < settings.dreamSessionThreshold) {
    return { run: false, blocked: "sessions", reason: `${plural(count, "session")} logged since the last dream; a dream needs ${settings.dreamSessionThreshold}` };
  }
  return { lastDream, logs, sessions: count };
}

/**
 * All three gates without taking the lock or cleaning anything: whether a dream would start now. For
 * a session end deciding whether to start a dream process, which then calls shouldDream itself (the
 * lock must carry the pid of the process that dreams).
 */
export function checkGates(dir: string, settings: DreamSettings, now: Date, options: GateOptions = {}): Blocked | ({ run: true } & Due) {
  const due = cheapGates(dir, settings, now, options.force ?? false);
  if ("blocked" in due) return due;
  const held = lockHeld(dir, now, options.isAlive ?? pidAlive);
  return held ? { run: false, blocked: "lock", reason: held } : { run: true, ...due };
}

/** The three gates, cheapest first; passing the last one takes the lock (and cleans up dead dreams). */
export function shouldDream(dir: string, settings: DreamSettings, now: Date, options: GateOptions = {}): GateResult {
  const due = cheapGates(dir, settings, now, options.force ?? false);
  if ("blocked" in due) return due;
  const isAlive = options.isAlive ?? pidAlive;
  const attempt = acquireLock(dir, now, isAlive);
  if (!attempt.ok) return { run: false, blocked: "lock", reason: attempt.reason };
  // Marked before the work: a dream that fails or is killed does not start again at every session's end.
  writeFileSync(attemptPath(dir), `${now.toISOString()}\n`, { mode: 0o600 });
  const notes = [...(attempt.tookOver ? [`took over the lock: ${attempt.tookOver}`] : []), ...recoverLeftovers(dir, isAlive)];
  return { run: true, lock: attempt.lock, ...due, notes };
}
