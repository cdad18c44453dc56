// The planning run in-process against the scripted API: the planner's conversation continues with the
// user's feedback, and a timeout, a failure, a stop or a dead planner still hands the plan back.
import { afterEach, describe, expect, test } from "bun:test";
import { runUltraplan, ULTRAPLAN_AGENT } from "../src/ultraplan-runner.ts";
import { createRun, runDir, writeState } from "../src/ultraplan-state.ts";
import { outcomeMessage, pollUntilDecided, executionPrompt } from "../src/ultraplan-terminal.ts";
import { firstUserText, reply, startMockApi, text, type MockApi, type Outcome } from "./support/mock-api.ts";
import { FIRST_PLAN, PLANNER_MARK, REVISED_PLAN, TASK, decide, planWorld, plannerParent, plannerSteps, requestText, untilState } from "./support/ultraplan-fixture.ts";

let api: MockApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("runUltraplan", () => {
  test("reject with feedback continues the same planner conversation; the approved plan is the revised one", async () => {
    const world = planWorld();
    // The revision is held until the test has tried to approve while it is under way.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const [explore, first, revision] = plannerSteps(world.cwd);
    api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: [explore!, first!, async () => (await held, revision as Outcome)] }] });
    world.env.ANTHROPIC_BASE_URL = api.url;
    const { dir } = await createRun(world.env, { task: TASK, cwd: world.cwd, maxDurationSecs: 600 });
    const polled: string[] = [];
    const running = runUltraplan({ dir, parent: plannerParent(world.env, world.cwd), lingerMs: 0 });
    const ready = await untilState(dir, (s) => s.status === "ready");
    const id = ready.id;
    const terminal = pollUntilDecided(id, { env: world.env, intervalMs: 10, onProgress: (lines) => polled.push(...lines) });
    expect(ready.plan).toBe(FIRST_PLAN);
    expect(ready.revision).toBe(1);
    expect(ready.progress).toContain("Read(greet.ts)");
    expect(ready.progress).toContain("Looking at the greeting code first.");
    expect(ready.pid).toBe(process.pid);

    // Approving too early or twice is refused; rejecting needs feedback.
    expect((await decide(ready.url!, "/reject", { feedback: "also add --whisper" })).status).toBe(200);
    expect((await decide(ready.url!, "/approve", {})).status).toBe(409);
    release();
    const revised = await untilState(dir, (s) => s.revision === 2);
    expect(revised.status).toBe("ready");
    expect(revised.plan).toBe(REVISED_PLAN);
    expect(revised.feedback.map((f) => [f.text, f.revision])).toEqual([["also add --whisper", 1]]);
    expect((await decide(ready.url!, "/approve", {})).status).toBe(200);

    const final = await running;
    expect(final.status).toBe("approved");
    expect(final.plan).toBe(REVISED_PLAN);
    expect(final.edited).toBeUndefined();
    const seen = await terminal;
    expect(seen.status).toBe("approved");
    expect(seen.plan).toBe(REVISED_PLAN);
    expect(polled).toContain("Approved");
    expect(outcomeMessage(seen)).toBe(`ULTRAPLAN ${id}: approved (plan revision 2).`);
    expect(executionPrompt(seen)).toContain(REVISED_PLAN);

    // One conversation: the revision request carries the first plan and then the feedback.
    const planner = api.requests.filter((r) => firstUserText(r.body).includes(PLANNER_MARK));
    expect(planner.length).toBe(3);
    const last = requestText(planner[2]!);
    expect(last).toContain("greet.ts");
    expect(last.indexOf("also add --whisper")).toBeGreaterThan(last.indexOf("Plan: shout flag"));
    expect(requestText(planner[1]!)).not.toContain("also add --whisper");
    // Plan mode: the planner is offered read-only tools only.
    const tools = (planner[0]!.body.tools ?? []).map((t) => String(t.name));
    expect(tools).toContain("Read");
    expect(tools).not.toContain("Write");
    expect(tools).not.toContain("Edit");
    expect(tools).not.toContain("Bash");
    expect(tools).not.toContain("Agent");
    expect(JSON.stringify(planner[0]!.body.system)).toContain(ULTRAPLAN_AGENT.prompt.slice(0, 60));
    // The page is gone once the run ended (linger 0).
    await expect(fetch(ready.url!)).rejects.toThrow();
  });

  test("ultraplan.model is the planner's model", async () => {
    api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: [reply(text("# plan"))] }] });
    const world = planWorld(api.url);
    const { dir } = await createRun(world.env, { task: TASK, cwd: world.cwd, model: "claude-opus-4-1-20250805" });
    const running = runUltraplan({ dir, parent: plannerParent(world.env, world.cwd), lingerMs: 0 });
    const ready = await untilState(dir, (s) => s.status === "ready");
    await decide(ready.url!, "/local", {});
    expect((await running).status).toBe("local");
    expect(api.requests[0]!.body.model).toBe("claude-opus-4-1-20250805");
  });

  test("no decision within the limit: timeout, with the plan kept", async () => {
    api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: [reply(text("# only plan"))] }] });
    const world = planWorld(api.url);
    const { dir, state } = await createRun(world.env, { task: TASK, cwd: world.cwd });
    const final = await runUltraplan({ dir, parent: plannerParent(world.env, world.cwd), lingerMs: 0, maxDurationMs: 300 });
    expect(final.status).toBe("timeout");
    expect(final.plan).toBe("# only plan");
    expect(final.reason).toContain("No decision within");
    const seen = await pollUntilDecided(state.id, { env: world.env, intervalMs: 10 });
    expect(seen.status).toBe("timeout");
    expect(outcomeMessage(seen)).toContain("plan revision 1");
  });

  test("a planner that never answers times out without a plan; the reason says so", async () => {
    api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: [{ fault: "hang" }] }] });
    const world = planWorld(api.url);
    const { dir } = await createRun(world.env, { task: TASK, cwd: world.cwd });
    const final = await runUltraplan({ dir, parent: plannerParent(world.env, world.cwd), lingerMs: 0, maxDurationMs: 300 });
    expect(final.status).toBe("timeout");
    expect(final.plan).toBe("");
    expect(final.reason).toContain("did not finish");
    expect(outcomeMessage(final)).toContain("no plan was produced");
  });

  test("an API failure ends the run as failed with the reason; a stop ends it as stopped", async () => {
    api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: [{ fault: "status", status: 400, type: "invalid_request_error", message: "bad model" }] }] });
    const world = planWorld(api.url);
    const failedRun = await createRun(world.env, { task: TASK, cwd: world.cwd });
    const failed = await runUltraplan({ dir: failedRun.dir, parent: plannerParent(world.env, world.cwd), lingerMs: 0 });
    expect(failed.status).toBe("failed");
    expect(failed.reason).toContain("bad model");

    await api.close();
    api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: [reply(text("# plan to stop"))] }] });
    world.env.ANTHROPIC_BASE_URL = api.url;
    const stopRunState = await createRun(world.env, { task: TASK, cwd: world.cwd });
    const stop = new AbortController();
    const running = runUltraplan({ dir: stopRunState.dir, parent: plannerParent(world.env, world.cwd), lingerMs: 60_000, signal: stop.signal });
    await untilState(stopRunState.dir, (s) => s.status === "ready");
    stop.abort();
    const stopped = await running;
    expect(stopped.status).toBe("stopped");
    expect(stopped.plan).toBe("# plan to stop");
  });
});

describe("pollUntilDecided", () => {
  test("a planner that died without writing its end is reported as failed, with its plan", async () => {
    const world = planWorld();
    const { dir, state } = await createRun(world.env, { task: TASK, cwd: world.cwd });
    await writeState(dir, { ...state, status: "ready", plan: "# kept", revision: 1, pid: 999_999_999 });
    const seen = await pollUntilDecided(state.id, { env: world.env, intervalMs: 10, isAlive: () => false });
    expect(seen.status).toBe("failed");
    expect(seen.plan).toBe("# kept");
    expect(seen.reason).toContain("its last plan is kept");
  });

  test("stopping the wait returns the latest state; an unreadable run is an error, not a hang", async () => {
    const world = planWorld();
    const { state } = await createRun(world.env, { task: TASK, cwd: world.cwd });
    const waiting = new AbortController();
    const seen = await pollUntilDecided(state.id, {
      env: world.env,
      intervalMs: 10,
      signal: waiting.signal,
      isAlive: () => true,
      sleep: async () => waiting.abort(),
    });
    expect(seen.status).toBe("planning");
    await expect(pollUntilDecided("up-missing", { env: world.env, intervalMs: 1, maxMisses: 2 })).rejects.toThrow("does not exist");
    expect(runDir(world.env, state.id)).toContain(state.id);
  });
});
