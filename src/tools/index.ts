// The built-in tools, in the order the model sees them.
import type { Tool } from "../tool.ts";
import { bashOutputTool } from "./bash-output.ts";
import { bashTool } from "./bash.ts";
import { editTool } from "./edit.ts";
import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { killShellTool } from "./kill-shell.ts";
import { multiEditTool } from "./multi-edit.ts";
import { readTool } from "./read.ts";
import { todoWriteTool } from "./todo-write.ts";
import { writeTool } from "./write.ts";
import { notebookEditTool } from "./notebook-edit.ts";
import { webFetchTool } from "./web-fetch.ts";
import { webSearchTool } from "./web-search.ts";
import { createAgentTool } from "./agent.ts";
import { sendMessageTool } from "./send-message.ts";
import { taskOutputTool } from "./task-output.ts";
import { taskStopTool } from "./task-stop.ts";
import type { SubagentType } from "../agent-types.ts";
import { askUserQuestionTool } from "./ask-user-question.ts";
import { enterPlanModeTool } from "./enter-plan-mode.ts";
import { exitPlanModeTool } from "./exit-plan-mode.ts";
import { cronCreateTool } from "./cron-create.ts";
import { cronDeleteTool } from "./cron-delete.ts";
import { cronListTool } from "./cron-list.ts";
import { sleepTool } from "./sleep.ts";
import { enterWorktreeTool } from "./enter-worktree.ts";
import { exitWorktreeTool } from "./exit-worktree.ts";

export function builtinTools(): Tool[] {
  return [
    bashTool,
    bashOutputTool,
    killShellTool,
    globTool,
    grepTool,
    readTool,
    editTool,
    multiEditTool,
    writeTool,
    notebookEditTool,
    webFetchTool,
    webSearchTool,
    todoWriteTool,
    askUserQuestionTool,
    sleepTool,
  ] as Tool[];
}

/**
 * Tools for sessions that outlive one task and have someone to approve a plan: entering and leaving
 * plan mode. `startsInPlan`: a run started in plan mode can always leave it.
 */
export function planningTools(interactive: boolean, startsInPlan: boolean): Tool[] {
  return [...(interactive ? [enterPlanModeTool] : []), ...(interactive || startsInPlan ? [exitPlanModeTool] : [])] as Tool[];
}

/** Scheduled prompts: only where hone keeps running after a turn (the REPL, stream-json sessions). */
export function cronTools(): Tool[] {
  return [cronCreateTool, cronDeleteTool, cronListTool] as Tool[];
}

/** The main agent's tools for sub-agents and background work (sub-agents do not get them). */
export function orchestrationTools(types: readonly SubagentType[]): Tool[] {
  return [createAgentTool(types), sendMessageTool, taskOutputTool, taskStopTool, enterWorktreeTool, exitWorktreeTool] as Tool[];
}
