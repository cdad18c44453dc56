// Mutable per-session state shared by the tools: the shell's working directory, what files were read
// (for read-before-write), background shells, and the todo list.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileHistory } from "./file-history.ts";
import type { Sandbox } from "./sandbox.ts";

/** What we knew about a file when the model last read or wrote it. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
  /** True when only part of the file was shown (offset/limit or truncation). */
  partial: boolean;
}

export interface BackgroundShell {
  readonly id: string;
  readonly command: string;
  readonly startedAt: number;
  /** Output accumulated since start (stdout and stderr merged). */
  output(): string;
  /** How much of output() the model has already been shown through BashOutput. */
  shownUpTo: number;
  exitCode: number | null;
  status: "running" | "completed" | "killed" | "failed";
  kill(): Promise<void>;
}

export interface Todo {
  content: string;
  status: "pending" | "in_progress" | "completed";
  activeForm: string;
}

export interface SessionState {
  readonly id: string;
  /** The Bash tool's working directory, carried between calls. */
  cwd: string;
  readonly files: Map<string, FileStamp>;
  readonly shells: Map<string, BackgroundShell>;
  todos: Todo[];
  /** Folder where outputs too large for the context are written in full. */
  readonly spillDir: string;
  /** Lazily loads instruction files of subfolders the model reads into; Read appends what it returns. */
  instructions?: { onFileRead(absPath: string): string | undefined; loaded?(): string | undefined };
  /** Leaves plan mode once the user approved a plan (ExitPlanMode); set by the run setup. */
  setPermissionMode?: (mode: "default" | "acceptEdits") => void;
  /** False for paths a Read deny rule covers: Grep and Glob leave them out of their results. */
  canRead?: (absPath: string) => boolean;
  /** Per-prompt file snapshots for rewind; file tools call beforeWrite when it is set. */
  fileHistory?: FileHistory;
  /** Starts the default sandbox before the first shell command (it is not started for runs without one). */
  prepareSandbox?: () => Promise<void>;
  /** When set, Bash commands run confined in it (see sandbox.ts). */
  sandbox?: Sandbox;
  /** Deferred tools whose full schema has been loaded (ToolSearch or a first call); sent from then on. */
  readonly loadedTools: Set<string>;
  /** Set while a foreground Bash command runs: sends it to the background (Ctrl+B in the REPL). */
  sendToBackground?: () => void;
}

/** Where an unsaved session keeps its scratch files (large outputs): $TMPDIR/hone/<id>. */
export function scratchRoot(): string {
  return join(tmpdir(), "hone");
}

export function createSessionState(id: string, cwd: string, spillRoot = scratchRoot()): SessionState {
  const spillDir = join(spillRoot, id, "tool-results");
  return { id, cwd, files: new Map(), shells: new Map(), todos: [], spillDir, loadedTools: new Set() };
}

export function ensureSpillDir(state: SessionState): string {
  mkdirSync(state.spillDir, { recursive: true });
  return state.spillDir;
}
