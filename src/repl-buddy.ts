// The companion in the interactive terminal (feature "buddy"; only loaded behind HONE_FEATURE_BUDDY): its
// sprite beside the prompt box, /buddy and /buddy pet, and a one-line answer in a speech bubble when a
// message is addressed to it by name. Its soul (name, personality) is written once by the model.
import { createColors } from "picocolors";
import { rollCompanion, userIdFor, type Companion } from "./buddy.ts";
import { ensureSoul, isAddressed, buddyReplyPrompt, cleanReply, readSoul, speechBubble, BuddySoulError, type Soul } from "./buddy-soul.ts";
import { frameAt, petFrames } from "./buddy-sprites.ts";
import { buddyCard, rarityColor, spriteBeside } from "./buddy-view.ts";
import type { Env } from "./config-dir.ts";
import type { LiveFrame } from "./screen.ts";

export interface BuddyDeps {
  env: Env;
  color: boolean;
  width: () => number;
  /** A short side request to the session's model. */
  complete: (prompt: string) => Promise<string>;
  print: (lines: string[]) => void;
  paint: () => void;
}

export interface ReplBuddy {
  /** The frame with the sprite at the right of the prompt box. */
  decorate(frame: LiveFrame): LiveFrame;
  /** /buddy [pet] */
  command(args: string): Promise<void>;
  /** Answers a message addressed to the companion; false when it was not addressed. */
  answer(text: string): Promise<boolean>;
  stop(): void;
}

const ANIMATION_MS = 700;
const PET_FRAME_MS = 250;

export async function startBuddy(deps: BuddyDeps): Promise<ReplBuddy> {
  const companion: Companion = rollCompanion(await userIdFor(deps.env));
  const c = createColors(deps.color);
  const tint = rarityColor(c, companion.rarity);
  let tick = 0;
  let pet: string[][] | undefined;
  let soul: Soul | undefined;
  const timer = setInterval(() => {
    tick++;
    deps.paint();
  }, ANIMATION_MS);
  (timer as { unref?: () => void }).unref?.();
  const soulNow = async (): Promise<Soul> => (soul ??= await ensureSoul(companion, deps.complete, deps.env));
  return {
    decorate(frame) {
      const sprite = pet?.shift() ?? frameAt(companion.species, tick, companion.shiny);
      if (pet?.length === 0) pet = undefined;
      // The sprite sits beside the prompt box: from its first rule to the end of the live region.
      const first = frame.rows.findIndex((row) => row.includes("─".repeat(10)));
      if (first < 0) return frame;
      const box = spriteBeside(frame.rows.slice(first), deps.width(), sprite, tint);
      const added = box.length - (frame.rows.length - first);
      return { rows: [...frame.rows.slice(0, first), ...box], ...(frame.cursor ? { cursor: { row: frame.cursor.row + added, col: frame.cursor.col } } : {}) };
    },
    async command(args) {
      if (args.trim() === "pet") {
        pet = petFrames(companion.species, companion.shiny);
        for (let i = 0; i < pet.length; i++) setTimeout(deps.paint, i * PET_FRAME_MS).unref?.();
        deps.print([c.magenta("♥ You pet your companion.")]);
        return;
      }
      if (args.trim() !== "") {
        deps.print([`/buddy takes no argument or "pet" (got "${args.trim()}")`]);
        return;
      }
      try {
        deps.print(buddyCard(companion, await soulNow(), { color: deps.color, width: deps.width(), tick }));
      } catch (error) {
        if (!(error instanceof BuddySoulError)) throw error;
        deps.print([c.red(error.message)]);
      }
    },
    async answer(text) {
      // Only a companion that has a name (its soul, made at the first /buddy) can be addressed by it.
      const known = soul ?? (await readSoul(deps.env, companion).catch(() => undefined));
      soul = known;
      if (!known || !isAddressed(text, known.name)) return false;
      const reply = cleanReply(await deps.complete(buddyReplyPrompt(companion, known, text)), known.name);
      deps.print(speechBubble(`${known.name}: ${reply}`, Math.min(60, deps.width() - 4)));
      return true;
    },
    stop: () => clearInterval(timer),
  };
}
