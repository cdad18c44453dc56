// BUDDY sprites: a few frames of plain-ASCII art per species (every character one column, so widths are
// exact), the shiny sparkles, and the hearts of `/buddy pet`. Data plus tiny pure helpers only.
import type { Species } from "./buddy.ts";

/** Every sprite row is padded to this many columns. */
export const SPRITE_WIDTH = 12;
export const SPRITE_HEIGHT = 4;

/**
 * A string found only in the Pebblecrab's sprite: grep a binary for it to tell whether the buddy
 * feature was built in (it must be absent from a default build).
 */
export const PEBBLECRAB_MARKER = "_(=..=)_";

type Frame = readonly string[];

// Rows are written unpadded; frames() pads them. Backslashes are escaped, so "\\" is one column.
const ART: Readonly<Record<Species, readonly Frame[]>> = {
  Pebblecrab: [
    ["   \\o  o/", "  ,(____),", " /_(=..=)_\\", "   /    \\"],
    ["   |o  o|", "  ,(____),", " /_(=..=)_\\", "  /      \\"],
    ["   \\o  o/", "  .(____).", " <_(=..=)_>", "   /    \\"],
  ],
  Dustbunny: [
    ["   (\\ /)", "   ( . .)", "  c(\")(\")", "   ~~~~~"],
    ["   (\\ /)", "   ( - -)", "  c(\")(\")", "    ~~~~~"],
  ],
  Mossfrog: [
    ["    @..@", "   (----)", "  ( >__< )", "  ^^ ~~ ^^"],
    ["    @..@", "   (----)", "  ( >  < )", "  ^^~~~~^^"],
    ["    -..-", "   (----)", "  ( >__< )", "  ^^ ~~ ^^"],
  ],
  Twigling: [
    ["   ,\\|/,", "    (o)", "    /|\\", "    / \\"],
    ["   ,\\|/,", "    (o)", "     |\\", "    /  \\"],
    ["   '\\|/'", "    (-)", "    /|\\", "    / \\"],
  ],
  Dewdrop: [
    ["     .", "    / \\", "   ( o o)", "    '-'"],
    ["     .", "    / \\", "   (o o )", "    '-'"],
    ["     .", "    / \\", "   ( - -)", "    '-'"],
  ],
  Puddlefish: [
    ["", "   ><(((o>", "  ~~~~~~~~", ""],
    ["     o", "  ><(((o>", "   ~~~~~~~~", ""],
    ["    o", "   ><(((o>", "  ~~~~~~~~", ""],
  ],
  Cloudferret: [
    ["   .--.", " _(    )__", "(_ o_o  __)~", "   '--'"],
    ["   .--.", " _(    )__", "(_ o_o  __)-", "   '--'"],
    ["   .--.", " _(    )__", "(_ -_-  __)~", "   '--'"],
  ],
  Gustowl: [
    ["   ,___,", "   (O,O)", "   /)_)", "  --\"-\"--"],
    ["   ,___,", "   (-,O)", "   /)_)", "  --\"-\"--"],
    ["   ,___,", "   (O,O)", "   (_(\\", "  --\"-\"--"],
  ],
  Bramblebear: [
    ["  ()_____()", "  / o   o \\", " (  =(Y)=  )", "  \\_______/"],
    ["  ()_____()", "  / -   - \\", " (  =(Y)=  )", "  \\_______/"],
  ],
  Thornfox: [
    ["   /\\_/\\", "  ( o.o )>", "   > ^ <", "  /|   |\\~~"],
    ["   /\\_/\\", "  ( o.o )>", "   > ^ <", "  /|   |\\~^"],
    ["   /\\_/\\", "  ( -.- )>", "   > ^ <", "  /|   |\\~~"],
  ],
  Crystaldrake: [
    ["  __/\\__", " <  oo  >/>", "  \\/\\/\\/", "   /  \\"],
    ["  __/\\__", " <  oo  >\\>", "  \\/\\/\\/", "   /  \\"],
    ["  _*/\\__", " <  oo  >/>", "  \\/\\/\\/", "   /  \\"],
  ],
  Deepstag: [
    ["  \\|/  \\|/", "   \\\\__//", "    (oo)", "    /||\\"],
    ["  \\|/  \\|/", "   \\\\__//", "    (--)", "    /||\\"],
    ["  \\|/  \\|*", "   \\\\__//", "    (oo)", "    /||\\"],
  ],
  Lavapup: [
    ["   ,~~,", "  /o  o\\__", "  \\_vv_/  )", "   U  U~U"],
    ["   '~~'", "  /o  o\\__", "  \\_vv_/  )", "   U  U~U"],
    ["   ,~~,", "  /o  o\\__", "  \\_ww_/  )", "   U  U~U"],
  ],
  Stormwyrm: [
    ["  ~/\\/\\/~", " <@)~~~~~>", "    \\/\\/", "   ~zzZ~"],
    ["  ~\\/\\/\\~", " <@)~~~~~>", "    /\\/\\", "   ~Zzz~"],
    ["  ~/\\/\\/~", " <@)=====>", "    \\/\\/", "   ~zZz~"],
  ],
  Voidcat: [
    ["  /\\_/\\ .", " ( @ @ )", "  > v <  )", "  (___)_/ ."],
    [". /\\_/\\", " ( @ @ )", "  > v < (", "  (___)_/"],
    ["  /\\_/\\ .", " ( - - )", "  > v <  )", "  (___)_/ ."],
  ],
  Aetherling: [
    ["   .  *  .", "  .(^_^).", "   /| |\\", "   * ' *"],
    ["   *  .  *", "  *(^_^)*", "   \\| |/", "   . ' ."],
    ["   .  *  .", "  .(-_-).", "   /| |\\", "   * ' *"],
  ],
  Cosmoshale: [
    ["     .  *", "  __/____", " /  o    \\_/", " \\_______/"],
    ["    ' : '", "  __/____", " /  o    \\_/", " \\_______/"],
    ["     *  .", "  __/____", " /  -    \\_/", " \\_______/"],
  ],
  Nebulynx: [
    [" *  /\\ /\\ .", "   (=o.o=)", "   /)~~(\\", " .  \\__/  *"],
    [" .  /\\ /\\ *", "   (=o.o=)", "   /)~~(\\", " *  \\__/  ."],
    [" *  /\\ /\\ .", "   (=-.-=)", "   /)~~(\\", " .  \\__/  *"],
  ],
};

function pad(frame: Frame): string[] {
  return frame.map((row) => row.padEnd(SPRITE_WIDTH).slice(0, SPRITE_WIDTH));
}

/** The frames of a species, every row SPRITE_WIDTH columns, shiny sparkles added when asked. */
export function spriteFrames(species: Species, shiny = false): string[][] {
  return ART[species].map((frame) => (shiny ? sparkle(pad(frame)) : pad(frame)));
}

/** Shiny companions wear two sparkles: top-right and bottom-left corners. */
export function sparkle(frame: readonly string[]): string[] {
  const rows = [...frame];
  const last = rows.length - 1;
  rows[0] = `${rows[0]?.slice(0, SPRITE_WIDTH - 1) ?? ""}*`;
  rows[last] = `+${rows[last]?.slice(1) ?? ""}`;
  return rows;
}

/**
 * Which frame to show on animation tick `tick`: the resting frame most of the time, the others now and
 * then, so the buddy fidgets rather than flickers.
 */
const IDLE_SEQUENCE = [0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 1, 0];

export function frameAt(species: Species, tick: number, shiny = false): string[] {
  const frames = spriteFrames(species, shiny);
  const index = IDLE_SEQUENCE[Math.abs(Math.trunc(tick)) % IDLE_SEQUENCE.length] ?? 0;
  return frames[index % frames.length] ?? frames[0] ?? [];
}

/** Rows drawn above the sprite while it is being petted: hearts rising, one list per frame. */
export const PET_HEARTS: readonly (readonly string[])[] = [
  ["", "    <3"],
  ["     <3", "  <3"],
  ["  <3   <3", "      <3"],
  ["    <3", "  <3   <3"],
  ["", "     <3"],
];

/** The `/buddy pet` animation: each frame is the hearts over the sprite (which cycles its own frames). */
export function petFrames(species: Species, shiny = false): string[][] {
  const frames = spriteFrames(species, shiny);
  return PET_HEARTS.map((hearts, i) => [...pad(hearts), ...(frames[i % frames.length] ?? [])]);
}
