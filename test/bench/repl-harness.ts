// A tmux pane for timing the interactive terminal. Unlike test/support/tmux.ts (capture-pane polling,
// one tmux client process per key), everything here is timestamped where it happens:
// - the pane's command waits on a FIFO (the gate) before it execs, so the launch time is the moment the
//   bench opens the gate, not when tmux got round to starting the pane;
// - tmux pipe-pane copies everything the program prints into a second FIFO, read by this process, each
//   chunk stamped with performance.now() on arrival;
// - keys go through one long-lived tmux control-mode client (`tmux -C`), a line on its stdin each, so
//   no tmux client process is started per key.
// Measured on this machine, the path adds about 0.5 ms: a key sent to `cat` comes back as the tty's echo
// in 0.4-0.6 ms (the `cat` baseline in repl-measure.ts measures it on every run).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Arrival {
  /** When the chunk that completed the match arrived (performance.now()). */
  at: number;
  /** Offset of the match in the whole output, and just past it. */
  index: number;
  end: number;
}

export interface OutputLog {
  /** Characters received so far. */
  length(): number;
  /** Everything received from `from` on. */
  text(from?: number): string;
  /** Resolves when `needle` appears at or after `from` (default: anywhere). */
  waitFor(needle: string, options?: { from?: number; timeoutMs?: number }): Promise<Arrival>;
}

interface Waiter {
  needle: string;
  from: number;
  resolve(arrival: Arrival): void;
}

function createOutputLog(): OutputLog & { add(chunk: string, at: number): void } {
  const chunks: string[] = [];
  const starts: number[] = [];
  const times: number[] = [];
  let total = 0;
  let waiters: Waiter[] = [];

  const chunkAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const text = (from = 0): string => {
    if (from >= total) return "";
    const first = chunkAt(from);
    return chunks.slice(first).join("").slice(from - starts[first]!);
  };
  const find = (needle: string, from: number): Arrival | undefined => {
    const start = Math.max(0, from);
    const found = text(start).indexOf(needle);
    if (found < 0) return undefined;
    const index = start + found;
    return { at: times[chunkAt(index + needle.length - 1)]!, index, end: index + needle.length };
  };

  return {
    add(chunk, at) {
      const before = total;
      chunks.push(chunk);
      starts.push(total);
      times.push(at);
      total += chunk.length;
      if (waiters.length === 0) return;
      waiters = waiters.filter((w) => {
        // Only the new chunk (and the needle's length before it) can hold a match not seen before.
        const hit = find(w.needle, Math.max(w.from, before - w.needle.length + 1));
        if (hit) w.resolve(hit);
        return !hit;
      });
    },
    length: () => total,
    text,
    waitFor(needle, options = {}) {
      const from = options.from ?? 0;
      const hit = find(needle, from);
      if (hit) return Promise.resolve(hit);
      return new Promise<Arrival>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const tail = text(Math.max(from, total - 600)).replace(/\x1b/g, "\\e");
          reject(new Error(`timed out waiting for ${JSON.stringify(needle)}; the output ended with:\n${tail}`));
        }, options.timeoutMs ?? 15_000);
        const waiter: Waiter = {
          needle,
          from,
          resolve: (arrival) => {
            clearTimeout(timer);
            resolve(arrival);
          },
        };
        waiters.push(waiter);
      });
    },
  };
}

export interface PaneOptions {
  cwd: string;
  command: string[];
  env: Record<string, string>;
  width?: number;
  height?: number;
}

export interface BenchPane {
  output: OutputLog;
  /** Lets the command start; returns the time the gate opened. */
  launch(): number;
  /** Types literal text (one send-keys); returns the time the command went to tmux. */
  type(text: string): number;
  /** tmux key names (Enter, C-u); returns the time the command went to tmux. */
  keys(...names: string[]): number;
  /** The pid of the program in the pane (the command execs, so it is the program itself). */
  pid(): number;
  close(): Promise<void>;
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

let counter = 0;

export async function openPane(options: PaneOptions): Promise<BenchPane> {
  const dir = mkdtempSync(join(tmpdir(), "hone-bench-pane-"));
  const gate = join(dir, "gate");
  const fifo = join(dir, "out");
  if (spawnSync("mkfifo", [gate, fifo]).status !== 0) throw new Error("mkfifo failed");
  const socket = `hone-bench-${process.pid}-${++counter}`;
  const tmux = (...args: string[]): string => {
    const result = spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const envWords = Object.entries({ ...options.env, TERM: "xterm-256color" }).map(([k, v]) => `${k}=${quote(v)}`);
  const line = `read _ < ${quote(gate)}; exec env -i ${envWords.join(" ")} ${options.command.map(quote).join(" ")}`;
  const size = ["-x", String(options.width ?? 100), "-y", String(options.height ?? 30)];
  tmux("start-server", ";", "set-option", "-g", "history-limit", "50000", ";", "new-session", "-d", "-s", "t", ...size, "-c", options.cwd, line);
  tmux("set-option", "-t", "t", "remain-on-exit", "on");
  tmux("pipe-pane", "-t", "t", "-o", `exec cat > ${quote(fifo)}`);
  const socketPath = tmux("display-message", "-p", "#{socket_path}").trim();

  const output = createOutputLog();
  const stream = createReadStream(fifo, { encoding: "utf8" });
  stream.on("data", (chunk) => output.add(String(chunk), performance.now()));
  const ended = new Promise<void>((resolve) => stream.once("close", () => resolve()));

  const control: ChildProcess = spawn("tmux", ["-L", socket, "-f", "/dev/null", "-C", "attach-session", "-t", "t", "-f", "no-output"], { stdio: ["pipe", "pipe", "ignore"] });
  let controlOut = "";
  await new Promise<void>((resolve, reject) => {
    control.once("error", reject);
    control.stdout!.on("data", (data: Buffer) => {
      // The replies are drained (a full pipe would stall tmux); only the first one is looked at.
      if (controlOut.length < 4096) controlOut += data.toString("utf8");
      if (controlOut.includes("%session-changed")) resolve();
    });
  });
  const command = (line: string): number => {
    const at = performance.now();
    control.stdin!.write(`${line}\n`);
    return at;
  };

  return {
    output,
    launch() {
      const fd = openSync(gate, "w");
      const at = performance.now();
      writeSync(fd, "\n");
      closeSync(fd);
      return at;
    },
    type: (text) => command(`send-keys -t t -l ${quote(text)}`),
    keys: (...names) => command(`send-keys -t t ${names.join(" ")}`),
    pid: () => Number(tmux("display-message", "-p", "-t", "t", "#{pane_pid}").trim()),
    async close() {
      control.stdin!.end();
      spawnSync("tmux", ["-L", socket, "kill-server"]);
      await Promise.race([ended, Bun.sleep(1000)]);
      stream.destroy();
      rmSync(dir, { recursive: true, force: true });
      rmSync(socketPath, { force: true });
    },
  };
}

/** Resident memory of a process in MB (VmRSS from /proc). */
export function rssMB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

/** The process named `name` among `pid` and its descendants (the pane may run a shell around it). */
export function findProcess(pid: number, name: string): number | undefined {
  const comm = (p: number): string => {
    try {
      return readFileSync(`/proc/${p}/comm`, "utf8").trim();
    } catch {
      return "";
    }
  };
  if (comm(pid) === name) return pid;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const child of children) {
      const found = findProcess(Number(child), name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
