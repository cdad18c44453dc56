// Runs one command in the user's shell: its own process group (so a timeout or abort can kill
// everything it started), stdout and stderr merged into one pipe, memory-bounded output capture with
// the overflow written through to a file, and the final working directory reported back.
import { spawn } from "node:child_process";
import { accessSync, appendFileSync, closeSync, constants, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Sandbox } from "./sandbox.ts";

/** Output kept in memory per command; anything beyond is only in the file. */
export const DEFAULT_MEMORY_CHARS = 10_000_000;
/** How long a command gets after SIGTERM before its group is SIGKILLed. */
const KILL_GRACE_MS = 1000;
/** How long to keep reading after the shell exits, in case `cmd &` children still hold the pipe. */
const DRAIN_MS = 200;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** HONE_SHELL, CLAUDE_CODE_SHELL, $SHELL when it is bash or zsh, then /bin/bash, then /bin/sh. */
export function resolveShell(env: NodeJS.ProcessEnv = process.env): string {
  for (const candidate of [env.HONE_SHELL, env.CLAUDE_CODE_SHELL]) {
    if (candidate && isExecutable(candidate)) return candidate;
  }
  const login = env.SHELL;
  if (login && ["bash", "zsh"].includes(basename(login)) && isExecutable(login)) return login;
  return isExecutable("/bin/bash") ? "/bin/bash" : "/bin/sh";
}

/**
 * Collects decoded output. Past `memoryChars` it starts writing everything to `filePath` (or from the
 * start, when `alwaysToFile`) and keeps only the most recent part in memory.
 */
export class OutputBuffer {
  private readonly decoder = new TextDecoder("utf-8");
  private chunks: string[] = [];
  private size = 0;
  private fd: number | null = null;
  /** Characters dropped from the front of the in-memory text. */
  dropped = 0;
  total = 0;
  peak = 0;

  constructor(
    private readonly filePath: () => string,
    private readonly memoryChars = DEFAULT_MEMORY_CHARS,
    alwaysToFile = false,
  ) {
    if (alwaysToFile) this.openFile();
  }

  /** Set once output has been written to the file. */
  path: string | undefined;

  private openFile(): void {
    this.path = this.filePath();
    this.fd = openSync(this.path, "w");
    for (const chunk of this.chunks) writeSync(this.fd, chunk);
  }

  pushBytes(bytes: Uint8Array): void {
    this.pushText(this.decoder.decode(bytes, { stream: true }));
  }

  pushText(text: string): void {
    if (text.length === 0) return;
    this.total += text.length;
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > this.memoryChars && this.fd === null) {
      this.openFile();
    } else if (this.fd !== null) {
      writeSync(this.fd, text);
    }
    this.peak = Math.max(this.peak, this.size);
    // Trim to half the cap so the join below happens rarely, not on every chunk.
    if (this.size > this.memoryChars) {
      const keep = Math.floor(this.memoryChars / 2);
      const joined = this.chunks.join("");
      this.chunks = [joined.slice(-keep)];
      this.dropped += joined.length - keep;
      this.size = keep;
    }
  }

  text(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join("")];
    return this.chunks[0] ?? "";
  }

  /** Adds a line of hone's own after finish(): kept in memory and appended to the file if there is one. */
  note(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    this.total += text.length;
    if (this.path !== undefined) appendFileSync(this.path, text);
  }

  /** Flush the decoder and close the file. */
  finish(): void {
    this.pushText(this.decoder.decode());
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Linux: whether any non-zombie process is in the group; undefined when /proc cannot be read. */
function liveMemberInProc(pgid: number): boolean | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    } catch {
      // The process exited while we looked.
    }
  }
  return false;
}

/**
 * True while a process of the group is still running. Zombies do not count: killed children are
 * re-parented to init, which in containers may be slow to reap them.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return liveMemberInProc(pgid) ?? true;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone, or process groups unsupported: fall back to the leader alone.
    try {
      process.kill(pgid, signal);
    } catch {
      // Nothing left to signal.
    }
  }
}

/** SIGTERM the whole group, then SIGKILL whatever is still there after the grace period. */
export async function killGroup(pgid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  signalGroup(pgid, "SIGKILL");
}

export interface ShellExit {
  /** Exit status; 128+signal when the shell died from a signal; null if it never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Working directory the command ended in, if it could be recorded. */
  cwd: string | undefined;
  spawnError?: string;
  /** Set when the sandbox had to repair something the command changed. */
  sandboxNote?: string;
}

export interface ShellProcess {
  readonly pid: number | undefined;
  readonly buffer: OutputBuffer;
  readonly done: Promise<ShellExit>;
  /** Kill the whole process group and wait for the shell to exit. */
  kill(): Promise<void>;
}

// The command arrives as $1 and is eval'd, so it parses exactly as typed at a prompt; the EXIT trap
// records the final directory even after `exit`. Joined into one line so shell errors say "line 1".
const WRAPPER = [
  "__hone_cmd=$1",
  "__hone_cwd_file=$2",
  "set --",
  `trap 'pwd -P >| "$__hone_cwd_file" 2>/dev/null' EXIT`,
  "exec </dev/null 2>&1",
  'eval "$__hone_cmd"',
].join("; ");

let tempCounter = 0;

export function spawnShell(opts: {
  command: string;
  cwd: string;
  outputFile: () => string;
  memoryChars?: number;
  alwaysToFile?: boolean;
  /** Run confined; bwrap becomes the group leader, so killing the group still reaches everything. */
  sandbox?: Sandbox;
}): ShellProcess {
  const buffer = new OutputBuffer(opts.outputFile, opts.memoryChars, opts.alwaysToFile);
  // Inside the sandbox /tmp is private, so the marker goes to the session TMPDIR both sides can see.
  const cwdFile = join(opts.sandbox?.tmpDir ?? tmpdir(), `hone-cwd-${process.pid}-${Date.now()}-${++tempCounter}`);
  const shell = resolveShell();
  let file = shell;
  let args = ["-c", WRAPPER, basename(shell), opts.command, cwdFile];
  let env: Record<string, string | undefined> = { ...process.env, HONE: "1", CLAUDECODE: "1" };
  let after: (() => string | undefined) | undefined;
  if (opts.sandbox) ({ file, args, env, after } = opts.sandbox.wrap({ file, args, cwd: opts.cwd, env }));
  const child = spawn(file, args, { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const pid = child.pid;
  child.stdout.on("data", (b: Uint8Array) => buffer.pushBytes(b));
  // The wrapper sends stderr to stdout; this only catches the shell's own startup complaints.
  child.stderr.on("data", (b: Uint8Array) => buffer.pushBytes(b));

  const done = new Promise<ShellExit>((resolve) => {
    let settled = false;
    let drainTimer: ReturnType<typeof setTimeout> | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const settle = (spawnError?: string): void => {
      if (settled) return;
      settled = true;
      // A pending drain timer would keep the process alive after the run is over.
      clearTimeout(drainTimer);
      child.stdout.destroy();
      child.stderr.destroy();
      buffer.finish();
      let cwd: string | undefined;
      try {
        cwd = readFileSync(cwdFile, "utf8").trim() || undefined;
        rmSync(cwdFile, { force: true });
      } catch {
        cwd = undefined;
      }
      const code = exit?.code ?? null;
      const signal = exit?.signal ?? null;
      const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
      const sandboxNote = after?.();
      resolve({ exitCode, signal, cwd, ...(spawnError ? { spawnError } : {}), ...(sandboxNote ? { sandboxNote } : {}) });
    };
    child.on("error", (error) => settle(error.message));
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      drainTimer = setTimeout(() => settle(), DRAIN_MS);
    });
    child.on("close", (code, signal) => {
      exit ??= { code, signal };
      settle();
    });
  });

  let killing: Promise<void> | undefined;
  const kill = async (): Promise<void> => {
    if (pid === undefined) return;
    killing ??= killGroup(pid);
    await killing;
    await done;
  };
  return { pid, buffer, done, kill };
}

export interface CommandResult extends ShellExit {
  /** The most recent output held in memory (all of it unless `buffer.path` is set). */
  output: string;
  buffer: OutputBuffer;
  timedOut: boolean;
  interrupted: boolean;
  /** Process group id of the command. */
  pid: number | undefined;
  /** Processes it started with `&` are still running. */
  lingering: boolean;
  /** Set when the command was sent to the background while running: it is still going. */
  backgrounded?: ShellProcess;
}

/** Run a foreground command to completion, killing its process group on timeout or abort. */
export async function runCommand(opts: {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  outputFile: () => string;
  memoryChars?: number;
  sandbox?: Sandbox;
  /** Fires when the user sends the command to the background: the result comes back at once. */
  background?: AbortSignal;
}): Promise<CommandResult> {
  const proc = spawnShell(opts);
  let timedOut = false;
  let interrupted = false;
  let killed: Promise<void> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killed ??= proc.kill();
  }, opts.timeoutMs);
  const onAbort = (): void => {
    interrupted = true;
    killed ??= proc.kill();
  };
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener("abort", onAbort, { once: true });
  const background = opts.background;
  const moved = new Promise<"moved">((resolve) => background?.addEventListener("abort", () => resolve("moved"), { once: true }));
  try {
    const first = await Promise.race([proc.done, moved]);
    if (first === "moved" && !killed) {
      const pid = proc.pid;
      return { exitCode: null, signal: null, cwd: undefined, pid, output: proc.buffer.text(), buffer: proc.buffer, timedOut: false, interrupted: false, lingering: false, backgrounded: proc };
    }
    const exit = await proc.done;
    // Make sure the SIGKILL escalation has run before reporting the group as gone.
    if (killed) await killed;
    const lingering = proc.pid !== undefined && !killed && groupAlive(proc.pid);
    const pid = proc.pid;
    return { ...exit, pid, output: proc.buffer.text(), buffer: proc.buffer, timedOut, interrupted, lingering };
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener("abort", onAbort);
  }
}

// Commands whose exit status 1 means "nothing found" or "differs", not failure.
const EXIT_ONE_OK = new Set(["grep", "rg", "egrep", "fgrep", "find", "diff", "test", "["]);

/** Whether an exit status should be reported to the model as an error. */
export function isErrorExit(command: string, exitCode: number | null): boolean {
  if (exitCode === 0) return false;
  if (exitCode !== 1) return true;
  // Skip leading VAR=value assignments: `LC_ALL=C grep ...` is still grep.
  const words = command.trim().split(/\s+/);
  while (words.length > 1 && /^\w+=/.test(words[0] ?? "")) words.shift();
  const [first = "", second = ""] = words;
  if (EXIT_ONE_OK.has(basename(first))) return false;
  return !(basename(first) === "git" && (second === "diff" || second === "grep"));
}
