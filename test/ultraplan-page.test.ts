// The approval page in a real browser (headless Chromium through playwright-core) against an in-process
// planning run and the scripted API: reject with feedback then approve, edit then approve, run locally.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { runUltraplan } from "../src/ultraplan-runner.ts";
import { createRun, type UltraplanState } from "../src/ultraplan-state.ts";
import { firstUserText, startMockApi, type MockApi } from "./support/mock-api.ts";
import { FIRST_PLAN, PLANNER_MARK, REVISED_PLAN, TASK, planWorld, plannerParent, plannerSteps, requestText, untilState } from "./support/ultraplan-fixture.ts";

const CHROMIUM = process.env.HONE_CHROMIUM ?? "/usr/bin/chromium";
const WAIT = { timeout: 20_000 };

let browser: Browser;
let api: MockApi | undefined;
let stop: AbortController | undefined;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  stop?.abort();
  stop = undefined;
  await api?.close();
  api = undefined;
});

interface Started {
  page: Page;
  done: Promise<UltraplanState>;
  dir: string;
}

/** A planning run serving its page (kept up after the decision so the page can show it), opened in a tab. */
async function openRun(): Promise<Started> {
  const world = planWorld();
  api = await startMockApi({ routes: [{ prompt: PLANNER_MARK, steps: plannerSteps(world.cwd) }] });
  world.env.ANTHROPIC_BASE_URL = api.url;
  const { dir } = await createRun(world.env, { task: TASK, cwd: world.cwd, maxDurationSecs: 600 });
  stop = new AbortController();
  let served!: (url: string) => void;
  const url = new Promise<string>((resolve) => (served = resolve));
  const done = runUltraplan({ dir, parent: plannerParent(world.env, world.cwd), lingerMs: 60_000, signal: stop.signal, onServing: served });
  const page = await browser.newPage();
  await page.goto(await url);
  await page.waitForSelector('#status[data-status="ready"]', WAIT);
  return { page, done, dir };
}

describe("the approval page in Chromium", () => {
  test("shows progress and the plan (markup in it inert); reject with feedback, then approve the revision", async () => {
    const { page, dir } = await openRun();
    expect(await page.textContent("#task")).toBe(TASK);
    expect(await page.textContent("#progress")).toContain("Read(greet.ts)");
    expect(await page.textContent("#plan h1")).toBe("Plan: shout flag");
    expect(await page.innerHTML("#plan")).toContain("&lt;script&gt;window.pwned = 1&lt;/script&gt;");
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.textContent("#revision")).toBe("1");

    await page.click("#reject");
    await page.fill("#feedback", "also add --whisper");
    await page.click("#send-feedback");
    await page.waitForFunction(() => document.getElementById("revision")?.textContent === "2", undefined, WAIT);
    await page.waitForSelector('#status[data-status="ready"]', WAIT);
    expect(await page.textContent("#plan h1")).toBe("Plan: shout flag (revised)");
    expect(await page.textContent("#plan")).toContain("--whisper");
    expect(await page.textContent("#feedback-history")).toContain("On plan 1: also add --whisper");

    await page.click("#approve");
    await page.waitForSelector('#status[data-status="approved"]', WAIT);
    expect(await page.textContent("#final")).toContain("Approved");
    expect(await page.isDisabled("#approve")).toBe(true);
    const state = await untilState(dir, (s) => s.status === "approved");
    expect(state.plan).toBe(REVISED_PLAN);
    expect(state.edited).toBeUndefined();
    const planner = api!.requests.filter((r) => firstUserText(r.body).includes(PLANNER_MARK));
    expect(planner.length).toBe(3);
    expect(requestText(planner[2]!)).toContain("also add --whisper");
    await page.close();
  }, 60_000);

  test("edit then approve: the approved plan is the edited text", async () => {
    const { page, dir } = await openRun();
    await page.click("#edit");
    expect(await page.inputValue("#editor")).toBe(FIRST_PLAN);
    const edited = "# My plan\n\n1. Add `--shout` in greet.ts.\n2. Nothing else.";
    await page.fill("#editor", edited);
    await page.click("#approve-edited");
    await page.waitForSelector('#status[data-status="approved"]', WAIT);
    expect(await page.textContent("#plan h1")).toBe("My plan");
    const state = await untilState(dir, (s) => s.status === "approved");
    expect(state.plan).toBe(edited);
    expect(state.edited).toBe(true);
    expect(state.feedback).toEqual([]);
    await page.close();
  }, 60_000);

  test("run locally: the plan goes back to the terminal", async () => {
    const { page, dir, done } = await openRun();
    await page.click("#local");
    await page.waitForSelector('#status[data-status="local"]', WAIT);
    expect(await page.textContent("#final")).toContain("terminal");
    const state = await untilState(dir, (s) => s.status === "local");
    expect(state.plan).toBe(FIRST_PLAN);
    await page.close();
    stop!.abort();
    expect((await done).status).toBe("local");
  }, 60_000);
});
