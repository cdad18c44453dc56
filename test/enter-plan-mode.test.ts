import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { decide } from "../src/permission-engine.ts";
import { buildPermissions, type PermissionMode } from "../src/permissions.ts";
import { enterPlanModeTool, PLAN_MODE_ON } from "../src/tools/enter-plan-mode.ts";
import type { Tool } from "../src/tool.ts";
import { harness } from "./support/tool-harness.ts";

const tool = enterPlanModeTool as Tool;

/** A session wired the way the run setup wires it: the mode lives in the permission context. */
function session(mode: PermissionMode, canAsk = true) {
  const h = harness();
  const { context } = buildPermissions({ mode, cwd: h.dir, home: h.dir, settingsRules: [], allowedTools: [], disallowedTools: [], directories: [], readableDirs: [], knownTools: new Set(["Edit", "EnterPlanMode"]) });
  h.state.permissionMode = () => context.mode;
  h.state.setPermissionMode = (next) => {
    context.mode = next;
  };
  if (canAsk) h.state.askUser = async () => undefined;
  return { h, context };
}

describe("EnterPlanMode", () => {
  test("switches to plan mode, after which the permission engine refuses edits", async () => {
    const { h, context } = session("acceptEdits");
    const edit = { tool: "Edit", input: { file_path: join(h.dir, "a.ts"), old_string: "a", new_string: "b" }, readOnly: false };
    expect(decide(edit, context).behavior).toBe("allow");
    const r = await h.call(tool, {});
    expect(r.isError).toBeUndefined();
    expect(r.text).toBe(PLAN_MODE_ON);
    expect(r.structured).toEqual({ message: PLAN_MODE_ON });
    expect(context.mode).toBe("plan");
    expect(decide(edit, context).behavior).toBe("deny");
  });

  test("the result says what plan mode means and how it ends", () => {
    expect(PLAN_MODE_ON).toContain("only read-only tools run");
    expect(PLAN_MODE_ON).toContain("ExitPlanMode");
    expect(PLAN_MODE_ON).toContain("approves");
  });

  test("needs no approval: the engine allows it as a read-only call, also in plan mode", () => {
    const { context } = session("default");
    expect(decide({ tool: "EnterPlanMode", input: {}, readOnly: tool.readOnly }, context).behavior).toBe("allow");
    context.mode = "plan";
    expect(decide({ tool: "EnterPlanMode", input: {}, readOnly: tool.readOnly }, context).behavior).toBe("allow");
  });

  test("already in plan mode is not an error", async () => {
    const { h, context } = session("plan");
    const r = await h.call(tool, {});
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("already in plan mode");
    expect(context.mode).toBe("plan");
  });

  const refusals: Array<[string, PermissionMode, boolean, string]> = [
    ["dontAsk", "dontAsk", true, "not available in dontAsk mode"],
    ["bypassPermissions", "bypassPermissions", true, "bypassPermissions"],
    ["a run that cannot ask the user", "default", false, "cannot ask the user to approve a plan"],
  ];
  for (const [name, mode, canAsk, message] of refusals) {
    test(`is refused in ${name}, leaving the mode alone`, async () => {
      const { h, context } = session(mode, canAsk);
      const r = await h.call(tool, {});
      expect(r.isError).toBe(true);
      expect(r.text).toContain(message);
      expect(context.mode).toBe(mode);
    });
  }

  test("fails clearly when the session cannot change its mode", async () => {
    const h = harness();
    const r = await h.call(tool, {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain("cannot change its permission mode");
  });
});
