// Running one sub-agent: a fresh conversation holding only its prompt, its own system prompt, the
// tools its type allows out of the parent's, the parent's provider and permission rules, and its own
// session state (working directory, files read, shells), so nothing it does leaks into the parent's
// context except its final message. Its events go to the parent (stream-json marks them with the
// Agent call's id) and to its own transcript.
import { appendUserText, runAgent, type AgentConfig, type AgentEvent } from "./agent.ts";
import { UNDERCOVER_OFF, type UndercoverConfig } from "./undercover-config.ts";
import { withUndercover } from "./undercover-authorize.ts";
import { createContextMeter } from "./agent-compact.ts";
import { compactPolicy } from "./compact-policy.ts";
import type { Env } from "./config-dir.ts";
import { assistantText, type Message } from "./messages.ts";
import { costUSD, modelInfo } from "./models.ts";
import { agentModel } from "./provider-select.ts";
import type { PermissionContext } from "./permission-context.ts";
import { createAuthorizer, type Asker } from "./permissions.ts";
import { killAllShells } from "./background-shells.ts";
import { createSessionState, type SessionState } from "./session-state.ts";
import { openSidechainLog, type SidechainLog } from "./subagent-transcript.ts";
import { toolsFor, type SubagentType } from "./agent-types.ts";
import type { AgentUsage } from "./tasks.ts";
import { toolLabel } from "./tool-display.ts";
import type { Tool } from "./tool.ts";

export interface SubagentSpec {
  id: string;
  type: SubagentType;
  prompt: string;
  /** The Agent call's model, an alias or full id. */
  model?: string;
  /** Where it works (the parent's directory, or its worktree). */
  cwd: string;
  /** Foreground agents may ask the user; background ones cannot (their asks are denials). */
  ask?: Asker;
  /** More folders its file tools may use without asking (its worktree, the coordinator's scratchpad). */
  extraDirs?: readonly string[];
  /** Its own system prompt additions (the scratchpad's path, a manager's instructions). */
  briefing?: string;
  /** Read before each request: messages sent to it meanwhile (SendMessage). */
  inbox?: () => string | undefined;
  /** Stops it once it has spent its share (a managed executor's budget). */
  overBudget?: (usage: AgentUsage) => boolean;
  transcriptPath?: string;
  /**
   * A conversation to continue (a planner revising its plan after feedback): the prompt is added to it
   * as the next user message and the run extends it in place. Absent: a fresh conversation.
   */
  history?: Message[];
}

export interface SubagentParent {
  config: AgentConfig;
  /** What sub-agents choose their tools from, when not the parent's own (a coordinator has few). */
  tools?: readonly Tool[];
  permissions: () => PermissionContext;
  env: Env;
  /** Instruction files (CLAUDE.md) as the parent's prompt has them. */
  instructions?: string;
  sessionId: string;
  notify?: (text: string) => void;
  /** Undercover mode: the sub-agent's Bash commands go through the same gate. */
  undercover?: UndercoverConfig;
}

export interface SubagentOutcome {
  status: "completed" | "failed" | "stopped" | "max_budget";
  /** The final message, or what went wrong. */
  text: string;
  usage: AgentUsage;
  model: string;
  durationMs: number;
}

/** CLAUDE_CODE_SUBAGENT_MODEL > the call's model > the type's (inherit: the parent's) > the parent's. */
export function subagentModel(spec: Pick<SubagentSpec, "model" | "type">, parent: { providerId?: string; model: string; smallModel?: string }, env: Env): string {
  const chosen = env.CLAUDE_CODE_SUBAGENT_MODEL || spec.model || (spec.type.model && spec.type.model !== "inherit" ? spec.type.model : undefined);
  return chosen ? agentModel(parent, chosen, env) : parent.model;
}

function systemPrompt(spec: SubagentSpec, parent: SubagentParent): string {
  const lines = [
    spec.type.prompt,
    `Environment: working directory ${spec.cwd}; platform ${process.platform}; today is ${new Date().toISOString().slice(0, 10)}. Use absolute paths.`,
    ...(spec.briefing ? [spec.briefing] : []),
    ...(spec.type.instructions && parent.instructions ? [parent.instructions] : []),
  ];
  return lines.join("\n\n");
}

function childState(parent: SessionState, id: string, cwd: string): SessionState {
  const state = createSessionState(`${parent.id}-agent-${id}`, cwd);
  return {
    ...state,
    spillDir: parent.spillDir,
    ...(parent.fileHistory ? { fileHistory: parent.fileHistory } : {}),
    ...(parent.sandbox ? { sandbox: parent.sandbox } : {}),
    ...(parent.prepareSandbox ? { prepareSandbox: parent.prepareSandbox } : {}),
    ...(parent.canRead ? { canRead: parent.canRead } : {}),
    // Side services follow the session's provider: WebFetch's answers, web search.
    ...(parent.smallModel ? { smallModel: parent.smallModel } : {}),
    ...(parent.webSearch ? { webSearch: parent.webSearch } : {}),
    ...(parent.lsp ? { lsp: parent.lsp } : {}),
  };
}

function childConfig(spec: SubagentSpec, parent: SubagentParent, state: SessionState, model: string): AgentConfig {
  const p = parent.config;
  const extra = spec.extraDirs ?? [];
  const permissions = (): PermissionContext => {
    const base = parent.permissions();
    return extra.length === 0 ? base : { ...base, workingDirs: [...base.workingDirs, ...extra] };
  };
  const sameModel = model === p.model;
  return {
    provider: p.provider,
    model,
    system: [{ type: "text", text: systemPrompt(spec, parent) }],
    tools: toolsFor(spec.type, parent.tools ?? p.tools),
    maxTokens: Math.min(p.maxTokens, modelInfo(model).maxOutputTokens),
    thinking: sameModel ? p.thinking : undefined,
    ...(p.effort ? { effort: p.effort } : {}),
    retry: p.retry,
    session: state,
    projectDir: spec.cwd,
    authorize: withUndercover(
      createAuthorizer({
        context: permissions,
        shellCwd: () => state.cwd,
        ...(p.hooks ? { hooks: p.hooks } : {}),
        ...(spec.ask ? { ask: spec.ask } : {}),
        ...(parent.notify ? { notify: parent.notify } : {}),
      }),
      { config: parent.undercover ?? UNDERCOVER_OFF, cwd: () => state.cwd, ...(parent.notify ? { notify: parent.notify } : {}) },
    ),
    ...(p.hooks ? { hooks: p.hooks } : {}),
    control: {},
    ...(p.compaction
      ? {
          compaction: {
            policy: sameModel ? p.compaction.policy : compactPolicy(modelInfo(model), p.maxTokens, parent.env),
            clearFirst: p.compaction.clearFirst,
            meter: createContextMeter(),
            ...(spec.transcriptPath ? { transcriptPath: spec.transcriptPath } : {}),
          },
        }
      : {}),
    ...(spec.inbox ? { inbox: spec.inbox } : {}),
  };
}

function record(log: SidechainLog | undefined, event: AgentEvent): void {
  if (!log) return;
  if (event.type === "assistant") log.assistant(event.message);
  else if (event.type === "tool_results") log.toolResults(event.results);
  else if (event.type === "inbox") log.prompt(event.text);
}

/**
 * Runs the sub-agent to its end. `onEvent` sees each of its events as they happen (the parent forwards
 * them); `signal` stops it (the parent's turn interrupted, TaskStop). Never throws for model failures.
 */
export async function runSubagent(spec: SubagentSpec, parent: SubagentParent, signal: AbortSignal, onEvent: (event: AgentEvent) => void): Promise<SubagentOutcome> {
  const started = performance.now();
  const model = subagentModel(spec, parent.config, parent.env);
  const state = childState(parent.config.session, spec.id, spec.cwd);
  const config = childConfig(spec, parent, state, model);
  const usage: AgentUsage = { inputTokens: 0, outputTokens: 0, toolUses: 0, costUsd: 0 };
  if (spec.overBudget) config.overBudget = () => spec.overBudget!(usage);
  const log = spec.transcriptPath ? openSidechainLog(spec.transcriptPath, { sessionId: parent.sessionId, agentId: spec.id, cwd: spec.cwd }) : undefined;
  const history: Message[] = spec.history ?? [];
  if (history.length === 0) history.push({ role: "user", content: spec.prompt });
  else appendUserText(history, spec.prompt);
  log?.prompt(spec.prompt);
  const finish = (status: SubagentOutcome["status"], text: string): SubagentOutcome => ({ status, text, usage, model, durationMs: performance.now() - started });
  try {
    const run = runAgent(history, config, signal);
    for (;;) {
      const next = await run.next();
      if (next.done) {
        const outcome = next.value;
        const last = outcome.lastMessage ? assistantText(outcome.lastMessage).trim() : "";
        if (outcome.reason === "aborted") return finish("stopped", last || "The agent was stopped before it finished.");
        if (outcome.reason === "max_budget") return finish("max_budget", last);
        if (outcome.reason === "error") return finish("failed", `The agent failed: ${outcome.failure?.message ?? "unknown error"}${last ? `\nIts last message: ${last}` : ""}`);
        if (outcome.reason === "max_turns") return finish("failed", `The agent hit its turn limit.${last ? ` Its last message: ${last}` : ""}`);
        return finish("completed", last || "(The agent finished without a final message.)");
      }
      const event = next.value;
      if (event.type === "assistant" || event.type === "usage") {
        const message = event.message;
        usage.inputTokens += message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0);
        usage.outputTokens += message.usage.output_tokens;
        usage.costUsd += costUSD(message.model, message.usage);
      }
      if (event.type === "tool_start") usage.toolUses++;
      record(log, event);
      onEvent(event);
    }
  } finally {
    log?.close();
    await killAllShells(state);
  }
}

/** What a sub-agent is doing, in a few words (TaskOutput, the REPL). */
export function activityLabel(event: AgentEvent, cwd: string): string | undefined {
  return event.type === "tool_start" ? toolLabel(event.name, event.input, cwd) : undefined;
}
