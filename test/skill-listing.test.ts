import { describe, expect, test } from "bun:test";
import { LISTING_INTRO, listingBudget, MAX_ENTRY_CHARS, renderSkillListing } from "../src/skill-listing.ts";
import { skillDef } from "./support/skill-defs.ts";

describe("listingBudget", () => {
  test("1% of the window at 4 characters per token, 8,000 without one", () => {
    expect(listingBudget(200_000)).toBe(8_000);
    expect(listingBudget(1_000_000)).toBe(40_000);
    expect(listingBudget()).toBe(8_000);
    expect(listingBudget(0)).toBe(8_000);
    expect(listingBudget(Number.NaN)).toBe(8_000);
  });
});

describe("renderSkillListing", () => {
  test("model-invocable skills only, in scope then name order, with when_to_use", () => {
    const skills = [
      skillDef("zeta", { scope: "project", description: "Z things" }),
      skillDef("kit:alpha", { scope: "plugin", plugin: "kit", description: "Plugin alpha" }),
      skillDef("review", { scope: "bundled", description: "Review code", whenToUse: "before merging" }),
      skillDef("mine", { scope: "user", description: "Personal\n  multi-line   text" }),
      skillDef("alpha", { scope: "project", description: "" }),
      skillDef("deploy", { scope: "project", disableModelInvocation: true }),
    ];
    expect(renderSkillListing(skills, 8_000)).toBe(
      [
        LISTING_INTRO,
        "- review: Review code (before merging)",
        "- mine: Personal multi-line text",
        "- alpha",
        "- zeta: Z things",
        "- kit:alpha: Plugin alpha",
      ].join("\n"),
    );
    expect(LISTING_INTRO).toContain("Skill tool");
  });

  test("nothing to list is an empty string", () => {
    expect(renderSkillListing([], 8_000)).toBe("");
    expect(renderSkillListing([skillDef("x", { disableModelInvocation: true })], 8_000)).toBe("");
  });

  test("each entry is capped at 1,536 characters", () => {
    const out = renderSkillListing([skillDef("long", { description: "word ".repeat(1_000) })], 100_000);
    const entry = out.split("\n")[1] ?? "";
    expect(entry.length).toBe(MAX_ENTRY_CHARS);
    expect(entry.startsWith("- long: word word")).toBe(true);
    expect(entry.endsWith("…")).toBe(true);
  });

  test("over budget, the longest descriptions are shortened first", () => {
    const skills = [
      skillDef("short", { description: "Brief." }),
      skillDef("wordy", { description: `Starts clearly. ${"detail ".repeat(200)}` }),
      skillDef("medium", { description: "m".repeat(150) }),
    ];
    const budget = 600;
    const out = renderSkillListing(skills, budget);
    expect(out.length).toBeLessThanOrEqual(budget);
    expect(out.length).toBeGreaterThan(budget - 10);
    expect(out).toContain("- short: Brief.");
    expect(out).toContain(`- medium: ${"m".repeat(150)}`);
    expect(out).toMatch(/- wordy: Starts clearly\. detail .*…/);
  });

  test("when trimming is not enough, later entries are named in a closing note", () => {
    const skills = Array.from({ length: 40 }, (_, i) => skillDef(`skill-${String(i).padStart(2, "0")}`, { description: "d".repeat(200) }));
    const budget = 1_500;
    const out = renderSkillListing(skills, budget);
    expect(out.length).toBeLessThanOrEqual(budget);
    const lines = out.split("\n");
    const note = lines[lines.length - 1] ?? "";
    const kept = lines.filter((l) => l.startsWith("- "));
    expect(kept.length).toBeGreaterThan(3);
    expect(kept[0]).toStartWith("- skill-00: ddd");
    const dropped = 40 - kept.length;
    expect(note).toStartWith(`(${dropped} more skills: skill-${String(kept.length).padStart(2, "0")}, `);
    expect(note).toEndWith("skill-39)");
    // Deterministic.
    expect(renderSkillListing([...skills].reverse(), budget)).toBe(out);
  });

  test("a budget too small for any entry still yields the introduction and a count", () => {
    const skills = Array.from({ length: 5 }, (_, i) => skillDef(`s${i}`, { description: "x".repeat(100) }));
    const out = renderSkillListing(skills, LISTING_INTRO.length + 40);
    expect(out).toStartWith(LISTING_INTRO);
    expect(out.length).toBeLessThanOrEqual(LISTING_INTRO.length + 40);
    expect(out).toContain("(5 more skills: s0");
  });
});
