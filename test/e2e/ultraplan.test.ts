// `hone -p --ultraplan "<task>"` with the compiled binary: it prints the approval page's URL, the plan is
// approved through the page's HTTP API, and the approved plan becomes the prompt of a normal run. And the
// planner is its own process: killing the terminal's hone leaves it running with its page answering.
import { afterEach, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { processAlive, runDir, ultraplanRoot } from "../../src/ultraplan-state.ts";
import { firstUserText, reply, startMockApi, text, type MockApi } from "../support/mock-api.ts";
import { honeEnv, requireBinary, tempProject } from "../support/run-hone.ts";
import { decide, plannerPids, untilState } from "../support/ultraplan-fixture.ts";

const TASK = "Add a --shout flag to the greeter (e2e-ultraplan-51c2)";
const PLAN = "# Plan\n\n1. Add `--shout` to greet.ts.\n2. Test it. (approved-plan-marker)";
/** The planner's opening message (ultraplan-runner.ts plannerPrompt); the executing run's differs. */
const PLANNER = /^Write the implementation plan for this task/;

let api: MockApi | undefined;
const planners = plannerPids();
afterEach(async () => {
  planners.endAll("SIGTERM");
  await api?.close();
  api = undefined;
});

async function startApi(): Promise<MockApi> {
  api = await startMockApi({
    routes: [{ prompt: PLANNER, steps: [reply(text(PLAN))] }],
    // The run that carries out the approved plan.
    fallback: reply(text("Implemented the approved plan.")),
  });
  return api;
}

/** Starts `hone -p --ultraplan TASK` and resolves with the URL it prints on stderr. */
async function startHone(configDir: string, cwd: string, apiUrl: string) {
  const proc = Bun.spawn([requireBinary(), "-p", "--ultraplan", TASK], {
    cwd,
    env: honeEnv(apiUrl, { HONE_CONFIG_DIR: configDir }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stderr.getReader();
  const decoder = new TextDecoder();
  let stderr = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`hone ended without printing the page's URL; stderr:\n${stderr}`);
    stderr += decoder.decode(value, { stream: true });
    url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(stderr)?.[0];
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return stderr;
      stderr += decoder.decode(value, { stream: true });
    }
  })();
  return { proc, url, stderr: rest, stdout: new Response(proc.stdout).text() };
}

function onlyRun(configDir: string): { id: string; dir: string } {
  const ids = readdirSync(ultraplanRoot({ HONE_CONFIG_DIR: configDir }));
  expect(ids.length).toBe(1);
  const id = ids[0]!;
  return { id, dir: runDir({ HONE_CONFIG_DIR: configDir }, id) };
}

test("hone -p --ultraplan prints the page's URL; the plan approved there is carried out by the run", async () => {
  const cwd = tempProject("hone-e2e-ultraplan-");
  const configDir = join(tempProject("hone-e2e-ultraplan-cfg-"), ".hone");
  await startApi();
  const hone = await startHone(configDir, cwd, api!.url);
  const { dir } = onlyRun(configDir);
  const ready = await untilState(dir, (s) => s.status === "ready");
  if (ready.pid) planners.add(ready.pid);
  expect(ready.plan).toBe(PLAN);

  // Without the token nothing is revealed or decided.
  const origin = new URL(hone.url).origin;
  expect((await fetch(`${origin}/state`)).status).toBe(403);
  expect((await fetch(`${origin}/approve`, { method: "POST", body: "{}" })).status).toBe(403);
  expect((await decide(hone.url, "/approve", {})).status).toBe(200);

  expect(await hone.proc.exited).toBe(0);
  expect(await hone.stdout).toContain("Implemented the approved plan.");
  expect(await hone.stderr).toContain("approved");
  // The executing run's first request carries the approved plan.
  const executing = api!.requests.filter((r) => !PLANNER.test(firstUserText(r.body)));
  expect(executing.length).toBeGreaterThan(0);
  expect(firstUserText(executing[0]!.body)).toContain("approved-plan-marker");
  const final = await untilState(dir, (s) => s.status === "approved");
  expect(final.plan).toBe(PLAN);
}, 90_000);

test("the planner survives the terminal: hone --ultraplan killed, the planner keeps running and its page answers", async () => {
  const cwd = tempProject("hone-e2e-ultraplan-");
  const configDir = join(tempProject("hone-e2e-ultraplan-cfg-"), ".hone");
  await startApi();
  const hone = await startHone(configDir, cwd, api!.url);
  const { dir } = onlyRun(configDir);
  const started = await untilState(dir, (s) => s.pid !== undefined && s.url !== undefined);
  planners.add(started.pid!);
  expect(started.pid).not.toBe(hone.proc.pid);

  hone.proc.kill("SIGKILL");
  await hone.proc.exited;
  expect(processAlive(started.pid!)).toBe(true);
  await untilState(dir, (s) => s.status === "ready");
  const token = new URL(hone.url).searchParams.get("token")!;
  const page = await fetch(`${new URL(hone.url).origin}/state?token=${token}`);
  expect(page.status).toBe(200);
  expect((await page.json()).plan).toBe(PLAN);

  // A decision taken after the terminal is gone is still recorded with the plan.
  expect((await decide(hone.url, "/local", {})).status).toBe(200);
  const final = await untilState(dir, (s) => s.status === "local");
  expect(final.plan).toBe(PLAN);
}, 90_000);

test("ultraplan.enabled false turns --ultraplan off with a message naming the setting", async () => {
  const cwd = tempProject("hone-e2e-ultraplan-");
  const configDir = join(tempProject("hone-e2e-ultraplan-cfg-"), ".hone");
  await startApi();
  const proc = Bun.spawn([requireBinary(), "-p", "--ultraplan", TASK, "--settings", JSON.stringify({ ultraplan: { enabled: false } })], {
    cwd,
    env: honeEnv(api!.url, { HONE_CONFIG_DIR: configDir }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await proc.exited).toBe(1);
  expect(await new Response(proc.stderr).text()).toContain("turned off by the setting ultraplan.enabled");
  expect(api!.requests).toHaveLength(0);
});
