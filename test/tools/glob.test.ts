import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { bunRuntime } from "../../src/runtime.ts";
import { globFiles, globTool } from "../../src/tools/glob.ts";
import { harness, type Harness } from "../support/tool-harness.ts";

const T0 = Date.UTC(2024, 0, 1) / 1000;

/** Listed newest first (each file is 100 s older than the one before). */
const FILES = [
  "src/app.ts",
  "README.md",
  "src/lib/util.ts",
  "src/view.jsx",
  "src/lib/old.js",
  ".github/workflows/ci.yml",
  ".env.ts",
  "ignored/skip.ts",
  "docs/guide.md",
  "package.json",
  ".git/hooks/pre-commit.ts",
  ".gitignore",
];

function write(dir: string, rel: string, age: number, body = "x\n"): void {
  const abs = join(dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, body);
  utimesSync(abs, T0 - age, T0 - age);
}

let h: Harness;
beforeAll(() => {
  h = harness();
  FILES.forEach((rel, i) => write(h.dir, rel, i * 100, rel === ".gitignore" ? "ignored/\n" : "x\n"));
});

const glob = (input: Record<string, unknown>) => h.call(globTool, input);

test("** crosses folders; hidden and gitignored files are included, .git is not; newest first", async () => {
  const r = await glob({ pattern: "**/*.ts" });
  expect(r.text).toBe("src/app.ts\nsrc/lib/util.ts\n.env.ts\nignored/skip.ts");
  expect(r.structured).toMatchObject({ filenames: ["src/app.ts", "src/lib/util.ts", ".env.ts", "ignored/skip.ts"], numFiles: 4, truncated: false });
  expect(typeof (r.structured as { durationMs: unknown }).durationMs).toBe("number");
});

test("a pattern without ** matches only at the top of the searched folder", async () => {
  expect((await glob({ pattern: "*.md" })).text).toBe("README.md");
});

test("brace alternatives", async () => {
  expect((await glob({ pattern: "src/**/*.{js,jsx}" })).text).toBe("src/view.jsx\nsrc/lib/old.js");
});

test("a relative path resolves against the project and results stay project-relative", async () => {
  expect((await glob({ pattern: "**/*.ts", path: "src" })).text).toBe("src/app.ts\nsrc/lib/util.ts");
  expect((await glob({ pattern: "*.ts", path: join(h.dir, "src", "lib") })).text).toBe("src/lib/util.ts");
});

test("an absolute pattern and a pattern climbing out with ..", async () => {
  expect((await glob({ pattern: join(h.dir, "docs", "*.md") })).text).toBe("docs/guide.md");
  expect((await glob({ pattern: "../lib/*.ts", path: "src/lib" })).text).toBe("src/lib/util.ts");
});

test("modification time decides the order, not the name", async () => {
  const d = harness();
  write(d.dir, "a.txt", 300);
  write(d.dir, "b.txt", 100);
  write(d.dir, "c.txt", 200);
  expect((await d.call(globTool, { pattern: "*.txt" })).text).toBe("b.txt\nc.txt\na.txt");
  write(d.dir, "a.txt", 0);
  expect((await d.call(globTool, { pattern: "*.txt" })).text).toBe("a.txt\nb.txt\nc.txt");
});

test("no match says so", async () => {
  const r = await glob({ pattern: "**/*.rs" });
  expect(r.text).toBe("No files found");
  expect(r.isError).toBeUndefined();
  expect(r.structured).toMatchObject({ filenames: [], numFiles: 0, truncated: false });
});

test("a missing path is a clear error, and so is a file", async () => {
  const missing = await glob({ pattern: "*", path: "nope" });
  expect(missing.isError).toBe(true);
  expect(missing.text).toContain(`Path does not exist: ${join(h.dir, "nope")}`);
  const file = await glob({ pattern: "*", path: "package.json" });
  expect(file.isError).toBe(true);
  expect(file.text).toContain("Not a folder");
});

test("paths outside the project are absolute", async () => {
  const other = mkdtempSync(join(tmpdir(), "hone-glob-other-"));
  write(other, "x.log", 0);
  expect((await glob({ pattern: "*.log", path: other })).text).toBe(join(other, "x.log"));
});

test("results are capped at 100, newest kept, with a truncation flag and notice", async () => {
  const d = harness();
  for (let i = 0; i < 130; i++) write(d.dir, `f/${String(i).padStart(3, "0")}.txt`, i * 10);
  const r = await d.call(globTool, { pattern: "f/*.txt" });
  const lines = r.text.split("\n");
  expect(lines[0]).toBe("f/000.txt");
  expect(lines[99]).toBe("f/099.txt");
  expect(r.text).not.toContain("f/100.txt");
  expect(r.text).toContain("100 most recently modified of 130 matching files");
  expect(r.structured).toMatchObject({ numFiles: 100, truncated: true });
  expect((r.structured as { filenames: string[] }).filenames).toHaveLength(100);
});

describe("Bun.Glob and the portable walker agree", () => {
  const patterns = [
    "**/*.ts",
    "*.md",
    "**/*.md",
    "src/**/*.{js,jsx}",
    "**",
    "**/.*",
    ".github/**/*.yml",
    "src/*/*.?s",
    "**/[a-o]*.ts",
    "**/*.@(js|jsx)",
    "./src/*.ts",
    "nothing/**",
  ];
  test("running under Bun, so both implementations are exercised", () => {
    expect(bunRuntime()).toBeDefined();
  });
  for (const pattern of patterns) {
    test(pattern, async () => {
      const signal = new AbortController().signal;
      const viaBun = (await globFiles(h.dir, pattern, signal)).sort();
      const portable = (await globFiles(h.dir, pattern, signal, "portable")).sort();
      expect(portable).toEqual(viaBun);
      for (const path of viaBun) expect(path).not.toContain("/.git/");
    });
  }
  test("the comparison is not vacuous", async () => {
    const signal = new AbortController().signal;
    const all = await globFiles(h.dir, "**", signal, "portable");
    expect(all.length).toBe(FILES.length - 1);
    expect(all).toContain(join(h.dir, ".gitignore"));
  });
});
