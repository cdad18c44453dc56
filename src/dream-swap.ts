// How a dream's result replaces the old memory without ever leaving a half-written one: the dream works
// on a copy (.dream-staging-<pid>); the swap first records in a backup folder which parts existed, moves
// the old MEMORY.md and topics/ into it, moves the new ones into place, and only then renames the backup
// to a trash name (the commit point). A dream killed before that point is rolled back by the next one;
// until then loadMemoryIndex reads the old index from the backup.
import { closeSync, cpSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BACKUP_PREFIX, dreamFolderPid, folderNames, INDEX_MAX_BYTES, INDEX_MAX_LINES, MANIFEST, memoryLayout, readManifest, STAGING_PREFIX, TRASH_PREFIX, type BackupManifest } from "./memory-dir.ts";
import type { IsAlive } from "./dream-lock.ts";
import { lineCount } from "./tool-display.ts";

const PARTS = ["index", "topics"] as const;
const NAMES = { index: "MEMORY.md", topics: "topics" } as const;

export function stagingPath(dir: string, pid = process.pid): string {
  return join(dir, `${STAGING_PREFIX}${pid}`);
}

function syncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on folders; the renames are still ordered.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A fresh copy of MEMORY.md and topics/ for the dream to work on. */
export function prepareStaging(dir: string): string {
  const layout = memoryLayout(dir);
  const staging = stagingPath(dir);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  if (existsSync(layout.index)) cpSync(layout.index, join(staging, NAMES.index));
  if (existsSync(layout.topics)) cpSync(layout.topics, join(staging, NAMES.topics), { recursive: true });
  else mkdirSync(join(staging, NAMES.topics));
  return staging;
}

export type StagingCheck = { ok: true; topics: string[]; warnings: string[] } | { ok: false; reason: string };

/** Whether the staging folder holds a usable memory: an index within the caps and only .md topic files. */
export function validateStaging(staging: string): StagingCheck {
  const index = join(staging, NAMES.index);
  const topicsDir = join(staging, NAMES.topics);
  if (!existsSync(index) || !lstatSync(index).isFile()) return { ok: false, reason: "the dream wrote no MEMORY.md" };
  const text = readFileSync(index, "utf8");
  const bytes = Buffer.byteLength(text, "utf8");
  const lines = lineCount(text);
  if (lines > INDEX_MAX_LINES || bytes > INDEX_MAX_BYTES) {
    return { ok: false, reason: `MEMORY.md has ${lines} lines and ${bytes} bytes; the limit is ${INDEX_MAX_LINES} lines and ${INDEX_MAX_BYTES} bytes` };
  }
  const topics: string[] = [];
  if (existsSync(topicsDir)) {
    if (!lstatSync(topicsDir).isDirectory()) return { ok: false, reason: "topics is not a folder" };
    for (const name of readdirSync(topicsDir).sort()) {
      const st = lstatSync(join(topicsDir, name));
      if (!st.isFile() || !name.endsWith(".md")) return { ok: false, reason: `topics/${name} is not a .md file` };
      // An emptied topic file is how the dream drops a topic (it has no tool to delete one).
      if (readFileSync(join(topicsDir, name), "utf8").trim() === "") rmSync(join(topicsDir, name));
      else topics.push(name);
    }
  } else {
    mkdirSync(topicsDir);
  }
  const warnings: string[] = [];
  const missing = topics.filter((name) => !text.includes(name.replace(/\.md$/, "")));
  if (missing.length > 0) warnings.push(`MEMORY.md does not mention ${missing.map((n) => `topics/${n}`).join(", ")}`);
  const extra = readdirSync(staging).filter((name) => name !== NAMES.index && name !== NAMES.topics);
  if (extra.length > 0) warnings.push(`left out of the new memory: ${extra.join(", ")} (only MEMORY.md and topics/ are kept)`);
  // What is about to replace the old memory must be on disk before the old one moves.
  for (const name of topics) syncPath(join(topicsDir, name));
  syncPath(index);
  syncPath(topicsDir);
  syncPath(staging);
  return { ok: true, topics, warnings };
}

/**
 * Replaces the old MEMORY.md and topics/ with the staging folder's; the staging folder is gone after.
 * A failure before the commit point puts the old memory back and rethrows.
 */
export function swapIn(dir: string, staging: string): void {
  const layout = memoryLayout(dir);
  const live = { index: layout.index, topics: layout.topics };
  const backup = join(dir, `${BACKUP_PREFIX}${process.pid}`);
  if (existsSync(backup)) rollBack(dir, backup);
  mkdirSync(backup);
  try {
    const manifest: BackupManifest = { hadIndex: existsSync(live.index), hadTopics: existsSync(live.topics) };
    writeFileSync(join(backup, MANIFEST), JSON.stringify(manifest));
    syncPath(join(backup, MANIFEST));
    syncPath(backup);
    syncPath(dir);
    if (manifest.hadIndex) renameSync(live.index, join(backup, NAMES.index));
    if (manifest.hadTopics) renameSync(live.topics, join(backup, NAMES.topics));
    renameSync(join(staging, NAMES.index), live.index);
    renameSync(join(staging, NAMES.topics), live.topics);
    syncPath(dir);
  } catch (error) {
    rollBack(dir, backup);
    throw error;
  }
  const trash = join(dir, `${TRASH_PREFIX}${process.pid}`);
  rmSync(trash, { recursive: true, force: true });
  renameSync(backup, trash);
  syncPath(dir);
  rmSync(trash, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
}

/** Puts the old memory back from a backup whose swap never reached its commit point. */
function rollBack(dir: string, backup: string): void {
  const manifest = readManifest(backup);
  const layout = memoryLayout(dir);
  const live = { index: layout.index, topics: layout.topics };
  // Without a manifest nothing was moved yet.
  if (manifest) {
    const had = { index: manifest.hadIndex, topics: manifest.hadTopics };
    for (const part of PARTS) {
      const saved = join(backup, NAMES[part]);
      if (existsSync(saved)) {
        rmSync(live[part], { recursive: true, force: true });
        renameSync(saved, live[part]);
      } else if (!had[part]) {
        // There was none before the dream: whatever is there now came from its staging folder.
        rmSync(live[part], { recursive: true, force: true });
      }
    }
    syncPath(dir);
  }
  rmSync(backup, { recursive: true, force: true });
}

/**
 * Cleans up after dreams whose process died: rolls back an unfinished swap, removes staging and trash
 * folders. Called with the lock held, so no live dream of this folder can be using them. Returns what
 * it did, for the log.
 */
export function recoverLeftovers(dir: string, isAlive: IsAlive): string[] {
  const names = folderNames(dir);
  const done: string[] = [];
  const dead = (pid: number | undefined) => pid !== undefined && pid !== process.pid && !isAlive(pid);
  for (const name of names) {
    if (dead(dreamFolderPid(name, BACKUP_PREFIX))) {
      rollBack(dir, join(dir, name));
      done.push(`restored the memory from ${name}, left by a dream that died while swapping`);
    }
  }
  for (const name of names) {
    if (dead(dreamFolderPid(name, STAGING_PREFIX)) || dead(dreamFolderPid(name, TRASH_PREFIX))) {
      rmSync(join(dir, name), { recursive: true, force: true });
      done.push(`removed ${name}, left by a dream that did not finish`);
    }
  }
  return done;
}
