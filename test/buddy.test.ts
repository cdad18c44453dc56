import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ALL_SPECIES,
  companionSeed,
  fnv1a32,
  mulberry32,
  RARITIES,
  RARITY_WEIGHTS,
  rarityFor,
  rollCompanion,
  SPECIES_BY_RARITY,
  STAT_FLOOR,
  STAT_NAMES,
  userIdFor,
  userIdPath,
  writeFileOnce,
  type Companion,
} from "../src/buddy.ts";

/** The seed text's variant written out with BigInt, independent of Math.imul and `>>> 0`. */
function referenceMulberry(seed: number): () => number {
  const M = 2n ** 32n;
  let s = BigInt(seed);
  return () => {
    s = (s + 0x6d2b79f5n) % M;
    let t = ((s ^ (s >> 15n)) * (1n + s)) % M;
    t = (((t ^ (t >> 7n)) * (61n + t)) % M) ^ t;
    return Number(t ^ (t >> 14n)) / 2 ** 32;
  };
}

describe("mulberry32 (the seed's variant)", () => {
  test("seed 0, first output worked by hand", () => {
    // s = 0 + 0x6D2B79F5 = 0x6D2B79F5
    // s ^ (s >>> 15) = 0x6D2B79F5 ^ 0x0000DA56 = 0x6D2BA3A3; times (1 + s) = 0x6D2B79F6 mod 2^32 = 0x6BA849A2 = t
    // t ^ (t >>> 7) = 0x6B7F1931; times (61 + t) = 0x6BA849DF mod 2^32 = 0xE50DEAAF; ^ t = 0x8EA5A30D = t
    // t ^ (t >>> 14) = 0x8EA5A30D ^ 0x00023A96 = 0x8EA7999B = 2393348507; / 2^32
    expect(mulberry32(0)()).toBe(2393348507 / 2 ** 32);
    expect(mulberry32(0)()).toBe(0.5572448733728379);
  });

  test("seeds 0 and 1 match a straightforward BigInt implementation", () => {
    for (const seed of [0, 1]) {
      const ours = mulberry32(seed);
      const ref = referenceMulberry(seed);
      for (let i = 0; i < 50; i++) expect(ours()).toBe(ref());
    }
    const one = mulberry32(1);
    expect([one(), one(), one()]).toEqual([1068485178 / 2 ** 32, 2226191834 / 2 ** 32, 2968332355 / 2 ** 32]);
  });

  test("large seeds, where the 32-bit wrapping matters, also match", () => {
    for (const seed of [0x7fffffff, 0x80000000, 0xffffffff, 0x9e3779b9]) {
      const ours = mulberry32(seed);
      const ref = referenceMulberry(seed);
      for (let i = 0; i < 20; i++) expect(ours()).toBe(ref());
    }
  });

  test("differs from the common Mulberry32", () => {
    const common = (a: number) => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    expect(mulberry32(0)()).not.toBe(common(0));
  });
});

describe("rollCompanion", () => {
  test("FNV-1a 32-bit matches its published test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    expect(companionSeed("alice")).toBe(fnv1a32("alicefriend-2026-401"));
  });

  test("golden companions for fixed ids", () => {
    const golden: Record<string, Companion> = {
      alice: { species: "Pebblecrab", rarity: "Common", shiny: false, stats: { Curiosity: 7, Patience: 5, Mischief: 1, Wisdom: 4, Cheer: 6 }, seed: 46990782 },
      bob: { species: "Mossfrog", rarity: "Common", shiny: false, stats: { Curiosity: 10, Patience: 7, Mischief: 10, Wisdom: 1, Cheer: 4 }, seed: 1292701143 },
      "user-1": { species: "Dustbunny", rarity: "Common", shiny: false, stats: { Curiosity: 2, Patience: 10, Mischief: 7, Wisdom: 8, Cheer: 4 }, seed: 1771896567 },
      "user-2": { species: "Aetherling", rarity: "Epic", shiny: false, stats: { Curiosity: 4, Patience: 4, Mischief: 9, Wisdom: 8, Cheer: 5 }, seed: 267222408 },
      "user-5": { species: "Gustowl", rarity: "Uncommon", shiny: false, stats: { Curiosity: 8, Patience: 3, Mischief: 7, Wisdom: 5, Cheer: 2 }, seed: 3809291155 },
      "user-12": { species: "Lavapup", rarity: "Rare", shiny: false, stats: { Curiosity: 9, Patience: 10, Mischief: 3, Wisdom: 7, Cheer: 9 }, seed: 2925370393 },
      "user-130": { species: "Cosmoshale", rarity: "Legendary", shiny: false, stats: { Curiosity: 6, Patience: 5, Mischief: 10, Wisdom: 10, Cheer: 7 }, seed: 1545475222 },
      "user-213": { species: "Gustowl", rarity: "Uncommon", shiny: true, stats: { Curiosity: 5, Patience: 10, Mischief: 2, Wisdom: 2, Cheer: 6 }, seed: 357349392 },
    };
    for (const [id, companion] of Object.entries(golden)) expect({ id, ...rollCompanion(id) }).toEqual({ id, ...companion });
  });

  test("the same id always gives the same companion", () => {
    expect(rollCompanion("someone")).toEqual(rollCompanion("someone"));
  });

  test("rarity boundaries are cumulative in table order", () => {
    expect(rarityFor(0)).toBe("Common");
    expect(rarityFor(0.5999)).toBe("Common");
    expect(rarityFor(0.6)).toBe("Uncommon");
    expect(rarityFor(0.8499)).toBe("Uncommon");
    expect(rarityFor(0.85)).toBe("Rare");
    expect(rarityFor(0.95)).toBe("Epic");
    expect(rarityFor(0.99)).toBe("Legendary");
    expect(rarityFor(0.999999)).toBe("Legendary");
  });

  test("over 200,000 ids the shares match the table (0.5 points) and shiny is 1% (0.1 points)", () => {
    const N = 200_000;
    const counts = Object.fromEntries(RARITIES.map((r) => [r, 0])) as Record<string, number>;
    const species = new Map<string, number>();
    let shiny = 0;
    for (let i = 0; i < N; i++) {
      const c = rollCompanion(`user-${i}`);
      counts[c.rarity] = (counts[c.rarity] ?? 0) + 1;
      species.set(c.species, (species.get(c.species) ?? 0) + 1);
      if (c.shiny) shiny++;
      expect(SPECIES_BY_RARITY[c.rarity] as readonly string[]).toContain(c.species);
      for (const name of STAT_NAMES) {
        if (c.stats[name] < STAT_FLOOR[c.rarity] || c.stats[name] > 10) throw new Error(`stat out of range: ${JSON.stringify(c)}`);
      }
    }
    for (const rarity of RARITIES) expect(Math.abs((counts[rarity] ?? 0) / N * 100 - RARITY_WEIGHTS[rarity])).toBeLessThan(0.5);
    expect(Math.abs(shiny / N * 100 - 1)).toBeLessThan(0.1);
    expect([...species.keys()].sort()).toEqual([...ALL_SPECIES].sort());
    // Uniform within a rarity: each Common species near 10% of all ids.
    for (const name of SPECIES_BY_RARITY.Common) expect(Math.abs((species.get(name) ?? 0) / N - 0.1)).toBeLessThan(0.005);
  });
});

describe("userIdFor", () => {
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-buddy-"));
    return { dir, env: { HOME: dir, HONE_CONFIG_DIR: join(dir, ".hone") } };
  };

  test("creates the id once and reuses it", async () => {
    const { dir, env } = fresh();
    try {
      const first = await userIdFor(env);
      expect(first).toMatch(/^[0-9a-f-]{36}$/);
      expect(readFileSync(userIdPath(env), "utf8")).toBe(`${first}\n`);
      expect(await userIdFor(env)).toBe(first);
      expect(readFileSync(userIdPath(env), "utf8")).toBe(`${first}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("concurrent first calls agree on one id", async () => {
    const { dir, env } = fresh();
    try {
      const ids = await Promise.all(Array.from({ length: 8 }, () => userIdFor(env)));
      expect(new Set(ids).size).toBe(1);
      expect(readFileSync(userIdPath(env), "utf8").trim()).toBe(ids[0] ?? "");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an existing file is read, HONE_USER_ID overrides it, and nothing is written for the override", async () => {
    const { dir, env } = fresh();
    try {
      await writeFileOnce(userIdPath(env), "kept-id\n");
      expect(await userIdFor(env)).toBe("kept-id");
      expect(await userIdFor({ ...env, HONE_USER_ID: "forced" })).toBe("forced");
      expect(readFileSync(userIdPath(env), "utf8")).toBe("kept-id\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("writeFileOnce never replaces an existing file", async () => {
    const { dir } = fresh();
    try {
      const path = join(dir, "once.txt");
      writeFileSync(path, "first");
      expect(await writeFileOnce(path, "second")).toBe(false);
      expect(readFileSync(path, "utf8")).toBe("first");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
