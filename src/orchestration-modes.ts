// The two ways the main agent can run as an orchestrator. Coordinator mode: it only delegates (Agent,
// SendMessage, TaskStop, TaskOutput, reading the scratchpad); workers run in the background through
// the phases Research, Synthesis, Implementation and Verification and share a scratchpad folder.
// Managed tiers: a manager model hands work to executor models whose budgets the runtime enforces.
import { mkdirSync } from "node:fs";
import type { LaunchPolicy } from "./agent-launcher.ts";
import { envFlag, type Env } from "./config-dir.ts";
import type { AgentUsage } from "./tasks.ts";
import type { Tool } from "./tool.ts";
import { createReadScratchpadTool } from "./tools/read-scratchpad.ts";


export function coordinatorRequested(flag: boolean, env: Env, restoredMode: string | undefined): boolean {
  return flag || envFlag(env.HONE_COORDINATOR_MODE) || envFlag(env.CLAUDE_CODE_COORDINATOR_MODE) || restoredMode === "coordinator";
}

const COORDINATOR_TOOLS = new Set(["Agent", "SendMessage", "TaskStop", "TaskOutput"]);

export interface CoordinatorSetup {
  tools: Tool[];
  prompt: string;
  policy: LaunchPolicy;
}

export function coordinatorSetup(allTools: readonly Tool[], scratchpad: string): CoordinatorSetup {
  mkdirSync(scratchpad, { recursive: true });
  const tools = [...allTools.filter((t) => COORDINATOR_TOOLS.has(t.name)), createReadScratchpadTool(scratchpad)];
  const prompt = `# Coordinator mode
You coordinate workers; you do not do the work yourself. Your only tools are Agent (start a worker), SendMessage (steer a running worker), TaskOutput and TaskStop (watch or stop one) and ReadScratchpad. Every worker runs in the background; its result reaches you as a <task-notification> at your next turn, so after starting workers end your turn and wait: never poll.

Work in four phases:
1. Research: start several workers at once, each on one independent question. Tell each to write its findings to a file in the scratchpad.
2. Synthesis: read the scratchpad and the notifications, decide what to do, and write the plan into your reply.
3. Implementation: start workers for the changes, with precise instructions (files, functions, the expected result). Independent changes run in parallel; dependent ones one after another.
4. Verification: start a worker to check the result (run the tests, read the diff) and report problems; fix what it finds with more workers.
Finish with a short report for the user: what was done and how it was verified.

The scratchpad folder is ${scratchpad}; workers can read and write it.`;
  const policy: LaunchPolicy = {
    background: true,
    briefing: `You are a worker for a coordinating agent. A shared scratchpad folder is at ${scratchpad}: write your findings and results there as files (choose clear names) and mention them in your final report.`,
    extraDirs: [scratchpad],
  };
  return { tools, prompt, policy };
}

export interface ManagedAgents {
  managerModel?: string;
  executorModel?: string;
  maxConcurrent?: number;
  budget?: { perExecutorUsd?: number; perExecutorTokens?: number; totalUsd?: number; totalTokens?: number };
}

const tokensOf = (usage: AgentUsage): number => usage.inputTokens + usage.outputTokens;

/** The executors' budgets, enforced: each stops at its share, and none starts once the total is spent. */
export function managedPolicy(managed: ManagedAgents): LaunchPolicy {
  const budget = managed.budget ?? {};
  const spent = { usd: 0, tokens: 0 };
  return {
    ...(managed.executorModel ? { model: managed.executorModel } : {}),
    overBudget: (usage) =>
      (budget.perExecutorTokens !== undefined && tokensOf(usage) >= budget.perExecutorTokens) || (budget.perExecutorUsd !== undefined && usage.costUsd >= budget.perExecutorUsd),
    budgetNote: (usage) => {
      const parts = [
        ...(budget.perExecutorTokens !== undefined ? [`${tokensOf(usage)} tokens of its ${budget.perExecutorTokens}-token budget`] : []),
        ...(budget.perExecutorUsd !== undefined ? [`$${usage.costUsd.toFixed(4)} of its $${budget.perExecutorUsd} budget`] : []),
      ];
      return `The executor was stopped by hone: it used ${parts.join(" and ")} (managedAgents.budget). Give it a smaller task, or do without it.`;
    },
    spent: (usage) => {
      spent.usd += usage.costUsd;
      spent.tokens += tokensOf(usage);
    },
    refuse: () => {
      if (budget.totalTokens !== undefined && spent.tokens >= budget.totalTokens) return `The executors' total budget is spent (${spent.tokens} of ${budget.totalTokens} tokens, managedAgents.budget.totalTokens): no more executors can start. Finish with what you have.`;
      if (budget.totalUsd !== undefined && spent.usd >= budget.totalUsd) return `The executors' total budget is spent ($${spent.usd.toFixed(4)} of $${budget.totalUsd}, managedAgents.budget.totalUsd): no more executors can start. Finish with what you have.`;
      return undefined;
    },
  };
}

export const MANAGER_PROMPT = `# Manager
You manage executor agents that run on a cheaper model. Delegate the concrete work to them with the Agent tool (clear, self-contained tasks; several at once when they are independent), check their reports, and keep your own work to planning, reviewing and deciding. Each executor has a budget hone enforces: an executor that reaches it is stopped and you are told why.`;
