// The BUDDY companion (compile-time feature "buddy"): absent from the default binary (its /buddy is tested
// in repl-commands-info.test.ts); in the build with it, the sprite beside the prompt box, /buddy's card with a soul the model
// writes once, /buddy pet, and a one-line answer in a bubble when a message names it.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { rollCompanion } from "../../src/buddy.ts";
import { PEBBLECRAB_MARKER, spriteFrames } from "../../src/buddy-sprites.ts";
import { firstUserText, reply, text } from "../support/mock-api.ts";
import { replHarness } from "../support/repl-commands-fixture.ts";
import { requireBinary, requireFullBinary } from "../support/run-hone.ts";
import { hasTmux } from "../support/tmux.ts";

const start = replHarness();
const USER = "buddy-test-user-7";
const companion = rollCompanion(USER);

/** Whether the binary's bytes contain `text`. */
function contains(binary: string, needle: string): boolean {
  return readFileSync(binary).includes(Buffer.from(needle, "utf8"));
}

test("the default build does not contain the companion; the build with the feature does", () => {
  expect(contains(requireBinary(), PEBBLECRAB_MARKER)).toBe(false);
  expect(contains(requireFullBinary(), PEBBLECRAB_MARKER)).toBe(true);
});

describe.skipIf(!hasTmux())("the companion in the terminal", () => {
  test("with the feature: the sprite beside the prompt, the card with a soul written once, pet, and a one-line answer by name", async () => {
    const soulAnswer = reply(text('{"name": "Quillby", "personality": "Curious about every file and quick to cheer."}'));
    const repl = await start({
      binary: requireFullBinary(),
      env: { NO_COLOR: "1", HONE_USER_ID: USER },
      width: 100,
      height: 30,
      steps: [],
      fallback: (req) => (firstUserText(req.body).includes("Quillby, are you there") ? reply(text("Always, right here beside your prompt!")) : soulAnswer),
    });
    const { t, api } = repl;
    // One of the species' frames is drawn at the right of the prompt box.
    const frames = spriteFrames(companion.species, companion.shiny).map((frame) => frame.map((row) => row.trimEnd()).filter((row) => row.trim() !== ""));
    await t.waitFor((screen) => frames.some((frame) => frame.every((row) => screen.includes(row.trim()))));

    const card = await repl.command("/buddy", "Quillby");
    expect(card).toContain(companion.species);
    expect(card).toContain(companion.rarity);
    expect(api.requests).toHaveLength(1);
    // The soul is kept: a second /buddy asks the model nothing.
    await repl.command("/buddy", (h) => h.split("Quillby").length > 2);
    expect(api.requests).toHaveLength(1);

    await repl.command("/buddy pet", "You pet your companion.");
    const bubble = await repl.command("Quillby, are you there?", "Always, right here beside your prompt!");
    expect(bubble).toContain("Quillby: Always");
    // Answered by the companion alone: no turn of the main conversation.
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]!.body.tools ?? []).toEqual([]);
  }, 30_000);
});
