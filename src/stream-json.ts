// Builders for the messages of Claude Code's headless protocol (--output-format json / stream-json),
// so tools written against `claude -p` can read hone's output unchanged.
import { wireAssistantMessage, type AssistantMessage, type ToolResultBlock } from "./messages.ts";
import type { Usage } from "./models.ts";
import type { CallEvent } from "./model-call.ts";

export type Json = Record<string, unknown>;

export interface Envelope {
  sessionId: string;
  uuid: () => string;
}

export interface InitInfo {
  cwd: string;
  model: string;
  tools: string[];
  permissionMode: string;
  apiKeySource: string;
  version: string;
  mcpServers?: { name: string; status: string }[];
  /** User-invocable skills and commands (and MCP prompts), without the slash. */
  slashCommands?: string[];
  skills?: string[];
  agents?: string[];
  plugins?: { name: string; path: string }[];
}

export function initMessage(env: Envelope, info: InitInfo): Json {
  return {
    type: "system",
    subtype: "init",
    cwd: info.cwd,
    session_id: env.sessionId,
    tools: info.tools,
    mcp_servers: info.mcpServers ?? [],
    model: info.model,
    permissionMode: info.permissionMode,
    slash_commands: info.slashCommands ?? [],
    apiKeySource: info.apiKeySource,
    claude_code_version: info.version,
    output_style: "default",
    agents: info.agents ?? [],
    skills: info.skills ?? [],
    plugins: info.plugins ?? [],
    uuid: env.uuid(),
  };
}

/** One line per content block, all sharing the message id, as the real CLI does. */
/** `parent`: the Agent call whose sub-agent this came from (null for the main conversation). */
export function assistantMessages(env: Envelope, message: AssistantMessage, parent: string | null = null): Json[] {
  return message.content.map((block) => ({
    type: "assistant",
    message: wireAssistantMessage(message, [block]),
    parent_tool_use_id: parent,
    session_id: env.sessionId,
    uuid: env.uuid(),
  }));
}

export function toolResultMessage(env: Envelope, block: ToolResultBlock, structured: unknown, parent: string | null = null): Json {
  return {
    type: "user",
    message: { role: "user", content: [block] },
    parent_tool_use_id: parent,
    session_id: env.sessionId,
    uuid: env.uuid(),
    ...(structured !== undefined ? { tool_use_result: structured } : {}),
  };
}

export function retryMessage(env: Envelope, event: Extract<CallEvent, { type: "retry" }>): Json {
  return {
    type: "system",
    subtype: "api_retry",
    attempt: event.attempt,
    max_retries: event.maxRetries,
    retry_delay_ms: event.delayMs,
    error_status: event.status ?? null,
    error: event.kind,
    message: event.error,
    session_id: env.sessionId,
    uuid: env.uuid(),
  };
}

export function compactBoundaryMessage(env: Envelope, info: { trigger: "auto" | "manual"; preTokens: number; postTokens: number }): Json {
  return {
    type: "system",
    subtype: "compact_boundary",
    compact_metadata: { trigger: info.trigger, pre_tokens: info.preTokens, post_tokens: info.postTokens },
    session_id: env.sessionId,
    uuid: env.uuid(),
  };
}

/** A raw API stream event, for --include-partial-messages. */
export function streamEventMessage(env: Envelope, event: unknown, parent: string | null = null): Json {
  return { type: "stream_event", event, parent_tool_use_id: parent, session_id: env.sessionId, uuid: env.uuid() };
}

/** A user message read from stdin, echoed back for --replay-user-messages. */
export function replayMessage(env: Envelope, content: unknown, uuid: string | undefined): Json {
  return { type: "user", message: { role: "user", content }, parent_tool_use_id: null, session_id: env.sessionId, uuid: uuid ?? env.uuid(), isReplay: true };
}

export function hookStartedMessage(env: Envelope, info: { id: string; name: string; event: string }): Json {
  return { type: "system", subtype: "hook_started", hook_id: info.id, hook_name: info.name, hook_event: info.event, session_id: env.sessionId, uuid: env.uuid() };
}

export function hookResponseMessage(env: Envelope, info: { id: string; name: string; event: string; stdout: string; stderr: string; exitCode: number | null; outcome: "success" | "error" | "cancelled" }): Json {
  return {
    type: "system",
    subtype: "hook_response",
    hook_id: info.id,
    hook_name: info.name,
    hook_event: info.event,
    output: info.stdout + info.stderr,
    stdout: info.stdout,
    stderr: info.stderr,
    ...(info.exitCode === null ? {} : { exit_code: info.exitCode }),
    outcome: info.outcome,
    session_id: env.sessionId,
    uuid: env.uuid(),
  };
}

export type ResultSubtype = "success" | "error_max_turns" | "error_during_execution" | "error_max_budget_usd" | "error_max_structured_output_retries";

export interface ResultInfo {
  subtype: ResultSubtype;
  isError: boolean;
  result?: string;
  errors?: string[];
  durationMs: number;
  durationApiMs: number;
  numTurns: number;
  totalCostUsd: number;
  usage: Usage;
  modelUsage: Record<string, unknown>;
  permissionDenials: Array<{ tool_name: string; tool_use_id: string; tool_input: unknown }>;
  stopReason: string | null;
  /** hone's addition: what fills the context at the end of the run (see context-report.ts). */
  context?: Json;
  /** --json-schema: the validated final output. */
  structuredOutput?: unknown;
}

export function resultMessage(env: Envelope, info: ResultInfo): Json {
  return {
    type: "result",
    subtype: info.subtype,
    is_error: info.isError,
    duration_ms: Math.round(info.durationMs),
    duration_api_ms: Math.round(info.durationApiMs),
    num_turns: info.numTurns,
    ...(info.result !== undefined ? { result: info.result } : {}),
    session_id: env.sessionId,
    total_cost_usd: info.totalCostUsd,
    usage: info.usage,
    modelUsage: info.modelUsage,
    permission_denials: info.permissionDenials,
    stop_reason: info.stopReason,
    ...(info.errors ? { errors: info.errors } : {}),
    ...(info.structuredOutput !== undefined ? { structured_output: info.structuredOutput } : {}),
    ...(info.context ? { context: info.context } : {}),
    uuid: env.uuid(),
  };
}
