import { describe, expect, test } from "bun:test";
import { stripAnsi, visibleWidth } from "../src/ansi-text.ts";
import { ALL_SPECIES, rollCompanion } from "../src/buddy.ts";
import { frameAt, PEBBLECRAB_MARKER, PET_HEARTS, petFrames, SPRITE_HEIGHT, SPRITE_WIDTH, spriteFrames } from "../src/buddy-sprites.ts";
import { buddyCard, SPRITE_MIN_WIDTH, spriteBeside, spriteReserve } from "../src/buddy-view.ts";

const soul = { name: "Nip", personality: "Pinches every flaky test until it confesses." };

describe("sprites", () => {
  test("every species has 2-4 frames of plain ASCII, equal size, at most 5 x 12", () => {
    for (const species of ALL_SPECIES) {
      const frames = spriteFrames(species);
      expect(frames.length).toBeGreaterThanOrEqual(2);
      expect(frames.length).toBeLessThanOrEqual(4);
      for (const frame of frames) {
        expect(frame.length).toBe(SPRITE_HEIGHT);
        expect(frame.length).toBeLessThanOrEqual(5);
        for (const row of frame) {
          expect(row).toMatch(/^[\x20-\x7e]*$/);
          expect(row.length).toBe(SPRITE_WIDTH);
        }
      }
      expect(new Set(frames.map((f) => f.join("\n"))).size).toBe(frames.length);
    }
    const firsts = ALL_SPECIES.map((s) => spriteFrames(s)[0]?.join("\n"));
    expect(new Set(firsts).size).toBe(ALL_SPECIES.length);
  });

  test("the marker string belongs to the Pebblecrab alone", () => {
    for (const species of ALL_SPECIES) {
      const text = spriteFrames(species).flat().join("\n");
      expect(text.includes(PEBBLECRAB_MARKER)).toBe(species === "Pebblecrab");
    }
    expect(spriteFrames("Pebblecrab")[0]?.some((row) => row.includes(PEBBLECRAB_MARKER))).toBe(true);
  });

  test("shiny frames sparkle and keep their size", () => {
    const plain = spriteFrames("Voidcat");
    const shiny = spriteFrames("Voidcat", true);
    expect(shiny).not.toEqual(plain);
    expect(shiny[0]?.[0]?.endsWith("*")).toBe(true);
    expect(shiny[0]?.at(-1)?.startsWith("+")).toBe(true);
    for (const frame of shiny) for (const row of frame) expect(row.length).toBe(SPRITE_WIDTH);
  });

  test("the idle animation rests on frame 0 and visits the others", () => {
    const frames = spriteFrames("Mossfrog");
    expect(frameAt("Mossfrog", 0)).toEqual(frames[0] ?? []);
    const seen = new Set(Array.from({ length: 24 }, (_, tick) => frameAt("Mossfrog", tick).join("\n")));
    expect(seen.size).toBe(frames.length);
  });

  test("petting shows hearts above the sprite", () => {
    const frames = petFrames("Dewdrop");
    expect(frames).toHaveLength(PET_HEARTS.length);
    for (const frame of frames) {
      expect(frame).toHaveLength(PET_HEARTS[0]!.length + SPRITE_HEIGHT);
      expect(frame.slice(0, 2).join("")).toContain("<3");
      for (const row of frame) expect(row.length).toBe(SPRITE_WIDTH);
    }
  });
});

describe("buddyCard", () => {
  const companion = rollCompanion("user-213"); // a shiny Uncommon Gustowl

  test("without colour: no escape codes; name, species, rarity, shiny, stats with bars, sprite", () => {
    const lines = buddyCard(companion, soul, { color: false, width: 80 });
    const text = lines.join("\n");
    expect(text).not.toContain("\x1b");
    expect(text).toContain("Nip");
    expect(text).toContain("Gustowl · Uncommon");
    expect(text).toContain("shiny");
    expect(text).toContain(soul.personality);
    expect(lines).toContain("  Curiosity  █████░░░░░  5");
    expect(lines).toContain("  Patience   ██████████ 10");
    expect(lines).toContain("  Mischief   ██░░░░░░░░  2");
    for (const row of spriteFrames("Gustowl", true)[0] ?? []) expect(text).toContain(row.trimEnd());
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(80);
  });

  test("with colour the same text, coloured", () => {
    const coloured = buddyCard(companion, soul, { color: true, width: 80 });
    expect(coloured.join("\n")).toContain("\x1b[");
    expect(coloured.map(stripAnsi)).toEqual(buddyCard(companion, soul, { color: false, width: 80 }));
  });

  test("a provisional soul says so, and a narrow terminal still fits", () => {
    const lines = buddyCard(rollCompanion("alice"), { ...soul, provisional: true }, { color: false, width: 30 });
    expect(lines.join("\n")).toContain("not written yet");
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(30);
  });
});

describe("spriteBeside", () => {
  const promptBox = (width: number, text: string, color = false) => {
    const rule = color ? `\x1b[2m${"─".repeat(width)}\x1b[22m` : "─".repeat(width);
    return [rule, `❯ ${text}`, rule];
  };
  const frame = frameAt("Pebblecrab", 0);

  test("every row stays within the width, with the sprite at the right", () => {
    for (const width of [60, 61, 80, 120]) {
      for (const color of [false, true]) {
        const rows = promptBox(width, "x".repeat(width - 2), color);
        const out = spriteBeside(rows, width, frame);
        expect(out).toHaveLength(SPRITE_HEIGHT);
        for (const row of out) expect(visibleWidth(row)).toBeLessThanOrEqual(width);
        out.forEach((row, i) => expect(stripAnsi(row).endsWith(frame[i] ?? "?")).toBe(true));
      }
    }
  });

  test("rules are shortened rather than cut with an ellipsis; short text is padded, long text cut", () => {
    const out = spriteBeside(promptBox(80, "hello"), 80, frame).map(stripAnsi);
    const left = 80 - spriteReserve(80);
    expect(out[1]).toBe(`${"─".repeat(left)}  ${frame[1]}`);
    expect(out[2]).toBe(`${"❯ hello".padEnd(left)}  ${frame[2]}`);
    const long = spriteBeside(promptBox(80, "y".repeat(100)), 80, frame).map(stripAnsi);
    expect(long[2]?.slice(left - 1, left)).toBe("…");
  });

  test("rows above the sprite are untouched; fewer rows than the sprite get blank rows on top", () => {
    const rows = ["turn output", ...promptBox(80, "hi"), "footer", "status"];
    const out = spriteBeside(rows, 80, frame);
    expect(out).toHaveLength(rows.length);
    expect(out[0]).toBe("turn output");
    const short = spriteBeside(["❯ hi"], 80, frame);
    expect(short).toHaveLength(SPRITE_HEIGHT);
    expect(stripAnsi(short[0] ?? "").trim()).toBe(frame[0]?.trim() ?? "?");
  });

  test("a narrow terminal or an empty frame leaves the rows alone", () => {
    const rows = promptBox(SPRITE_MIN_WIDTH - 1, "hi");
    expect(spriteBeside(rows, SPRITE_MIN_WIDTH - 1, frame)).toEqual(rows);
    expect(spriteReserve(SPRITE_MIN_WIDTH - 1)).toBe(0);
    expect(spriteBeside(rows, 100, [])).toEqual(rows);
  });

  test("a tint colours only the sprite, and pet frames (taller) fit too", () => {
    const out = spriteBeside(promptBox(70, "hi"), 70, frame, (r) => `\x1b[33m${r}\x1b[39m`);
    expect(out[1]).toContain(`\x1b[33m${frame[1]}\x1b[39m`);
    for (const row of out) expect(visibleWidth(row)).toBeLessThanOrEqual(70);
    const pet = spriteBeside(promptBox(70, "hi"), 70, petFrames("Pebblecrab")[2] ?? []);
    expect(pet).toHaveLength(PET_HEARTS[0]!.length + SPRITE_HEIGHT);
    for (const row of pet) expect(visibleWidth(row)).toBeLessThanOrEqual(70);
  });
});
