// Where long-term memory lives and how it is laid out: MEMORY.md (the index, always in the system
// prompt), topics/*.md (read on demand), sessions/YYYY-MM-DD.log (append-only notes of each session),
// and the dream's bookkeeping (.dream.lock, .last-dream, staging and backup folders of a dream).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { homeDir, honeHome, type Env } from "./config-dir.ts";
import { truncateHead } from "./truncate.ts";

export const INDEX_MAX_LINES = 200;
export const INDEX_MAX_BYTES = 25 * 1024;

export const STAGING_PREFIX = ".dream-staging-";
export const BACKUP_PREFIX = ".dream-backup-";
export const TRASH_PREFIX = ".dream-trash-";
/** Written into a backup folder before anything moves: which parts of the old memory existed. */
export const MANIFEST = "manifest.json";

export interface MemoryLayout {
  dir: string;
  index: string;
  topics: string;
  sessions: string;
  lock: string;
  lastDream: string;
}

export function memoryLayout(dir: string): MemoryLayout {
  return {
    dir,
    index: join(dir, "MEMORY.md"),
    topics: join(dir, "topics"),
    sessions: join(dir, "sessions"),
    lock: join(dir, ".dream.lock"),
    lastDream: join(dir, ".last-dream"),
  };
}

function expandHome(path: string, env: Env): string {
  if (path === "~") return homeDir(env);
  if (path.startsWith("~/")) return join(homeDir(env), path.slice(2));
  return path;
}

/** HONE_MEMORY_DIR, then settings memory.memoryDir, then ~/.hone/memory (HONE_CONFIG_DIR moves it). */
export function memoryDir(settings: { memory?: { memoryDir?: string | undefined } | undefined }, env: Env): string {
  const chosen = env.HONE_MEMORY_DIR || settings.memory?.memoryDir;
  return chosen ? expandHome(chosen, env) : join(honeHome(env), "memory");
}

/** The pid a dream folder (staging, backup, trash) was made by, or undefined for other names. */
export function dreamFolderPid(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const pid = Number(name.slice(prefix.length));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The names in a folder; none when it does not exist (yet). */
export function folderNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface BackupManifest {
  hadIndex: boolean;
  hadTopics: boolean;
}

export function readManifest(backup: string): BackupManifest | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(backup, MANIFEST), "utf8"));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const m = parsed as Record<string, unknown>;
    return typeof m.hadIndex === "boolean" && typeof m.hadTopics === "boolean" ? { hadIndex: m.hadIndex, hadTopics: m.hadTopics } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The index as it stood before a dream's swap that has not finished (or was killed half-way): while a
 * backup folder with a manifest exists, the old index is the consistent one. undefined: read MEMORY.md.
 */
function indexBeforeSwap(dir: string): { path?: string } | undefined {
  for (const name of folderNames(dir)) {
    if (dreamFolderPid(name, BACKUP_PREFIX) === undefined) continue;
    const backup = join(dir, name);
    const manifest = readManifest(backup);
    if (!manifest) continue;
    return manifest.hadIndex ? { path: join(backup, "MEMORY.md") } : {};
  }
  return undefined;
}

export interface CappedIndex {
  text: string;
  cut: boolean;
  totalLines: number;
}

/** The first whole lines of the index within 200 lines and 25 KB (bytes of UTF-8, not characters). */
export function capIndex(text: string): CappedIndex {
  let maxChars = INDEX_MAX_BYTES;
  for (;;) {
    const kept = truncateHead(text, { maxLines: INDEX_MAX_LINES, maxChars });
    const over = Buffer.byteLength(kept.text, "utf8") - INDEX_MAX_BYTES;
    if (over <= 0) return { text: kept.text, cut: kept.truncated, totalLines: kept.totalLines };
    // Multi-byte characters: shrink the character budget by the overshoot and cut again.
    maxChars = Math.max(1, maxChars - over);
  }
}

const PREAMBLE = (dir: string) =>
  [
    "# Memory",
    `Your long-term memory is the folder ${dir}. It is kept by a background consolidation ("dream") that reads the notes of past sessions; you do not write to it.`,
    `Below is its index, MEMORY.md: one line per topic file. The topic files are in ${join(dir, "topics")}; read one with Read when its subject matters to the task. Dates in memory are absolute; prefer what you see in the code when the two disagree.`,
  ].join("\n");

function readIndex(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** MEMORY.md for the system prompt, with a short preamble; empty text when there is no memory yet. */
export function loadMemoryIndex(dir: string): { text: string; warnings: string[] } {
  const layout = memoryLayout(dir);
  const before = indexBeforeSwap(dir);
  let raw = before === undefined ? readIndex(layout.index) : before.path === undefined ? undefined : readIndex(before.path);
  // The swap committed between listing the folder and reading the backup: the new index is in place.
  if (raw === undefined && before?.path !== undefined) raw = readIndex(layout.index);
  if (raw === undefined || raw.trim() === "") return { text: "", warnings: [] };
  const capped = capIndex(raw.replace(/\s+$/, ""));
  const warnings: string[] = [];
  let body = capped.text;
  if (capped.cut) {
    const limit = `${INDEX_MAX_LINES} lines / ${INDEX_MAX_BYTES / 1024} KB`;
    body += `\n\n[MEMORY.md is longer than ${limit}; the rest was left out. Read ${layout.index} to see all of it.]`;
    warnings.push(`${layout.index} is over ${limit} (${capped.totalLines} lines); only its beginning is in the prompt. The next dream shortens it.`);
  }
  return { text: `${PREAMBLE(dir)}\n\n${body}`, warnings };
}
