// Durable scheduled prompts, kept per project in <project>/.hone/scheduled_tasks.json as
// { "tasks": [CronJob...] }.
//
// What the file promises a user who edits it by hand:
// - Loading never fails as a whole: an entry that is not a valid task is skipped with a warning naming
//   the file and the entry, and the rest load.
// - Skipped entries are never lost: every write re-reads the file and changes only the entries it was
//   asked to add or remove, so broken entries (and tasks added meanwhile by another hone in the same
//   project) stay exactly as they are until the user fixes or deletes them.
// - A file that is not JSON, or has no "tasks" array, is never overwritten: adding or removing a durable
//   task fails with an error that names the file, until the user repairs or deletes it.
// - Writes go to a temp file that is flushed to disk and renamed over the original.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseCron } from "./cron.ts";
import type { CronJob } from "./session-state.ts";

export const CRON_STORE_RELATIVE = join(".hone", "scheduled_tasks.json");

export class CronStoreError extends Error {
  override name = "CronStoreError";
}

export interface CronStoreLoad {
  jobs: CronJob[];
  /** One line per skipped entry or unreadable file, naming the file; show them to the user. */
  warnings: string[];
}

export interface CronStore {
  readonly path: string;
  load(): CronStoreLoad;
  /** Adds the job (replacing an entry with the same id); throws CronStoreError if the file cannot be updated. */
  add(job: CronJob): void;
  /** Removes the entry with this id if present; throws CronStoreError if the file cannot be updated. */
  remove(id: string): void;
}

export function cronStorePath(projectDir: string): string {
  return join(projectDir, CRON_STORE_RELATIVE);
}

/** The file's raw entries: [] when it does not exist; a CronStoreError when it must not be rewritten. */
function readEntries(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw new CronStoreError(`${path}: cannot be read (${(error as Error).message})`);
  }
  if (text.trim() === "") return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CronStoreError(`${path}: not valid JSON (${(error as Error).message}); fix or delete the file`);
  }
  const tasks = (data as { tasks?: unknown } | null)?.tasks;
  if (typeof data !== "object" || data === null || Array.isArray(data) || !Array.isArray(tasks)) {
    throw new CronStoreError(`${path}: expected an object {"tasks": [...]}; fix or delete the file`);
  }
  return tasks;
}

/** A stored entry as a job, or the reason it is not one. */
export function validateEntry(entry: unknown): CronJob | string {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return "not an object";
  const e = entry as Record<string, unknown>;
  if (typeof e.id !== "string" || e.id.trim() === "") return `"id" must be a non-empty string`;
  if (typeof e.cron !== "string") return `"cron" must be a string`;
  try {
    parseCron(e.cron);
  } catch (error) {
    return (error as Error).message;
  }
  if (typeof e.prompt !== "string" || e.prompt.trim() === "") return `"prompt" must be a non-empty string`;
  if (e.recurring !== undefined && typeof e.recurring !== "boolean") return `"recurring" must be true or false`;
  if (e.createdAt !== undefined && (typeof e.createdAt !== "string" || Number.isNaN(Date.parse(e.createdAt)))) {
    return `"createdAt" must be an ISO date`;
  }
  return {
    id: e.id,
    cron: e.cron,
    prompt: e.prompt,
    recurring: e.recurring ?? true,
    durable: true,
    // Without a creation time (a hand-written entry), a one-shot counts from now rather than firing at once.
    createdAt: typeof e.createdAt === "string" ? e.createdAt : new Date().toISOString(),
  };
}

function describeEntry(entry: unknown, index: number): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === "string" ? `task ${index + 1} (id "${id}")` : `task ${index + 1}`;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directories cannot be opened on every platform; the file data itself is already flushed.
  }
}

/** Synchronous so that CronCreate can report a failed save in its own result. */
function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw new CronStoreError(`${path}: cannot be written (${(error as Error).message})`);
  }
  syncDir(dirname(path));
}

function serialize(job: CronJob): Record<string, unknown> {
  return { id: job.id, cron: job.cron, prompt: job.prompt, recurring: job.recurring, durable: true, createdAt: job.createdAt };
}

export function createCronStore(projectDir: string): CronStore {
  const path = cronStorePath(projectDir);
  /** Re-reads the file and writes it back changed; `change` returns undefined when nothing changes. */
  const update = (change: (entries: unknown[]) => unknown[] | undefined): void => {
    const changed = change(readEntries(path));
    if (changed) writeAtomic(path, `${JSON.stringify({ tasks: changed }, null, 2)}\n`);
  };
  const idOf = (entry: unknown): unknown => (entry as { id?: unknown } | null)?.id;
  return {
    path,
    load() {
      let entries: unknown[];
      try {
        entries = readEntries(path);
      } catch (error) {
        return { jobs: [], warnings: [`${(error as Error).message}; no scheduled tasks were restored from it`] };
      }
      const jobs: CronJob[] = [];
      const warnings: string[] = [];
      const seen = new Set<string>();
      entries.forEach((entry, index) => {
        const job = validateEntry(entry);
        if (typeof job === "string") {
          warnings.push(`${path}: skipped ${describeEntry(entry, index)}: ${job}`);
        } else if (seen.has(job.id)) {
          warnings.push(`${path}: skipped ${describeEntry(entry, index)}: the id is used by an earlier task`);
        } else {
          seen.add(job.id);
          jobs.push(job);
        }
      });
      return { jobs, warnings };
    },
    add(job) {
      update((entries) => [...entries.filter((e) => idOf(e) !== job.id), serialize(job)]);
    },
    remove(id) {
      update((entries) => {
        const kept = entries.filter((e) => idOf(e) !== id);
        return kept.length === entries.length ? undefined : kept;
      });
    },
  };
}
