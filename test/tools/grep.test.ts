import { beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { searchWithFallback } from "../../src/grep-fallback.ts";
import { findRipgrep, searchWithRipgrep, type SearchRequest } from "../../src/ripgrep.ts";
import { grepTool } from "../../src/tools/grep.ts";
import { harness, type Harness } from "../support/tool-harness.ts";

const EMPTY_PATH = mkdtempSync(join(tmpdir(), "hone-no-rg-"));

/** Run fn with a PATH that has no rg on it, which forces the built-in search. */
async function withoutRg<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = EMPTY_PATH;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

const T0 = Date.UTC(2024, 0, 1) / 1000;

/** Files in order of age: the first is the newest. */
const FILES: Array<[string, string | Buffer]> = [
  ["a.ts", "import x from 'y';\nconst alpha = 1;\n// Alpha comment\nfunction beta() {\n  return alpha;\n}\n"],
  ["src/b.js", "let ALPHA = 2;\nconsole.log(alpha)\n"],
  ["src/util/c.py", "def alpha():\n    pass\n\nalpha()\n"],
  ["docs/readme.md", "# Alpha\nsee alpha docs\n"],
  [".hidden/secret.ts", "const alpha = 'hidden';\n"],
  ["build/out.js", "alpha built\n"],
  ["logs/run.log", "alpha logged\n"],
  ["src/generated.js", "alpha generated\n"],
  ["notes.txt", `alpha${"z".repeat(700)}\nplain\n`],
  ["bin.dat", Buffer.from("alpha\u0000binary\n")],
  [".git/config", "alpha in git\n"],
  ["multi.txt", "start\nfoo bar\nbaz end\nfinish\n"],
  [".gitignore", "build/\n*.log\n"],
  ["src/.gitignore", "generated.js\n"],
];

function buildFixture(dir: string): void {
  FILES.forEach(([rel, body], i) => {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, body);
    utimesSync(abs, T0 - i * 100, T0 - i * 100);
  });
}

let h: Harness;
beforeAll(() => {
  h = harness();
  buildFixture(h.dir);
});

test("ripgrep is installed, so the comparisons below exercise both backends", () => {
  expect(findRipgrep()).toBeDefined();
  expect(findRipgrep(EMPTY_PATH)).toBeUndefined();
});

describe("rg and the fallback give the same output", () => {
  const cases: Array<{ name: string; input: Record<string, unknown>; has: string[]; lacks?: string[] }> = [
    {
      name: "files_with_matches (default), newest first",
      input: { pattern: "alpha" },
      has: ["Found 6 files\na.ts\nsrc/b.js\nsrc/util/c.py\ndocs/readme.md\n.hidden/secret.ts\nnotes.txt"],
    },
    {
      name: "content with -C",
      input: { pattern: "beta", output_mode: "content", "-C": 1 },
      has: ["a.ts-3-// Alpha comment\na.ts:4:function beta() {\na.ts-5-  return alpha;"],
    },
    {
      name: "content with context across files and groups",
      input: { pattern: "alpha", output_mode: "content", "-B": 1, glob: "*.{ts,py}" },
      has: ["a.ts:2:const alpha = 1;\n--\na.ts-4-function beta() {\na.ts:5:  return alpha;\n--\n"],
    },
    {
      name: "content -i without line numbers",
      input: { pattern: "ALPHA", output_mode: "content", "-i": true, "-n": false, path: "src" },
      has: ["src/b.js:let ALPHA = 2;\nsrc/b.js:console.log(alpha)\nsrc/util/c.py:def alpha():"],
    },
    {
      name: "count",
      input: { pattern: "alpha", output_mode: "count", "-i": true },
      has: ["a.ts:3\n", "docs/readme.md:2\n", "Found 11 matching lines in 6 files."],
    },
    {
      // rg lets a matching --glob override .gitignore for files (build/ stays out: its folder is ignored).
      name: "glob without slash, which overrides .gitignore for files",
      input: { pattern: "alpha", glob: "*.js" },
      has: ["Found 2 files\nsrc/b.js\nsrc/generated.js"],
    },
    {
      name: "later globs win over earlier ones",
      input: { pattern: "alpha", glob: "*.ts !secret.ts" },
      has: ["Found 1 file\na.ts"],
    },
    {
      name: "glob with a path and an exclusion",
      input: { pattern: "alpha", glob: "src/**/*.py !*.md" },
      has: ["Found 1 file\nsrc/util/c.py"],
    },
    { name: "comma separated globs", input: { pattern: "alpha", glob: "*.py,*.md" }, has: ["Found 2 files\nsrc/util/c.py\ndocs/readme.md"] },
    { name: "type", input: { pattern: "alpha", type: "py" }, has: ["Found 1 file\nsrc/util/c.py"] },
    { name: "type ts includes hidden", input: { pattern: "alpha", type: "ts" }, has: ["a.ts\n.hidden/secret.ts"] },
    {
      name: "head_limit and offset on content lines",
      input: { pattern: "alpha", output_mode: "content", head_limit: 2, offset: 1 },
      has: ["a.ts:2:const alpha = 1;\na.ts:5:  return alpha;\n\n[Showing lines 2-3 of 8.", "offset: 3"],
    },
    {
      name: "head_limit on files",
      input: { pattern: "alpha", head_limit: 2 },
      has: ["Found 6 files\na.ts\nsrc/b.js\n\n[Showing files 1-2 of 6.", "offset: 2"],
    },
    {
      name: "multiline",
      input: { pattern: "bar\\nbaz", output_mode: "content", multiline: true },
      has: ["multi.txt:2:foo bar\nmulti.txt:3:baz end"],
    },
    {
      name: "multiline dot crosses lines",
      input: { pattern: "start.*finish", multiline: true, output_mode: "count" },
      has: ["multi.txt:1\n"],
    },
    { name: "-o prints only the match", input: { pattern: "al\\w+", output_mode: "content", "-o": true, path: "src" }, has: ["src/b.js:2:alpha\n"], lacks: ["console"] },
    {
      name: "long lines are clipped",
      input: { pattern: "alphaz", output_mode: "content" },
      has: [`notes.txt:1:alpha${"z".repeat(495)} [… 205 more characters clipped]`],
    },
    { name: "a single file", input: { pattern: "alpha", path: "src/util/c.py", output_mode: "count" }, has: ["src/util/c.py:2"] },
    { name: "no match", input: { pattern: "nothing-here-at-all" }, has: ["No matches found"] },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const withRg = await h.call(grepTool, c.input);
      const fallback = await withoutRg(() => h.call(grepTool, c.input));
      for (const snippet of c.has) expect(withRg.text).toContain(snippet);
      for (const snippet of c.lacks ?? []) expect(withRg.text).not.toContain(snippet);
      expect(withRg.isError).toBeUndefined();
      expect(fallback.text).toBe(withRg.text);
      expect(fallback.structured).toEqual(withRg.structured);
    });
  }
});

describe("search rules (both backends)", () => {
  for (const backend of ["rg", "fallback"] as const) {
    const call = (input: Record<string, unknown>) =>
      backend === "rg" ? h.call(grepTool, input) : withoutRg(() => h.call(grepTool, input));

    test(`${backend}: .gitignore (root and nested) is respected, .git and binaries skipped, hidden found`, async () => {
      const r = await call({ pattern: "alpha", "-i": true });
      expect(r.text).toContain(".hidden/secret.ts");
      for (const gone of ["build/out.js", "run.log", "generated.js", "bin.dat", ".git"]) expect(r.text).not.toContain(gone);
    });

    test(`${backend}: an ignored folder named explicitly is still searched`, async () => {
      const r = await call({ pattern: "alpha", path: "build" });
      expect(r.text).toBe("Found 1 file\nbuild/out.js");
    });

    test(`${backend}: a bad regex is an error naming the problem`, async () => {
      const r = await call({ pattern: "foo(bar" });
      expect(r.isError).toBe(true);
      expect(r.text).toContain("The search failed");
    });

    test(`${backend}: an unknown type is an error`, async () => {
      const r = await call({ pattern: "alpha", type: "nosuchtype" });
      expect(r.isError).toBe(true);
      expect(r.text).toContain("nosuchtype");
    });

    test(`${backend}: structured result for content and count`, async () => {
      const content = await call({ pattern: "beta", output_mode: "content" });
      expect(content.structured).toEqual({ mode: "content", numFiles: 1, filenames: ["a.ts"], content: "a.ts:4:function beta() {", numLines: 1 });
      const count = await call({ pattern: "alpha", output_mode: "count", head_limit: 1 });
      expect(count.structured).toMatchObject({ mode: "count", numFiles: 6, numMatches: 8, appliedLimit: 1 });
    });
  }
});

test("a missing path is a clear error", async () => {
  const r = await h.call(grepTool, { pattern: "x", path: "no/such/dir" });
  expect(r.isError).toBe(true);
  expect(r.text).toContain(`Path does not exist: ${join(h.dir, "no/such/dir")}`);
});

test("offset past the end says how many results there are", async () => {
  const r = await h.call(grepTool, { pattern: "alpha", offset: 50 });
  expect(r.text).toContain("[Nothing at offset 50: there are only 6 files.]");
});

test("paths outside the project are shown absolute", async () => {
  const other = mkdtempSync(join(tmpdir(), "hone-grep-other-"));
  writeFileSync(join(other, "o.txt"), "needle\n");
  for (const run of [() => h.call(grepTool, { pattern: "needle", path: other }), () => withoutRg(() => h.call(grepTool, { pattern: "needle", path: other }))]) {
    expect((await run()).text).toBe(`Found 1 file\n${join(other, "o.txt")}`);
  }
});

test("huge output goes through the shared truncation with a notice", async () => {
  const big = harness();
  writeFileSync(join(big.dir, "big.txt"), Array.from({ length: 3000 }, (_, i) => `needle ${i}`).join("\n"));
  const r = await big.call(grepTool, { pattern: "needle", output_mode: "content", head_limit: 0 });
  expect(r.text).toContain("big.txt:2000:needle 1999");
  expect(r.text).not.toContain("needle 2500");
  expect(r.text).toMatch(/\[Output truncated: .* Full output: /);
});

test("a fallback given a file ignores glob and type filters, like rg", async () => {
  const req: SearchRequest = {
    pattern: "alpha",
    root: join(h.dir, "docs/readme.md"),
    mode: "count",
    ignoreCase: false,
    multiline: false,
    before: 0,
    after: 0,
    globs: ["*.js"],
    type: "py",
    signal: new AbortController().signal,
  };
  const rg = findRipgrep();
  const viaRg = rg ? await searchWithRipgrep(rg, req) : undefined;
  const viaFallback = await searchWithFallback(req);
  expect(viaFallback.files.map((f) => f.count)).toEqual([1]);
  expect(viaRg?.files.map((f) => f.count)).toEqual([1]);
});

test("aborting the call kills a running rg", async () => {
  const dir = harness();
  const fifo = join(dir.dir, "pipe");
  execFileSync("mkfifo", [fifo]);
  const controller = new AbortController();
  // rg blocks opening a FIFO that has no writer, so only the abort can end this search.
  const pending = dir.call(grepTool, { pattern: "x", path: fifo }, controller.signal);
  setTimeout(() => controller.abort(), 200);
  const started = Date.now();
  const r = await pending;
  expect(Date.now() - started).toBeLessThan(5000);
  expect(r.isError).toBe(true);
  expect(r.text).toContain("Interrupted");
});
