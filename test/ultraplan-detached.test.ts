// The planner as its own detached process (started from source through test/support scripts): the
// terminal gets the URL and the decided plan, the planner outlives a killed terminal, stopRun stops it,
// and the planner process reports what it cannot do in the state.
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RUN_SUBCOMMAND, stopRun, ultraplanMain } from "../src/ultraplan-detached.ts";
import { terminalUltraplan } from "../src/ultraplan-terminal.ts";
import { createRun, processAlive, readState, runDir, type UltraplanState } from "../src/ultraplan-state.ts";
import { startMockApi, type MockApi } from "./support/mock-api.ts";
import { FIRST_PLAN, PLANNER_MARK, TASK, planWorld, plannerPids, plannerSteps, decide, untilState, type PlanWorld } from "./support/ultraplan-fixture.ts";

const TERMINAL = join(import.meta.dir, "support", "ultraplan-terminal-main.ts");

let api: MockApi | undefined;
const planners = plannerPids();
afterEach(async () => {
  planners.endAll("SIGKILL");
  await api?.close();
  api = undefined;
});

async function world(): Promise<PlanWorld> {
  const w = planWorld();
  api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: plannerSteps(w.cwd) }] });
  w.env.ANTHROPIC_BASE_URL = api.url;
  return w;
}

/** Lines of a child's stdout, one at a time. */
function lines(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return async () => {
    for (;;) {
      const nl = buffer.indexOf("\n");
      if (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        return line;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended; partial output: ${buffer}`);
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

function startTerminal(w: PlanWorld) {
  const proc = Bun.spawn([process.execPath, TERMINAL, TASK], {
    cwd: w.cwd,
    env: { PATH: process.env.PATH, ...w.env } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { proc, next: lines(proc.stdout) };
}

describe("a detached planner", () => {
  test("the terminal gets the URL, then the approved plan; the planner process ends after the decision", async () => {
    const w = await world();
    const { proc, next } = startTerminal(w);
    const started = JSON.parse(await next()) as { id: string; url: string; pid: number };
    planners.add(started.pid);
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(started.pid).not.toBe(proc.pid);
    await untilState(runDir(w.env, started.id), (s) => s.status === "ready");
    expect((await decide(started.url, "/approve", {})).status).toBe(200);
    const final = JSON.parse(await next()) as UltraplanState;
    expect(final.status).toBe("approved");
    expect(final.plan).toBe(FIRST_PLAN);
    expect(await proc.exited).toBe(0);
    while (processAlive(started.pid)) await Bun.sleep(25);
  }, 60_000);

  test("the planner survives the terminal that started it: killed terminal, the page still answers and the decision is recorded", async () => {
    const w = await world();
    const { proc, next } = startTerminal(w);
    const started = JSON.parse(await next()) as { id: string; url: string; pid: number };
    planners.add(started.pid);
    proc.kill("SIGKILL");
    await proc.exited;
    expect(processAlive(started.pid)).toBe(true);
    const dir = runDir(w.env, started.id);
    await untilState(dir, (s) => s.status === "ready");
    const u = new URL(started.url);
    const res = await fetch(`${u.origin}/state?token=${u.searchParams.get("token")}`);
    expect(res.status).toBe(200);
    expect((await res.json()).task).toBe(TASK);
    expect((await decide(started.url, "/approve", {})).status).toBe(200);
    const final = await untilState(dir, (s) => s.status === "approved");
    expect(final.plan).toBe(FIRST_PLAN);
    while (processAlive(started.pid)) await Bun.sleep(25);
  }, 60_000);

  test("stopRun stops a running planner, which records status stopped with its plan", async () => {
    const w = await world();
    const { proc, next } = startTerminal(w);
    const started = JSON.parse(await next()) as { id: string; url: string; pid: number };
    planners.add(started.pid);
    const dir = runDir(w.env, started.id);
    await untilState(dir, (s) => s.status === "ready");
    expect(stopRun(w.env, started.id)).toBe(true);
    const final = JSON.parse(await next()) as UltraplanState;
    expect(final.status).toBe("stopped");
    expect(final.plan).toBe(FIRST_PLAN);
    await proc.exited;
    while (processAlive(started.pid)) await Bun.sleep(25);
    expect(stopRun(w.env, started.id)).toBe(false);
  }, 60_000);
});

describe("terminalUltraplan", () => {
  test("starts the planner, relays the URL and progress, and returns the prompt that carries out the approved plan", async () => {
    const w = await world();
    const said: string[] = [];
    const result = terminalUltraplan(TASK, {
      env: { PATH: process.env.PATH, ...w.env },
      cwd: w.cwd,
      settings: { model: "claude-opus-4-1-20250805", pollIntervalSecs: 1, maxDurationSecs: 600 },
      say: (line) => {
        said.push(line);
        const url = /^ULTRAPLAN \S+: plan revision 1 is ready for review at (\S+)$/.exec(line)?.[1];
        if (url) void decide(url, "/approve", { plan: "# edited in the page" });
      },
      command: [process.execPath, join(import.meta.dir, "support", "ultraplan-run-main.ts")],
    });
    const { state, prompt } = await result;
    planners.add(state.pid!);
    expect(state.status).toBe("approved");
    expect(state.model).toBe("claude-opus-4-1-20250805");
    expect(prompt).toContain("# edited in the page");
    expect(prompt).toContain(TASK);
    expect(said[0]).toMatch(/^ULTRAPLAN up-\S+: planning in the background\. Follow it and approve the plan at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(said).toContain("ultraplan: Read(greet.ts)");
    expect(said.at(-1)).toBe(`ULTRAPLAN ${state.id}: approved (plan revision 1, edited by you).`);
    expect(api!.requests[0]!.body.model).toBe("claude-opus-4-1-20250805");
  }, 60_000);
});

describe("ultraplanMain", () => {
  test("refuses bad arguments, unknown runs and started runs; a parent that cannot be built fails the run with the reason", async () => {
    const w = planWorld();
    const errors: string[] = [];
    const deps = { env: w.env, writeErr: (l: string) => void errors.push(l), makeParent: async () => Promise.reject(new Error("no API key")) };
    expect(await ultraplanMain([], deps)).toBe(2);
    expect(errors.pop()).toBe(`usage: hone ${RUN_SUBCOMMAND} <id>`);
    expect(await ultraplanMain(["../x"], deps)).toBe(2);
    expect(await ultraplanMain(["up-nothing-here"], deps)).toBe(1);
    expect(errors.pop()).toContain("does not exist");

    const { dir, state } = await createRun(w.env, { task: TASK, cwd: w.cwd });
    expect(await ultraplanMain([state.id], deps)).toBe(1);
    const read = readState(dir);
    expect(read.ok && read.state.status).toBe("failed");
    expect(read.ok && read.state.reason).toBe("The planner could not be set up: no API key");
    expect(await ultraplanMain([state.id], deps)).toBe(1);
    expect(errors.pop()).toContain("already started (status failed)");
  });
});
