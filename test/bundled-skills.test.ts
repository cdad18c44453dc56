import { describe, expect, test } from "bun:test";
import { loadBundledSkills, withBundledSkills } from "../src/bundled-skills.ts";
import { skillDef } from "./support/skill-defs.ts";
import { expandInvocation } from "../src/slash-command.ts";
import { renderSkillListing } from "../src/skill-listing.ts";

describe("bundled skills", () => {
  const skills = loadBundledSkills();

  test("all five load from the source folder with frontmatter", () => {
    expect(skills.map((s) => s.name)).toEqual(["commit", "debug", "init", "review", "simplify"]);
    for (const s of skills) {
      expect(s.scope).toBe("bundled");
      expect(s.kind).toBe("skill");
      expect(s.frontmatter.name).toBe(s.name);
      expect(s.description.length).toBeGreaterThan(40);
      expect(s.description.length).toBeLessThan(400);
      expect(s.disableModelInvocation).toBe(false);
      expect(s.userInvocable).toBe(true);
      expect(s.path).toBe("");
      expect(s.baseDir).toBe("");
      const body = s.body();
      expect(body.startsWith("---")).toBe(false);
      expect(body.split("\n").length).toBeLessThan(80);
    }
    expect(loadBundledSkills()).toBe(skills);
  });

  test("allowed-tools lists are parsed into rules", () => {
    const commit = skills.find((s) => s.name === "commit");
    expect(commit?.allowedTools).toEqual([
      "Bash(git status:*)",
      "Bash(git diff:*)",
      "Bash(git log:*)",
      "Bash(git add:*)",
      "Bash(git commit:*)",
    ]);
    expect(commit?.allowedTools.some((t) => t.includes("push"))).toBe(false);
    expect(skills.find((s) => s.name === "review")?.allowedTools).toContain("Bash(gh pr diff:*)");
    expect(skills.find((s) => s.name === "debug")?.allowedTools).toEqual([]);
  });

  test("bodies expand without running anything and keep arguments", async () => {
    for (const s of skills) {
      const ran: string[] = [];
      const result = await expandInvocation(s, "HEAD~2", {
        positional: "zero",
        vars: {},
        run: async (cmd) => {
          ran.push(cmd);
          return { ok: false, error: "no shell in this test" };
        },
        readFile: () => undefined,
      });
      expect(ran).toEqual([]);
      expect(result.text).toEndWith("ARGUMENTS: HEAD~2");
    }
  });

  test("they appear in the listing", () => {
    const listing = renderSkillListing(skills, 8_000);
    for (const name of ["commit", "debug", "init", "review", "simplify"]) expect(listing).toContain(`\n- ${name}: `);
  });
});

test("a user's skill of the same name replaces the bundled one; the others stay", () => {
  const mine = skillDef("review", { scope: "user", text: "My own review steps." });
  const merged = withBundledSkills([mine]);
  expect(merged.filter((s) => s.name === "review")).toEqual([mine]);
  expect(merged.map((s) => s.name).sort()).toEqual(["commit", "debug", "init", "review", "simplify"]);
});
