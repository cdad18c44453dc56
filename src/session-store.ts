// Where sessions live and how they are found: ~/.hone/projects/<encoded cwd>/<id>.jsonl, with the
// session's own folder (<id>/: file history, large tool outputs) beside it. Listing and finding read
// the same paths the writer uses, so a session is never written to one place and looked for in another.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { projectDir, projectsDir, type Env } from "./config-dir.ts";
import { readTranscript } from "./session-file.ts";
import { activeBranch, isConversationEntry, isPrompt, promptText } from "./transcript.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function transcriptPath(env: Env, cwd: string, id: string): string {
  return join(projectDir(env, cwd), `${id}.jsonl`);
}

/** The session's folder beside its transcript: file-history/, tool-results/. */
export function sessionFolder(transcript: string): string {
  return transcript.replace(/\.jsonl$/, "");
}

export interface SessionFile {
  id: string;
  path: string;
  mtimeMs: number;
}

function sessionFilesIn(dir: string): SessionFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: SessionFile[] = [];
  for (const name of names) {
    if (!name.endsWith(".jsonl")) continue;
    const id = name.slice(0, -".jsonl".length);
    if (!isUuid(id)) continue;
    const path = join(dir, name);
    try {
      files.push({ id, path, mtimeMs: statSync(path).mtimeMs });
    } catch {
      // Removed while listing.
    }
  }
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** This project's sessions, most recently active first. */
export function projectSessions(env: Env, cwd: string): SessionFile[] {
  return sessionFilesIn(projectDir(env, cwd));
}

/** Every project's sessions, most recently active first. */
export function allSessions(env: Env): SessionFile[] {
  return allProjectDirs(env)
    .flatMap(sessionFilesIn)
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
}

function allProjectDirs(env: Env): string[] {
  const root = projectsDir(env);
  try {
    return readdirSync(root).map((name) => join(root, name));
  } catch {
    return [];
  }
}

export class SessionNotFoundError extends Error {
  override name = "SessionNotFoundError";
}

/**
 * Finds a session by full id or unique id prefix: this project first, then every other project
 * (a session started elsewhere can still be resumed by id).
 */
export function findSession(env: Env, cwd: string, idOrPrefix: string): SessionFile {
  const wanted = idOrPrefix.toLowerCase();
  const here = projectDir(env, cwd);
  for (const dir of [here, ...allProjectDirs(env).filter((d) => d !== here)]) {
    const matches = sessionFilesIn(dir).filter((s) => s.id.toLowerCase().startsWith(wanted));
    const exact = matches.find((s) => s.id.toLowerCase() === wanted);
    if (exact) return exact;
    if (matches.length === 1 && wanted.length >= 4) return matches[0]!;
    if (matches.length > 1) throw new SessionNotFoundError(`Session ID prefix "${idOrPrefix}" matches ${matches.length} sessions; give more characters`);
  }
  throw new SessionNotFoundError(`No conversation found with session ID: ${idOrPrefix}`);
}

export function latestSession(env: Env, cwd: string): SessionFile {
  const latest = projectSessions(env, cwd)[0];
  if (!latest) throw new SessionNotFoundError("No conversation found to continue");
  return latest;
}

export interface SessionSummary extends SessionFile {
  firstPrompt: string;
  prompts: number;
  turns: number;
  lastActive: string;
  /** The working directory recorded in the transcript (its first conversation entry). */
  cwd?: string;
}

export function summarize(file: SessionFile): SessionSummary {
  const { entries } = readTranscript(file.path);
  const chain = activeBranch(entries);
  const prompts = chain.filter(isPrompt);
  const assistantIds = new Set(chain.flatMap((e) => (e.type === "assistant" ? [e.message.id] : [])));
  const first = prompts[0];
  return {
    ...file,
    firstPrompt: first ? promptText(first) : "",
    prompts: prompts.length,
    turns: assistantIds.size,
    lastActive: new Date(file.mtimeMs).toISOString(),
    cwd: entries.find(isConversationEntry)?.cwd,
  };
}

/**
 * Deletes transcripts (and their folders) not written to for `days` days, across every project.
 * Returns the ids removed. A folder whose transcript is gone is removed too.
 */
export function cleanupSessions(env: Env, days: number, now = Date.now()): string[] {
  const cutoff = now - days * 86_400_000;
  const removed: string[] = [];
  for (const dir of allProjectDirs(env)) {
    for (const session of sessionFilesIn(dir)) {
      if (session.mtimeMs >= cutoff) continue;
      rmSync(join(dir, session.id), { recursive: true, force: true });
      rmSync(session.path, { force: true });
      removed.push(session.id);
    }
    removeEmpty(dir);
  }
  return removed;
}

function removeEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  } catch {
    // Not empty or already gone.
  }
}
