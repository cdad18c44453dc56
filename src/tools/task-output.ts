// TaskOutput: the state and output of a background task: an agent (its progress, or its result once
// done) or a background shell (what it printed since the last look). Can wait for it to finish.
import { z } from "zod";
import type { AgentTask } from "../tasks.ts";
import { defineTool, ToolError, type ToolContext } from "../tool.ts";
import { bashOutputTool } from "./bash-output.ts";
import { pause } from "../retry.ts";

const MAX_WAIT_MS = 600_000;

/** Until `done`, at most `timeoutMs`; an interrupted turn stops waiting. */
function waitFor(done: Promise<void>, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return Promise.race([done, pause(timeoutMs, signal)]);
}

function agentReport(task: AgentTask): string {
  const elapsed = ((Date.now() - task.startedAt) / 1000).toFixed(0);
  const head = `Agent ${task.id} (${task.type}: ${task.description}): ${task.status}, ${elapsed}s, ${task.usage.toolUses} tool uses.`;
  if (task.status !== "running") return `${head}\n\n${task.result ?? "(no result)"}`;
  const recent = task.activity.length > 0 ? `Recent steps:\n${task.activity.map((a) => `- ${a}`).join("\n")}` : "No steps yet.";
  return `${head}\n${recent}\nIt is still working; its result will arrive as a task notification.`;
}

async function shellOutput(id: string, block: boolean, timeoutMs: number, ctx: ToolContext) {
  const shell = ctx.session.shells.get(id);
  if (!shell) return undefined;
  const done = (shell as { done?: Promise<void> }).done;
  if (block && shell.status === "running" && done) await waitFor(done, timeoutMs, ctx.signal);
  return bashOutputTool.run({ bash_id: id }, ctx);
}

export const taskOutputTool = defineTool({
  name: "TaskOutput",
  description: `A background agent's or shell's state and output: an agent's recent steps or final report, a shell's new output. block (default) waits up to timeout ms for it to finish. Finished tasks report themselves in a <task-notification>, so you rarely need this.`,
  readOnly: true,
  input: z.object({
    task_id: z.string().min(1).describe("The agent id or shell id"),
    block: z.boolean().default(true).describe("Wait for the task to finish (up to timeout)"),
    timeout: z.number().int().min(0).max(MAX_WAIT_MS).default(30_000).describe("Longest wait in milliseconds"),
  }),
  async run(input, ctx) {
    const shell = await shellOutput(input.task_id, input.block, input.timeout, ctx);
    if (shell) return shell;
    const launcher = ctx.session.agents;
    if (!launcher) throw new ToolError(`No background task "${input.task_id}".`);
    const task = launcher.find(input.task_id);
    if (input.block && task.status === "running") await waitFor(task.done, input.timeout, ctx.signal);
    return {
      content: agentReport(task),
      structured: { task_id: task.id, status: task.status, description: task.description, result: task.result ?? null, usage: task.usage },
    };
  },
});
