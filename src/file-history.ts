// Per-prompt file snapshots for `hone rewind`. Before a file tool changes a file, its current bytes
// (or the fact it did not exist) are saved once per checkpoint, so the working files can be put back to
// how they were just before any earlier prompt.
//
// Layout under `dir` (<session folder>/file-history):
//   blobs/<sha256>     content-addressed copies of file bytes (deduplicated, written temp + rename, fsynced)
//   checkpoints.jsonl  append-only manifest, one JSON object per line:
//     {"type":"checkpoint","id","createdAt"}                      a checkpoint's first backup is about to follow
//     {"type":"file","checkpoint","path","backup","mode"?,"skipped"?}  one backed-up path
// A blob is durable before the manifest line naming it, so a crash leaves at worst an unreferenced blob or
// a torn last line (readers skip it, the next writer starts a fresh line after it).
//
// Limits: only changes made through beforeWrite (the file tools) are tracked, not Bash or external edits.
// Files over MAX_BACKUP_BYTES (50 MB) and non-regular files get no backup: they are recorded with
// `skipped` and restore leaves them as they are. Nothing prunes old checkpoints or unreferenced blobs.
import { createHash, randomUUID } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync } from "node:fs";
import { renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { atomicWrite } from "./file-io.ts";

export interface FileHistory {
  /** Starts the checkpoint for a user prompt (id = that prompt's transcript entry uuid). */
  beginCheckpoint(id: string): void;
  /**
   * Called by file tools before they change absPath: saves its current bytes (or that it did not exist)
   * once per checkpoint. Before any beginCheckpoint, an implicit checkpoint `implicit-<uuid>` is used.
   * Rejects when the backup cannot be saved, so the caller does not change the file unprotected.
   */
  beforeWrite(absPath: string): Promise<void>;
}

export interface Checkpoint {
  id: string;
  createdAt: string;
  /** backup = blob name under blobs/, null = the file did not exist; mode = its permission bits. */
  files: { path: string; backup: string | null; mode?: number }[];
  /** Paths that were about to change but had no backup taken (over 50 MB or not a regular file). */
  skipped?: string[];
}

export interface RestoreResult {
  /** Files written back (they differed from the backup or were missing). */
  restored: string[];
  /** Files deleted because they did not exist before the checkpoint. */
  removed: string[];
  /** Files left alone because no backup was taken (too large or not a regular file). */
  skipped: string[];
}

export const MAX_BACKUP_BYTES = 50 * 1024 * 1024;
const MANIFEST = "checkpoints.jsonl";

type ManifestLine =
  | { type: "checkpoint"; id: string; createdAt: string }
  | { type: "file"; checkpoint: string; path: string; backup: string | null; mode?: number; skipped?: boolean };

function errnoCode(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

/** Durably records a directory entry change (rename/create); not possible on every platform, so best effort. */
function syncDir(path: string): void {
  try {
    const fd = openSync(path, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open directories; the data itself is already fsynced.
  }
}

async function writeBlob(blobDir: string, bytes: Uint8Array): Promise<string> {
  const name = createHash("sha256").update(bytes).digest("hex");
  const target = join(blobDir, name);
  if (existsSync(target)) return name;
  await atomicWrite(target, bytes, 0o600);
  syncDir(blobDir);
  return name;
}

/** True when the manifest exists and its last byte is not a newline (a torn line from a crash). */
function endsTorn(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return false;
  }
  try {
    const size = statSync(path).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

function parseManifest(dir: string): ManifestLine[] {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
  const lines: ManifestLine[] = [];
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const line = JSON.parse(raw) as ManifestLine;
      if (line && (line.type === "checkpoint" || line.type === "file")) lines.push(line);
    } catch {
      // A torn line (crash mid-append): everything before it is intact, so just skip it.
    }
  }
  return lines;
}

export function createFileHistory(dir: string): FileHistory {
  const manifest = join(dir, MANIFEST);
  let current: { id: string; createdAt: string; started: boolean; seen: Set<string> } | undefined;
  let checkedTail = false;
  // File tools do not normally run concurrently, but serialising keeps "once per checkpoint" exact.
  let queue: Promise<void> = Promise.resolve();

  function append(line: ManifestLine): void {
    mkdirSync(dir, { recursive: true });
    let text = `${JSON.stringify(line)}\n`;
    if (!checkedTail) {
      if (endsTorn(manifest)) text = `\n${text}`;
      checkedTail = true;
    }
    const fd = openSync(manifest, "a", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  function begin(id: string): void {
    current = { id, createdAt: new Date().toISOString(), started: false, seen: new Set() };
  }

  async function backup(absPath: string): Promise<void> {
    if (!current) begin(`implicit-${randomUUID()}`);
    const cp = current!;
    if (cp.seen.has(absPath)) return;
    if (!cp.started) {
      // A resumed session may begin an id that is already on disk: keep its earlier backups authoritative.
      const earlier = readCheckpoints(dir).find((c) => c.id === cp.id);
      if (earlier) {
        for (const f of earlier.files) cp.seen.add(f.path);
        for (const p of earlier.skipped ?? []) cp.seen.add(p);
        cp.started = true;
        if (cp.seen.has(absPath)) return;
      }
    }
    const line = await snapshot(absPath, cp.id);
    if (!cp.started) {
      append({ type: "checkpoint", id: cp.id, createdAt: cp.createdAt });
      cp.started = true;
    }
    append(line);
    cp.seen.add(absPath);
  }

  async function snapshot(absPath: string, checkpoint: string): Promise<ManifestLine> {
    const base = { type: "file" as const, checkpoint, path: absPath };
    let st;
    try {
      st = await stat(absPath);
    } catch (error) {
      if (errnoCode(error) === "ENOENT" || errnoCode(error) === "ENOTDIR") return { ...base, backup: null };
      throw error;
    }
    const mode = st.mode & 0o7777;
    if (!st.isFile() || st.size > MAX_BACKUP_BYTES) return { ...base, backup: null, mode, skipped: true };
    const name = await writeBlob(join(dir, "blobs"), await readFile(absPath));
    return { ...base, backup: name, mode };
  }

  return {
    beginCheckpoint(id) {
      begin(id);
    },
    beforeWrite(absPath) {
      const run = queue.then(() => backup(absPath));
      queue = run.catch(() => undefined);
      return run.catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`could not save a rewind backup of ${absPath}, so it was left unchanged: ${message}`);
      });
    },
  };
}

/** Checkpoints in creation order. A repeated id (resumed session) merges into the first; first backup per path wins. */
export function readCheckpoints(dir: string): Checkpoint[] {
  const byId = new Map<string, Checkpoint>();
  for (const line of parseManifest(dir)) {
    if (line.type === "checkpoint") {
      if (!byId.has(line.id)) byId.set(line.id, { id: line.id, createdAt: line.createdAt, files: [] });
      continue;
    }
    const cp = byId.get(line.checkpoint);
    if (!cp) continue; // its start line was lost; cannot happen with ordered, fsynced appends
    if (cp.files.some((f) => f.path === line.path) || cp.skipped?.includes(line.path)) continue;
    if (line.skipped) {
      (cp.skipped ??= []).push(line.path);
      continue;
    }
    const entry: Checkpoint["files"][number] = { path: line.path, backup: line.backup };
    if (line.mode !== undefined) entry.mode = line.mode;
    cp.files.push(entry);
  }
  return [...byId.values()];
}

function writeBack(path: string, bytes: Buffer, mode: number | undefined): boolean {
  let currentMode: number | undefined;
  try {
    const st = statSync(path);
    currentMode = st.mode & 0o7777;
    const unchanged = st.isFile() && st.size === bytes.length && readFileSync(path).equals(bytes);
    if (unchanged && (mode === undefined || mode === currentMode)) return false;
  } catch {
    currentMode = undefined;
  }
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true });
  const wanted = mode ?? currentMode ?? 0o644;
  const temp = join(parent, `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const fd = openSync(temp, "wx", wanted);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // openSync applies the umask; set the recorded bits explicitly (best effort, e.g. on Windows).
    try {
      chmodSync(temp, wanted);
    } catch {
      // keep whatever mode the platform gave it
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
  return true;
}

/**
 * Puts the working files back to how they were just before checkpoint `id` began: every path backed up in
 * `id` or a later checkpoint gets its earliest backup at or after `id` (deleted if it did not exist then).
 */
export function restoreCheckpoint(dir: string, id: string): RestoreResult {
  const all = readCheckpoints(dir);
  const start = all.findIndex((c) => c.id === id);
  if (start < 0) throw new Error(`No checkpoint with id ${id} in ${dir}.`);
  const plan = new Map<string, { backup: string | null; mode?: number } | "skipped">();
  for (const cp of all.slice(start)) {
    for (const f of cp.files) if (!plan.has(f.path)) plan.set(f.path, f);
    for (const p of cp.skipped ?? []) if (!plan.has(p)) plan.set(p, "skipped");
  }
  const result: RestoreResult = { restored: [], removed: [], skipped: [] };
  for (const [path, entry] of plan) {
    if (entry === "skipped") {
      result.skipped.push(path);
      continue;
    }
    if (entry.backup === null) {
      try {
        unlinkSync(path);
        result.removed.push(path);
      } catch (error) {
        if (errnoCode(error) !== "ENOENT") throw error;
      }
      continue;
    }
    const bytes = readFileSync(join(dir, "blobs", entry.backup));
    if (writeBack(path, bytes, entry.mode)) result.restored.push(path);
  }
  return result;
}
