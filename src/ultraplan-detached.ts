// The planner as its own process: `hone __ultraplan-run <id>` runs one ULTRAPLAN run from its state
// folder, started detached (own session, no terminal, output to a log file) so closing or killing the
// terminal that asked for the plan does not end it.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "./config-dir.ts";
import { selfCommand } from "./sandbox-proxy.ts";
import type { SubagentParent } from "./subagent.ts";
import { runUltraplan } from "./ultraplan-runner.ts";
import { createRun, isFinal, processAlive, readState, runDir, writeState, withProgress, type UltraplanState } from "./ultraplan-state.ts";

export const RUN_SUBCOMMAND = "__ultraplan-run";
const LOG_FILE = "planner.log";

export interface StartDetachedOptions {
  /** Where the run's folder goes (HONE_CONFIG_DIR, HOME); also the planner's environment unless childEnv. */
  env: Env;
  cwd: string;
  /** [ultraplan] model and max_duration_secs, recorded in the state for the planner process. */
  model?: string;
  maxDurationSecs?: number;
  /** How to start hone again; default: this program (the compiled binary, or runtime + script). */
  command?: readonly string[];
  childEnv?: Env;
  /** How long to wait for the planner to serve its page. Default 20 s. */
  waitMs?: number;
  /** How often to look at the state meanwhile. Default 50 ms. */
  checkMs?: number;
}

export interface DetachedRun {
  id: string;
  dir: string;
  url: string;
  pid: number;
  logPath: string;
}

function logTail(path: string): string {
  try {
    const text = readFileSync(path, "utf8").trim();
    return text === "" ? "" : `\n${text.split("\n").slice(-15).join("\n")}`;
  } catch {
    return "";
  }
}

/**
 * Starts the planner for `task` in its own process and resolves once its page is served (the state has
 * the URL). Throws, with the planner's log, when it exits or stays silent first.
 */
export async function startDetached(task: string, options: StartDetachedOptions): Promise<DetachedRun> {
  const { dir, state } = await createRun(options.env, {
    task,
    cwd: options.cwd,
    ...(options.model ? { model: options.model } : {}),
    ...(options.maxDurationSecs ? { maxDurationSecs: options.maxDurationSecs } : {}),
  });
  const logPath = join(dir, LOG_FILE);
  const [file = process.execPath, ...args] = options.command ?? selfCommand();
  const fd = openSync(logPath, "a", 0o600);
  let exited: string | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(file, [...args, RUN_SUBCOMMAND, state.id], {
      cwd: options.cwd,
      env: options.childEnv ?? options.env,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    child.on("error", (error) => (exited = `could not start: ${error.message}`));
    child.on("exit", (code, signal) => (exited = signal ? `ended by ${signal}` : `exited with code ${code}`));
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  const waitMs = options.waitMs ?? 20_000;
  const checkMs = options.checkMs ?? 50;
  const started = Date.now();
  for (;;) {
    const read = readState(dir);
    if (read.ok && read.state.url) return { id: state.id, dir, url: read.state.url, pid: read.state.pid ?? pid ?? 0, logPath };
    if (read.ok && isFinal(read.state.status)) throw new Error(`the planner ended before serving its page (${read.state.status}: ${read.state.reason ?? "no reason given"})${logTail(logPath)}`);
    if (exited) throw new Error(`the planner process ${exited} before serving its page${logTail(logPath)}`);
    if (Date.now() - started > waitMs) {
      if (pid !== undefined && processAlive(pid)) process.kill(pid, "SIGTERM");
      throw new Error(`the planner did not serve its page within ${Math.round(waitMs / 1000)} s${logTail(logPath)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, checkMs));
  }
}

/** Asks a run's planner to stop (it records status stopped). False when it already ended or is gone. */
export function stopRun(env: Env, id: string): boolean {
  const read = readState(runDir(env, id));
  if (!read.ok || isFinal(read.state.status) || !read.state.pid || !processAlive(read.state.pid)) return false;
  process.kill(read.state.pid, "SIGTERM");
  return true;
}

export interface UltraplanMainDeps {
  /** The planner's parent for the project in `cwd`: provider, tools, permission rules (plan mode). */
  makeParent(cwd: string): Promise<SubagentParent>;
  env?: Env;
  lingerMs?: number;
  writeErr?: (line: string) => void;
}

async function recordFailure(dir: string, state: UltraplanState, reason: string): Promise<void> {
  await writeState(dir, { ...withProgress({ ...state, status: "failed", reason }, reason), updatedAt: new Date().toISOString() });
}

/** `hone __ultraplan-run <id>`: the planner process. Exit code 0 when the run reached a decision. */
export async function ultraplanMain(argv: string[], deps: UltraplanMainDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const writeErr = deps.writeErr ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const id = argv[0];
  if (argv.length !== 1 || !id) {
    writeErr(`usage: hone ${RUN_SUBCOMMAND} <id>`);
    return 2;
  }
  let dir: string;
  try {
    dir = runDir(env, id);
  } catch (error) {
    writeErr(`hone ${RUN_SUBCOMMAND}: ${(error as Error).message}`);
    return 2;
  }
  const read = readState(dir);
  if (!read.ok) {
    writeErr(`hone ${RUN_SUBCOMMAND}: ${read.message}`);
    return 1;
  }
  if (read.state.status !== "planning" || read.state.url) {
    writeErr(`hone ${RUN_SUBCOMMAND}: run ${id} was already started (status ${read.state.status})`);
    return 1;
  }
  let parent: SubagentParent;
  try {
    parent = await deps.makeParent(read.state.cwd);
  } catch (error) {
    const reason = `The planner could not be set up: ${(error as Error).message}`;
    writeErr(reason);
    await recordFailure(dir, read.state, reason);
    return 1;
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  // No terminal is attached; a hangup from the one that started it must not end the run.
  const ignore = (): void => undefined;
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGHUP", ignore);
  try {
    const final = await runUltraplan({
      dir,
      parent,
      signal: stop.signal,
      ...(deps.lingerMs !== undefined ? { lingerMs: deps.lingerMs } : {}),
    });
    writeErr(`ultraplan ${id}: ${final.status}${final.reason ? ` (${final.reason})` : ""}`);
    return final.status === "approved" || final.status === "local" ? 0 : 1;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    process.off("SIGHUP", ignore);
  }
}
