// One conversation driven turn by turn, shared by `hone -p`, stream-json input and `hone serve`: the
// same session, history and cost ledger across turns. A turn takes a user message (text or content
// blocks), runs the prompt hooks and command expansion, the agent loop, records everything in the
// session and returns Claude Code's `result` message; every other message goes to `emit` as it happens.
import { runAgent, type AgentEvent, type AgentOutcome } from "./agent.ts";
import { killAllShells } from "./background-shells.ts";
import { parseBuiltin } from "./builtin-commands.ts";
import type { CompactAsk } from "./headless-commands.ts";
import { modelUsage, record, totalCost, totalUsage, type Ledger } from "./cost.ts";
import { EXIT } from "./exit-codes.ts";
import { clearSkillGrants } from "./skill-grants.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import { appendPrompt, assistantText, userBlocks, type Message, type UserBlock } from "./messages.ts";
import type { ExpandedPrompt } from "./prompt-expansion.ts";
import type { RunSetup } from "./run-config.ts";
import type { Session } from "./session.ts";
import * as wire from "./stream-json.ts";
import { VERSION } from "./version.ts";

/** --json-schema: what the turn needs from the StructuredOutput tool. */
export interface StructuredOutputState {
  value(): unknown;
  reminder(): string;
  maxRetries: number;
}

export interface ConversationOptions {
  setup: RunSetup;
  session: Session;
  hooks?: HookDispatcher;
  /** Every message of the protocol except results, as it happens. */
  emit: (message: wire.Json) => void;
  /** A line for the person watching (stderr in the CLI). */
  notify: (text: string) => void;
  /** Also report retries, compactions and Stop-hook continuations through `notify`. */
  chatty: boolean;
  /** --include-partial-messages: raw API stream events as `stream_event` messages. */
  partialMessages?: boolean;
  /** Turns `/name args` and `@server:uri` into what the model sees; a failure ends the turn. */
  expand?: (prompt: string, signal: AbortSignal) => Promise<ExpandedPrompt>;
  /** Answer /compact, /cost and /context without the model. */
  builtins?: boolean;
  /** --max-budget-usd: a turn stops once the conversation has cost this much. */
  maxBudgetUsd?: number;
  structured?: StructuredOutputState;
  /** Put the context figures in each result (JSON outputs). */
  contextFigures?: boolean;
  /** Which signal interrupted the process, for the exit code of an aborted turn. */
  interruptedBy?: () => "SIGINT" | "SIGTERM" | undefined;
  /** Sees every agent event first (the terminal UI draws from them, denials and notices included). */
  observe?: (event: AgentEvent) => void;
}

export interface TurnResult {
  result: wire.Json;
  code: number;
  /** What a text-mode run prints on stdout. */
  text?: string;
  /** What a text-mode run prints on stderr as the error. */
  error?: string;
}

export interface Conversation {
  readonly history: Message[];
  readonly ledger: Ledger;
  readonly env: wire.Envelope;
  turn(content: string | UserBlock[], signal: AbortSignal): Promise<TurnResult>;
  /** Compacts now: /compact's instructions, or a summary of only part of the history (the rewind menu). */
  compact(ask: CompactAsk, signal: AbortSignal): Promise<{ ok: boolean; text: string }>;
  /** Adds a user message without asking the model (stream-json `shouldQuery: false`). */
  append(content: string | UserBlock[]): void;
  /** Stops background shells and fires SessionEnd. */
  end(): Promise<void>;
}

/** The `system/init` message describing the run. */
export function initMessage(setup: RunSetup, env: wire.Envelope, inventory?: Pick<wire.InitInfo, "mcpServers" | "slashCommands" | "skills" | "agents" | "plugins">): wire.Json {
  return wire.initMessage(env, {
    cwd: setup.cwd,
    model: setup.agent.model,
    tools: setup.agent.tools.map((t) => t.name),
    permissionMode: setup.permissions.mode,
    apiKeySource: setup.credentials.source === "ANTHROPIC_API_KEY" ? "ANTHROPIC_API_KEY" : "none",
    version: VERSION,
    ...inventory,
  });
}

function subtypeOf(outcome: AgentOutcome): wire.ResultSubtype {
  if (outcome.reason === "end_turn" || outcome.reason === "stopped") return "success";
  if (outcome.reason === "max_turns") return "error_max_turns";
  if (outcome.reason === "max_budget") return "error_max_budget_usd";
  return "error_during_execution";
}

/** The variable that holds the key the provider rejected. */
function keyVariable(setup: RunSetup): string {
  const provider = setup.provider;
  if (provider.profile) return provider.keySource ?? provider.profile.keyEnv[0] ?? "the API key";
  return setup.credentials.source === "none" ? "ANTHROPIC_API_KEY" : setup.credentials.source;
}

function errorText(setup: RunSetup, outcome: AgentOutcome, limits: { maxTurns?: number; maxBudgetUsd?: number }): string | undefined {
  if (outcome.reason === "max_turns") return `Reached the turn limit (--max-turns ${limits.maxTurns}) before the task was finished`;
  if (outcome.reason === "max_budget") return `Reached the spending limit (--max-budget-usd ${limits.maxBudgetUsd}) before the task was finished`;
  if (outcome.reason === "aborted") return "Interrupted";
  if (outcome.reason !== "error" || !outcome.failure) return undefined;
  const f = outcome.failure;
  if (f.kind === "context_overflow") return f.message;
  if (f.kind === "authentication_failed") return `The API rejected the credentials (${f.status}): ${f.message}. Check ${keyVariable(setup)}.`;
  return `API error${f.status ? ` ${f.status}` : ""}: ${f.message}`;
}

function exitCode(outcome: AgentOutcome, interruptedBy: "SIGINT" | "SIGTERM" | undefined): number {
  if (outcome.reason === "end_turn" || outcome.reason === "stopped") return EXIT.ok;
  if (outcome.reason === "max_turns") return EXIT.maxTurns;
  if (outcome.reason === "aborted") return interruptedBy === "SIGINT" ? EXIT.sigint : interruptedBy === "SIGTERM" ? EXIT.sigterm : EXIT.error;
  return EXIT.error;
}

/** Text blocks only (or a string) read as one prompt, so commands and hooks see them; images stay blocks. */
function promptText(content: string | UserBlock[]): string | undefined {
  if (typeof content === "string") return content;
  if (!content.every((b) => b.type === "text")) return undefined;
  return content.map((b) => (b.type === "text" ? b.text : "")).join("\n");
}

function withPrompt(history: Message[], content: string | UserBlock[]): Message[] {
  if (typeof content === "string") return appendPrompt(history, content);
  const last = history[history.length - 1];
  if (last?.role !== "user") return [...history, { role: "user", content }];
  return [...history.slice(0, -1), { role: "user", content: [...userBlocks(last.content), ...content] }];
}

export function createConversation(options: ConversationOptions): Conversation {
  const { setup, session, hooks } = options;
  const { agent } = setup;
  const env: wire.Envelope = { sessionId: session.id, uuid: () => crypto.randomUUID() };
  const ledger: Ledger = new Map();
  let history: Message[] = [...session.history];
  let sessionStarted = false;
  if (options.maxBudgetUsd !== undefined) {
    const budget = options.maxBudgetUsd;
    agent.overBudget = () => totalCost(ledger) >= budget;
  }
  session.recordPermissionMode(setup.permissions.mode);
  if (setup.mode) session.recordMode(setup.mode);

  const structured = new Map<string, unknown>();
  let denials: wire.ResultInfo["permissionDenials"] = [];
  let turnLedger: Ledger = new Map();
  const charge = (model: string, usage: Parameters<typeof record>[2]): void => {
    record(ledger, model, usage);
    record(turnLedger, model, usage);
  };
  agent.sideUsage = (message) => charge(message.model, message.usage);
  /** What an event spent, the main agent's or a sub-agent's alike: replies, side requests, summaries. */
  const chargeFor = (event: AgentEvent): void => {
    if (event.type === "assistant" || event.type === "usage") charge(event.message.model, event.message.usage);
    else if (event.type === "compacted" && event.reply) charge(event.reply.model, event.reply.usage);
  };
  const { emit, notify, chatty } = options;
  const onEvent = (event: AgentEvent): void => {
    options.observe?.(event);
    chargeFor(event);
    switch (event.type) {
      case "assistant":
        session.recordAssistant(event.message);
        for (const line of wire.assistantMessages(env, event.message)) emit(line);
        break;
      case "stream_event":
        if (options.partialMessages) emit(wire.streamEventMessage(env, event.event));
        break;
      case "tool_result":
        structured.set(event.id, event.result.structured);
        break;
      case "tool_results":
        session.recordToolResults(event.results, structured);
        for (const block of event.results) emit(wire.toolResultMessage(env, block, structured.get(block.tool_use_id)));
        break;
      case "permission_denied":
        denials.push({ tool_name: event.name, tool_use_id: event.id, tool_input: event.input });
        if (!options.observe) notify(`denied ${event.name}: ${event.message}`);
        break;
      case "notice":
        if (!options.observe) notify(event.text);
        break;
      case "stop_blocked":
        session.recordPrompt(event.reason);
        if (chatty) notify(`a Stop hook asked to continue: ${event.reason}`);
        break;
      case "retry":
        emit(wire.retryMessage(env, event));
        if (chatty) notify(`${event.error}; retrying in ${event.delayMs} ms (attempt ${event.attempt}/${event.maxRetries})`);
        break;
      case "compacted":
        if (event.kind === "summary") {
          session.recordCompaction({ trigger: event.trigger, preTokens: event.preTokens, postTokens: event.postTokens }, event.history, agent.model);
          emit(wire.compactBoundaryMessage(env, event));
        }
        if (chatty) notify(`${event.kind === "summary" ? "summarised" : "cleared old tool output from"} the conversation (about ${event.preTokens} → ${event.postTokens} tokens)`);
        break;
      case "inbox":
        session.recordMeta(event.text);
        break;
      case "subagent":
        onSubagent(event.parentToolUseId, event.event);
        break;
      default:
        break;
    }
  };
  /** A sub-agent's event: its spending counts here; stream-json consumers see its messages under the Agent call. */
  const onSubagent = (parent: string, event: AgentEvent): void => {
    chargeFor(event);
    switch (event.type) {
      case "assistant":
        for (const line of wire.assistantMessages(env, event.message, parent)) emit(line);
        break;
      case "stream_event":
        if (options.partialMessages) emit(wire.streamEventMessage(env, event.event, parent));
        break;
      case "tool_results":
        for (const block of event.results) emit(wire.toolResultMessage(env, block, undefined, parent));
        break;
      default:
        break;
    }
  };
  agent.session.onSubagentEvent = ({ parentToolUseId, agentId, event }) => onEvent({ type: "subagent", parentToolUseId, agentId, event });

  const resultOf = async (started: number, info: Omit<wire.ResultInfo, "durationMs" | "totalCostUsd" | "usage" | "modelUsage" | "permissionDenials">): Promise<wire.Json> =>
    wire.resultMessage(env, {
      ...info,
      durationMs: performance.now() - started,
      totalCostUsd: totalCost(ledger),
      usage: totalUsage(turnLedger),
      modelUsage: modelUsage(ledger, (model) => (model === agent.model && agent.compaction ? { contextWindow: agent.compaction.policy.window, maxOutputTokens: agent.maxTokens } : undefined)),
      permissionDenials: denials,
      ...(options.contextFigures ? { context: await contextFigures(setup, history) } : {}),
    });

  const refused = async (started: number, message: string): Promise<TurnResult> => ({
    result: await resultOf(started, { subtype: "error_during_execution", isError: true, result: message, errors: [message], durationApiMs: 0, numTurns: 0, stopReason: null }),
    code: EXIT.error,
    error: message,
  });

  const drive = async (signal: AbortSignal): Promise<AgentOutcome> => {
    const run = runAgent(history, agent, signal);
    for (;;) {
      const next = await run.next();
      if (next.done) return next.value;
      onEvent(next.value);
    }
  };

  /** Runs the loop, sending the model back while --json-schema output is still missing. */
  const runWithStructured = async (signal: AbortSignal): Promise<{ outcome: AgentOutcome; turns: number; apiMs: number; missing: boolean }> => {
    let turns = 0;
    let apiMs = 0;
    for (let reminders = 0; ; reminders++) {
      const outcome = await drive(signal);
      turns += outcome.turns;
      apiMs += outcome.apiDurationMs;
      const s = options.structured;
      if (!s || outcome.reason !== "end_turn" || s.value() !== undefined) return { outcome, turns, apiMs, missing: false };
      if (reminders >= s.maxRetries) return { outcome, turns, apiMs, missing: true };
      const reminder = s.reminder();
      session.recordPrompt(reminder);
      history.push({ role: "user", content: [{ type: "text", text: reminder }] });
    }
  };

  const turn = async (content: string | UserBlock[], signal: AbortSignal): Promise<TurnResult> => {
    const started = performance.now();
    denials = [];
    turnLedger = new Map();
    // A skill's allowed-tools last until the next user message.
    clearSkillGrants(setup.permissions);
    const text = promptText(content);
    const builtin = text === undefined ? undefined : parseBuiltin(text);
    if (builtin && options.builtins) {
      const { runBuiltin } = await import("./headless-commands.ts");
      const outcome = await runBuiltin(builtin, { setup, session, history, ledger, signal, onEvent });
      const result = await resultOf(started, { subtype: outcome.ok ? "success" : "error_during_execution", isError: !outcome.ok, result: outcome.text, ...(outcome.ok ? {} : { errors: [outcome.text] }), durationApiMs: 0, numTurns: 0, stopReason: null });
      return outcome.ok ? { result, code: EXIT.ok, text: outcome.text } : { result, code: EXIT.error, error: outcome.text };
    }
    const context: string[] = [];
    if (!sessionStarted && hooks?.has("SessionStart")) {
      const source = history.length > 0 ? "resume" : "startup";
      const start = await hooks.fire("SessionStart", { source, model: agent.model }, source);
      for (const notice of start.notices) notify(notice);
      context.push(...start.context);
    }
    sessionStarted = true;
    if (hooks?.has("UserPromptSubmit")) {
      const submit = await hooks.fire("UserPromptSubmit", { prompt: text ?? promptText(userBlocks(content).filter((b) => b.type === "text")) ?? "" }, undefined, signal);
      for (const notice of submit.notices) notify(notice);
      if (submit.block || submit.stop) return refused(started, `The prompt was blocked by a UserPromptSubmit hook: ${submit.block?.reason ?? submit.stop?.reason ?? "no reason given"}`);
      context.push(...submit.context);
    }
    let prompt: string | UserBlock[] = text ?? content;
    const model = agent.model;
    if (options.expand && text !== undefined) {
      const expanded = await options.expand(text, signal);
      if (!expanded.ok) return refused(started, expanded.message);
      prompt = expanded.text;
      if (expanded.model) agent.model = expanded.model;
    }
    const reminder = context.length > 0 ? `\n\n<system-reminder>\n${context.join("\n\n")}\n</system-reminder>` : "";
    history = withPrompt(history, typeof prompt === "string" ? prompt + reminder : reminder ? [...prompt, { type: "text", text: reminder.trim() }] : prompt);
    agent.session.fileHistory?.beginCheckpoint(session.recordPrompt(prompt));
    let run: Awaited<ReturnType<typeof runWithStructured>>;
    try {
      run = await runWithStructured(signal);
    } finally {
      // A command's `model:` applies to its own turn.
      if (agent.model !== model && options.expand) agent.model = model;
    }
    const { outcome } = run;
    const limits = { maxTurns: agent.maxTurns, maxBudgetUsd: options.maxBudgetUsd };
    const missing = run.missing ? "The model ended without giving the structured output the --json-schema asked for" : undefined;
    const error = missing ?? errorText(setup, outcome, limits);
    const finalText = outcome.lastMessage ? assistantText(outcome.lastMessage) : "";
    const success = outcome.reason === "end_turn" && !missing;
    const shown = outcome.reason === "stopped" ? (outcome.stopReason ?? finalText) : finalText;
    const value = options.structured?.value();
    const result = await resultOf(started, {
      subtype: missing ? "error_max_structured_output_retries" : subtypeOf(outcome),
      isError: !success && outcome.reason !== "stopped",
      result: success || outcome.reason === "stopped" ? shown : error,
      errors: error ? [error] : undefined,
      durationApiMs: run.apiMs,
      numTurns: run.turns,
      stopReason: outcome.lastMessage?.stop_reason ?? null,
      ...(value !== undefined ? { structuredOutput: value } : {}),
    });
    const code = missing ? EXIT.error : exitCode(outcome, options.interruptedBy?.());
    return success || outcome.reason === "stopped" ? { result, code, text: shown } : { result, code, ...(error ? { error } : {}) };
  };

  return {
    get history() {
      return history;
    },
    ledger,
    env,
    turn,
    async compact(ask, signal) {
      const { compactCommand } = await import("./headless-commands.ts");
      return await compactCommand(ask, { setup, session, history, ledger, signal, onEvent });
    },
    append(content) {
      history = withPrompt(history, content);
      session.recordPrompt(content);
    },
    async end() {
      if (setup.memory) {
        const { recordSessionMemory } = await import("./memory-session.ts");
        const problem = await recordSessionMemory(setup.memory, history, { sessionId: session.id, cwd: setup.cwd, env: process.env });
        if (problem) notify(problem);
      }
      await agent.session.agents?.stopAll();
      await killAllShells(agent.session);
      if (!hooks?.has("SessionEnd")) return;
      const end = await hooks.fire("SessionEnd", { reason: "other" }, "other");
      for (const notice of end.notices) notify(notice);
    },
  };
}

/** What fills the context now (the JSON outputs' `context`, the SDK's get_context_usage). */
export async function contextFigures(setup: RunSetup, history: Message[]): Promise<wire.Json> {
  const [{ contextJson }, { reportFor, reportedTokens }] = await Promise.all([import("./context-report.ts"), import("./headless-commands.ts")]);
  return contextJson(reportFor(setup, history, reportedTokens(setup.agent, history)));
}
