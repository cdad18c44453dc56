// /ultraplan <task> in the REPL: a detached planning run with a local approval page. The REPL waits for
// the decision (Esc stops waiting; the planner keeps running and its page keeps answering). An approved
// plan ends plan mode and becomes the next turn; "run locally" puts it in the prompt box to start by hand.
import type { ReplCommand, ReplContext } from "./repl-commands.ts";

async function ultraplan(task: string, ctx: ReplContext): Promise<void> {
  const run = ctx.run();
  if (run.settings.ultraplan.enabled === false) {
    ctx.print("/ultraplan is turned off by the setting ultraplan.enabled (false).");
    return;
  }
  const { terminalUltraplan } = await import("./ultraplan-terminal.ts");
  const result = await terminalUltraplan(task, { env: ctx.env, cwd: run.setup.cwd, settings: run.settings.ultraplan, say: (line) => ctx.print(line), signal: ctx.signal });
  if (!result.prompt) {
    if (result.state.plan) ctx.print(["The plan so far:", ...result.state.plan.split("\n").map((l) => `  ${l}`)]);
    return;
  }
  if (result.state.status === "local") {
    ctx.setInput(result.prompt);
    ctx.print("The plan is in the prompt box: press Enter to carry it out here.");
    return;
  }
  const permissions = run.setup.permissions;
  if (permissions.mode === "plan") {
    permissions.mode = "default";
    run.session.recordPermissionMode("default");
    ctx.refreshStatus();
  }
  await ctx.submit(result.prompt, `(the approved plan for: ${task})`);
}

export const ULTRAPLAN_COMMANDS: ReplCommand[] = [
  { name: "ultraplan", description: "Plan a task in a detached run with a local approval page, then carry out the approved plan", argumentHint: "<task>", requires: "a task to plan", run: ultraplan },
];
