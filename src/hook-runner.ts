// Runs hook commands: each through the user's shell in its own process group (and session, so no
// controlling terminal), the event's input JSON on stdin, killed as a group on timeout or abort. All
// hooks of one firing run in parallel. Also the dispatcher the agent loop calls for each event.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, openSync, rmSync, writeFileSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { interpretRuns, type HookOutcome } from "./hook-outcome.ts";
import { hooksFor, type HookCommand, type HookEvent } from "./hooks.ts";
import { killGroup, resolveShell } from "./shell.ts";

/** stderr and plain stdout are read by people and the model; the outcome caps each text again. */
const STDERR_CHARS = 10_000;
/** stdout may carry JSON with a whole rewritten tool input (a file's content), so more is kept. */
const STDOUT_CHARS = 1_000_000;
/** How long to keep reading after the shell exits, in case a `cmd &` child still holds the pipes. */
const DRAIN_MS = 200;

export interface HookRun {
  hook: HookCommand;
  /** Exit status; 128+signal when killed by a signal; null if it never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Killed because the firing was aborted (the user interrupted): like a timeout, it decides nothing. */
  interrupted?: boolean;
  spawnError?: string;
  /** stdout parsed, when its first non-space character is `{` and it is a valid JSON object. */
  json?: Record<string, unknown>;
  durationMs: number;
}

export interface RunHooksOptions {
  cwd: string;
  projectDir: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Keeps the first `max` characters of a stream and drops the rest (a memory bound, not display truncation). */
class HeadCapture {
  private readonly decoder = new TextDecoder("utf-8");
  private text = "";
  constructor(private readonly max: number) {}
  push(bytes: Uint8Array): void {
    if (this.text.length >= this.max) return;
    this.text += this.decoder.decode(bytes, { stream: true });
    if (this.text.length > this.max) this.text = this.text.slice(0, this.max);
  }
  finish(): string {
    if (this.text.length < this.max) this.text += this.decoder.decode();
    return this.text.slice(0, this.max);
  }
}

export function parseHookJson(stdout: string): Record<string, unknown> | undefined {
  if (!stdout.trimStart().startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(stdout);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Not JSON after all: the caller treats it as plain text.
  }
  return undefined;
}

function childEnv(opts: RunHooksOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.env)) if (value !== undefined) env[key] = value;
  env.CLAUDE_PROJECT_DIR = opts.projectDir;
  env.HONE_PROJECT_DIR = opts.projectDir;
  env.CLAUDECODE = "1";
  return env;
}

function spawnHook(shell: string, command: string, stdinFd: number, opts: RunHooksOptions): ChildProcessByStdio<null, Readable, Readable> {
  // The typings only know "pipe"/"ignore" stdin; with a descriptor, stdout and stderr are still pipes.
  return spawn(shell, ["-c", command], {
    cwd: opts.cwd,
    env: childEnv(opts),
    stdio: [stdinFd, "pipe", "pipe"],
    // setsid: a process group to kill as a whole, and no controlling terminal.
    detached: true,
  }) as ChildProcessByStdio<null, Readable, Readable>;
}

/** A run that never got a process: it decides nothing, like a timeout. */
function notRun(hook: HookCommand, why: { spawnError: string } | { interrupted: true }): HookRun {
  return { hook, exitCode: null, stdout: "", stderr: "", timedOut: false, durationMs: 0, ...why };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A callback hook: its answer is the hook's JSON output; a failure is a non-blocking error (exit 1). */
async function runCallback(hook: HookCommand, callback: NonNullable<HookCommand["callback"]>, input: Record<string, unknown>, opts: RunHooksOptions): Promise<HookRun> {
  if (opts.signal?.aborted) return notRun(hook, { interrupted: true });
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), hook.timeoutSec * 1000);
  });
  try {
    const answer = await Promise.race([callback(input, opts.signal), timeout]);
    const durationMs = Date.now() - started;
    if (answer === "timeout") return { hook, exitCode: null, stdout: "", stderr: "", timedOut: true, durationMs };
    return { hook, exitCode: 0, stdout: JSON.stringify(answer), stderr: "", timedOut: false, durationMs, json: answer };
  } catch (error) {
    if (opts.signal?.aborted) return notRun(hook, { interrupted: true });
    return { hook, exitCode: 1, stdout: "", stderr: errorText(error), timedOut: false, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

function runOne(hook: HookCommand, stdinFile: string, opts: RunHooksOptions): Promise<HookRun> {
  if (opts.signal?.aborted) return Promise.resolve(notRun(hook, { interrupted: true }));
  const started = Date.now();
  const out = new HeadCapture(STDOUT_CHARS);
  const err = new HeadCapture(STDERR_CHARS);
  let child: ChildProcessByStdio<null, Readable, Readable>;
  let stdinFd: number | undefined;
  try {
    // Each hook gets its own open file description so the parallel readers do not share an offset.
    stdinFd = openSync(stdinFile, "r");
    child = spawnHook(resolveShell(opts.env), hook.command, stdinFd, opts);
  } catch (error) {
    return Promise.resolve(notRun(hook, { spawnError: errorText(error) }));
  } finally {
    if (stdinFd !== undefined) closeSync(stdinFd);
  }
  const pid = child.pid;
  let timedOut = false;
  let interrupted = false;
  let killing: Promise<void> | undefined;
  const kill = () => {
    if (pid !== undefined) killing ??= killGroup(pid);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, hook.timeoutSec * 1000);
  const onAbort = () => {
    interrupted = true;
    kill();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });

  child.stdout.on("data", (b: Uint8Array) => out.push(b));
  child.stderr.on("data", (b: Uint8Array) => err.push(b));

  return new Promise<HookRun>((resolve) => {
    let settled = false;
    let drain: ReturnType<typeof setTimeout> | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const settle = async (spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(drain);
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      // Let the SIGKILL escalation finish so nothing of a killed hook outlives the run.
      if (killing) await killing;
      const code = exit?.code ?? null;
      const signal = exit?.signal ?? null;
      const exitCode = spawnError ? null : (code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null));
      const stdout = out.finish();
      const json = timedOut || interrupted ? undefined : parseHookJson(stdout);
      resolve({
        hook, exitCode, stdout, stderr: err.finish(), timedOut, durationMs: Date.now() - started,
        ...(interrupted ? { interrupted } : {}), ...(spawnError ? { spawnError } : {}), ...(json ? { json } : {}),
      });
    };
    child.on("error", (error) => void settle(error.message));
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      drain = setTimeout(() => void settle(), DRAIN_MS);
    });
    child.on("close", (code, signal) => {
      exit ??= { code, signal };
      void settle();
    });
  });
}

/** Runs the hooks in parallel with `input` as JSON on stdin; results in the same order as `hooks`. */
export async function runHooks(hooks: HookCommand[], input: Record<string, unknown>, opts: RunHooksOptions): Promise<HookRun[]> {
  if (hooks.length === 0) return [];
  // Callbacks take the input object; only command hooks read it, from a file.
  // stdin is a regular file, not a pipe: Bun's pipes are sockets, and bash sources ~/.bashrc when its
  // stdin is a socket (it assumes an ssh session), whose output would corrupt the hook's JSON.
  const stdinFile = hooks.some((hook) => !hook.callback) ? join(tmpdir(), `hone-hook-input-${randomUUID()}.json`) : undefined;
  let unwritable: string | undefined;
  if (stdinFile) {
    try {
      writeFileSync(stdinFile, `${JSON.stringify(input)}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      unwritable = `cannot write the hook input file: ${errorText(error)}`;
    }
  }
  const run = (hook: HookCommand): Promise<HookRun> => {
    if (hook.callback) return runCallback(hook, hook.callback, input, opts);
    if (stdinFile === undefined || unwritable !== undefined) return Promise.resolve(notRun(hook, { spawnError: unwritable ?? "no input file" }));
    return runOne(hook, stdinFile, opts);
  };
  let runs: Promise<HookRun>[];
  try {
    runs = hooks.map(run);
  } finally {
    // Every child holds its own descriptor once spawned, so the file can go at once.
    if (stdinFile && unwritable === undefined) rmSync(stdinFile, { force: true });
  }
  return Promise.all(runs);
}

export interface HookDispatcher {
  has(event: HookEvent): boolean;
  fire(event: HookEvent, fields: Record<string, unknown>, target?: string, signal?: AbortSignal): Promise<HookOutcome>;
  /** Adds hooks for the rest of the run (an SDK host's callbacks arrive after startup). */
  register?(hooks: HookCommand[]): void;
  /** Sees each hook start and finish (--include-hook-events). */
  observe?(observer: HookObserver): void;
}

export type HookObserver = (event: { phase: "started"; id: string; hook: HookCommand } | { phase: "finished"; id: string; run: HookRun }) => void;

/**
 * One object for the agent loop: `fire` picks the event's hooks for `target`, builds the input
 * (base fields, hook_event_name, then the event's fields), runs them and interprets the results.
 */
export function createHookDispatcher(opts: {
  hooks: HookCommand[];
  cwd: string;
  projectDir: string;
  env: Record<string, string | undefined>;
  base: () => Record<string, unknown>;
}): HookDispatcher {
  const hooks = [...opts.hooks];
  const observers: HookObserver[] = [];
  return {
    has: (event) => hooks.some((hook) => hook.event === event),
    async fire(event, fields, target, signal) {
      const selected = hooksFor(hooks, event, target);
      if (selected.length === 0) return { context: [], notices: [] };
      const input = { ...opts.base(), hook_event_name: event, ...fields };
      const ids = selected.map(() => randomUUID());
      if (observers.length > 0) selected.forEach((hook, i) => observers.forEach((o) => o({ phase: "started", id: ids[i]!, hook })));
      const runs = await runHooks(selected, input, { cwd: opts.cwd, projectDir: opts.projectDir, env: opts.env, ...(signal ? { signal } : {}) });
      if (observers.length > 0) runs.forEach((run, i) => observers.forEach((o) => o({ phase: "finished", id: ids[i]!, run })));
      return interpretRuns(event, runs);
    },
    register: (more) => void hooks.push(...more),
    observe: (observer) => void observers.push(observer),
  };
}
