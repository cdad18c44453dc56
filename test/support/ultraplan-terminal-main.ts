// The terminal side for tests: starts the detached planner, prints {"id","url","pid"} as one JSON line,
// then polls the run until it is decided and prints the final state as another JSON line.
// `bun test/support/ultraplan-terminal-main.ts <task>` in the project folder.
import { join } from "node:path";
import { startDetached } from "../../src/ultraplan-detached.ts";
import { pollUntilDecided } from "../../src/ultraplan-terminal.ts";

const task = process.argv[2] ?? "";
const run = await startDetached(task, {
  env: process.env,
  cwd: process.cwd(),
  command: [process.execPath, join(import.meta.dir, "ultraplan-run-main.ts")],
});
process.stdout.write(`${JSON.stringify({ id: run.id, url: run.url, pid: run.pid, logPath: run.logPath })}\n`);
const final = await pollUntilDecided(run.id, { env: process.env, intervalMs: 50 });
process.stdout.write(`${JSON.stringify(final)}\n`);
