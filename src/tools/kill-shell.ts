// KillShell: stop a background command and everything it started.
import { z } from "zod";
import { findShell } from "../background-shells.ts";
import { defineTool } from "../tool.ts";
import { describeStatus } from "./bash-output.ts";

const description = `Stops a background command started with Bash run_in_background, killing its whole process group (SIGTERM, then SIGKILL if it lingers). Takes the shell id returned by Bash, e.g. bash_1. Stopping a shell that has already ended just reports its final status.`;

export const killShellTool = defineTool({
  name: "KillShell",
  description,
  readOnly: false,
  input: z.object({
    shell_id: z.string().min(1).describe("Id of the background shell to stop, e.g. bash_1"),
  }),
  async run(input, ctx) {
    const shell = findShell(ctx.session, input.shell_id);
    const wasRunning = shell.status === "running";
    // Even for a finished shell this sweeps up anything it left running with `&`.
    await shell.kill();
    const command = shell.command.length > 200 ? `${shell.command.slice(0, 200)}…` : shell.command;
    const message =
      wasRunning && shell.status === "killed"
        ? `Killed background shell ${shell.id} (${command}).`
        : `Shell ${shell.id} had already finished: ${describeStatus(shell)}. Nothing was running to kill.`;
    return { content: message, structured: { message, shell_id: shell.id } };
  },
});
