// What the session tells the terminal around the prompt: the window title (the folder, then the task)
// and a notification when hone needs the user: a permission ask, or a long turn finished. How to
// notify follows `preferredNotifChannel` (Claude Code's names); "auto" uses the escape sequence of a
// terminal known to show notifications and stays silent elsewhere.
import { basename } from "node:path";
import { envFlag, type Env } from "./config-dir.ts";

export const NOTIF_CHANNELS = ["auto", "terminal_bell", "iterm2", "iterm2_with_bell", "kitty", "ghostty", "notifications_disabled"] as const;
export type NotifChannel = (typeof NOTIF_CHANNELS)[number];

const BEL = "\x07";
const ST = "\x1b\\";
// xterm's title stack: the user's title is saved at start and put back at exit.
const TITLE_PUSH = "\x1b[22;0t";
const TITLE_POP = "\x1b[23;0t";
/** A turn at least this long rings when it ends: the user has probably looked away. */
export const LONG_TURN_MS = 6000;

/** Text safe inside an OSC string: no control characters, one line, bounded. */
function oscText(text: string, max: number): string {
  const line = text.replace(/[\x00-\x1f\x7f-\x9f]+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The channel "auto" resolves to in this terminal. */
export function autoChannel(env: Env): NotifChannel {
  if (env.TERM_PROGRAM === "iTerm.app") return "iterm2";
  if (env.TERM_PROGRAM === "ghostty") return "ghostty";
  if (env.TERM === "xterm-kitty" || env.KITTY_WINDOW_ID) return "kitty";
  return "notifications_disabled";
}

/** The bytes that notify with `message` on `channel` (empty when disabled). */
export function notification(channel: NotifChannel, message: string, env: Env): string {
  const text = oscText(message, 200);
  switch (channel === "auto" ? autoChannel(env) : channel) {
    case "terminal_bell":
      return BEL;
    case "iterm2":
      return `\x1b]9;${text}${BEL}`;
    case "iterm2_with_bell":
      return `\x1b]9;${text}${BEL}${BEL}`;
    case "kitty":
      return `\x1b]99;i=hone:d=0;${text}${ST}`;
    case "ghostty":
      return `\x1b]777;notify;hone;${text}${BEL}`;
    default:
      return "";
  }
}

export function titleSequence(title: string): string {
  return `\x1b]0;${oscText(title, 80)}${BEL}`;
}


export interface TerminalSignals {
  /** The session is up: the title names the folder. */
  started(): void;
  /** A prompt was sent: the first one names the session in the title. */
  prompted(text: string): void;
  /** A turn ended after `ms`. */
  turnEnded(ms: number): void;
  /** hone waits on a permission answer. */
  asking(tool: string): void;
  /** Puts the user's own title back. */
  stop(): void;
}

export function createTerminalSignals(deps: { write: (text: string) => void; env: Env; cwd: string; channel: () => NotifChannel | undefined }): TerminalSignals {
  const titles = !envFlag(deps.env.CLAUDE_CODE_DISABLE_TERMINAL_TITLE) && !envFlag(deps.env.HONE_DISABLE_TERMINAL_TITLE);
  let titled = false;
  let named = false;
  const notify = (message: string): void => {
    const bytes = notification(deps.channel() ?? "auto", message, deps.env);
    if (bytes) deps.write(bytes);
  };
  const setTitle = (title: string): void => {
    if (!titles) return;
    deps.write(`${titled ? "" : TITLE_PUSH}${titleSequence(title)}`);
    titled = true;
  };
  return {
    started: () => setTitle(`hone · ${basename(deps.cwd) || deps.cwd}`),
    prompted(text) {
      if (named || text.startsWith("/") || text.trim() === "") return;
      named = true;
      setTitle(`hone · ${text.trim().split("\n")[0]}`);
    },
    turnEnded(ms) {
      if (ms >= LONG_TURN_MS) notify("hone finished and is waiting for you");
    },
    asking: (tool) => notify(`hone needs your permission to use ${tool}`),
    stop() {
      if (titled) deps.write(TITLE_POP);
      titled = false;
    },
  };
}
