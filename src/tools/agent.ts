// Agent (formerly Task): hands a task to a sub-agent with a fresh context and returns its final report.
// Several calls in one message run at the same time; run_in_background returns at once and the result
// arrives later as a task notification. Built per session: the description lists the agent types there.
import { z } from "zod";
import type { SubagentType } from "../agent-types.ts";
import { defineTool, ToolError, type Tool } from "../tool.ts";

function describe(types: readonly SubagentType[]): string {
  const list = types.map((t) => `- ${t.name}: ${t.description}`).join("\n");
  return `Starts a sub-agent for a task that needs many steps or would fill your context: searching a large codebase, researching a question, carrying out a separate change. The agent starts with an empty context: put everything it needs in the prompt (the goal, what you know, paths, what to report back). It returns one final report; you see nothing else of its work, so ask it for exactly the details you need.

Agent types (subagent_type):
${list}

- Send several Agent calls in one message to run them at the same time when the tasks are independent.
- run_in_background: true returns at once; you get a <task-notification> with the result when it finishes (TaskOutput reads its progress, SendMessage sends it instructions, TaskStop stops it). Use it when you have other work meanwhile.
- isolation: "worktree" runs the agent in a fresh git worktree on its own branch; the result names the branch and the files it changed, and your working tree is untouched.
- The agent's report is not shown to the user: tell the user what matters from it yourself.`;
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
