// The swap that puts a dream's result in place, and the roll-back of a swap whose process died half-way.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pidAlive } from "../src/dream-lock.ts";
import { prepareStaging, recoverLeftovers, swapIn, validateStaging } from "../src/dream-swap.ts";
import { loadMemoryIndex } from "../src/memory-dir.ts";
import { deadPid, memoryOnly, OLD_INDEX, OLD_TOPIC, seedMemory, snapshot, tempDir } from "./support/dream-fixture.ts";

const NEW_INDEX = "# Memory\n- topics/new.md: new things\n";

/** A staging folder holding a new memory, as a finished dream leaves it. */
function stagedNew(dir: string): string {
  const staging = prepareStaging(dir);
  writeFileSync(join(staging, "MEMORY.md"), NEW_INDEX);
  rmSync(join(staging, "topics", "old-notes.md"));
  writeFileSync(join(staging, "topics", "new.md"), "# New\n");
  return staging;
}

describe("swapIn", () => {
  test("replaces MEMORY.md and topics/ and leaves no folder of its own behind", () => {
    const dir = seedMemory();
    mkdirSync(join(dir, "sessions"));
    writeFileSync(join(dir, "sessions", "2026-04-01.log"), "notes\n");
    const staging = stagedNew(dir);
    expect(readFileSync(join(staging, "topics", "new.md"), "utf8")).toBe("# New\n");
    swapIn(dir, staging);
    expect(readFileSync(join(dir, "MEMORY.md"), "utf8")).toBe(NEW_INDEX);
    expect(readdirSync(join(dir, "topics"))).toEqual(["new.md"]);
    expect(readdirSync(dir).sort()).toEqual(["MEMORY.md", "sessions", "topics"]);
  });

  test("a failure before the commit point puts the old memory back", () => {
    const dir = seedMemory();
    const before = snapshot(dir, memoryOnly);
    const staging = stagedNew(dir);
    rmSync(join(staging, "topics"), { recursive: true }); // the second rename will fail
    expect(() => swapIn(dir, staging)).toThrow();
    expect(snapshot(dir, memoryOnly)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.startsWith(".dream-backup"))).toEqual([]);
  });
});

describe("a swap killed half-way", () => {
  /** The state a swap leaves when killed after moving the old index away and the new one in. */
  function halfSwapped(dir: string, hadIndex = true): string {
    const backup = join(dir, `.dream-backup-${deadPid()}`);
    mkdirSync(backup);
    writeFileSync(join(backup, "manifest.json"), JSON.stringify({ hadIndex, hadTopics: true }));
    if (hadIndex) renameSync(join(dir, "MEMORY.md"), join(backup, "MEMORY.md"));
    writeFileSync(join(dir, "MEMORY.md"), NEW_INDEX);
    return backup;
  }

  test("sessions read the old index meanwhile; the next dream's gate rolls it back byte for byte", () => {
    const dir = seedMemory();
    const before = snapshot(dir, memoryOnly);
    const backup = halfSwapped(dir);
    expect(loadMemoryIndex(dir).text).toContain(OLD_INDEX.trim());
    const done = recoverLeftovers(dir, pidAlive);
    expect(done.join("\n")).toContain("restored the memory");
    expect(snapshot(dir, memoryOnly)).toEqual(before);
    expect(existsSync(backup)).toBe(false);
    expect(readFileSync(join(dir, "topics", "old-notes.md"), "utf8")).toBe(OLD_TOPIC);
  });

  test("a first dream killed half-way leaves no index, as before", () => {
    const dir = tempDir("hone-mem-");
    mkdirSync(join(dir, "topics"));
    halfSwapped(dir, false);
    recoverLeftovers(dir, pidAlive);
    expect(existsSync(join(dir, "MEMORY.md"))).toBe(false);
  });

  test("a backup of a live process is not touched", () => {
    const dir = seedMemory();
    const backup = halfSwapped(dir);
    expect(recoverLeftovers(dir, () => true)).toEqual([]);
    expect(existsSync(backup)).toBe(true);
  });
});

describe("validateStaging", () => {
  test("accepts an index within the caps and .md topics; empty topics are dropped, unlisted ones warned about", () => {
    const dir = seedMemory();
    const staging = stagedNew(dir);
    writeFileSync(join(staging, "topics", "emptied.md"), "  \n");
    writeFileSync(join(staging, "topics", "unlisted.md"), "# Unlisted\n");
    writeFileSync(join(staging, "scratch.txt"), "x");
    const check = validateStaging(staging);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.topics).toEqual(["new.md", "unlisted.md"]);
    expect(existsSync(join(staging, "topics", "emptied.md"))).toBe(false);
    expect(check.warnings.join("\n")).toContain("topics/unlisted.md");
    expect(check.warnings.join("\n")).toContain("scratch.txt");
  });

  test("refuses a missing index, an oversized one, and topics that are not .md files", () => {
    const dir = seedMemory();
    const staging = stagedNew(dir);
    writeFileSync(join(staging, "topics", "notes.txt"), "x");
    expect(validateStaging(staging)).toEqual({ ok: false, reason: "topics/notes.txt is not a .md file" });
    rmSync(join(staging, "topics", "notes.txt"));
    mkdirSync(join(staging, "topics", "sub.md"));
    expect(validateStaging(staging).ok).toBe(false);
    rmSync(join(staging, "topics", "sub.md"), { recursive: true });
    writeFileSync(join(staging, "MEMORY.md"), "x".repeat(26 * 1024));
    const big = validateStaging(staging);
    expect(big.ok ? "" : big.reason).toContain("26624 bytes");
    rmSync(join(staging, "MEMORY.md"));
    expect(validateStaging(staging)).toEqual({ ok: false, reason: "the dream wrote no MEMORY.md" });
  });
});
