// `!command` at the prompt: the user's own shell command, run at once without asking the model or the
// permission rules (the user typed it), shown in the terminal and added to the conversation so the
// model sees the command and its output next turn.
import { join } from "node:path";
import { createColors } from "picocolors";
import type { Conversation } from "./conversation.ts";
import type { PreparedRun } from "./prepare-run.ts";
import { ensureSpillDir } from "./session-state.ts";
import { runCommand } from "./shell.ts";
import { limitOutput } from "./truncate.ts";

export interface BangDeps {
  cwd: string;
  conversation: Conversation;
  run: PreparedRun;
  print(lines: string[]): void;
  color: boolean;
  signal: AbortSignal;
}

const SHOWN_LINES = 20;
const TIMEOUT_MS = 10 * 60_000;

/** The message the model gets: the command and its output in tags it can tell apart from a prompt. */
export function bangMessage(command: string, output: string, exitCode: number | null): string {
  const status = exitCode === 0 ? "" : `\n<bash-exit-code>${exitCode ?? "killed"}</bash-exit-code>`;
  return `<bash-input>${command}</bash-input>\n<bash-stdout>${output}</bash-stdout>${status}`;
}

export async function runBang(command: string, deps: BangDeps): Promise<void> {
  const c = createColors(deps.color);
  const trimmed = command.trim();
  if (trimmed === "") {
    deps.print([c.dim("! needs a command to run, e.g. !git status")]);
    return;
  }
  deps.print([c.magenta(`! ${trimmed}`)]);
  const state = deps.run.setup.agent.session;
  let counter = 0;
  const result = await runCommand({
    command: trimmed,
    cwd: state.cwd,
    timeoutMs: TIMEOUT_MS,
    signal: deps.signal,
    outputFile: () => join(ensureSpillDir(state), `bang-${Date.now()}-${++counter}.txt`),
  });
  const output = result.output.replace(/\s+$/, "");
  const lines = output === "" ? [] : output.split("\n");
  const shown = lines.slice(-SHOWN_LINES).map((line) => `  ${line}`);
  if (lines.length > SHOWN_LINES) deps.print([c.dim(`  … ${lines.length - SHOWN_LINES} earlier lines`)]);
  deps.print(shown.length > 0 ? shown : [c.dim("  (no output)")]);
  if (result.interrupted) deps.print([c.dim("  ⎿  Interrupted")]);
  else if (result.exitCode !== 0) deps.print([c.red(`  ⎿  exit code ${result.exitCode ?? "killed"}`)]);
  deps.conversation.append(bangMessage(trimmed, limitOutput(output, { keep: "tail", state, label: "bang" }).text, result.exitCode));
}
