// Mutable per-session state shared by the tools: the shell's working directory, what files were read
// (for read-before-write), background shells, and the todo list.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileHistory } from "./file-history.ts";
import type { Sandbox } from "./sandbox.ts";
import type { PermissionMode } from "./permission-modes.ts";
import { createTaskRegistry, type TaskRegistry } from "./tasks.ts";
import type { AgentLauncher } from "./agent-launcher.ts";
import type { AgentEvent } from "./agent.ts";
import type { LspService } from "./lsp-service.ts";

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
  /** The permission mode now and a way to change it (EnterPlanMode, ExitPlanMode); set by the run setup. */
  permissionMode?: () => PermissionMode;
  setPermissionMode?: (mode: PermissionMode) => void;
  /** AskUserQuestion: asks the user (the REPL's dialog, an SDK host); absent where nobody can answer. */
  askUser?: (questions: UserQuestion[], signal: AbortSignal) => Promise<UserAnswers | undefined>;
  /** Cron prompts run while hone runs (REPL, stream-json, serve); absent in a plain -p run. */
  scheduler?: CronScheduler;
  /** Lets the file tools work in one more folder without asking (a worktree the session entered). */
  /** Returns false when it already was one. */
  addWorkingDirectory?: (dir: string) => boolean;
  /** Set while the session works in a worktree it entered (EnterWorktree), until ExitWorktree. */
  worktree?: WorktreeInfo;
  /** Background agents and the notices finished background work leaves for the next turn. */
  readonly tasks: TaskRegistry;
  /** Starts sub-agents (the Agent tool); set by the run setup for the main agent only. */
  agents?: AgentLauncher;
  /** Where a sub-agent's events go (the conversation forwards them; stream-json marks their parent). */
  onSubagentEvent?: (event: { parentToolUseId: string; agentId: string; event: AgentEvent }) => void;
  /** False for paths a Read deny rule covers: Grep and Glob leave them out of their results. */
  canRead?: (absPath: string) => boolean;
  /** The project's language servers (the LSP tool, and new errors appended after edits); absent when none exist. */
  lsp?: LspService;
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
  /**
   * A short answer from the active provider's small fast model (WebFetch's answer over a page); set by the
   * run setup, so it follows --provider like every other side request. Its usage is counted in /cost.
   */
  smallModel?: (prompt: string, options?: SmallModelOptions) => Promise<string>;
  /** Web search: the provider's server-side search or the configured backend; absent when neither exists. */
  webSearch?: (request: WebSearchRequest, signal: AbortSignal) => Promise<WebSearchHit[]>;
}

export interface SmallModelOptions {
  system?: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

/** WebSearch's input (claude-code-compat.md §3.2); allowed and blocked domains are mutually exclusive. */
export interface WebSearchRequest {
  query: string;
  allowed_domains?: string[];
  blocked_domains?: string[];
}

export interface WebSearchHit {
  title: string;
  url: string;
  /** A short excerpt when the backend gives one. */
  snippet?: string;
  /** How old the page is, as the backend words it ("2 days ago"). */
  pageAge?: string;
}

/** One AskUserQuestion question (claude-code-compat.md §3.2). */
export interface UserQuestion {
  question: string;
  /** A short label for the question (a chip, at most a few words). */
  header: string;
  options: Array<{ label: string; description: string }>;
  multiSelect: boolean;
}

/** Answers by question text: the chosen label(s), comma-joined, or the user's own words. */
export type UserAnswers = Record<string, string>;

/** A scheduled prompt (CronCreate). */
export interface CronJob {
  id: string;
  /** Five fields: minute hour day-of-month month day-of-week, in local time. */
  cron: string;
  prompt: string;
  /** false: fires once, at the next match, then is removed. */
  recurring: boolean;
  /** Saved with the project and restored when hone starts there again. */
  durable: boolean;
  createdAt: string;
}

export interface CronScheduler {
  add(job: { cron: string; prompt: string; recurring: boolean; durable: boolean }): CronJob;
  remove(id: string): boolean;
  list(): CronJob[];
  /** When the job fires next (undefined: never again). */
  nextRun(id: string): Date | undefined;
}

export interface WorktreeInfo {
  /** The worktree's folder. */
  path: string;
  branch: string;
  /** Where the session worked before it entered the worktree. */
  original: string;
}

/** Where an unsaved session keeps its scratch files (large outputs): $TMPDIR/hone/<id>. */
export function scratchRoot(): string {
  return join(tmpdir(), "hone");
}

export function createSessionState(id: string, cwd: string, spillRoot = scratchRoot()): SessionState {
  const spillDir = join(spillRoot, id, "tool-results");
  return { id, cwd, files: new Map(), shells: new Map(), todos: [], spillDir, loadedTools: new Set(), tasks: createTaskRegistry() };
}

export function ensureSpillDir(state: SessionState): string {
  mkdirSync(state.spillDir, { recursive: true });
  return state.spillDir;
}
