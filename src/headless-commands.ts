// The built-in commands a `-p` run answers itself instead of sending to the model: /compact [instructions],
// /cost and /context. Each returns the text of the run's result.
import { createSchemaList, type AgentConfig, type AgentEvent } from "./agent.ts";
import { compactInPlace } from "./agent-compact.ts";
import { contextReport, renderContextReport, type ContextReport } from "./context-report.ts";
import type { Ledger } from "./cost.ts";
import type { Message } from "./messages.ts";
import { modelInfo } from "./models.ts";
import type { FailureInfo } from "./retry.ts";
import type { RunSetup } from "./run-config.ts";
import type { Session } from "./session.ts";
import { ledgerFromEntries, renderCost } from "./session-cost.ts";
import { readTranscript } from "./session-file.ts";

import type { BuiltinCommand } from "./builtin-commands.ts";

export type CommandOutcome = { ok: true; text: string } | { ok: false; text: string; failure?: FailureInfo };

export interface CommandContext {
  setup: RunSetup;
  session: Session;
  history: Message[];
  /** This run's usage so far (the summary request of /compact lands here too). */
  ledger: Ledger;
  signal: AbortSignal;
  /** Handles events as the main loop does (recording, ledger, stream-json). */
  onEvent: (event: AgentEvent) => void;
}

/** What fills the context of `history` now; `reported` is the API's last count when known. */
export function reportFor(setup: RunSetup, history: Message[], reported?: number): ContextReport {
  const agent: AgentConfig = setup.agent;
  return contextReport({
    system: agent.system,
    sections: setup.promptParts,
    tools: createSchemaList(agent.tools, agent.session.loadedTools)(),
    history,
    contextWindow: agent.compaction?.policy.window ?? modelInfo(agent.model).contextWindow,
    ...(agent.compaction ? { autoCompactAt: agent.compaction.policy.threshold } : {}),
    ...(reported ? { reported } : {}),
  });
}

/** The API's last count of the prompt, when the history has not changed since. */
export function reportedTokens(agent: AgentConfig, history: Message[]): number | undefined {
  const anchor = agent.compaction?.meter.anchor;
  if (!anchor || anchor.messageCount !== history.length) return undefined;
  return anchor.tokens;
}

/** What a compaction is asked to do: /compact's instructions, and optionally only part of the history. */
export interface CompactAsk {
  custom?: string;
  range?: { from: number; to: number };
}

/** /compact, and the rewind menu's targeted summaries: compacts `ctx.history` in place. */
export async function compactCommand(ask: CompactAsk, ctx: CommandContext): Promise<CommandOutcome> {
  if (ctx.history.length === 0) return { ok: false, text: "There is nothing to compact yet: this session has no messages. Use /compact with --resume or --continue." };
  const agent = ctx.setup.agent;
  const tools = createSchemaList(agent.tools, agent.session.loadedTools)();
  const run = compactInPlace(ctx.history, { trigger: "manual", ...(ask.custom ? { custom: ask.custom } : {}), ...(ask.range ? { range: ask.range } : {}) }, agent, tools, undefined, ctx.signal);
  let compacted: Extract<AgentEvent, { type: "compacted" }> | undefined;
  for (;;) {
    const next = await run.next();
    if (next.done) {
      if (next.value) return { ok: false, text: next.value.message, failure: next.value };
      break;
    }
    if (next.value.type === "compacted") compacted = next.value;
    ctx.onEvent(next.value);
  }
  if (!compacted) return { ok: false, text: "The conversation was not compacted." };
  const what = ask.range ? "Summarised that part of the conversation" : "Compacted the conversation";
  return { ok: true, text: `${what}: about ${compacted.preTokens} tokens before, ${compacted.postTokens} after.` };
}

function costCommand(ctx: CommandContext): CommandOutcome {
  const path = ctx.session.transcriptPath;
  let ledger = ctx.ledger;
  try {
    if (path) ledger = ledgerFromEntries(readTranscript(path).entries);
  } catch {
    // A session not written yet has spent nothing.
  }
  if (ledger.size === 0) return { ok: true, text: "No API usage recorded in this session yet." };
  return { ok: true, text: renderCost(ledger) };
}

export async function runBuiltin(command: { name: BuiltinCommand; args: string }, ctx: CommandContext): Promise<CommandOutcome> {
  switch (command.name) {
    case "compact":
      return compactCommand(command.args ? { custom: command.args } : {}, ctx);
    case "cost":
      return costCommand(ctx);
    case "context":
      // A resumed session has no count from the API yet in this process: the report is an estimate.
      return { ok: true, text: renderContextReport(reportFor(ctx.setup, ctx.history)) };
  }
}
