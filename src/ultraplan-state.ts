// One ULTRAPLAN run on disk: ~/.hone/ultraplan/<id>/state.json, written only by the planner process
// (atomically, so a reader never sees half a file) and read by the terminal that polls it and by the
// approval page's server. The folder also holds the planner's log and its transcript.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { honeHome, type Env } from "./config-dir.ts";
import { atomicWrite } from "./file-io.ts";
import { randomHex } from "./random-id.ts";

export const ULTRAPLAN_STATUSES = ["planning", "ready", "approved", "rejected-revising", "local", "timeout", "failed", "stopped"] as const;
export type UltraplanStatus = (typeof ULTRAPLAN_STATUSES)[number];

/** Statuses after which nothing changes any more. */
const FINAL: ReadonlySet<UltraplanStatus> = new Set(["approved", "local", "timeout", "failed", "stopped"]);

export function isFinal(status: UltraplanStatus): boolean {
  return FINAL.has(status);
}

/** Progress lines kept (newest last) and the longest one. */
export const MAX_PROGRESS_LINES = 200;
const MAX_LINE_CHARS = 300;

export interface UltraplanFeedback {
  at: string;
  text: string;
  /** The plan revision the feedback was about. */
  revision: number;
}

export interface UltraplanState {
  version: 1;
  id: string;
  task: string;
  /** The project the plan is for (the planner works there). */
  cwd: string;
  status: UltraplanStatus;
  /** The plan in markdown: "" until the first one; kept through timeout, failure and stop. */
  plan: string;
  /** 0 before the first plan; each plan (first, revised) adds one. */
  revision: number;
  /** The approved plan is the user's edit rather than the planner's text. */
  edited?: boolean;
  /** What the planner is doing, newest last, at most MAX_PROGRESS_LINES. */
  progress: string[];
  /** Progress lines ever added (pollers use it to find the new ones when old ones were dropped). */
  progressCount: number;
  feedback: UltraplanFeedback[];
  /** Why the run ended without a decision (timeout, failure, stop). */
  reason?: string;
  /** The planner's model, when settings chose one ([ultraplan] model). */
  model?: string;
  maxDurationSecs?: number;
  /** The approval page, with its token; set once the planner serves it. */
  url?: string;
  /** The planner process. */
  pid?: number;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
}

export type StateRead =
  | { ok: true; state: UltraplanState }
  | { ok: false; problem: "missing" | "torn" | "invalid"; message: string };

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export { processAlive } from "./process-alive.ts";

export function ultraplanRoot(env: Env): string {
  return join(honeHome(env), "ultraplan");
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A run's folder; the id is checked so a crafted one cannot point outside the ultraplan folder. */
export function runDir(env: Env, id: string): string {
  if (!ID_PATTERN.test(id)) throw new Error(`not an ultraplan id: ${JSON.stringify(id)}`);
  return join(ultraplanRoot(env), id);
}

export function statePath(dir: string): string {
  return join(dir, "state.json");
}

/** Sortable by start time, unguessable enough to never collide: up-<yyyymmddhhmmss>-<8 hex>. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `up-${stamp}-${randomHex(4)}`;
}

export function initialState(fields: { id: string; task: string; cwd: string; model?: string; maxDurationSecs?: number }, now: Date): UltraplanState {
  const at = now.toISOString();
  return {
    version: 1,
    id: fields.id,
    task: fields.task,
    cwd: fields.cwd,
    status: "planning",
    plan: "",
    revision: 0,
    progress: [],
    progressCount: 0,
    feedback: [],
    ...(fields.model ? { model: fields.model } : {}),
    ...(fields.maxDurationSecs ? { maxDurationSecs: fields.maxDurationSecs } : {}),
    createdAt: at,
    updatedAt: at,
  };
}

/** The state with one more progress line (whitespace folded, long lines clipped, old lines dropped). */
export function withProgress(state: UltraplanState, line: string): UltraplanState {
  const folded = line.replace(/\s+/g, " ").trim();
  if (folded === "") return state;
  const clipped = folded.length > MAX_LINE_CHARS ? `${folded.slice(0, MAX_LINE_CHARS - 1)}…` : folded;
  const progress = [...state.progress, clipped].slice(-MAX_PROGRESS_LINES);
  return { ...state, progress, progressCount: state.progressCount + 1 };
}

/** Progress lines added since a reader last saw `seenCount` of them (all that are still kept). */
export function newProgress(state: UltraplanState, seenCount: number): string[] {
  const fresh = Math.max(0, state.progressCount - seenCount);
  return fresh === 0 ? [] : state.progress.slice(-Math.min(fresh, state.progress.length));
}

export async function writeState(dir: string, state: UltraplanState): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // 0600: the state holds the page's URL, and its token is the only key to approving a plan.
  await atomicWrite(statePath(dir), new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`), 0o600);
}

/** Creates the run's folder and its first state. */
export async function createRun(env: Env, fields: { task: string; cwd: string; model?: string; maxDurationSecs?: number }, now = new Date()): Promise<{ dir: string; state: UltraplanState }> {
  const id = newRunId(now);
  const dir = runDir(env, id);
  const state = initialState({ id, ...fields }, now);
  await writeState(dir, state);
  return { dir, state };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Checks the fields every reader relies on; returns what is wrong, or undefined. */
function invalidField(value: Record<string, unknown>): string | undefined {
  if (value.version !== 1) return `version ${JSON.stringify(value.version)} (expected 1)`;
  for (const key of ["id", "task", "cwd", "plan", "createdAt", "updatedAt"] as const) {
    if (typeof value[key] !== "string") return `"${key}" is not a string`;
  }
  if (!ULTRAPLAN_STATUSES.includes(value.status as UltraplanStatus)) return `unknown status ${JSON.stringify(value.status)}`;
  if (typeof value.revision !== "number" || typeof value.progressCount !== "number") return `"revision" or "progressCount" is not a number`;
  if (!isStringArray(value.progress)) return `"progress" is not a list of lines`;
  if (!Array.isArray(value.feedback)) return `"feedback" is not a list`;
  return undefined;
}

/** Reads a run's state; a missing, half-written or foreign file is reported, never thrown. */
export function readState(dir: string): StateRead {
  const path = statePath(dir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, problem: "missing", message: `${path} does not exist` };
    return { ok: false, problem: "missing", message: `${path} cannot be read (${(error as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: "torn", message: `${path} is not complete JSON (${(error as Error).message}); it may have been cut off while being written` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, problem: "invalid", message: `${path} does not hold a state object` };
  const wrong = invalidField(value as Record<string, unknown>);
  if (wrong) return { ok: false, problem: "invalid", message: `${path} is not an ultraplan state: ${wrong}` };
  return { ok: true, state: value as UltraplanState };
}

/**
 * The state as the planner keeps it: changes apply in memory at once and reach the file in order. Writes
 * that pile up while one is in flight are folded into one of the latest state (a burst of progress lines
 * costs one write, not one each).
 */
export interface StateStore {
  get(): UltraplanState;
  update(change: (state: UltraplanState) => UltraplanState): UltraplanState;
  /** Resolves once the file holds everything updated so far; rejects with the last write's error. */
  flush(): Promise<void>;
}

export function createStateStore(dir: string, initial: UltraplanState, now: () => Date = () => new Date()): StateStore {
  let current = initial;
  let written = initial;
  let chain: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  let queued = false;
  const schedule = (): void => {
    if (queued) return;
    queued = true;
    chain = chain.then(async () => {
      queued = false;
      const snapshot = current;
      if (snapshot === written) return;
      try {
        await writeState(dir, snapshot);
        written = snapshot;
        failure = undefined;
      } catch (error) {
        failure = error as Error;
      }
    });
  };
  return {
    get: () => current,
    update(change) {
      current = { ...change(current), updatedAt: now().toISOString() };
      schedule();
      return current;
    },
    async flush() {
      await chain;
      if (failure) throw failure;
    },
  };
}
