// The REPL's built-in slash commands: what a handler gets and how a typed command finds its handler. The
// handlers live in files grouped by what they touch (repl-cmd-*.ts, listed in repl-command-list.ts). A name not in this table goes to the model as a skill, markdown
// command or MCP prompt.
import type { Conversation } from "./conversation.ts";
import type { Env } from "./config-dir.ts";
import type { UserBlock } from "./messages.ts";
import type { PreparedRun } from "./prepare-run.ts";
import type { RunOptions } from "./cli.ts";
import type { Dialogs } from "./repl-dialogs.ts";
import type { CommandInfo } from "./completion.ts";
import type { ReplBuddy } from "./repl-buddy.ts";

export interface ReplContext {
  readonly cwd: string;
  readonly env: Env;
  readonly color: boolean;
  readonly options: RunOptions;
  /** The current run (settings, session, tools, extensions); replaced by /clear and /resume. */
  run(): PreparedRun;
  conversation(): Conversation;
  /** Writes lines into the scrollback. */
  print(lines: string | string[]): void;
  dialogs: Dialogs;
  /** Sends a prompt to the model as a turn and waits for it. */
  submit(prompt: string | UserBlock[], shown?: string): Promise<void>;
  /** Starts over in a new session, or switches to a saved one (resume: its id). */
  switchSession(how: { resume?: string; show?: boolean }): Promise<void>;
  /** Puts text into the prompt box (rewind gives the old prompt back). */
  setInput(text: string): void;
  exit(): void;
  /** Vim editing on or off; returns the new state. */
  toggleVim(): boolean;
  width(): number;
  /** Aborted by Esc while the command runs. */
  readonly signal: AbortSignal;
  /** Every command the prompt knows (built-ins, skills, markdown commands, MCP prompts). */
  commandList(): CommandInfo[];
  /** Redraw the status row (mode, model) and run the status line command. */
  refreshStatus(): void;
  /** The companion, in builds with the "buddy" feature once it has started. */
  buddy?(): ReplBuddy | undefined;
}

export type { CommandInfo } from "./completion.ts";

export interface ReplCommand {
  name: string;
  description: string;
  argumentHint?: string;
  /** When set, the command needs an argument and says this without one. */
  requires?: string;
  run(args: string, ctx: ReplContext): Promise<void> | void;
}

/** `/name args` → the built-in and its argument text, or undefined when it is not a built-in. */
export function findCommand(text: string, commands: readonly ReplCommand[]): { command: ReplCommand; args: string } | undefined {
  const match = /^\/([\w:-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const command = commands.find((c) => c.name === match[1]);
  return command ? { command, args: (match[2] ?? "").trim() } : undefined;
}

export async function runCommand(found: { command: ReplCommand; args: string }, ctx: ReplContext): Promise<void> {
  const { command, args } = found;
  if (command.requires && args === "") {
    ctx.print(`/${command.name} needs ${command.requires}. Usage: /${command.name} ${command.argumentHint ?? ""}`.trimEnd());
    return;
  }
  await command.run(args, ctx);
}
