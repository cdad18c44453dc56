// The terminal the interactive session runs in: raw keyboard input, bracketed paste, size and resize,
// and putting everything back the way it was on exit, on a crash, or when suspended with Ctrl+Z.
import type { Env } from "./config-dir.ts";

export interface TerminalInput {
  isTTY?: boolean;
  setRawMode?(on: boolean): unknown;
  on(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  off(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  setEncoding?(encoding: "utf8"): unknown;
}

export interface TerminalOutput {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
  on(event: "resize", listener: () => void): unknown;
  off(event: "resize", listener: () => void): unknown;
}

export interface Terminal {
  write(text: string): void;
  columns(): number;
  rows(): number;
  /** Whether colours are wanted (NO_COLOR unset, not a dumb terminal). */
  readonly color: boolean;
  /** Key bytes as they arrive; returns a function that stops listening. */
  onData(listener: (chunk: string) => void): () => void;
  onResize(listener: () => void): () => void;
  /** Raw mode and bracketed paste on (again, after a prompt library or a child process had the terminal).
   * With `listen` false, keys stay queued in the tty until a later call listens (the program is loading). */
  enterRaw(listen?: boolean): void;
  /** The terminal back to how it was found; safe to call more than once. */
  restore(): void;
}

const PASTE_ON = "\x1b[?2004h";
const PASTE_OFF = "\x1b[?2004l";
// Keys with modifiers told apart (Shift+Enter above all): kitty's keyboard protocol (flag 1, pushed and
// popped) and xterm's modifyOtherKeys level 1 (also what tmux's extended-keys follow). Terminals that know
// neither ignore both; keys.ts decodes what either sends.
const KEYS_ON = "\x1b[>1u\x1b[>4;1m";
const KEYS_OFF = "\x1b[<u\x1b[>4m";
const SHOW_CURSOR = "\x1b[?25h";

/** NO_COLOR (any non-empty value) and TERM=dumb turn colours off; FORCE_COLOR turns them on. */
export function wantsColor(env: Env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return env.TERM !== "dumb";
}

export function openTerminal(input: TerminalInput, output: TerminalOutput, env: Env): Terminal {
  let raw = false;
  let restored = false;
  // Whether the key protocols are on (pushed once, popped once, however often raw mode is re-entered).
  let keys = false;
  const write = (text: string): void => {
    output.write(text);
  };
  const restore = (): void => {
    if (restored) return;
    restored = true;
    if (raw) input.setRawMode?.(false);
    raw = false;
    write(PASTE_OFF + (keys ? KEYS_OFF : "") + SHOW_CURSOR);
    keys = false;
    input.pause();
  };
  // A crash must not leave the user's shell in raw mode without an echo.
  process.once("exit", restore);
  input.setEncoding?.("utf8");
  return {
    write,
    columns: () => Math.max(20, output.columns ?? Number(env.COLUMNS ?? 80)),
    rows: () => Math.max(5, output.rows ?? Number(env.LINES ?? 24)),
    color: wantsColor(env),
    onData(listener) {
      const handler = (chunk: Buffer | string): void => listener(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      input.on("data", handler);
      return () => input.off("data", handler);
    },
    onResize(listener) {
      output.on("resize", listener);
      return () => output.off("resize", listener);
    },
    enterRaw(listen = true) {
      restored = false;
      if (input.isTTY) input.setRawMode?.(true);
      raw = input.isTTY === true;
      if (listen) input.resume();
      write(PASTE_ON + (keys ? "" : KEYS_ON));
      keys = true;
    },
    restore,
  };
}
