// ULTRAPLAN tests' plumbing: a planner parent built the way a plan-mode -p run builds its agent (real
// provider against the scripted API, real read-only tools and permission rules), a temp project and
// config home, and the scripted planner conversation.
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../../src/cli.ts";
import { buildRunSetup } from "../../src/run-config.ts";
import type { SubagentParent } from "../../src/subagent.ts";
import type { Env } from "../../src/config-dir.ts";
import { readState, type UltraplanState } from "../../src/ultraplan-state.ts";
import { reply, text, toolUse, type LoggedRequest, type Step } from "./mock-api.ts";

export const TASK = "Add a --shout flag that prints the greeting in capitals (ULTRAPLAN-TASK-7f3a)";
/** What a route matches: the planner's first message carries the task. */
export const PLANNER_MARK = "ULTRAPLAN-TASK-7f3a";

export interface PlanWorld {
  cwd: string;
  home: string;
  env: Env;
}

/** A project with one file to read and a config home of its own. */
export function planWorld(apiUrl = "http://127.0.0.1:9"): PlanWorld {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), "hone-ultraplan-proj-")));
  const home = realpathSync(mkdtempSync(join(tmpdir(), "hone-ultraplan-home-")));
  writeFileSync(join(cwd, "greet.ts"), 'export const greet = (name: string) => `hello ${name}`;\n');
  const env: Env = { HOME: home, HONE_CONFIG_DIR: join(home, ".hone"), ANTHROPIC_API_KEY: "sk-test", ANTHROPIC_BASE_URL: apiUrl, HONE_RETRY_BASE_MS: "10" };
  return { cwd, home, env };
}

/** The parent a plan-mode run in `cwd` would give its sub-agents. */
export function plannerParent(env: Env, cwd: string): SubagentParent {
  const place = { id: "0e0e0e0e-1111-4222-8333-444444444444", folder: join(env.HOME ?? cwd, "session") };
  const setup = buildRunSetup(parseArgs(["-p", "x", "--permission-mode", "plan"]), { cwd, env, place });
  return { config: setup.agent, permissions: () => setup.permissions, env, sessionId: place.id };
}

/** All of a request's text (system aside): its messages' text and tool results. */
export function requestText(req: LoggedRequest): string {
  return JSON.stringify(req.body.messages ?? []);
}

export const FIRST_PLAN = "# Plan: shout flag\n\n1. Read `greet.ts`.\n2. Add `--shout`.\n\n<script>window.pwned = 1</script>";
export const REVISED_PLAN = "# Plan: shout flag (revised)\n\n1. Add `--shout` **and** `--whisper`.\n2. Test both.";

/** The planner reads greet.ts, answers FIRST_PLAN, then (after feedback) REVISED_PLAN. */
export function plannerSteps(cwd: string): Step[] {
  return [
    reply(text("Looking at the greeting code first."), toolUse("Read", { file_path: join(cwd, "greet.ts") })),
    reply(text(FIRST_PLAN)),
    reply(text(REVISED_PLAN)),
  ];
}

/** Waits until the run's state file passes `check` (the run writes it; nothing here is timed). */
export async function untilState(dir: string, check: (s: UltraplanState) => boolean): Promise<UltraplanState> {
  for (;;) {
    const read = readState(dir);
    if (read.ok && check(read.state)) return read.state;
    await Bun.sleep(25);
  }
}

/** POSTs a decision to the page's server with the token of its URL. */
export function decide(url: string, path: "/approve" | "/reject" | "/local", body: unknown): Promise<Response> {
  const u = new URL(url);
  return fetch(`${u.origin}${path}`, { method: "POST", headers: { "x-ultraplan-token": u.searchParams.get("token")! }, body: JSON.stringify(body) });
}

/** Planner processes a test caused, ended by pid (never by name) when it is over. */
export function plannerPids() {
  const pids = new Set<number>();
  return {
    add: (pid: number) => void pids.add(pid),
    endAll(signal: NodeJS.Signals) {
      for (const pid of pids) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
      pids.clear();
    },
  };
}
