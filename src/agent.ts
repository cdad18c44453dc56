// The agent loop: send the conversation, stream the answer, run the tools it asks for, append the
// results, and go again until the model stops asking for tools, the turn limit is hit, an
// unrecoverable error happens, or the run is interrupted. It yields typed events and never throws
// for model or tool failures; printers and the REPL consume the events.
import { toolUses, type AssistantMessage, type Message, type TextBlock, type ToolResultBlock, type ToolUseBlock } from "./messages.ts";
import { callModel, type CallEvent } from "./model-call.ts";
import type { ModelRequest, Provider, ThinkingConfig } from "./provider.ts";
import type { FailureInfo, RetryPolicy } from "./retry.ts";
import type { SessionState } from "./session-state.ts";
import { toolSchema, type Tool, type ToolResult } from "./tool.ts";
import { errorResult, runTool, type Authorize } from "./tool-runner.ts";

export interface AgentConfig {
  provider: Provider;
  model: string;
  system: TextBlock[];
  tools: Tool[];
  maxTokens: number;
  thinking: ThinkingConfig;
  maxTurns?: number;
  retry: RetryPolicy;
  session: SessionState;
  projectDir: string;
  authorize: Authorize;
}

export type AgentEvent =
  | CallEvent
  | { type: "assistant"; message: AssistantMessage; durationMs: number }
  | { type: "tool_start"; id: string; name: string; input: unknown }
  | { type: "tool_result"; id: string; name: string; input: unknown; result: ToolResult }
  | { type: "permission_denied"; id: string; name: string; input: unknown; message: string }
  /** The tool results appended to the history as one user message, in tool_use order. */
  | { type: "tool_results"; results: ToolResultBlock[] }
  | { type: "error"; failure: FailureInfo };

export interface AgentOutcome {
  reason: "end_turn" | "max_turns" | "aborted" | "error";
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
    const results = await Promise.all(
      batch.map((call) =>
        runTool(tools, call.name, call.input, { projectDir: config.projectDir, session: config.session, signal, toolUseId: call.id }, async (tool, input) => {
          const verdict = await config.authorize(tool, input);
          if (!verdict.allow) denials.push({ type: "permission_denied", id: call.id, name: call.name, input: call.input, message: verdict.message });
          return verdict;
        }),
      ),
    );
    yield* denials;
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
export async function* runAgent(history: Message[], config: AgentConfig, signal: AbortSignal): AsyncGenerator<AgentEvent, AgentOutcome> {
  const tools = new Map(config.tools.map((t) => [t.name, t]));
  const schemas = config.tools.map(toolSchema);
  let turns = 0;
  let apiDurationMs = 0;
  let lastMessage: AssistantMessage | undefined;
  const outcome = (reason: AgentOutcome["reason"], failure?: FailureInfo): AgentOutcome => ({ reason, turns, apiDurationMs, lastMessage, failure });

  for (;;) {
    if (signal.aborted) return outcome("aborted");
    const request: ModelRequest = {
      model: config.model,
      system: config.system,
      messages: history,
      tools: schemas,
      maxTokens: config.maxTokens,
      thinking: config.thinking,
    };
    const call = yield* callModel(config.provider, request, config.retry, signal);
    apiDurationMs += call.durationMs;
    if (!call.ok) {
      if (call.failure.kind === "aborted") return outcome("aborted");
      yield { type: "error", failure: call.failure };
      return outcome("error", call.failure);
    }
    turns++;
    lastMessage = call.message;
    history.push({ role: "assistant", content: call.message.content });
    yield { type: "assistant", message: call.message, durationMs: call.durationMs };

    const calls = toolUses(call.message);
    if (calls.length === 0) return outcome("end_turn");
    const results = yield* runCalls(calls, config, tools, signal);
    history.push({ role: "user", content: results });
    yield { type: "tool_results", results };
    if (signal.aborted) return outcome("aborted");
    if (config.maxTurns !== undefined && turns >= config.maxTurns) return outcome("max_turns");
  }
}
