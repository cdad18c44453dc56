// SendMessage: gives a running background agent more instructions; it reads them before its next step.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";

export const sendMessageTool = defineTool({
  name: "SendMessage",
  description: `Sends instructions to a running background agent; it reads them before its next step. A finished agent cannot receive messages: start a new one.`,
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
