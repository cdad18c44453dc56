// SendMessage: gives a running background agent more instructions; it reads them before its next step.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";

export const sendMessageTool = defineTool({
  name: "SendMessage",
  description: `Sends a message to a background agent that is still running (started with Agent run_in_background). The agent reads it before its next step, as if you had added it to its task: use it to redirect, narrow or extend the work. An agent that has finished cannot receive messages: start a new one.`,
  readOnly: false,
  input: z.object({
    to: z.string().min(1).describe("The agent's id, as Agent returned it"),
    message: z.string().min(1).describe("What to tell the agent"),
  }),
  async run(input, ctx) {
    const launcher = ctx.session.agents;
    if (!launcher) throw new ToolError("There are no agents to message in this session.");
    const text = launcher.send(input.to, input.message);
    return { content: text, structured: { to: input.to, delivered: true } };
  },
});
