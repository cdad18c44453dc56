import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createFileIndex, listDirectory, topMatches } from "../src/file-suggest.ts";

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "hone-suggest-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function gitInit(root: string, add: string[]): void {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
  git("init", "-q");
  git("add", ...add);
}

const FILES = {
  ".gitignore": "dist/\n*.log\n",
  "src/main.ts": "",
  "src/main.test.ts": "",
  "src/components/Button.tsx": "",
  "src/components/button-group.tsx": "",
  "docs/readme.md": "",
  "README.md": "",
  "debug.log": "",
  "dist/bundle.js": "",
  "node_modules/pkg/index.js": "",
  "untracked-new.ts": "",
};

describe.each([
  ["a git repository (git ls-files)", true],
  ["a plain folder (walk with ignore files)", false],
])("createFileIndex in %s", (_label, useGit) => {
  const make = () => {
    const root = project(FILES);
    if (useGit) gitInit(root, ["src", "docs", "README.md", ".gitignore"]);
    return root;
  };

  test(".gitignore, node_modules and .git are respected; untracked files are listed", async () => {
    const root = make();
    const index = createFileIndex(root);
    await index.ready;
    const all = index.suggest("", 100);
    expect(all).toContain("src/main.ts");
    expect(all).toContain("src/components/");
    expect(all).toContain("untracked-new.ts");
    expect(all.some((p) => p.includes("dist") || p.endsWith(".log") || p.includes("node_modules") || p.startsWith(".git/"))).toBe(false);
    expect(index.suggest("bundle")).toEqual([]);
  });

  test("ranking: exact basename, prefix, path prefix, fuzzy; shorter paths first", async () => {
    const root = make();
    const index = createFileIndex(root);
    await index.ready;
    expect(index.suggest("main.ts")).toEqual(["src/main.ts", "src/main.test.ts"]);
    expect(index.suggest("readme")[0]).toBe("README.md");
    expect(index.suggest("readme")).toContain("docs/readme.md");
    expect(index.suggest("button")).toEqual(["src/components/Button.tsx", "src/components/button-group.tsx"]);
    // Subsequence of the basename.
    expect(index.suggest("bgrp")).toEqual(["src/components/button-group.tsx"]);
    expect(index.suggest("comp")[0]).toBe("src/components/");
    expect(index.suggest("main", 1)).toEqual(["src/main.ts"]);
  });
});

describe("directory queries", () => {
  test("a query with a slash lists that folder directly, before the index is ready", () => {
    const root = project(FILES);
    const index = createFileIndex(root, { git: false });
    // Synchronously, before `ready`: the direct listing answers.
    expect(index.suggest("src/")).toEqual(["src/main.ts", "src/components/", "src/main.test.ts"]);
    expect(index.suggest("src/comp")).toEqual(["src/components/"]);
    expect(index.suggest("src/components/b")).toEqual(["src/components/Button.tsx", "src/components/button-group.tsx"]);
  });

  test("hidden entries only when asked for; .git never; links to folders end in /", () => {
    const root = project({ "a/.env": "", "a/visible.txt": "", "a/.git/HEAD": "" });
    symlinkSync(join(root, "a"), join(root, "a", "loop"));
    expect(listDirectory(root, "a/", 10)).toEqual(["a/loop/", "a/visible.txt"]);
    expect(listDirectory(root, "a/.", 10)).toEqual(["a/.env"]);
    expect(listDirectory(root, "missing/", 10)).toBeUndefined();
    expect(listDirectory(root, `${root}/a/vis`, 10)).toEqual([`${root}/a/visible.txt`]);
  });

  test("a slash query with no such folder falls back to the index", async () => {
    const root = project(FILES);
    const index = createFileIndex(root, { git: false });
    await index.ready;
    expect(index.suggest("components/but")).toEqual(["src/components/Button.tsx", "src/components/button-group.tsx"]);
    expect(index.suggest("nents/button-g")).toEqual(["src/components/button-group.tsx"]);
  });
});

describe("index limits and refresh", () => {
  test("the entry cap bounds the index", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`dir${i}/file${i}.txt`] = "";
    const index = createFileIndex(project(files), { maxEntries: 30, git: false });
    await index.ready;
    expect(index.size()).toBe(30);
  });

  test("refresh picks up new files", async () => {
    const root = project({ "a.txt": "" });
    const index = createFileIndex(root);
    await index.ready;
    expect(index.suggest("later")).toEqual([]);
    writeFileSync(join(root, "later.txt"), "");
    await index.refresh();
    expect(index.suggest("later")).toEqual(["later.txt"]);
  });

  test("topMatches keeps the best few in order", () => {
    const entries = ["b/zz.ts", "zz.ts", "a/b/c/zz.ts", "zz-long.ts"].map((path) => ({ path, lowerPath: path.toLowerCase(), lowerBase: path.slice(path.lastIndexOf("/") + 1).toLowerCase() }));
    expect(topMatches(entries, "zz.ts", 3)).toEqual(["zz.ts", "b/zz.ts", "a/b/c/zz.ts"]);
    expect(topMatches(entries, "ZZ", 2)).toEqual(["zz.ts", "b/zz.ts"]);
  });
});
