// EnterPlanMode: the model switches the session to plan mode to research and design before changing
// anything. Plan mode only narrows what may run (read-only tools), so the call needs no approval; leaving
// it does (ExitPlanMode). Refused where no one could approve a plan, which would leave the run stuck.
import { z } from "zod";
import type { PermissionMode } from "../permission-modes.ts";
import type { SessionState } from "../session-state.ts";
import { defineTool, ToolError } from "../tool.ts";

const description = `Switches the session to plan mode, for work where the approach should be agreed before anything changes: a feature touching several files, a refactor with design choices, a task with unclear requirements. In plan mode only read-only tools run (reading, searching, read-only commands); edits and other changes are refused. Explore the code, settle open choices with AskUserQuestion, then present your plan with ExitPlanMode; the user approves it (and you implement it) or asks you to keep planning. Skip it for small, clear changes and for questions that need no changes.`;

export const PLAN_MODE_ON =
  "Plan mode is on. Until the user approves your plan, only read-only tools run: read files, search, and run commands that change nothing; edits and other changes are refused. Study the code and settle open choices (AskUserQuestion), then call ExitPlanMode with a concrete plan: the steps, the files to change, and how you will verify the result. Do not start implementing before it is approved.";

/** Why this session cannot enter plan mode now; undefined when it can. */
export function planModeRefusal(session: SessionState, mode: PermissionMode): string | undefined {
  if (mode === "dontAsk") {
    return "Plan mode is not available in dontAsk mode: nobody can approve a plan in this run, so you could never leave plan mode. Carry on with the task directly.";
  }
  if (mode === "bypassPermissions") {
    return "Plan mode is not used in this session: the user runs it with bypassPermissions so you can work without approvals. If you need to, research with read-only tools first, then carry on with the task.";
  }
  // Whoever answers questions (the terminal, an SDK host) is who approves plans; without one the run would stay read-only.
  if (!session.askUser) {
    return "Plan mode is not available in this run: it cannot ask the user to approve a plan (e.g. plain hone -p), so you could never leave plan mode. Carry on with the task directly, or give your plan as the answer if the user asked for one.";
  }
  return undefined;
}

export const enterPlanModeTool = defineTool({
  name: "EnterPlanMode",
  description,
  readOnly: true,
  input: z.object({}),
  async run(_input, ctx) {
    const { setPermissionMode, permissionMode } = ctx.session;
    if (!setPermissionMode || !permissionMode) throw new ToolError("This session cannot change its permission mode, so plan mode is not available. Carry on with the task.");
    const mode = permissionMode();
    if (mode === "plan") {
      const message = "The session is already in plan mode. Keep researching with read-only tools, then call ExitPlanMode with your plan.";
      return { content: message, structured: { message } };
    }
    const refusal = planModeRefusal(ctx.session, mode);
    if (refusal) throw new ToolError(refusal);
    setPermissionMode("plan");
    return { content: PLAN_MODE_ON, structured: { message: PLAN_MODE_ON } };
  },
});
