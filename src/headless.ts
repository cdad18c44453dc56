// `hone -p`: run one task to completion and print it as text, one JSON result, or an NDJSON stream in
// Claude Code's shapes. Returns the exit code; never throws for model or tool failures.
import { followBackgroundWork } from "./background-turns.ts";
import type { OutputFormat } from "./cli.ts";
import { createConversation, initMessage, type ConversationOptions } from "./conversation.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import type { ExpandedPrompt } from "./prompt-expansion.ts";
import type { RunSetup } from "./run-config.ts";
import type { Session } from "./session.ts";
import type * as wire from "./stream-json.ts";

export interface HeadlessOptions {
  prompt: string;
  outputFormat: OutputFormat;
  verbose: boolean;
  session: Session;
  hooks?: HookDispatcher;
  write: (line: string) => void;
  writeErr: (line: string) => void;
  signal: AbortSignal;
  /** Which signal interrupted the run, to pick the exit code. */
  interruptedBy: () => "SIGINT" | "SIGTERM" | undefined;
  /** Turns `/name args` and `@server:uri` into what the model sees; a failure ends the run (exit 1). */
  expand?: (prompt: string, signal: AbortSignal) => Promise<ExpandedPrompt>;
  /** Answer /compact, /cost and /context here (off with --disable-slash-commands). */
  builtins?: boolean;
  /** Lists for the init message: MCP servers, commands, skills, agents, plugins. */
  inventory?: Pick<wire.InitInfo, "mcpServers" | "slashCommands" | "skills" | "agents" | "plugins">;
  /** Options of the SDK flags (--include-partial-messages, --max-budget-usd, --json-schema). */
  extra?: Pick<ConversationOptions, "partialMessages" | "maxBudgetUsd" | "structured">;
}

export async function runHeadless(setup: RunSetup, options: HeadlessOptions): Promise<number> {
  const streaming = options.outputFormat === "stream-json";
  const collected: wire.Json[] = [];
  const emit = (message: wire.Json) => {
    if (streaming) options.write(JSON.stringify(message));
    else if (options.outputFormat === "json" && options.verbose) collected.push(message);
  };
  const conversation = createConversation({
    setup,
    session: options.session,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    emit,
    notify: (text) => options.writeErr(`hone: ${text}`),
    chatty: options.verbose && !streaming,
    ...(options.expand ? { expand: options.expand } : {}),
    ...(options.builtins ? { builtins: true } : {}),
    contextFigures: options.outputFormat !== "text",
    interruptedBy: options.interruptedBy,
    ...options.extra,
  });
  emit(initMessage(setup, conversation.env, options.inventory));
  const first = await conversation.turn(options.prompt, options.signal);
  const turn = await followBackgroundWork(conversation, setup.agent.session.tasks, first, options.signal);
  await conversation.end();
  if (options.outputFormat === "text") {
    if (turn.text !== undefined) options.write(turn.text);
    if (turn.error !== undefined) options.writeErr(`Error: ${turn.error}`);
  } else if (options.outputFormat === "json" && options.verbose) {
    options.write(JSON.stringify([...collected, turn.result]));
  } else {
    options.write(JSON.stringify(turn.result));
  }
  return turn.code;
}
