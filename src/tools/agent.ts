// Agent (formerly Task): hands a task to a sub-agent with a fresh context and returns its final report.
// Several calls in one message run at the same time; run_in_background returns at once and the result
// arrives later as a task notification. Built per session: the description lists the agent types there.
import { z } from "zod";
import type { SubagentType } from "../agent-types.ts";
import { defineTool, ToolError, type Tool } from "../tool.ts";

function describe(types: readonly SubagentType[]): string {
  const list = types.map((t) => `- ${t.name}: ${t.description}`).join("\n");
  return `Hands a task to a sub-agent with an empty context (it sees only your prompt, so include the goal, what you know, paths and what to report) and returns its final report, which the user does not see. Use it for searches and research that would fill your context, or for separate pieces of work.

Agent types (subagent_type):
${list}

- Several Agent calls in one message run at the same time.
- run_in_background: returns at once; the result arrives as a <task-notification> (TaskOutput, SendMessage and TaskStop work on it meanwhile).
- isolation: "worktree": the agent works on its own git branch; the result names the branch and changed files.`;
}

export function createAgentTool(types: readonly SubagentType[]): Tool {
  return defineTool({
    name: "Agent",
    description: describe(types),
    // Starting an agent changes nothing by itself (its own tool calls are checked one by one), and
    // read-only calls in one message run concurrently, which is what makes several agents parallel.
    readOnly: true,
    input: z.object({
      description: z.string().min(1).describe("A short (3-5 word) description of the task"),
      prompt: z.string().min(1).describe("The task for the agent, with all the context it needs"),
      subagent_type: z.string().min(1).default("general-purpose").describe("Which agent type to use"),
      model: z.string().min(1).optional().describe('A model for this agent: "sonnet", "opus", "haiku" or a full model id (default: the agent type\'s, else yours)'),
      run_in_background: z.boolean().optional().describe("Return at once; the result arrives later as a task notification"),
      isolation: z.enum(["worktree"]).optional().describe('"worktree": work in a fresh git worktree on its own branch'),
    }),
    async run(input, ctx) {
      const launcher = ctx.session.agents;
      if (!launcher) throw new ToolError("Sub-agents cannot start other agents.");
      return launcher.launch(
        {
          description: input.description,
          prompt: input.prompt,
          subagentType: input.subagent_type,
          ...(input.model ? { model: input.model } : {}),
          background: input.run_in_background === true,
          ...(input.isolation ? { isolation: input.isolation } : {}),
        },
        ctx,
      );
    },
  }) as Tool;
}
