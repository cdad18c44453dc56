// BUDDY (feature `buddy`): the companion every user gets, derived from a stable user id so the same
// user always hatches the same creature. This module holds the deterministic part: the user id, the
// seeded PRNG and the roll (rarity, species, shiny, stats). Reach it only through a dynamic import
// behind HONE_FEATURE_BUDDY so a default build does not contain it.
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { honeHome, type Env } from "./config-dir.ts";

/** Mixed into the user id before hashing, so companions do not correlate with other uses of the id. */
export const SALT = "friend-2026-401";

export const RARITIES = ["Common", "Uncommon", "Rare", "Epic", "Legendary"] as const;
export type Rarity = (typeof RARITIES)[number];

/** Chance of each rarity in percent; they add up to 100 and are drawn cumulatively in this order. */
export const RARITY_WEIGHTS: Readonly<Record<Rarity, number>> = { Common: 60, Uncommon: 25, Rare: 10, Epic: 4, Legendary: 1 };

/** The species of each rarity, in the seed document's order (the index drawn is into this list). */
export const SPECIES_BY_RARITY = {
  Common: ["Pebblecrab", "Dustbunny", "Mossfrog", "Twigling", "Dewdrop", "Puddlefish"],
  Uncommon: ["Cloudferret", "Gustowl", "Bramblebear", "Thornfox"],
  Rare: ["Crystaldrake", "Deepstag", "Lavapup"],
  Epic: ["Stormwyrm", "Voidcat", "Aetherling"],
  Legendary: ["Cosmoshale", "Nebulynx"],
} as const satisfies Record<Rarity, readonly string[]>;
export type Species = (typeof SPECIES_BY_RARITY)[Rarity][number];
export const ALL_SPECIES: readonly Species[] = RARITIES.flatMap((r) => SPECIES_BY_RARITY[r]);

export const SHINY_CHANCE = 0.01;

/** Stat names in the order they are drawn. */
export const STAT_NAMES = ["Curiosity", "Patience", "Mischief", "Wisdom", "Cheer"] as const;
export type StatName = (typeof STAT_NAMES)[number];
export const STAT_MAX = 10;
/** Rarer companions never roll below this in any stat (the draw is uniform in floor..10). */
export const STAT_FLOOR: Readonly<Record<Rarity, number>> = { Common: 1, Uncommon: 2, Rare: 3, Epic: 4, Legendary: 5 };

export interface Companion {
  species: Species;
  rarity: Rarity;
  shiny: boolean;
  stats: Record<StatName, number>;
  /** The 32-bit seed the roll came from (identifies the companion, e.g. for its stored soul). */
  seed: number;
}

/**
 * 32-bit FNV-1a over the UTF-8 bytes. The seed text only says "userId hash + salt" without naming the
 * hash; FNV-1a is our choice: tiny, well distributed, and the same in every runtime.
 */
const utf8 = new TextEncoder();

export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The seed text's Mulberry32 variant, exactly: s += 0x6D2B79F5; t = (s ^ s>>>15) * (1 + s);
 * t = ((t ^ t>>>7) * (61 + t)) ^ t; out = (t ^ t>>>14) / 2^32, all in wrapping 32-bit arithmetic.
 * (The widespread Mulberry32 multiplies by `t | 1` and `t | 61` and adds before the xor: not this one.)
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 + s);
    t = Math.imul(t ^ (t >>> 7), 61 + t) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function companionSeed(userId: string): number {
  return fnv1a32(`${userId}${SALT}`);
}

/** Maps a draw in [0, 1) onto the rarity table by cumulative percentages. */
export function rarityFor(draw: number): Rarity {
  let cumulative = 0;
  for (const rarity of RARITIES) {
    cumulative += RARITY_WEIGHTS[rarity] / 100;
    if (draw < cumulative) return rarity;
  }
  return "Legendary"; // only reachable through floating-point rounding at the very top
}

function pick<T>(list: readonly T[], draw: number): T {
  return list[Math.min(list.length - 1, Math.floor(draw * list.length))] as T;
}

/**
 * The companion of a user id. One Mulberry32 stream, drawn in this fixed order: 1 rarity, 2 species
 * (uniform within the rarity), 3 shiny (below SHINY_CHANCE, independent of rarity), 4-8 the stats in
 * STAT_NAMES order, each uniform in STAT_FLOOR[rarity]..10. Changing the order changes every companion.
 */
export function rollCompanion(userId: string): Companion {
  const seed = companionSeed(userId);
  const next = mulberry32(seed);
  const rarity = rarityFor(next());
  const species = pick(SPECIES_BY_RARITY[rarity], next());
  const shiny = next() < SHINY_CHANCE;
  const floor = STAT_FLOOR[rarity];
  const stats = {} as Record<StatName, number>;
  for (const name of STAT_NAMES) stats[name] = floor + Math.floor(next() * (STAT_MAX - floor + 1));
  return { species, rarity, shiny, stats, seed };
}

export function userIdPath(env: Env): string {
  return join(honeHome(env), "user-id");
}

/**
 * Writes `text` to `path` only if no file is there yet, atomically: the content goes to a temporary file
 * first and is then hard-linked into place, which fails when another process got there first. Returns
 * whether this call created the file.
 */
export async function writeFileOnce(path: string, text: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${crypto.randomUUID().slice(0, 8)}.tmp`);
  await writeFile(temp, text, { mode: 0o600, flush: true });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * The user's stable id: HONE_USER_ID when set (tests, or to pick a companion on purpose), otherwise the
 * random id in ~/.hone/user-id, created on first use and never rewritten.
 */
export async function userIdFor(env: Env): Promise<string> {
  const forced = env.HONE_USER_ID?.trim();
  if (forced) return forced;
  const path = userIdPath(env);
  const existing = await readId(path);
  if (existing) return existing;
  const fresh = crypto.randomUUID();
  if (await writeFileOnce(path, `${fresh}\n`)) return fresh;
  // Another process created it between our read and our write: theirs wins.
  const winner = await readId(path);
  if (!winner) throw new Error(`${path} exists but holds no user id; delete it to get a new companion`);
  return winner;
}

async function readId(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
