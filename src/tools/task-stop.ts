// TaskStop: stops a background agent or a background shell.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { killShellTool } from "./kill-shell.ts";

export const taskStopTool = defineTool({
  name: "TaskStop",
  description: `Stops a background agent or background shell (its whole process group) by the id Agent or Bash returned.`,
  readOnly: false,
  input: z
    .object({
      task_id: z.string().min(1).optional().describe("The agent id or shell id"),
      shell_id: z.string().min(1).optional().describe("Older name for a shell's id"),
    })
    .refine((v) => v.task_id !== undefined || v.shell_id !== undefined, { message: "give task_id" }),
  async run(input, ctx) {
    const id = (input.task_id ?? input.shell_id)!;
    if (ctx.session.shells.has(id)) return killShellTool.run({ shell_id: id }, ctx);
    const launcher = ctx.session.agents;
    if (!launcher) throw new ToolError(`No background task "${id}".`);
    const task = launcher.find(id);
    if (task.status !== "running") return { content: `Agent ${id} had already ${task.status === "completed" ? "finished" : task.status}.`, structured: { task_id: id, status: task.status } };
    task.stop();
    await task.done;
    return { content: `Stopped agent ${id} (${task.description}).`, structured: { task_id: id, status: task.status } };
  },
});
