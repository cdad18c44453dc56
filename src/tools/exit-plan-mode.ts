// ExitPlanMode: in plan mode, the model presents its plan and asks to start working. The call always
// needs the user's approval (the permission engine makes it an ask); once approved, the run leaves
// plan mode and edits follow the normal rules. Offered only to runs that start in plan mode.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";

const description = `Call this in plan mode when your plan is ready and you want to start implementing it. Put the whole plan in plan (markdown: the steps, files to change, how you will verify). The user reviews it: if approved, plan mode ends and you can make changes; if not, keep researching or revise the plan. Only for plans of work you will implement, not for answering questions.`;

export const exitPlanModeTool = defineTool({
  name: "ExitPlanMode",
  description,
  readOnly: false,
  input: z.object({ plan: z.string().min(1).describe("The plan to present for approval, in markdown") }),
  async run(input, ctx) {
    const { setPermissionMode, permissionMode } = ctx.session;
    if (!setPermissionMode || !permissionMode) throw new ToolError("This session cannot change its permission mode.");
    // The approval may already have chosen the next mode (approve with auto-accepted edits).
    if (permissionMode() === "plan") setPermissionMode("default");
    return {
      content: "The user approved the plan. Plan mode is over: carry out the plan now (edits and commands follow the normal permission rules).",
      structured: { plan: input.plan, isAgent: false },
    };
  },
});
