import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { capIndex, INDEX_MAX_BYTES, INDEX_MAX_LINES, loadMemoryIndex, memoryDir, memoryLayout } from "../src/memory-dir.ts";
import { tempDir } from "./support/dream-fixture.ts";

describe("memoryDir", () => {
  test("HONE_MEMORY_DIR wins over the setting, and ~ is the env's HOME", () => {
    const env = { HOME: "/home/ann", HONE_MEMORY_DIR: "~/mem" };
    expect(memoryDir({ memory: { memoryDir: "/elsewhere" } }, env)).toBe("/home/ann/mem");
  });

  test("the setting, with ~ expanded", () => {
    expect(memoryDir({ memory: { memoryDir: "~/notes/memory" } }, { HOME: "/home/bo" })).toBe("/home/bo/notes/memory");
    expect(memoryDir({ memory: { memoryDir: "/abs/m" } }, { HOME: "/home/bo" })).toBe("/abs/m");
  });

  test("default: memory under hone's home (HONE_CONFIG_DIR, else ~/.hone)", () => {
    expect(memoryDir({}, { HOME: "/home/cy" })).toBe("/home/cy/.hone/memory");
    expect(memoryDir({ memory: {} }, { HOME: "/home/cy", HONE_CONFIG_DIR: "/cfg" })).toBe("/cfg/memory");
  });

  test("layout", () => {
    const l = memoryLayout("/m");
    expect(l).toEqual({ dir: "/m", index: "/m/MEMORY.md", topics: "/m/topics", sessions: "/m/sessions", lock: "/m/.dream.lock", lastDream: "/m/.last-dream" });
  });
});

describe("loadMemoryIndex", () => {
  test("no memory yet: nothing for the prompt", () => {
    const dir = tempDir("hone-mem-");
    expect(loadMemoryIndex(dir)).toEqual({ text: "", warnings: [] });
    expect(loadMemoryIndex(join(dir, "missing"))).toEqual({ text: "", warnings: [] });
    writeFileSync(join(dir, "MEMORY.md"), "  \n\n");
    expect(loadMemoryIndex(dir).text).toBe("");
  });

  test("a small index comes whole after a preamble naming the folder and the topics", () => {
    const dir = tempDir("hone-mem-");
    writeFileSync(join(dir, "MEMORY.md"), "# Memory\n- topics/tools.md: pnpm, not npm\n");
    const { text, warnings } = loadMemoryIndex(dir);
    expect(warnings).toEqual([]);
    expect(text).toContain(`long-term memory is the folder ${dir}`);
    expect(text).toContain(join(dir, "topics"));
    expect(text.endsWith("# Memory\n- topics/tools.md: pnpm, not npm")).toBe(true);
  });

  test("more than 200 lines: the first 200, a note and a warning", () => {
    const dir = tempDir("hone-mem-");
    const lines = Array.from({ length: 260 }, (_, i) => `- topics/t${i + 1}.md: topic ${i + 1}`);
    writeFileSync(join(dir, "MEMORY.md"), `${lines.join("\n")}\n`);
    const { text, warnings } = loadMemoryIndex(dir);
    expect(text).toContain("- topics/t200.md: topic 200\n");
    expect(text).not.toContain("topic 201");
    expect(text).toContain("longer than 200 lines / 25 KB");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("260 lines");
  });

  test("the 25 KB cap counts bytes: multi-byte lines are cut earlier", () => {
    const line = "é".repeat(99); // 198 bytes, 99 characters
    const capped = capIndex(Array.from({ length: 150 }, () => line).join("\n"));
    expect(capped.cut).toBe(true);
    expect(Buffer.byteLength(capped.text, "utf8")).toBeLessThanOrEqual(INDEX_MAX_BYTES);
    expect(capped.text.split("\n").length).toBeLessThan(150);
    // Whole lines only.
    expect(capped.text.split("\n").every((l) => l === line)).toBe(true);
    expect(capIndex("short\nindex").cut).toBe(false);
    expect(INDEX_MAX_LINES).toBe(200);
  });

  test("while a dream's swap is half done, the old index (in the backup) is what sessions see", () => {
    const dir = tempDir("hone-mem-");
    const backup = join(dir, ".dream-backup-999999");
    mkdirSync(backup);
    writeFileSync(join(backup, "manifest.json"), JSON.stringify({ hadIndex: true, hadTopics: false }));
    writeFileSync(join(backup, "MEMORY.md"), "old index\n");
    writeFileSync(join(dir, "MEMORY.md"), "new half-swapped index\n");
    expect(loadMemoryIndex(dir).text).toContain("old index");
    // No old index before that dream: none now either.
    writeFileSync(join(backup, "manifest.json"), JSON.stringify({ hadIndex: false, hadTopics: false }));
    expect(loadMemoryIndex(dir).text).toBe("");
  });
});
