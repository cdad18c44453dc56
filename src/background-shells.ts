// Background commands (Bash with run_in_background): started once, tracked in the session, polled with
// BashOutput and stopped with KillShell. Each one's full output also goes to a log file in the spill dir.
import { join } from "node:path";
import type { Sandbox } from "./sandbox.ts";
import { ToolError } from "./tool.ts";
import { ensureSpillDir, type BackgroundShell, type SessionState } from "./session-state.ts";
import { groupAlive, isErrorExit, killGroup, spawnShell, type OutputBuffer, type ShellProcess } from "./shell.ts";

export interface HoneBackgroundShell extends BackgroundShell {
  readonly pid: number | undefined;
  /** Full log of everything the command printed. */
  readonly logPath: string;
  /** Characters dropped from memory before BashOutput showed them (still in the log). */
  unseenDropped: number;
  /** Resolves when the command has exited. */
  readonly done: Promise<void>;
}

// Process groups that outlived their foreground command (`server &`), per session, so they can be
// cleaned up at exit together with the background shells.
const lingering = new WeakMap<SessionState, Set<number>>();

function lingeringGroups(state: SessionState): Set<number> {
  let set = lingering.get(state);
  if (!set) lingering.set(state, (set = new Set()));
  return set;
}

/** Remember a foreground command's process group that still has processes running. */
export function trackLingeringGroup(state: SessionState, pgid: number): void {
  lingeringGroups(state).add(pgid);
}

function nextId(state: SessionState): string {
  let n = state.shells.size + 1;
  while (state.shells.has(`bash_${n}`)) n++;
  return `bash_${n}`;
}

export function startBackgroundShell(
  state: SessionState,
  opts: { command: string; cwd: string; memoryChars?: number; sandbox?: Sandbox },
): HoneBackgroundShell {
  const id = nextId(state);
  const logPath = join(ensureSpillDir(state), `${id}-${Date.now()}.log`);
  const proc = spawnShell({
    command: opts.command,
    cwd: opts.cwd,
    outputFile: () => logPath,
    alwaysToFile: true,
    ...(opts.memoryChars ? { memoryChars: opts.memoryChars } : {}),
    ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
  });
  return adoptShell(state, proc, { id, command: opts.command, logPath, ...(opts.sandbox ? { sandbox: opts.sandbox } : {}) });
}

/**
 * Tracks an already running command as a background shell: one started in the background, or a
 * foreground command the user sent there (Ctrl+B). Its earlier output stays readable.
 */
export function adoptShell(state: SessionState, proc: ShellProcess, opts: { id?: string; command: string; logPath: string; sandbox?: Sandbox }): HoneBackgroundShell {
  const id = opts.id ?? nextId(state);
  const logPath = opts.logPath;
  const buffer: OutputBuffer = proc.buffer;
  let lastDropped = 0;
  let killRequested = false;

  const shell: HoneBackgroundShell = {
    id,
    command: opts.command,
    startedAt: Date.now(),
    pid: proc.pid,
    logPath,
    unseenDropped: 0,
    shownUpTo: 0,
    exitCode: null,
    status: "running",
    output() {
      // When the buffer trims its front, shift the read position with it and count what was missed.
      const dropped = buffer.dropped - lastDropped;
      if (dropped > 0) {
        lastDropped = buffer.dropped;
        const unseen = Math.max(0, dropped - shell.shownUpTo);
        shell.unseenDropped += unseen;
        shell.shownUpTo = Math.max(0, shell.shownUpTo - dropped);
      }
      return buffer.text();
    },
    async kill() {
      if (proc.pid === undefined) return;
      if (shell.status === "running") killRequested = true;
      // Also sweeps leftovers (`cmd &`) of a command that has already exited.
      if (groupAlive(proc.pid)) await killGroup(proc.pid);
      await shell.done;
    },
    done: proc.done.then((exit) => {
      shell.exitCode = exit.exitCode;
      if (killRequested) shell.status = "killed";
      else if (exit.spawnError) {
        shell.status = "failed";
        buffer.pushText(`Could not start the shell: ${exit.spawnError}\n`);
      } else shell.status = isErrorExit(opts.command, exit.exitCode) ? "failed" : "completed";
      const explained = shell.status === "failed" ? opts.sandbox?.explainFailure(buffer.text(), exit.exitCode) : undefined;
      for (const note of [exit.sandboxNote, explained]) if (note) buffer.note(`\n[${note}]\n`);
      // The model stopped it itself: nothing to report. Otherwise it hears about the end at its next step.
      if (!killRequested) state.tasks.post({ id, kind: "shell", description: shortCommand(opts.command), status: shell.status === "completed" ? "completed" : "failed", result: endReport(shell, logPath) });
    }),
  };
  state.shells.set(id, shell);
  return shell;
}

function shortCommand(command: string): string {
  const line = command.split("\n")[0] ?? "";
  return line.length > 80 || command.includes("\n") ? `${line.slice(0, 80)}…` : line;
}

const REPORT_TAIL = 2000;

/** The exit and the end of the output, for the notice; the whole output is in the log. */
function endReport(shell: BackgroundShell, logPath: string): string {
  const text = shell.output().slice(shell.shownUpTo);
  const tail = text.length > REPORT_TAIL ? `…${text.slice(-REPORT_TAIL)}` : text;
  const shown = tail.trim() === "" ? "(no new output)" : tail.trimEnd();
  return `Exit code ${shell.exitCode ?? "unknown"}. Output not read yet:\n${shown}\nFull log: ${logPath}`;
}

export function findShell(state: SessionState, id: string): BackgroundShell {
  const shell = state.shells.get(id);
  if (shell) return shell;
  const known = [...state.shells.keys()];
  const list = known.length > 0 ? `Known shell ids: ${known.join(", ")}.` : "No background shells have been started.";
  throw new ToolError(`No background shell with id "${id}". ${list}`);
}

/**
 * Kill every background shell that is still running, plus leftover processes of finished shells and
 * of foreground commands that backgrounded something with `&`. Call when the agent exits.
 */
export async function killAllShells(state: SessionState): Promise<void> {
  const groups = lingeringGroups(state);
  const jobs: Promise<void>[] = [...state.shells.values()].map((shell) => shell.kill());
  for (const pgid of groups) if (groupAlive(pgid)) jobs.push(killGroup(pgid));
  groups.clear();
  await Promise.allSettled(jobs);
}
