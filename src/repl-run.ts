// How the REPL prepares a run and opens its conversation: the terminal's permission asker (with the
// plan approval), its question dialog for AskUserQuestion, and a watch on background work so finished
// agents and due scheduled prompts can start a turn while hone is idle.
import { createColors } from "picocolors";
import type { AgentEvent } from "./agent.ts";
import type { RunOptions } from "./cli.ts";
import { createConversation, type Conversation } from "./conversation.ts";
import { prepareRun, type PreparedRun } from "./prepare-run.ts";
import { expandUserPrompt } from "./prompt-expansion.ts";
import { createReplAsker } from "./repl-ask.ts";
import type { Dialogs } from "./repl-dialogs.ts";
import { askInTerminal } from "./repl-question.ts";
import type { TerminalSignals } from "./terminal-signals.ts";

export interface RunFactoryDeps {
  options: RunOptions;
  cwd: string;
  color: boolean;
  width: () => number;
  dialogs: Dialogs;
  signals: TerminalSignals;
  print: (lines: string | string[]) => void;
  /** The run in use (for the asker's permission context and mode changes). */
  current: () => PreparedRun | undefined;
  /** The running turn's signal, which closes an open question when the turn is interrupted. */
  turnSignal: () => AbortSignal | undefined;
  observe: (event: AgentEvent) => void;
  /** Background work waits: a turn may start for it. */
  onBackground: () => void;
  refreshStatus: () => void;
}

export interface RunFactory {
  prepare(runOptions: RunOptions): Promise<PreparedRun>;
  conversationFor(prepared: PreparedRun): Conversation;
  /** Stops watching the last run's background work. */
  close(): void;
}

export function createRunFactory(deps: RunFactoryDeps): RunFactory {
  const c = createColors(deps.color);
  let stopWatching: (() => void) | undefined;
  const run = (): PreparedRun => {
    const current = deps.current();
    if (!current) throw new Error("no run is prepared");
    return current;
  };
  return {
    prepare: (runOptions) =>
      prepareRun(runOptions, (line) => deps.print(c.yellow(line)), {
        ask: createReplAsker({
          dialogs: deps.dialogs,
          cwd: deps.cwd,
          color: deps.color,
          permissions: () => run().setup.permissions,
          signal: deps.turnSignal,
          print: (lines) => deps.print(lines.map((l) => c.dim(l))),
          onAsk: deps.signals.asking,
          width: deps.width,
          setMode: (mode) => {
            run().setup.permissions.mode = mode;
            run().session.recordPermissionMode(mode);
            deps.refreshStatus();
          },
        }),
      }),
    conversationFor(prepared) {
      const state = prepared.setup.agent.session;
      state.askUser = (questions, signal) => askInTerminal(questions, { dialogs: deps.dialogs, color: deps.color, signal, onAsk: () => deps.signals.asking("AskUserQuestion") });
      stopWatching?.();
      stopWatching = state.tasks.subscribe(deps.onBackground);
      // A scheduled prompt already due at start may have been posted before this watch began.
      if (state.tasks.waiting() > 0) queueMicrotask(deps.onBackground);
      return createConversation({
        setup: prepared.setup,
        session: prepared.session,
        ...(prepared.hooks ? { hooks: prepared.hooks } : {}),
        emit: () => undefined,
        notify: (text) => deps.print(c.dim(text)),
        chatty: false,
        builtins: true,
        expand: (text, signal) => expandUserPrompt(text, prepared.extensions, prepared.invocation, signal, { slashCommands: !deps.options.disableSlashCommands }),
        observe: deps.observe,
      });
    },
    close: () => stopWatching?.(),
  };
}
