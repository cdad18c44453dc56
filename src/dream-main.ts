// `hone --dream-now` (a dream at once: the time and session gates are skipped, the lock is not) and the
// hidden `hone __dream` a session starts in the background when the gates pass.
import type { RunOptions } from "./cli.ts";
import { dreamWhenDue } from "./dream.ts";
import { EXIT } from "./exit-codes.ts";
import { memoryDir } from "./memory-dir.ts";
import { prepareRun, setupProblem, type PreparedRun } from "./prepare-run.ts";

export async function runDreamMain(options: RunOptions, io: { out: (line: string) => void; err: (line: string) => void }, force: boolean): Promise<number> {
  let prepared: PreparedRun;
  try {
    // The dream is not a conversation of its own: nothing is saved as a session.
    prepared = await prepareRun({ ...options, print: true, persistSession: false }, io.err);
  } catch (error) {
    if (setupProblem(error) === undefined) throw error;
    io.err(`hone: ${(error as Error).message}`);
    return setupProblem(error) === "input" ? EXIT.usage : EXIT.error;
  }
  try {
    const dir = memoryDir(prepared.settings, process.env);
    const run = await dreamWhenDue({ dir, settings: prepared.settings.memory, force, config: prepared.setup.agent, env: process.env });
    if (!run.ran) {
      io.err(`hone: no dream: ${run.reason}`);
      return force ? EXIT.error : EXIT.ok;
    }
    for (const note of [...run.notes, ...run.warnings]) io.err(`hone: ${note}`);
    io.out(`dream ${run.status}: ${run.message}${run.topics.length > 0 ? ` (topics: ${run.topics.join(", ")})` : ""}`);
    return run.status === "completed" ? EXIT.ok : EXIT.error;
  } finally {
    await prepared.close();
    prepared.session.close();
  }
}
