// KAIROS's blocking budget: a foreground command still running after `blocking_budget_secs` is sent
// to the background, through the same path as the user's Ctrl+B (the session's sendToBackground, which
// Bash sets while its command runs). The background shell posts a task notice when it ends, and the
// next tick carries it. The timer lives in a wrapper around the tool, because that is where a command's
// start and end are both visible.
import type { SchedulerTimers } from "./scheduler.ts";
import type { Tool, ToolResult } from "./tool.ts";

export interface BudgetOptions {
  budgetSecs: number;
  timers?: SchedulerTimers;
}

/** Real timers, for runs (tests pass a hand-driven set). */
export const systemTimers: SchedulerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How soon to look again when the budget ran out before the command had started (sandbox start-up). */
const RECHECK_MS = 1000;

function backgroundId(result: ToolResult): string | undefined {
  const s = result.structured;
  if (typeof s !== "object" || s === null) return undefined;
  const id = (s as Record<string, unknown>).backgroundTaskId;
  return typeof id === "string" ? id : undefined;
}

/** The tool, with its foreground commands moved to the background once they outlast the budget. */
export function withBlockingBudget<I>(tool: Tool<I>, opts: BudgetOptions): Tool<I> {
  const timers = opts.timers ?? systemTimers;
  const budgetMs = opts.budgetSecs * 1000;
  return {
    ...tool,
    async run(input, ctx) {
      let moved = false;
      let handle: unknown;
      const expire = (): void => {
        const send = ctx.session.sendToBackground;
        if (!send) {
          handle = timers.setTimeout(expire, RECHECK_MS);
          return;
        }
        moved = true;
        send();
      };
      handle = timers.setTimeout(expire, budgetMs);
      let result: ToolResult;
      try {
        result = await tool.run(input, ctx);
      } finally {
        timers.clearTimeout(handle);
      }
      const id = moved ? backgroundId(result) : undefined;
      if (!id) return result;
      const content = [
        `The command was still running after the blocking budget (${opts.budgetSecs} s), so it was moved to the background as ${id} and keeps running.`,
        `Its result arrives as a notice when it ends; until then read its output with BashOutput (bash_id "${id}") or stop it with KillShell.`,
      ].join("\n");
      return { ...result, content };
    },
  };
}

/**
 * Puts the budget on the tools of a KAIROS run (those that can send a command to the background:
 * Bash). Returns a function that puts the original tools back.
 */
export function installBlockingBudget(agent: { tools: Tool[] }, opts: BudgetOptions): () => void {
  const original = agent.tools;
  agent.tools = original.map((tool) => (tool.name === "Bash" ? withBlockingBudget(tool, opts) : tool));
  return () => {
    agent.tools = original;
  };
}
