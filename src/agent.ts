// The agent loop: send the conversation, stream the answer, run the tools it asks for, append the
// results, and go again until the model stops asking for tools, the turn limit is hit, an
// unrecoverable error happens, or the run is interrupted. It yields typed events and never throws
// for model or tool failures; printers and the REPL consume the events.
import { toolUses, userBlocks, type AssistantMessage, type Message, type TextBlock, type ToolResultBlock, type ToolUseBlock } from "./messages.ts";
import { TOOL_ALIASES } from "./permission-rules.ts";
import { callModel, type CallEvent } from "./model-call.ts";
import type { Effort, ModelRequest, Provider, ThinkingConfig } from "./provider.ts";
import type { FailureInfo, RetryPolicy } from "./retry.ts";
import type { SessionState } from "./session-state.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import { toolSchema, type Tool, type ToolResult, type ToolSchema } from "./tool.ts";
import { errorResult, runTool, type Authorize } from "./tool-runner.ts";
import { afterTool, type RunControl } from "./tool-hooks.ts";
import { collectGarbage } from "./runtime.ts";
import { compactionTurn, observeReply, type CompactEvent, type CompactionSetup } from "./agent-compact.ts";
import { charsOf, fixedChars } from "./compact-estimate.ts";

export interface AgentConfig {
  provider: Provider;
  model: string;
  system: TextBlock[];
  tools: Tool[];
  maxTokens: number;
  thinking: ThinkingConfig;
  /** /effort: sent as the API's effort level when set. */
  effort?: Effort;
  maxTurns?: number;
  retry: RetryPolicy;
  session: SessionState;
  projectDir: string;
  authorize: Authorize;
  hooks?: HookDispatcher;
  /** Shared with the authorizer: a hook's `continue: false` stops the run at the next safe point. */
  control?: RunControl;
  /** Automatic and manual compaction; without it the history only grows. */
  compaction?: CompactionSetup;
  /** --max-budget-usd: checked after each round of tool calls; true ends the run. */
  overBudget?: () => boolean;
  /** --fallback-model: models tried in order when the current one stays overloaded after its retries. */
  fallbackModels?: string[];
  /** Read before each request: what arrived meanwhile (finished background work, SendMessage). */
  inbox?: () => string | undefined;
  /** Which provider the session talks to and its cheap model for side requests (aliases map onto these). */
  providerId?: string;
  smallModel?: string;
  /** Side requests (WebFetch's answers) report what they spent here; the conversation counts it for /cost. */
  sideUsage?: (message: AssistantMessage) => void;
}

const COLLECT_AFTER_CHARS = 4_000_000;

/** Claude Code ends a run after this many Stop-hook blocks in a row, so a hook cannot loop forever. */
const MAX_STOP_BLOCKS = 8;

export type AgentEvent =
  | CallEvent
  | { type: "assistant"; message: AssistantMessage; durationMs: number }
  | { type: "tool_start"; id: string; name: string; input: unknown }
  | { type: "tool_result"; id: string; name: string; input: unknown; result: ToolResult }
  | { type: "permission_denied"; id: string; name: string; input: unknown; message: string }
  /** The tool results appended to the history as one user message, in tool_use order. */
  | { type: "tool_results"; results: ToolResultBlock[] }
  /** Something a hook wants the user to see (systemMessage, a failing hook). */
  | { type: "notice"; text: string }
  /** A Stop hook sent the model back to work with this instruction. */
  | { type: "stop_blocked"; reason: string }
  | { type: "error"; failure: FailureInfo }
  | CompactEvent
  /** A side request's reply (a summary that could not be used), for the usage ledger. */
  | { type: "usage"; message: AssistantMessage }
  /** Text from the inbox added to the conversation before a request. */
  | { type: "inbox"; text: string }
  /** An event of a sub-agent started by the Agent call `parentToolUseId`. */
  | { type: "subagent"; parentToolUseId: string; agentId: string; event: AgentEvent };

export interface AgentOutcome {
  /** `stopped`: a hook said continue: false. `max_budget`: --max-budget-usd was spent. */
  reason: "end_turn" | "max_turns" | "aborted" | "error" | "stopped" | "max_budget";
  stopReason?: string;
  turns: number;
  apiDurationMs: number;
  lastMessage?: AssistantMessage;
  failure?: FailureInfo;
}

const INTERRUPTED = "Interrupted by the user before this tool ran.";

/** Every tool_use gets a result, or the next request is invalid. */
function synthesize(calls: ToolUseBlock[], done: Map<string, ToolResultBlock>): ToolResultBlock[] {
  return calls.map(
    (call) => done.get(call.id) ?? { type: "tool_result", tool_use_id: call.id, content: errorResult(INTERRUPTED).content as string, is_error: true },
  );
}

/** Consecutive read-only calls form one concurrent batch; every other call runs alone, in order. */
export function batchCalls(calls: ToolUseBlock[], isReadOnly: (name: string) => boolean): ToolUseBlock[][] {
  const batches: ToolUseBlock[][] = [];
  for (const call of calls) {
    const last = batches[batches.length - 1];
    const readOnly = isReadOnly(call.name);
    if (readOnly && last && last.length > 0 && isReadOnly(last[0]!.name)) last.push(call);
    else batches.push([call]);
  }
  return batches;
}

async function* runCalls(
  calls: ToolUseBlock[],
  config: AgentConfig,
  tools: ReadonlyMap<string, Tool>,
  signal: AbortSignal,
): AsyncGenerator<AgentEvent, ToolResultBlock[]> {
  const done = new Map<string, ToolResultBlock>();
  const batches = batchCalls(calls, (name) => tools.get(name)?.readOnly === true);
  for (const batch of batches) {
    if (signal.aborted) break;
    for (const call of batch) yield { type: "tool_start", id: call.id, name: call.name, input: call.input };
    const denials: AgentEvent[] = [];
    const notices: string[] = [];
    const results = await Promise.all(
      batch.map(async (call) => {
        // The input that really ran: a hook or the user may have replaced the model's.
        let ran = call.input;
        const result = await runTool(tools, call.name, call.input, { projectDir: config.projectDir, session: config.session, signal, toolUseId: call.id }, async (request) => {
          const verdict = await config.authorize(request);
          if (!verdict.allow) denials.push({ type: "permission_denied", id: call.id, name: call.name, input: call.input, message: verdict.message });
          else if (verdict.input !== undefined) ran = verdict.input;
          return verdict;
        });
        if (!config.hooks || !tools.has(call.name)) return result;
        return afterTool(config.hooks, { name: call.name, id: call.id, input: ran }, result, { signal, notices, control: config.control, cwd: config.projectDir });
      }),
    );
    yield* denials;
    for (const text of notices) yield { type: "notice", text };
    for (const [i, call] of batch.entries()) {
      const result = results[i]!;
      done.set(call.id, { type: "tool_result", tool_use_id: call.id, content: result.content, ...(result.isError ? { is_error: true } : {}) });
      yield { type: "tool_result", id: call.id, name: call.name, input: call.input, result };
    }
  }
  return synthesize(calls, done);
}

/**
 * Runs the loop on `history`, which it extends in place with the assistant messages and tool results.
 * When interrupted, the history is left valid: no tool_use without its result.
 */
/** Adds text to the end of the conversation: to the last user message, or as a new one. */
export function appendUserText(history: Message[], text: string): void {
  const last = history[history.length - 1];
  if (last?.role !== "user") {
    history.push({ role: "user", content: [{ type: "text", text }] });
    return;
  }
  history[history.length - 1] = { role: "user", content: [...userBlocks(last.content), { type: "text", text }] };
}

/** The tools by name, with the old names models still use (Task for Agent) pointing at the new ones. */
function toolsByName(all: readonly Tool[]): Map<string, Tool> {
  const tools = new Map(all.map((t) => [t.name, t]));
  for (const [alias, name] of Object.entries(TOOL_ALIASES)) {
    const tool = tools.get(name);
    if (tool && !tools.has(alias)) tools.set(alias, tool);
  }
  return tools;
}

export async function* runAgent(history: Message[], config: AgentConfig, signal: AbortSignal): AsyncGenerator<AgentEvent, AgentOutcome> {
  const tools = toolsByName(config.tools);
  const schemas = createSchemaList(config.tools, config.session.loadedTools);
  let turns = 0;
  let apiDurationMs = 0;
  let lastMessage: AssistantMessage | undefined;
  let stopBlocks = 0;
  const outcome = (reason: AgentOutcome["reason"], failure?: FailureInfo): AgentOutcome => ({ reason, turns, apiDurationMs, lastMessage, failure });
  const halted = (): AgentOutcome => ({ ...outcome("stopped"), ...(config.control?.stopReason ? { stopReason: config.control.stopReason } : {}) });
  const failed = function* (failure: FailureInfo): Generator<AgentEvent, AgentOutcome> {
    if (failure.kind === "aborted") return outcome("aborted");
    yield { type: "error", failure };
    return outcome("error", failure);
  };
  const compaction = compactionTurn(config);
  let sinceCollect = 0;

  for (;;) {
    if (signal.aborted) return outcome("aborted");
    const arrived = config.inbox?.();
    if (arrived) {
      appendUserText(history, arrived);
      yield { type: "inbox", text: arrived };
    }
    const offered = schemas();
    const fixed = fixedChars(config.system, offered);
    const stop = yield* compaction.before(history, offered, fixed, signal);
    if (stop) return yield* failed(stop);
    const request: ModelRequest = {
      model: config.model,
      system: config.system,
      messages: history,
      tools: offered,
      maxTokens: config.maxTokens,
      thinking: config.thinking,
      ...(config.effort ? { effort: config.effort } : {}),
    };
    const sentChars = fixed + charsOf(history);
    const call = yield* callModel(config.provider, request, config.retry, signal);
    apiDurationMs += call.durationMs;
    if (!call.ok) {
      const fallback = call.failure.kind === "overloaded" ? config.fallbackModels?.shift() : undefined;
      if (fallback) {
        yield { type: "notice", text: `${config.model} is overloaded; switching to the fallback model ${fallback}` };
        config.model = fallback;
        continue;
      }
      const handled = yield* compaction.overflowed(call.failure, history, request.tools, signal);
      if (handled.retry) continue;
      return yield* failed(handled.failure ?? call.failure);
    }
    compaction.answered();
    observeReply(config, call.message.usage, sentChars, history.length + 1);
    turns++;
    // Each request leaves copies of the whole conversation behind (the body, its bytes, the stream); the
    // engine collects them lazily, so a long session's peak memory would be mostly garbage. A collection
    // costs a few milliseconds; one per few megabytes sent keeps the peak near the live size.
    sinceCollect += sentChars;
    if (sinceCollect > COLLECT_AFTER_CHARS) {
      collectGarbage();
      sinceCollect = 0;
    }
    lastMessage = call.message;
    history.push({ role: "assistant", content: call.message.content });
    yield { type: "assistant", message: call.message, durationMs: call.durationMs };

    const calls = toolUses(call.message);
    if (calls.length === 0) {
      const reason = yield* stopHook(config, stopBlocks > 0, signal);
      if (config.control?.stopped) return halted();
      if (reason === undefined || stopBlocks >= MAX_STOP_BLOCKS) return outcome("end_turn");
      stopBlocks++;
      history.push({ role: "user", content: [{ type: "text", text: reason }] });
      continue;
    }
    stopBlocks = 0;
    // Calling a deferred tool loads it: its schema is sent from the next request on.
    for (const c of calls) if (tools.get(c.name)?.deferred) config.session.loadedTools.add(c.name);
    const results = yield* runCalls(calls, config, tools, signal);
    history.push({ role: "user", content: results });
    yield { type: "tool_results", results };
    if (signal.aborted) return outcome("aborted");
    if (config.control?.stopped) return halted();
    if (config.maxTurns !== undefined && turns >= config.maxTurns) return outcome("max_turns");
    if (config.overBudget?.()) return outcome("max_budget");
  }
}

/**
 * The tool schemas of each request: every tool that is not deferred, then the deferred ones loaded so
 * far in the order they were loaded (appending keeps the cached prefix of earlier tools intact).
 */
export function createSchemaList(all: Tool[], loaded: ReadonlySet<string>): () => ToolSchema[] {
  const base = all.filter((t) => !t.deferred).map(toolSchema);
  const deferred = new Map(all.filter((t) => t.deferred).map((t) => [t.name, t]));
  let cached: ToolSchema[] = base;
  let seen = 0;
  return () => {
    if (loaded.size === seen) return cached;
    seen = loaded.size;
    const extra = [...loaded].flatMap((name) => {
      const tool = deferred.get(name);
      return tool ? [toolSchema(tool)] : [];
    });
    cached = [...base, ...extra];
    return cached;
  };
}

/** Runs the Stop hooks; returns the instruction to keep going when one blocks the stop. */
async function* stopHook(config: AgentConfig, active: boolean, signal: AbortSignal): AsyncGenerator<AgentEvent, string | undefined> {
  if (!config.hooks?.has("Stop")) return undefined;
  const outcome = await config.hooks.fire("Stop", { stop_hook_active: active }, undefined, signal);
  for (const text of outcome.notices) yield { type: "notice", text };
  if (outcome.stop) {
    if (config.control) Object.assign(config.control, { stopped: true, stopReason: outcome.stop.reason });
    return undefined;
  }
  if (!outcome.block) return undefined;
  yield { type: "stop_blocked", reason: outcome.block.reason };
  return outcome.block.reason;
}
