// A language server's process: spawned in its own process group (so its helpers, like tsserver, go
// with it), never keeping hone alive, with the tail of its stderr kept for error messages and one
// promise that settles with a readable reason when it dies.
import { spawn, type ChildProcess } from "node:child_process";
import type { Env } from "./config-dir.ts";
import type { LspServerConfig } from "./lsp-config.ts";

const STDERR_TAIL = 2000;
/** How long destroy() waits for killed processes to disappear. */
const KILL_WAIT_MS = 2000;

/** An expected failure of a language server, worded for the model and the user. */
export class LspServerError extends Error {
  override name = "LspServerError";
}

/** "typescript-language-server --stdio" as the user would type it. */
export function commandLine(config: LspServerConfig): string {
  return [config.command, ...config.args].map((p) => (/[\s"']/.test(p) ? JSON.stringify(p) : p)).join(" ");
}

/** `Language server "name" (command)`: how every message names a server. */
export function serverLabel(config: LspServerConfig): string {
  const from = config.source === "built-in" ? "" : `, from ${config.source}`;
  return `Language server "${config.name}" (${commandLine(config)}${from})`;
}

function unref(handle: unknown): void {
  const h = handle as { unref?: () => void } | null | undefined;
  h?.unref?.();
}

function spawnProblem(error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return "the command was not found (install it, or fix \"command\" in the server's configuration)";
  if (error.code === "EACCES") return "the command is not executable";
  return error.message;
}

export class ServerProcess {
  readonly child: ChildProcess;
  /** Settles (rejects) once, when the process fails to spawn or exits. */
  readonly died: Promise<never>;
  exited = false;
  reason: string | undefined;
  /** The full message (with the server's last output) once `died` has settled. */
  failure: string | undefined;
  private stderr = "";
  private readonly group: boolean;

  constructor(
    readonly config: LspServerConfig,
    root: string,
    env: Env,
  ) {
    this.group = process.platform !== "win32";
    this.child = spawn(config.command, config.args, {
      cwd: root,
      env: { ...env, ...config.env } as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      detached: this.group,
      windowsHide: true,
    });
    let fail: (error: LspServerError) => void = () => {};
    this.died = new Promise<never>((_, reject) => (fail = reject));
    this.died.catch(() => {});
    let stderrDone: Promise<void> = Promise.resolve();
    const die = (why: string) => {
      if (this.exited) return;
      this.exited = true;
      this.reason = why;
      // Helpers it started (tsserver) would otherwise outlive it.
      this.signal("SIGKILL");
      // Its last words may still be in the pipe when the exit is seen.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = new Promise<void>((resolve) => (timer = setTimeout(resolve, 200)));
      void Promise.race([stderrDone, drained]).then(() => {
        clearTimeout(timer);
        this.failure = `${serverLabel(config)} ${why}${this.stderrNote()}`;
        fail(new LspServerError(this.failure));
      });
    };
    this.child.on("error", (error: NodeJS.ErrnoException) => die(`could not be started: ${spawnProblem(error)}.`));
    this.child.on("exit", (code, signal) => die(signal ? `was stopped by signal ${signal}.` : `exited with code ${code ?? "?"}.`));
    this.child.stdin?.on("error", () => {});
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    const stderr = this.child.stderr;
    if (stderr) stderrDone = new Promise<void>((resolve) => stderr.once("close", () => resolve()));
    // A running server must never keep hone from exiting.
    unref(this.child);
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) unref(stream);
  }

  private stderrNote(): string {
    const tail = this.stderr.trim();
    if (tail === "") return "";
    const lines = tail.split("\n").slice(-6).join("\n");
    return `\nIts last output:\n${lines}`;
  }

  /** Sends a signal to the server and everything it started; quiet when they are already gone. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (this.group) process.kill(-pid, signal);
      else this.child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /** Resolves when the process has exited or `ms` passed, whichever is first. */
  async waitExit(ms: number): Promise<void> {
    if (this.exited) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.died.catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  /** Whether the server or anything it started is still running. */
  private groupAlive(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    if (!this.group) return !this.exited;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Kills the whole group (helpers may outlive the server itself), drops the pipes, waits briefly for them to go. */
  async destroy(): Promise<void> {
    this.signal("SIGKILL");
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) stream?.destroy();
    for (let waited = 0; waited < KILL_WAIT_MS && this.groupAlive(); waited += 20) await new Promise((r) => setTimeout(r, 20));
  }
}
