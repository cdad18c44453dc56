// `hone --kairos` (feature "proactive"; only loaded behind HONE_FEATURE_PROACTIVE): prepares a run with
// KAIROS's own tools and prompt, puts Bash under the blocking budget, and runs the tick loop until the
// user stops it. Each action is printed as one line; the daily log keeps them all.
import type { RunOptions } from "./cli.ts";
import { createConversation } from "./conversation.ts";
import { EXIT } from "./exit-codes.ts";
import { installBlockingBudget } from "./kairos-budget.ts";
import { createKairosContext, kairosTools } from "./kairos-context.ts";
import { kairosPrompt, runKairos } from "./kairos.ts";
import { prepareRun, setupProblem, type PreparedRun } from "./prepare-run.ts";

export interface KairosIo {
  out: (line: string) => void;
  err: (line: string) => void;
  withSignals: (body: (signal: AbortSignal) => Promise<number>) => Promise<number>;
}

export async function runKairosMain(options: RunOptions, io: KairosIo): Promise<number> {
  const kairos = createKairosContext({ env: process.env, print: io.err });
  let prepared: PreparedRun;
  try {
    prepared = await prepareRun({ ...options, print: true }, io.err, { extraTools: kairosTools(kairos) });
  } catch (error) {
    if (setupProblem(error) === undefined) throw error;
    io.err(`hone: ${(error as Error).message}`);
    return setupProblem(error) === "input" ? EXIT.usage : EXIT.error;
  }
  const { setup, session } = prepared;
  const settings = prepared.settings.kairos;
  if (settings.notifyCommand) kairos.notifyCommand = settings.notifyCommand;
  setup.setSystemPrompt({ append: [kairosPrompt(settings)] });
  installBlockingBudget(setup.agent, { budgetSecs: settings.blockingBudgetSecs });
  const conversation = createConversation({ setup, session, ...(prepared.hooks ? { hooks: prepared.hooks } : {}), emit: () => undefined, notify: (text) => io.err(`hone: ${text}`), chatty: false });
  io.err(`hone: KAIROS is watching ${setup.cwd}, a tick every ${settings.tickIntervalSecs}s (Ctrl+C stops it)`);
  try {
    return await io.withSignals(async (signal) => {
      const summary = await runKairos({ conversation, kairos, tasks: setup.agent.session.tasks, cwd: setup.cwd, tickIntervalSecs: settings.tickIntervalSecs, signal, write: io.out });
      io.err(`hone: KAIROS stopped after ${summary.ticks} ticks (${summary.actions} actions, ${summary.dropped} idle ticks dropped)`);
      return EXIT.ok;
    });
  } finally {
    await conversation.end();
    await prepared.close();
    session.close();
  }
}
