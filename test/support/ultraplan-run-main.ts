// `hone __ultraplan-run <id>` for tests running from source: the planner process, with the parent a
// plan-mode run would build (the scripted API from ANTHROPIC_BASE_URL). Started as
// `bun test/support/ultraplan-run-main.ts __ultraplan-run <id>`.
import { ultraplanMain } from "../../src/ultraplan-detached.ts";
import { plannerParent } from "./ultraplan-fixture.ts";

const args = process.argv.slice(2);
if (args[0] !== "__ultraplan-run") {
  process.stderr.write("usage: ultraplan-run-main.ts __ultraplan-run <id>\n");
  process.exit(2);
}
process.exitCode = await ultraplanMain(args.slice(1), {
  makeParent: async (cwd) => plannerParent(process.env, cwd),
  lingerMs: Number(process.env.ULTRAPLAN_TEST_LINGER_MS ?? "0"),
});
