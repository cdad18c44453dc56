// Drives the compiled binary in a real terminal: a tmux server of its own per session (its own socket,
// no user config), keys sent with send-keys, the screen read with capture-pane. Waiting is by polling the
// screen for what a test expects, never by fixed sleeps.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { requireBinary, honeEnv } from "./run-hone.ts";

export interface TmuxOptions {
  cwd: string;
  apiUrl?: string;
  env?: Record<string, string | undefined>;
  args?: string[];
  width?: number;
  height?: number;
  /** Another command instead of the hone binary. */
  command?: string[];
  /** tmux's extended-keys: modified keys (Shift+Enter) reach a program that asks for them as CSI sequences. */
  extendedKeys?: boolean;
}

export interface Tmux {
  /** tmux key names ("Enter", "Escape", "BTab", "C-c", "Up") or literal text with `text`. */
  keys(...keys: string[]): void;
  /** Types the text literally (no key-name lookup). */
  type(text: string): void;
  /** Sends raw bytes as if the terminal produced them (escape sequences for keys tmux cannot name). */
  raw(bytes: string): void;
  /** The visible screen as plain text, trailing blank lines dropped. */
  screen(): string;
  /** The whole history (scrollback and screen). */
  history(): string;
  /** Polls until `test` holds for the screen (or history), returning it; throws with the screen on timeout. */
  waitFor(test: string | RegExp | ((screen: string) => boolean), options?: { timeoutMs?: number; history?: boolean }): Promise<string>;
  resize(width: number, height: number): void;
  /** Whether the program is still running in the pane. */
  alive(): boolean;
  /** The pid of the program in the pane. */
  pid(): number;
  kill(): void;
}

let counter = 0;

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function hasTmux(): boolean {
  return spawnSync("tmux", ["-V"]).status === 0;
}

export function startTmux(options: TmuxOptions): Tmux {
  const socket = `hone-test-${process.pid}-${++counter}`;
  const width = options.width ?? 100;
  const height = options.height ?? 30;
  const env = { ...honeEnv(options.apiUrl, options.env), TERM: "xterm-256color" };
  const command = [...(options.command ?? [requireBinary()]), ...(options.args ?? [])];
  const envWords = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const line = `env -i ${envWords.join(" ")} ${command.map(shellQuote).join(" ")}`;
  const tmux = (...args: string[]): string => {
    const result = spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  // The scrollback size applies to panes created after it is set, so it goes first.
  const keys = options.extendedKeys ? ["set-option", "-g", "extended-keys", "on", ";"] : [];
  tmux("start-server", ";", "set-option", "-g", "history-limit", "50000", ";", ...keys, "new-session", "-d", "-s", "t", "-x", String(width), "-y", String(height), "-c", options.cwd, line);
  tmux("set-option", "-t", "t", "remain-on-exit", "on");
  const screen = (): string => tmux("capture-pane", "-p", "-t", "t").replace(/\s+$/, "");
  const history = (): string => tmux("capture-pane", "-p", "-S", "-", "-t", "t").replace(/\s+$/, "");
  return {
    keys: (...keys) => void tmux("send-keys", "-t", "t", ...keys),
    type: (text) => void tmux("send-keys", "-t", "t", "-l", text),
    raw: (bytes) => void tmux("send-keys", "-t", "t", "-H", ...[...Buffer.from(bytes, "utf8")].map((b) => b.toString(16).padStart(2, "0"))),
    screen,
    history,
    async waitFor(test, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
      const matches = (text: string): boolean => (typeof test === "string" ? text.includes(test) : test instanceof RegExp ? test.test(text) : test(text));
      for (;;) {
        const text = opts.history ? history() : screen();
        if (matches(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; the screen was:\n${text}`);
        await Bun.sleep(40);
      }
    },
    resize: (w, h) => void tmux("resize-window", "-t", "t", "-x", String(w), "-y", String(h)),
    alive: () => tmux("display-message", "-p", "-t", "t", "#{pane_dead}").trim() === "0",
    pid: () => Number(tmux("display-message", "-p", "-t", "t", "#{pane_pid}").trim()),
    kill: () => {
      spawnSync("tmux", ["-L", socket, "kill-server"]);
      // The server leaves its socket file behind in the tmux temp folder.
      const dir = `${process.env.TMUX_TMPDIR ?? "/tmp"}/tmux-${process.getuid?.() ?? 0}`;
      rmSync(`${dir}/${socket}`, { force: true });
    },
  };
}

/** Timing fields (elapsed seconds, token counts, spinner frames) replaced so screens compare exactly. */
export function stripTiming(screen: string): string {
  return screen
    .replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, "*")
    .replace(/\(\d+m? ?\d*s · ↓ [\d.]+k? tokens/g, "(Ns · ↓ N tokens")
    .replace(/Thought for \d+s/g, "Thought for Ns")
    .replace(/\d+ ms/g, "N ms");
}
