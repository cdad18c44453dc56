// Bash: run a command in the user's shell with a carried-over working directory, a timeout that kills
// the whole process group, merged output truncated to its tail, or start it in the background.
import { join } from "node:path";
import { z } from "zod";
import { adoptShell, startBackgroundShell, trackLingeringGroup } from "../background-shells.ts";
import { isExcluded, type Sandbox } from "../sandbox.ts";
import { ensureSpillDir, type SessionState } from "../session-state.ts";
import { isDirectory } from "../paths.ts";
import { isErrorExit, runCommand, type CommandResult } from "../shell.ts";
import { defineTool, ToolError } from "../tool.ts";
import { DEFAULT_LIMITS, limitOutput, truncateTail, type Limits } from "../truncate.ts";

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

/** Requested timeout, or the default, clamped to the maximum (both overridable from the env). */
export function resolveTimeout(requested: number | undefined): number {
  const fallback = envInt("BASH_DEFAULT_TIMEOUT_MS", 120_000);
  const max = Math.max(envInt("BASH_MAX_TIMEOUT_MS", 600_000), fallback);
  return Math.min(Math.ceil(requested ?? fallback), max);
}

export function outputLimits(): Limits {
  return { maxLines: DEFAULT_LIMITS.maxLines, maxChars: envInt("BASH_MAX_OUTPUT_LENGTH", 30_000) };
}

/** The sandbox this command runs in, if any: excluded programs and approved escapes run outside. */
function chooseSandbox(session: SessionState, command: string, disable: boolean | undefined, notes: string[]): Sandbox | undefined {
  const sandbox = session.sandbox;
  if (!sandbox || isExcluded(command, sandbox.excludedCommands)) return undefined;
  if (!disable) return sandbox;
  if (sandbox.allowUnsandboxed) return undefined;
  notes.push("dangerouslyDisableSandbox was ignored: the sandbox settings do not allow commands outside it.");
  return sandbox;
}

// Colour and cursor escapes: the output is not a terminal, so they are only noise to the model.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI, "") : text;
}

let spillCounter = 0;

/** The text the model sees: the tail of the output, with the full text on disk when cut. */
function presentOutput(result: CommandResult, state: SessionState): { text: string; fullOutputPath?: string } {
  const raw = stripAnsi(result.output).replace(/\n+$/, "");
  const limits = outputLimits();
  const spilled = result.buffer.path;
  if (spilled === undefined) {
    const limited = limitOutput(raw, { keep: "tail", state, label: "bash", limits });
    return limited.fullOutputPath ? { text: limited.text, fullOutputPath: limited.fullOutputPath } : { text: raw };
  }
  // Too large to hold in memory: the buffer already wrote everything to `spilled`.
  const cut = truncateTail(raw, limits);
  const notice =
    `[Output truncated: showing the last ${cut.keptLines} lines of ${result.buffer.total} characters. ` +
    `Full output: ${spilled}]`;
  return { text: `${notice}\n\n${cut.text}`, fullOutputPath: spilled };
}

const description = `Runs a command in the user's shell (bash or zsh) and returns its stdout and stderr merged, in order.
- The working directory carries over between calls, so a \`cd\` stays in effect. Exported variables, aliases and functions do not.
- stdin is /dev/null: interactive prompts, editors and pagers cannot get input, so pass flags like --yes or --no-edit.
- timeout is in milliseconds: default 120000, maximum 600000. On timeout the command and every process it started are killed.
- Long output keeps its last 30000 characters; the full text is saved to a file you can Read.
- A non-zero exit status is an error, except status 1 from grep, rg, find, diff, test, git diff and git grep (no match / differences).
- run_in_background: true returns an id (bash_1, ...) at once, for servers, watchers and long builds; read new output with BashOutput and stop it with KillShell. Don't add \`&\` yourself.
- For files, prefer the Read, Edit, Write, Glob and Grep tools over cat, sed, find and grep. Quote paths with spaces; join dependent steps with &&.
- description: 5-10 words saying what the command does.
- When hone's sandbox is on, commands can write only in the working folders and $TMPDIR and reach only allowed domains; a failure it caused says so. dangerouslyDisableSandbox: true runs one command outside it, only after such a failure; the user is asked first.`;

export const bashTool = defineTool({
  name: "Bash",
  description,
  readOnly: false,
  input: z.object({
    command: z.string().min(1).describe("The command to run"),
    timeout: z.number().positive().optional().describe("Timeout in milliseconds (maximum 600000)"),
    description: z.string().optional().describe("Short description of what the command does, 5-10 words"),
    run_in_background: z.boolean().optional().describe("Start the command and return its id without waiting"),
    dangerouslyDisableSandbox: z
      .boolean()
      .optional()
      .describe("Run outside hone's sandbox; only after the sandbox blocked the command, needs the user's approval"),
  }),
  async run(input, ctx) {
    const notes: string[] = [];
    let cwd = ctx.session.cwd;
    if (!isDirectory(cwd)) {
      notes.push(`Shell cwd was reset to ${ctx.projectDir} because ${cwd} no longer exists.`);
      cwd = ctx.session.cwd = ctx.projectDir;
    }
    await ctx.session.prepareSandbox?.();
    const sandbox = chooseSandbox(ctx.session, input.command, input.dangerouslyDisableSandbox, notes);

    if (input.run_in_background) {
      const shell = startBackgroundShell(ctx.session, { command: input.command, cwd, ...(sandbox ? { sandbox } : {}) });
      const text = [
        `Command started in the background with id ${shell.id}.`,
        `Read its new output with BashOutput (bash_id "${shell.id}"); stop it with KillShell.`,
        `Full log: ${shell.logPath}`,
        ...notes,
      ].join("\n");
      return {
        content: text,
        structured: { stdout: "", stderr: "", interrupted: false, isImage: false, backgroundTaskId: shell.id },
      };
    }

    const timeoutMs = resolveTimeout(input.timeout);
    const toBackground = new AbortController();
    ctx.session.sendToBackground = () => toBackground.abort();
    const outputFile = () => join(ensureSpillDir(ctx.session), `bash-${Date.now()}-${++spillCounter}.txt`);
    let result: Awaited<ReturnType<typeof runCommand>>;
    try {
      result = await runCommand({ command: input.command, cwd, timeoutMs, signal: ctx.signal, outputFile, background: toBackground.signal, ...(sandbox ? { sandbox } : {}) });
    } finally {
      delete ctx.session.sendToBackground;
    }
    if (result.backgrounded) {
      const shell = adoptShell(ctx.session, result.backgrounded, { command: input.command, logPath: result.backgrounded.buffer.path ?? "", ...(sandbox ? { sandbox } : {}) });
      const text = [`The user moved this command to the background (id ${shell.id}); it is still running.`, `Read its output with BashOutput (bash_id "${shell.id}"); stop it with KillShell.`, ...notes].join("\n");
      return { content: text, structured: { stdout: result.output, stderr: "", interrupted: false, isImage: false, backgroundTaskId: shell.id } };
    }
    if (result.spawnError) throw new ToolError(`Could not start the shell: ${result.spawnError}`);
    if (result.cwd && isDirectory(result.cwd)) ctx.session.cwd = result.cwd;
    if (result.lingering && result.pid !== undefined) trackLingeringGroup(ctx.session, result.pid);

    const shown = presentOutput(result, ctx.session);
    const killed = result.timedOut || result.interrupted;
    const lines = [shown.text === "" ? "(no output)" : shown.text];
    if (!killed && result.exitCode !== 0) lines.push(`Exit code ${result.exitCode}`);
    if (result.timedOut) {
      lines.push(`Command timed out after ${timeoutMs} ms; it and every process it started were killed.`);
    }
    if (result.interrupted) lines.push("Command was interrupted; it and every process it started were killed.");
    if (result.lingering) {
      lines.push("Processes it started with & are still running (use run_in_background to track such commands).");
    }
    if (result.sandboxNote) lines.push(result.sandboxNote);
    const explained = sandbox && !killed ? sandbox.explainFailure(result.output, result.exitCode) : undefined;
    if (explained) lines.push(explained);
    lines.push(...notes);

    return {
      content: lines.join("\n"),
      isError: killed || isErrorExit(input.command, result.exitCode),
      structured: {
        stdout: shown.text,
        stderr: "",
        interrupted: killed,
        isImage: false,
        exitCode: result.exitCode,
        ...(shown.fullOutputPath ? { fullOutputPath: shown.fullOutputPath } : {}),
      },
    };
  },
});
