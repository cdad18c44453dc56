// The consolidation lock, .dream.lock: a JSON file holding the pid, host and start time of the dream
// that holds it. It is free when absent, stale when older than an hour or when its process is gone.
// Taking a free lock is an exclusive create; taking over a stale one is serialised by a marker file
// named after the stale content, so two processes that both found the same stale lock cannot both
// replace it: only the one that creates the marker may, and it re-checks the content first.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { memoryLayout } from "./memory-dir.ts";

export const STALE_LOCK_MS = 60 * 60 * 1000;
/** A lock file that cannot be parsed (its writer died between create and write) is stale after this. */
const UNREADABLE_GRACE_MS = 60 * 1000;

export interface LockContent {
  pid: number;
  host: string;
  time: string;
  token: string;
}

export interface DreamLock {
  path: string;
  content: LockContent;
  raw: string;
}

export type LockAttempt =
  | { ok: true; lock: DreamLock; tookOver?: string }
  | { ok: false; reason: string; holder?: LockContent };

export type IsAlive = (pid: number) => boolean;

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
import { processAlive as pidAlive } from "./process-alive.ts";
export { pidAlive };

export function parseLock(raw: string): LockContent | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.pid !== "number" || typeof v.time !== "string" || Number.isNaN(Date.parse(v.time))) return undefined;
    return { pid: v.pid, host: typeof v.host === "string" ? v.host : "", time: v.time, token: typeof v.token === "string" ? v.token : "" };
  } catch {
    return undefined;
  }
}

/** Why a lock is stale, or undefined while it is held by a live dream. */
export function staleReason(raw: string, mtimeMs: number, now: Date, isAlive: IsAlive = pidAlive): string | undefined {
  const content = parseLock(raw);
  if (!content) return now.getTime() - mtimeMs > UNREADABLE_GRACE_MS ? "it is unreadable" : undefined;
  const age = now.getTime() - Date.parse(content.time);
  if (age > STALE_LOCK_MS) return `it is ${Math.round(age / 60_000)} minutes old`;
  if ((content.host === "" || content.host === hostname()) && !isAlive(content.pid)) return `its process ${content.pid} is gone`;
  return undefined;
}

function newContent(now: Date): LockContent {
  return { pid: process.pid, host: hostname(), time: now.toISOString(), token: randomBytes(8).toString("hex") };
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  fsyncSync(fd);
}

/** Creates `path` only if it does not exist; false when it does. */
function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeAll(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(path: string): { raw: string; mtimeMs: number } | undefined {
  try {
    return { raw: readFileSync(path, "utf8"), mtimeMs: statSync(path).mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** Replaces the stale lock whose content is `stale`; false when another process got there first. */
function takeOver(path: string, stale: string, fresh: string, now: Date, isAlive: IsAlive): boolean {
  const marker = `${path}.takeover-${createHash("sha256").update(stale).digest("hex").slice(0, 16)}`;
  if (!createExclusive(marker, fresh)) {
    // A taker that died between its marker and its rename would block this content forever: its marker
    // (which holds its lock content) goes stale like a lock, and the next attempt may try again.
    const taker = readLock(marker);
    if (taker && staleReason(taker.raw, taker.mtimeMs, now, isAlive) && readLock(marker)?.raw === taker.raw) removeQuietly(marker);
    return false;
  }
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    // Only this process holds the marker for this content, and a fresh lock cannot be created while the
    // stale file exists, so the content checked here is what the rename replaces.
    if (readLock(path)?.raw !== stale) return false;
    const fd = openSync(temp, "w", 0o600);
    try {
      writeAll(fd, fresh);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    return true;
  } finally {
    removeQuietly(temp);
    removeQuietly(marker);
  }
}

/** Why the lock of `dir` is held by a live dream, or undefined when it is free or stale. Changes nothing. */
export function lockHeld(dir: string, now: Date, isAlive: IsAlive = pidAlive): string | undefined {
  const current = readLock(memoryLayout(dir).lock);
  if (!current || staleReason(current.raw, current.mtimeMs, now, isAlive)) return undefined;
  const holder = parseLock(current.raw);
  return `a dream is running (process ${holder?.pid ?? "?"} since ${holder?.time ?? "?"})`;
}

/** Takes the lock of the memory folder `dir` if it is free or stale. */
export function acquireLock(dir: string, now: Date, isAlive: IsAlive = pidAlive): LockAttempt {
  const path = memoryLayout(dir).lock;
  mkdirSync(dir, { recursive: true });
  const content = newContent(now);
  const raw = `${JSON.stringify(content)}\n`;
  const lock: DreamLock = { path, content, raw };
  if (createExclusive(path, raw)) return { ok: true, lock };
  const current = readLock(path);
  // Released between our create and our read: try once more.
  if (!current) return createExclusive(path, raw) ? { ok: true, lock } : { ok: false, reason: "another dream took the lock just now" };
  const holder = parseLock(current.raw);
  const stale = staleReason(current.raw, current.mtimeMs, now, isAlive);
  if (!stale) return { ok: false, reason: lockHeld(dir, now, isAlive) ?? "a dream is running", ...(holder ? { holder } : {}) };
  if (!takeOver(path, current.raw, raw, now, isAlive)) return { ok: false, reason: "another process is taking over the stale lock", ...(holder ? { holder } : {}) };
  return { ok: true, lock, tookOver: `the previous lock was stale: ${stale}` };
}

/** Whether the lock file still holds this lock (checked before the swap, which must not run twice). */
export function stillHeld(lock: DreamLock): boolean {
  return readLock(lock.path)?.raw === lock.raw;
}

/** Removes the lock if it is still this one (a takeover after an hour leaves the new holder's alone). */
export function releaseLock(lock: DreamLock): void {
  if (stillHeld(lock)) removeQuietly(lock.path);
}
