import { expect, test } from "bun:test";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decide } from "../src/permission-engine.ts";
import type { PermissionMode } from "../src/permission-modes.ts";
import { buildPermissions } from "../src/permissions.ts";
import { clearSkillGrants, grantSkillTools } from "../src/skill-grants.ts";
import { builtinTools } from "../src/tools/index.ts";

function context(mode: PermissionMode = "default", deny: string[] = []) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "hone-grant-")));
  return buildPermissions({
    mode,
    cwd: dir,
    home: dir,
    settingsRules: deny.map((rule) => ({ rule, kind: "deny" as const, source: { file: "settings.json", scope: "user" as const, anchor: dir } })),
    allowedTools: [],
    disallowedTools: [],
    directories: [],
    readableDirs: [],
    knownTools: new Set(builtinTools().map((t) => t.name)),
  }).context;
}

const bash = (command: string) => ({ tool: "Bash", input: { command }, readOnly: false });
const skill = { name: "commit", path: "/skills/commit/SKILL.md" };

test("allowed-tools pre-approve matching calls only, and clearing takes the approval back", () => {
  const ctx = context();
  expect(decide(bash("git add a.txt"), ctx).behavior).toBe("ask");
  expect(grantSkillTools(ctx, skill, ["Bash(git add:*), Bash(git commit:*)", "Edit"])).toEqual([]);
  const allowed = decide(bash("git add a.txt"), ctx);
  expect(allowed.behavior).toBe("allow");
  expect(allowed.reason).toContain("allowed-tools of /commit");
  expect(decide(bash("git push"), ctx).behavior).toBe("ask");
  expect(decide(bash("git add a && rm -rf x"), ctx).behavior).not.toBe("allow");
  clearSkillGrants(ctx);
  expect(decide(bash("git add a.txt"), ctx).behavior).toBe("ask");
});

test("a grant never beats a deny rule or plan mode", () => {
  const denied = context("default", ["Bash(git commit:*)"]);
  grantSkillTools(denied, skill, ["Bash(git commit:*)"]);
  expect(decide(bash("git commit -m x"), denied).behavior).toBe("deny");
  const plan = context("plan");
  grantSkillTools(plan, skill, ["Bash(git commit:*)"]);
  expect(decide(bash("git commit -m x"), plan).behavior).not.toBe("allow");
});

test("texts that are not rules are returned for a warning and grant nothing", () => {
  const ctx = context();
  const before = ctx.rules.length;
  expect(grantSkillTools(ctx, skill, ["Bash(unclosed"])).toEqual(["Bash(unclosed"]);
  expect(ctx.rules.length).toBe(before);
});
