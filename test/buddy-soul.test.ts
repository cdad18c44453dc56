import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { visibleWidth } from "../src/ansi-text.ts";
import { rollCompanion } from "../src/buddy.ts";
import {
  BuddySoulError,
  buddyReplyPrompt,
  cleanReply,
  DEFAULT_NAMES,
  ensureSoul,
  isAddressed,
  parseSoulAnswer,
  soulPath,
  speechBubble,
} from "../src/buddy-soul.ts";

const crab = rollCompanion("alice"); // a Common Pebblecrab
const clock = () => new Date("2026-04-01T12:00:00Z");

async function withHome(run: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hone-buddy-soul-"));
  try {
    await run({ HOME: dir, HONE_CONFIG_DIR: join(dir, ".hone") });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ensureSoul", () => {
  test("the model writes the soul once; the second call does not ask again", async () => {
    await withHome(async (env) => {
      const prompts: string[] = [];
      const complete = async (prompt: string) => {
        prompts.push(prompt);
        return '```json\n{"name": "Sir Clicks", "personality": "Sidles up to every failing test and pinches it."}\n```';
      };
      const first = await ensureSoul(crab, complete, env, clock);
      expect(first).toEqual({ name: "Sir Clicks", personality: "Sidles up to every failing test and pinches it.", hatchedAt: "2026-04-01T12:00:00.000Z" });
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain("Pebblecrab");
      expect(prompts[0]).toContain("Curiosity 7/10");
      const stored = JSON.parse(readFileSync(soulPath(env), "utf8")) as Record<string, unknown>;
      expect(stored).toMatchObject({ version: 1, seed: crab.seed, species: "Pebblecrab", name: "Sir Clicks" });

      const second = await ensureSoul(crab, async () => {
        throw new Error("must not be called");
      }, env, clock);
      expect(second).toEqual(first);
    });
  });

  test("an unusable answer falls back to the species' default name, and is still stored", async () => {
    await withHome(async (env) => {
      const soul = await ensureSoul(crab, async () => "I'd rather not say.", env, clock);
      expect(soul.name).toBe(DEFAULT_NAMES.Pebblecrab);
      expect(soul.personality).toContain("Pebblecrab");
      expect((JSON.parse(readFileSync(soulPath(env), "utf8")) as { name: string }).name).toBe("Pebbles");
    });
  });

  test("a failing model gives a provisional soul that is not stored", async () => {
    await withHome(async (env) => {
      const soul = await ensureSoul(crab, async () => {
        throw new Error("offline");
      }, env, clock);
      expect(soul).toMatchObject({ name: "Pebbles", provisional: true });
      expect(() => readFileSync(soulPath(env))).toThrow();
      const later = await ensureSoul(crab, async () => '{"name":"Nip","personality":"Quiet."}', env, clock);
      expect(later.name).toBe("Nip");
    });
  });

  test("a malformed file is reported and left untouched", async () => {
    await withHome(async (env) => {
      mkdirSync(env.HONE_CONFIG_DIR ?? "", { recursive: true });
      writeFileSync(soulPath(env), "{ not json");
      let called = false;
      const complete = async () => {
        called = true;
        return '{"name":"X","personality":"Y"}';
      };
      await expect(ensureSoul(crab, complete, env, clock)).rejects.toThrow(BuddySoulError);
      await expect(ensureSoul(crab, complete, env, clock)).rejects.toThrow(/not valid JSON/);
      writeFileSync(soulPath(env), '{"name": 3}');
      await expect(ensureSoul(crab, complete, env, clock)).rejects.toThrow(/expected/);
      expect(called).toBe(false);
      expect(readFileSync(soulPath(env), "utf8")).toBe('{"name": 3}');
    });
  });

  test("a soul stored for another companion is reported, not reused or replaced", async () => {
    await withHome(async (env) => {
      await ensureSoul(crab, async () => '{"name":"Nip","personality":"Quiet."}', env, clock);
      const before = readFileSync(soulPath(env), "utf8");
      const other = rollCompanion("user-2");
      await expect(ensureSoul(other, async () => "{}", env, clock)).rejects.toThrow(/soul of a Pebblecrab/);
      expect(readFileSync(soulPath(env), "utf8")).toBe(before);
    });
  });
});

describe("parseSoulAnswer", () => {
  test("JSON with chatter around it", () => {
    expect(parseSoulAnswer('Sure! {"name": "Pinchy", "personality": "Loves tidy diffs."} Enjoy.', crab)).toEqual({ name: "Pinchy", personality: "Loves tidy diffs." });
  });

  test("Name:/Personality: lines when there is no JSON", () => {
    expect(parseSoulAnswer("**Name:** Barnacle\nPersonality: Hums while tests run.", crab)).toEqual({ name: "Barnacle", personality: "Hums while tests run." });
  });

  test("an implausible name is replaced, a long personality shortened", () => {
    const parsed = parseSoulAnswer(JSON.stringify({ name: "A name that goes on and on and on forever", personality: "x".repeat(500) }), crab);
    expect(parsed.name).toBe("Pebbles");
    expect(parsed.personality.length).toBe(200);
    expect(parsed.personality.endsWith("…")).toBe(true);
  });
});

describe("isAddressed", () => {
  const cases: [string, boolean][] = [
    ["Pebbles, what do you think?", true],
    ["pebbles: any ideas", true],
    ["Pebbles!", true],
    ["Pebbles", true],
    ["hey Pebbles how are you", true],
    ["what do you think, Pebbles?", true],
    ["I wonder, Pebbles, if this works", true],
    ["ask @Pebbles about it", true],
    ["Pebbles is a crab", false],
    ["rename Pebbles.ts to Rocks.ts", false],
    ["Pebbles.ts is broken", false],
    ["look at the pebblestone module", false],
    ["PebblesX, hello", false],
    ["fix the tests", false],
  ];
  for (const [text, expected] of cases) test(`${JSON.stringify(text)} -> ${expected}`, () => expect(isAddressed(text, "Pebbles")).toBe(expected));

  test("names with spaces and regex characters", () => {
    expect(isAddressed("Sir Clicks, hi", "Sir Clicks")).toBe(true);
    expect(isAddressed("a+b, hi", "a+b")).toBe(true);
    expect(isAddressed("aab, hi", "a+b")).toBe(false);
    expect(isAddressed("anything", "  ")).toBe(false);
  });
});

describe("replies", () => {
  test("the reply prompt carries the soul and the user's words", () => {
    const prompt = buddyReplyPrompt(crab, { name: "Nip", personality: "Quiet." }, "Nip, is this fine?");
    expect(prompt).toContain("You are Nip, a common Pebblecrab");
    expect(prompt).toContain("Quiet.");
    expect(prompt).toContain('"Nip, is this fine?"');
    expect(prompt).toContain("one short line");
  });

  test("cleanReply keeps one line without the name prefix or quotes", () => {
    expect(cleanReply('\n  Nip: "Looks fine to me!"\nmore', "Nip")).toBe("Looks fine to me!");
    expect(cleanReply("y".repeat(300), "Nip")).toHaveLength(120);
  });
});

describe("speechBubble", () => {
  test("wraps inside the width and draws a closed box with a tail", () => {
    const lines = speechBubble("I think the failing test is lying to you about the cache.", 24);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(24);
    expect(lines[0]).toMatch(/^\.-+\.$/);
    expect(lines.at(-2)).toMatch(/^'-+'$/);
    expect(lines.at(-1)?.trimStart()).toBe("\\");
    const body = lines.slice(1, -2);
    expect(body.length).toBeGreaterThan(2);
    for (const line of body) expect(line).toMatch(/^\| .* \|$/);
    expect(body.map((l) => l.slice(2, -2).trim()).join(" ")).toBe("I think the failing test is lying to you about the cache.");
    const widths = new Set(lines.slice(0, -1).map(visibleWidth));
    expect(widths.size).toBe(1);
  });

  test("short text gives a one-line bubble; escapes and newlines are flattened", () => {
    expect(speechBubble("\x1b[31mhi\x1b[0m\nthere", 80)).toEqual([".----------.", "| hi there |", "'----------'", "        \\"]);
  });
});
