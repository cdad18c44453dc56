// BUDDY on screen: the `/buddy` card (sprite, name, species, rarity, shiny, stats with bars) and the
// sprite drawn at the right of the prompt box. Pure: rows in, rows out.
import { createColors } from "picocolors";
import { stripAnsi, truncateToWidth, visibleWidth, wrapLine } from "./ansi-text.ts";
import { STAT_MAX, STAT_NAMES, type Companion, type Rarity } from "./buddy.ts";
import { frameAt, SPRITE_WIDTH } from "./buddy-sprites.ts";
import type { Soul } from "./buddy-soul.ts";

type Colors = ReturnType<typeof createColors>;

/** Below this terminal width the prompt keeps every column and the sprite is not drawn. */
export const SPRITE_MIN_WIDTH = 60;
const GAP = 2;

export function rarityColor(c: Colors, rarity: Rarity): (text: string) => string {
  const byRarity: Record<Rarity, (text: string) => string> = { Common: c.white, Uncommon: c.green, Rare: c.cyan, Epic: c.magenta, Legendary: c.yellow };
  return byRarity[rarity];
}

export interface CardOptions {
  color: boolean;
  width: number;
  /** Animation tick for the sprite's frame (0 = resting). */
  tick?: number;
}

/** The `/buddy` card as lines: sprite with name, species and rarity beside it, personality, stat bars. */
export function buddyCard(companion: Companion, soul: Pick<Soul, "name" | "personality" | "provisional">, options: CardOptions): string[] {
  const c = createColors(options.color);
  const tint = rarityColor(c, companion.rarity);
  const sprite = frameAt(companion.species, options.tick ?? 0, companion.shiny);
  const info = [
    c.bold(soul.name),
    `${companion.species} · ${tint(companion.rarity)}`,
    companion.shiny ? c.yellow("* shiny *") : "",
    soul.provisional ? c.dim("(soul not written yet)") : "",
  ];
  const lines: string[] = [];
  // Name and details go beside the sprite when they fit there, under it otherwise.
  const beside = 2 + SPRITE_WIDTH + 3 + Math.max(...info.map(visibleWidth)) <= options.width;
  const rows = beside ? Math.max(sprite.length, info.length) : sprite.length;
  for (let i = 0; i < rows; i++) {
    const art = sprite[i] ?? "";
    const text = beside ? (info[i] ?? "") : "";
    lines.push(text ? `  ${tint(art.padEnd(SPRITE_WIDTH))}   ${text}` : `  ${tint(art.trimEnd())}`.trimEnd());
  }
  if (!beside) lines.push(...info.filter((line) => line !== "").map((line) => `  ${line}`));
  lines.push("");
  for (const row of wrapLine(soul.personality, Math.max(20, options.width - 4))) lines.push(`  ${c.italic(row.trim())}`);
  lines.push("");
  const label = Math.max(...STAT_NAMES.map((n) => n.length));
  for (const name of STAT_NAMES) {
    const value = companion.stats[name];
    const bar = tint("█".repeat(value)) + c.dim("░".repeat(STAT_MAX - value));
    lines.push(`  ${name.padEnd(label)}  ${bar} ${String(value).padStart(2)}`);
  }
  return lines.map((line) => truncateToWidth(line, Math.max(1, options.width)));
}

/** Columns the sprite takes from the right of the prompt box at this width (0 when it is not drawn). */
export function spriteReserve(width: number, spriteWidth = SPRITE_WIDTH): number {
  return width < SPRITE_MIN_WIDTH ? 0 : spriteWidth + GAP;
}

/** The left part of a row fitted to `columns`: a rule is shortened, other text cut with an ellipsis. */
function fitLeft(row: string, columns: number): string {
  const plain = stripAnsi(row);
  let fitted = row;
  if (visibleWidth(plain) > columns) {
    fitted = /^─+$/.test(plain) ? row.replace(/─+/, "─".repeat(columns)) : truncateToWidth(row, columns);
  }
  return fitted + " ".repeat(Math.max(0, columns - visibleWidth(fitted)));
}

/**
 * `rows` (the prompt box, as the frame drew them) with `frame` (a sprite frame, e.g. from frameAt or
 * petFrames) drawn at their right, bottom-aligned. Rows under the sprite are fitted so every row stays
 * within `width`; when there are fewer rows than the sprite is tall, blank rows are added on top (the
 * caller moves its cursor down by `result.length - rows.length`). Narrower than SPRITE_MIN_WIDTH, the
 * rows come back unchanged.
 */
export function spriteBeside(rows: readonly string[], width: number, frame: readonly string[], tint: (row: string) => string = (r) => r): string[] {
  const spriteWidth = Math.max(0, ...frame.map(visibleWidth));
  if (frame.length === 0 || spriteWidth === 0 || width < SPRITE_MIN_WIDTH) return [...rows];
  const left = width - spriteReserve(width, spriteWidth);
  const out = [...Array.from({ length: Math.max(0, frame.length - rows.length) }, () => ""), ...rows];
  const top = out.length - frame.length;
  frame.forEach((art, i) => {
    const sprite = art + " ".repeat(spriteWidth - visibleWidth(art));
    out[top + i] = `${fitLeft(out[top + i] ?? "", left)}${" ".repeat(GAP)}${tint(sprite)}`;
  });
  return out;
}
