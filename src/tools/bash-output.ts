// BashOutput: show what a background shell printed since the last look, with its status.
import { z } from "zod";
import { findShell, type HoneBackgroundShell } from "../background-shells.ts";
import type { BackgroundShell } from "../session-state.ts";
import { defineTool, ToolError } from "../tool.ts";
import { limitOutput } from "../truncate.ts";
import { outputLimits, stripAnsi } from "./bash.ts";

export function describeStatus(shell: BackgroundShell): string {
  if (shell.status === "running" || shell.exitCode === null) return shell.status;
  return `${shell.status} (exit code ${shell.exitCode})`;
}

function compile(filter: string): RegExp {
  try {
    return new RegExp(filter);
  } catch (error) {
    throw new ToolError(`Invalid filter regular expression: ${(error as Error).message}`);
  }
}

const description = `Reads the output of a background command started with Bash run_in_background.
- Returns only what the command printed since the previous BashOutput call for that bash_id, plus its status (running, completed, failed or killed) and exit code once it has ended.
- filter: an optional regular expression; only new lines matching it are returned. Lines that do not match are skipped for good here (they stay in the shell's log file).
- Large output keeps its last 30000 characters, with the full text saved to a file.`;

export const bashOutputTool = defineTool({
  name: "BashOutput",
  description,
  readOnly: true,
  input: z.object({
    bash_id: z.string().min(1).describe("Id of the background shell, e.g. bash_1"),
    filter: z.string().optional().describe("Regular expression; only new output lines matching it are shown"),
  }),
  async run(input, ctx) {
    const shell = findShell(ctx.session, input.bash_id);
    const regex = input.filter === undefined ? undefined : compile(input.filter);
    const running = shell.status === "running";
    const all = shell.output();
    let end = all.length;
    // While it runs, a filter only sees complete lines so a line is never matched in two halves.
    if (regex && running) end = Math.max(shell.shownUpTo, all.lastIndexOf("\n") + 1);
    const fresh = stripAnsi(all.slice(shell.shownUpTo, end)).replace(/\n+$/, "");
    shell.shownUpTo = end;

    const lines = fresh === "" ? [] : fresh.split("\n");
    const kept = regex ? lines.filter((line) => regex.test(line)) : lines;
    const body = kept.join("\n");
    const limited = limitOutput(body, { keep: "tail", state: ctx.session, label: shell.id, limits: outputLimits() });

    const hone = shell as Partial<HoneBackgroundShell>;
    const parts = [`Shell ${shell.id}: ${describeStatus(shell)}`];
    if (hone.unseenDropped) {
      parts.push(`[${hone.unseenDropped} characters of earlier output were never shown; they are in the log file.]`);
      hone.unseenDropped = 0;
    }
    if (body !== "") parts.push(limited.text);
    else parts.push(regex && lines.length > 0 ? "(no new lines matched the filter)" : "(no new output)");
    if (hone.logPath) parts.push(`Full log: ${hone.logPath}`);

    return {
      content: parts.join("\n"),
      structured: {
        shellId: shell.id,
        command: shell.command,
        status: shell.status,
        exitCode: shell.exitCode,
        stdout: limited.text,
        stderr: "",
        stdoutLines: kept.length,
        timestamp: new Date().toISOString(),
      },
    };
  },
});
