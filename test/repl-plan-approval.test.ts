import { describe, expect, test } from "bun:test";
import { stripAnsi } from "../src/ansi-text.ts";
import { approvePlan, PLAN_CHOICES, planAskAnswer, planRejectionMessage, planRows, type PlanVerdict } from "../src/repl-plan-approval.ts";
import { dialogTerminal, KEY } from "./support/dialog-keys.ts";

const PLAN = "# Add caching\n\n1. Wrap `fetchUser` in an LRU cache\n2. Invalidate on `updateUser`\n\nVerify with `bun test test/users.test.ts`.";

describe("plan approval texts", () => {
  test("the choices, in order", () => {
    expect(PLAN_CHOICES.map((c) => c.label)).toEqual(["Yes, and auto-accept edits", "Yes, and approve each edit", "No, keep planning"]);
  });

  test("the plan is rendered as markdown, indented, within the width", () => {
    const plain = planRows(PLAN, 40, false);
    expect(plain).toContain("hone's plan:");
    expect(plain).toContain("  # Add caching");
    for (const row of plain) expect(row.length).toBeLessThanOrEqual(40);
    const colored = planRows(PLAN, 40, true).map(stripAnsi);
    expect(colored).toContain("  Add caching");
    expect(colored.some((r) => r.startsWith("  1. Wrap fetchUser in"))).toBe(true);
    for (const row of colored) expect(row.length).toBeLessThanOrEqual(40);
    expect(planRows("  ", 40, false)).toContain("  (the plan is empty)");
  });

  test("the model hears the user's feedback, or what to do without it", () => {
    const withNote = planRejectionMessage("  also cache the teams  ");
    expect(withNote).toContain("did not approve the plan");
    expect(withNote).toContain("still in plan mode");
    expect(withNote).toContain("The user's feedback: also cache the teams\n");
    expect(withNote).toContain("call ExitPlanMode again");
    const bare = planRejectionMessage();
    expect(bare).not.toContain("feedback");
    expect(bare).toContain("AskUserQuestion");
  });

  test("verdicts become permission answers; an approval sets the chosen mode first", () => {
    const modes: string[] = [];
    const setMode = (m: string) => modes.push(m);
    expect(planAskAnswer({ approved: true, mode: "acceptEdits" }, setMode)).toEqual({ allow: true });
    expect(planAskAnswer({ approved: true, mode: "default" }, setMode)).toEqual({ allow: true });
    expect(modes).toEqual(["acceptEdits", "default"]);
    expect(planAskAnswer({ approved: false, feedback: "smaller steps" }, setMode)).toEqual({ allow: false, message: planRejectionMessage("smaller steps") });
    const interrupted = planAskAnswer({ approved: false, interrupted: true }, setMode);
    expect(interrupted.allow).toBe(false);
    expect(modes).toHaveLength(2);
  });
});

describe("approvePlan", () => {
  const run = (keys: (t: ReturnType<typeof dialogTerminal>) => Promise<void>, signal?: AbortSignal) => {
    const t = dialogTerminal();
    const verdict = approvePlan(PLAN, { dialogs: t.dialogs, color: false, width: () => 60, ...(signal ? { signal } : {}) });
    return { t, done: keys(t).then(() => verdict) };
  };

  const cases: Array<[string, string[], PlanVerdict]> = [
    ["auto-accept edits", [KEY.enter], { approved: true, mode: "acceptEdits" }],
    ["approve each edit", [KEY.down, KEY.enter], { approved: true, mode: "default" }],
  ];
  for (const [name, keys, expected] of cases) {
    test(`shows the plan, then "${name}"`, async () => {
      const { t, done } = run((t) => t.when("go ahead with this plan?", ...keys));
      expect(await done).toEqual(expected);
      expect(t.screen()).toContain("  2. Invalidate on `updateUser`");
    });
  }

  test("keep planning with feedback", async () => {
    const { done } = run(async (t) => {
      await t.when("go ahead with this plan?", KEY.down, KEY.down, KEY.enter);
      await t.when("What should hone change in the plan?", ..."cache teams too");
      await t.when("cache teams too", KEY.enter);
    });
    expect(await done).toEqual({ approved: false, feedback: "cache teams too" });
  });

  test("Esc keeps planning; an empty note is no feedback", async () => {
    const { done } = run(async (t) => {
      await t.when("go ahead with this plan?", KEY.esc);
      await t.when("What should hone change in the plan?", KEY.enter);
    });
    expect(await done).toEqual({ approved: false });
  });

  test("an interrupted turn is not an approval", async () => {
    const controller = new AbortController();
    const { done } = run(async (t) => {
      await t.when("go ahead with this plan?");
      controller.abort();
    }, controller.signal);
    expect(await done).toEqual({ approved: false, interrupted: true });
  });
});
