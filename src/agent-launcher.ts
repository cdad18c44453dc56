// What the Agent tool and its companions (SendMessage, TaskOutput, TaskStop) work through: starts
// sub-agents in the foreground (the call waits for the final message) or in the background (the call
// returns at once and a notice arrives when it is done), never more at a time than the limit, and
// keeps the background ones addressable until they finish.
import { join } from "node:path";
import type { AgentEvent } from "./agent.ts";
import type { Asker } from "./permissions.ts";
import { ToolError, type ToolContext, type ToolResult } from "./tool.ts";
import type { SubagentType } from "./agent-types.ts";
import { activityLabel, runSubagent, type SubagentOutcome, type SubagentParent, type SubagentSpec } from "./subagent.ts";
import { subagentTranscriptPath } from "./subagent-transcript.ts";
import { noteActivity, type AgentTask, type AgentUsage, type TaskRegistry } from "./tasks.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
import { randomHex } from "./random-id.ts";

export interface AgentRequest {
  description: string;
  prompt: string;
  subagentType: string;
  model?: string;
  background: boolean;
  isolation?: "worktree";
}

/** Git worktrees for isolated agents (worktree.ts); absent where git is not wanted. */
export interface WorktreeOps {
  create(name: string): Promise<{ path: string; branch: string }>;
  finish(tree: { path: string; branch: string }, message: string): Promise<{ branch: string; changedFiles: string[]; removed: boolean; branchDeleted: boolean }>;
}

/** Extra rules for some runs: a manager's executors (budgets), a coordinator's workers (scratchpad). */
export interface LaunchPolicy {
  /** Every agent runs in the background (a coordinator's workers). */
  background?: boolean;
  /** Refuses a new agent with this reason (a total budget spent); undefined lets it start. */
  refuse?(): string | undefined;
  /** The executor's share: true stops it. */
  overBudget?(usage: AgentUsage): boolean;
  /** Counts what a finished agent spent. */
  spent?(usage: AgentUsage): void;
  /** Told to every agent (where the scratchpad is). */
  briefing?: string;
  extraDirs?: readonly string[];
  /** Model for agents whose call does not name one (a manager's executor model). */
  model?: string;
  /** Why an agent stopped at its budget, for the parent. */
  budgetNote?(usage: AgentUsage): string;
}

export interface LauncherOptions {
  parent: () => SubagentParent;
  types: readonly SubagentType[];
  tasks: TaskRegistry;
  /** The session's folder when it is saved: transcripts and worktrees go under it. */
  folder?: string;
  ask?: Asker;
  limit?: number;
  worktrees?: WorktreeOps;
  policy?: LaunchPolicy;
}

export interface AgentLauncher {
  types(): readonly SubagentType[];
  launch(request: AgentRequest, ctx: ToolContext): Promise<ToolResult>;
  /** Delivers a message to a running background agent; returns what to tell the model. */
  send(to: string, message: string): string;
  find(id: string): AgentTask;
  /** Stops every background agent (the session is ending). */
  stopAll(): Promise<void>;
}

const DEFAULT_LIMIT = 10;

const newId = (): string => `a${randomHex(4)}`;

function findType(types: readonly SubagentType[], name: string): SubagentType {
  const exact = types.find((t) => t.name === name) ?? types.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (exact) return exact;
  throw new ToolError(`No agent type "${name}". Available: ${types.map((t) => t.name).join(", ")}`);
}

function usageLine(outcome: SubagentOutcome): string {
  const tokens = outcome.usage.inputTokens + outcome.usage.outputTokens;
  return `${outcome.usage.toolUses} tool uses · ${tokens} tokens · ${(outcome.durationMs / 1000).toFixed(1)}s`;
}

function structured(id: string, request: AgentRequest, outcome: SubagentOutcome, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: outcome.status,
    agentId: id,
    prompt: request.prompt,
    content: [{ type: "text", text: outcome.text }],
    totalDurationMs: Math.round(outcome.durationMs),
    totalTokens: outcome.usage.inputTokens + outcome.usage.outputTokens,
    totalToolUseCount: outcome.usage.toolUses,
    usage: { input_tokens: outcome.usage.inputTokens, output_tokens: outcome.usage.outputTokens },
    model: outcome.model,
    ...extra,
  };
}

export function createAgentLauncher(options: LauncherOptions): AgentLauncher {
  const limiter: Limiter = createLimiter(options.limit ?? DEFAULT_LIMIT);
  const { tasks, policy } = options;

  const prepare = async (id: string, request: AgentRequest, ctx: ToolContext): Promise<{ spec: SubagentSpec; tree?: { path: string; branch: string } }> => {
    const type = findType(options.types, request.subagentType);
    let cwd = ctx.session.worktree?.path ?? ctx.projectDir;
    let tree: { path: string; branch: string } | undefined;
    if (request.isolation === "worktree") {
      if (!options.worktrees) throw new ToolError("isolation: worktree is not available in this session.");
      tree = await options.worktrees.create(`agent-${id}`);
      cwd = tree.path;
    }
    const spec: SubagentSpec = {
      id,
      type,
      prompt: request.prompt,
      ...(request.model ?? policy?.model ? { model: request.model ?? policy?.model } : {}),
      cwd,
      extraDirs: [...(tree ? [tree.path] : []), ...(policy?.extraDirs ?? [])],
      ...(policy?.briefing ? { briefing: policy.briefing } : {}),
      ...(policy?.overBudget ? { overBudget: policy.overBudget } : {}),
      ...(options.folder ? { transcriptPath: subagentTranscriptPath(options.folder, id) } : {}),
    };
    return { spec, ...(tree ? { tree } : {}) };
  };

  /** The worktree's branch and files, added to what the parent reads. */
  const settleTree = async (tree: { path: string; branch: string } | undefined, request: AgentRequest, outcome: SubagentOutcome): Promise<{ text: string; extra: Record<string, unknown> }> => {
    if (!tree || !options.worktrees) return { text: outcome.text, extra: {} };
    try {
      const done = await options.worktrees.finish(tree, `hone agent: ${request.description}`);
      const files = done.changedFiles.length > 0 ? `changed files: ${done.changedFiles.join(", ")}` : "no files changed";
      const where =
        done.changedFiles.length > 0
          ? `Its changes are committed on branch ${done.branch} (${files}); the main working tree is untouched.`
          : done.branchDeleted
            ? `It changed no files (the branch ${done.branch} was removed).`
            : `It left no file changes; its commits remain on branch ${done.branch}.`;
      return { text: `${outcome.text}\n\n[${where}]`, extra: { worktreeBranch: done.branch, changedFiles: done.changedFiles } };
    } catch (error) {
      return { text: `${outcome.text}\n\n[Its worktree ${tree.path} on branch ${tree.branch} could not be finished: ${(error as Error).message}]`, extra: {} };
    }
  };

  const finished = (outcome: SubagentOutcome): string => {
    policy?.spent?.(outcome.usage);
    if (outcome.status === "max_budget") return `${policy?.budgetNote?.(outcome.usage) ?? "The agent was stopped: it reached its budget."}${outcome.text ? `\nIts last message: ${outcome.text}` : ""}`;
    return outcome.text;
  };

  const forward = (ctx: ToolContext, agentId: string, task?: AgentTask) => (event: AgentEvent): void => {
    if (task) {
      const label = activityLabel(event, ctx.projectDir);
      if (label) noteActivity(task, label);
    }
    ctx.session.onSubagentEvent?.({ parentToolUseId: ctx.toolUseId, agentId, event });
  };

  const foreground = async (id: string, request: AgentRequest, ctx: ToolContext): Promise<ToolResult> => {
    const { spec, tree } = await prepare(id, request, ctx);
    if (options.ask) spec.ask = options.ask;
    const outcome = await limiter.run(() => runSubagent(spec, options.parent(), ctx.signal, forward(ctx, id)), ctx.signal);
    const text = finished(outcome);
    const settled = await settleTree(tree, request, { ...outcome, text });
    return {
      content: `${settled.text}\n\n(agent ${id} · ${usageLine(outcome)})`,
      ...(outcome.status === "failed" || outcome.status === "stopped" ? { isError: true } : {}),
      structured: structured(id, request, outcome, settled.extra),
    };
  };

  const background = async (id: string, request: AgentRequest, ctx: ToolContext): Promise<ToolResult> => {
    const { spec, tree } = await prepare(id, request, ctx);
    const controller = new AbortController();
    // Stopped by the model (TaskStop): it knows, so no notice follows.
    let stopRequested = false;
    const inbox: string[] = [];
    spec.inbox = () => (inbox.length === 0 ? undefined : inbox.splice(0).map((m) => `<message from="requesting agent">\n${m}\n</message>`).join("\n"));
    let resolveDone: () => void = () => undefined;
    const task: AgentTask = {
      id,
      description: request.description,
      type: spec.type.name,
      startedAt: Date.now(),
      status: "running",
      activity: [],
      usage: { inputTokens: 0, outputTokens: 0, toolUses: 0, costUsd: 0 },
      inbox,
      ...(spec.transcriptPath ? { transcriptPath: spec.transcriptPath } : {}),
      stop: () => {
        stopRequested = true;
        controller.abort();
      },
      done: new Promise<void>((resolve) => (resolveDone = resolve)),
    };
    tasks.agents.set(id, task);
    void (async () => {
      let status: Exclude<AgentTask["status"], "running"> = "failed";
      try {
        const outcome = await limiter.run(() => runSubagent(spec, options.parent(), controller.signal, forward(ctx, id, task)), controller.signal);
        Object.assign(task.usage, outcome.usage);
        const settled = await settleTree(tree, request, { ...outcome, text: finished(outcome) });
        status = outcome.status === "completed" ? "completed" : outcome.status === "stopped" ? "stopped" : "failed";
        task.result = settled.text;
      } catch (error) {
        status = controller.signal.aborted ? "stopped" : "failed";
        task.result = controller.signal.aborted ? "Stopped before it started." : `The agent could not run: ${(error as Error).message}`;
      }
      task.status = status;
      if (!(stopRequested && status === "stopped")) tasks.post({ id, kind: "agent", description: request.description, status, result: task.result ?? "" });
      resolveDone();
    })();
    return {
      content: `Started background agent ${id} (${spec.type.name}: ${request.description}). You will get a <task-notification> with its result when it finishes; meanwhile TaskOutput reads its progress, SendMessage sends it instructions and TaskStop stops it. Do other work or end your turn; do not poll.`,
      structured: { status: "async_launched", agentId: id, description: request.description, prompt: request.prompt },
    };
  };

  return {
    types: () => options.types,
    async launch(request, ctx) {
      const refused = policy?.refuse?.();
      if (refused) throw new ToolError(refused);
      const id = newId();
      return request.background || policy?.background ? background(id, request, ctx) : foreground(id, request, ctx);
    },
    send(to, message) {
      const task = this.find(to);
      if (task.status !== "running") throw new ToolError(`Agent ${to} has already ${task.status === "completed" ? "finished" : task.status}; start a new agent with what it should do.`);
      task.inbox.push(message);
      return `Message queued for agent ${to}; it reads it before its next step.`;
    },
    find(id) {
      const task = tasks.agents.get(id);
      if (task) return task;
      const known = [...tasks.agents.keys()];
      throw new ToolError(`No background agent "${id}". ${known.length > 0 ? `Known: ${known.join(", ")}.` : "None has been started."}`);
    },
    async stopAll() {
      const running = [...tasks.agents.values()].filter((t) => t.status === "running");
      // The session is ending: nobody is left to read their notices.
      for (const task of running) task.stop();
      await Promise.allSettled(running.map((t) => t.done));
    },
  };
}

/** Where an isolated agent's worktree goes: under the session's folder, outside the repository. */
export function worktreesFolder(sessionFolder: string): string {
  return join(sessionFolder, "worktrees");
}
