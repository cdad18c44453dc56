import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import type { Env } from "../src/config-dir.ts";
import { findImports, stripBlockComments } from "../src/instruction-imports.ts";
import {
  createInstructionTracker,
  loadInstructions,
  renderInstructions,
  type InstructionFile,
} from "../src/instructions.ts";
import { readTool } from "../src/tools/read.ts";
import { harness } from "./support/tool-harness.ts";

interface Tree {
  root: string;
  home: string;
  project: string;
  env: Env;
  write(path: string, text: string): string;
}

/** A fake HOME and a project three levels deep, all under one fresh temp dir. */
function tree(): Tree {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-instr-")));
  const home = join(root, "home");
  const project = join(root, "work", "proj");
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  const env: Env = { HOME: home, HONE_CONFIG_DIR: join(home, ".hone"), CLAUDE_CONFIG_DIR: join(home, ".claude") };
  return {
    root,
    home,
    project,
    env,
    write(path, text) {
      const abs = path.startsWith(sep) ? path : join(root, path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
      return abs;
    },
  };
}

/** Only files inside the test tree (a stray /tmp/CLAUDE.md on the machine must not break tests). */
function ours(t: Tree, files: InstructionFile[]) {
  return files
    .filter((f) => f.path.startsWith(t.root + sep))
    .map((f) => ({ path: f.path.slice(t.root.length + 1), scope: f.scope, from: f.importedFrom?.slice(t.root.length + 1) }));
}

const load = (t: Tree, cwd = t.project) => loadInstructions({ cwd, env: t.env });

describe("discovery", () => {
  test("user files first, then root to cwd; per folder CLAUDE.md, .claude/CLAUDE.md, AGENTS.md, CLAUDE.local.md", () => {
    const t = tree();
    t.write("work/proj/CLAUDE.local.md", "local");
    t.write("work/proj/AGENTS.md", "agents");
    t.write("work/proj/.claude/CLAUDE.md", "dot claude");
    t.write("work/proj/CLAUDE.md", "proj");
    t.write("work/.claude/CLAUDE.md", "work dot");
    t.write("CLAUDE.md", "top");
    t.write("home/.hone/HONE.md", "hone user");
    t.write("home/.claude/CLAUDE.md", "claude user");
    const { files, warnings } = load(t);
    expect(warnings).toEqual([]);
    expect(ours(t, files)).toEqual([
      { path: "home/.claude/CLAUDE.md", scope: "user", from: undefined },
      { path: "home/.hone/HONE.md", scope: "user", from: undefined },
      { path: "CLAUDE.md", scope: "project", from: undefined },
      { path: "work/.claude/CLAUDE.md", scope: "project", from: undefined },
      { path: "work/proj/CLAUDE.md", scope: "project", from: undefined },
      { path: "work/proj/.claude/CLAUDE.md", scope: "project", from: undefined },
      { path: "work/proj/AGENTS.md", scope: "project", from: undefined },
      { path: "work/proj/CLAUDE.local.md", scope: "local", from: undefined },
    ]);
    const proj = files.find((f) => f.path === join(t.project, "CLAUDE.md"));
    expect(proj?.content).toBe("proj");
    expect(proj?.size).toBe(4);
  });

  test("folders below cwd are not loaded at startup", () => {
    const t = tree();
    t.write("work/proj/sub/CLAUDE.md", "sub");
    expect(ours(t, load(t).files)).toEqual([]);
  });

  test("a symlinked AGENTS.md and an identical copy are included once", () => {
    const t = tree();
    const claude = t.write("work/proj/CLAUDE.md", "same rules\n");
    symlinkSync(claude, join(t.project, "AGENTS.md"));
    t.write("work/CLAUDE.md", "outer\n");
    t.write("work/AGENTS.md", "outer\n");
    t.write("work/CLAUDE.local.md", "different\n");
    expect(ours(t, load(t).files).map((f) => f.path)).toEqual([
      "work/CLAUDE.md",
      "work/CLAUDE.local.md",
      "work/proj/CLAUDE.md",
    ]);
  });

  test("~/.claude/CLAUDE.md is not loaded twice when cwd is under HOME", () => {
    const t = tree();
    t.write("home/.claude/CLAUDE.md", "user");
    t.write("home/code/CLAUDE.md", "code");
    const files = ours(t, load(t, join(t.home, "code")).files);
    expect(files).toEqual([
      { path: "home/.claude/CLAUDE.md", scope: "user", from: undefined },
      { path: "home/code/CLAUDE.md", scope: "project", from: undefined },
    ]);
  });

  test("files over 4 MiB and non-files are skipped with a warning", () => {
    const t = tree();
    const big = t.write("work/proj/CLAUDE.md", "x".repeat(4 * 1024 * 1024 + 1));
    mkdirSync(join(t.project, "AGENTS.md"));
    t.write("work/proj/CLAUDE.local.md", "still loaded");
    const { files, warnings } = load(t);
    expect(ours(t, files).map((f) => f.path)).toEqual(["work/proj/CLAUDE.local.md"]);
    expect(warnings).toEqual([
      `${big} is 4194305 bytes, over the 4 MiB limit; skipped`,
      `${join(t.project, "AGENTS.md")} is not a regular file; skipped`,
    ]);
  });

  test("HTML block comments are stripped, inline and fenced ones kept", () => {
    const t = tree();
    t.write(
      "work/proj/CLAUDE.md",
      "keep 1\n<!-- hidden -->\nkeep 2\n<!-- multi\nline @gone.md\n-->\nkeep 3 <!-- inline -->\n```\n<!-- code -->\n```\n<!-- x --> tail",
    );
    const file = load(t).files.find((f) => f.path.endsWith(join("proj", "CLAUDE.md")));
    expect(file?.content).toBe("keep 1\nkeep 2\nkeep 3 <!-- inline -->\n```\n<!-- code -->\n```\n tail");
    expect(load(t).warnings).toEqual([]);
  });
});

describe("imports", () => {
  test("relative, absolute and ~/ imports follow their importer, depth first", () => {
    const t = tree();
    const abs = t.write("elsewhere/abs.md", "absolute");
    t.write("home/notes.md", "home notes");
    t.write("work/proj/docs/a.md", "A imports @../c.md.");
    t.write("work/proj/c.md", "C");
    t.write("work/proj/CLAUDE.md", `See @docs/a.md, then @${abs} and @~/notes.md\n`);
    t.write("work/proj/CLAUDE.local.md", "local");
    const { files, warnings } = load(t);
    expect(warnings).toEqual([]);
    expect(ours(t, files)).toEqual([
      { path: "work/proj/CLAUDE.md", scope: "project", from: undefined },
      { path: "work/proj/docs/a.md", scope: "import", from: "work/proj/CLAUDE.md" },
      { path: "work/proj/c.md", scope: "import", from: "work/proj/docs/a.md" },
      { path: "elsewhere/abs.md", scope: "import", from: "work/proj/CLAUDE.md" },
      { path: "home/notes.md", scope: "import", from: "work/proj/CLAUDE.md" },
      { path: "work/proj/CLAUDE.local.md", scope: "local", from: undefined },
    ]);
  });

  test("imports stop after 5 levels with a warning", () => {
    const t = tree();
    for (let i = 1; i <= 6; i++) t.write(`work/proj/f${i}.md`, i < 6 ? `@f${i + 1}.md` : "deepest");
    t.write("work/proj/CLAUDE.md", "@f1.md");
    const { files, warnings } = load(t);
    expect(ours(t, files).map((f) => f.path.split(sep).pop())).toEqual([
      "CLAUDE.md",
      "f1.md",
      "f2.md",
      "f3.md",
      "f4.md",
      "f5.md",
    ]);
    expect(warnings).toEqual([
      `${join(t.project, "f5.md")}:1: @f6.md not imported: more than 5 levels of imports`,
    ]);
  });

  test("a cycle is reported with its chain and not followed", () => {
    const t = tree();
    const a = t.write("work/proj/a.md", "@b.md");
    const b = t.write("work/proj/b.md", "first line\n@a.md");
    const claude = t.write("work/proj/CLAUDE.md", "@a.md\n@b.md");
    const { files, warnings } = load(t);
    expect(files.filter((f) => f.path.startsWith(t.root)).map((f) => f.path)).toEqual([claude, a, b]);
    expect(warnings).toEqual([`${b}:2: import cycle ${a} → ${b} → ${a}; not followed`]);
  });

  test("a missing import names the importing file and line", () => {
    const t = tree();
    const claude = t.write("work/proj/CLAUDE.md", "intro\n\nalso read @nope.md please");
    expect(load(t).warnings).toEqual([`${claude}:3: imported file @nope.md not found (${join(t.project, "nope.md")})`]);
  });

  test("tokens in code fences, code spans, comments and emails are not imports", () => {
    const text = [
      "mail me at someone@example.com",
      "```sh",
      "@fenced.md",
      "```",
      "~~~~",
      "@tilde.md",
      "```",
      "@still-fenced.md",
      "~~~~",
      "run `npm i @scope/pkg` or ``x @two.md ``",
      "<!-- @commented.md -->",
      "@real.md and (@paren.md) and @spaced\\ name.md",
    ].join("\n");
    expect(findImports(text)).toEqual([
      { token: "real.md", line: 12 },
      { token: "spaced name.md", line: 12 },
    ]);
  });

  test("a comment keeps line numbers when asked", () => {
    expect(stripBlockComments("<!--\na\n-->\nb", true)).toBe("\n\n\nb");
    expect(stripBlockComments("<!--\na\n-->\nb")).toBe("b");
    expect(stripBlockComments("<!-- never closed\nb")).toBe("<!-- never closed\nb");
  });
});

describe("renderInstructions", () => {
  test("a header, then one labelled section per non-empty file; same input, same bytes", () => {
    const t = tree();
    const user = t.write("home/.claude/CLAUDE.md", "Be terse.\n");
    const shared = t.write("work/proj/shared.md", "Shared rule.");
    const proj = t.write("work/proj/CLAUDE.md", "Use tabs. @shared.md\n\n");
    const local = t.write("work/proj/CLAUDE.local.md", "My notes");
    t.write("work/proj/AGENTS.md", "  \n");
    const files = load(t).files.filter((f) => f.path.startsWith(t.root));
    const text = renderInstructions(files);
    expect(text).toBe(renderInstructions(load(t).files.filter((f) => f.path.startsWith(t.root))));
    const sections = text.split("\n\nContents of ");
    expect(sections[0]).toContain("take precedence over your default behaviour");
    expect(text).not.toMatch(/may or may not be relevant/i);
    expect(sections.slice(1)).toEqual([
      `${user} (the user's own instructions, for all projects):\n\nBe terse.`,
      `${proj} (project instructions, checked into the codebase):\n\nUse tabs. @shared.md`,
      `${shared} (imported by ${proj}):\n\nShared rule.`,
      `${local} (the user's private instructions for this project, not checked in):\n\nMy notes`,
    ]);
    expect(renderInstructions([])).toBe("");
  });
});

describe("createInstructionTracker", () => {
  test("returns each subfolder's files once, outermost first, skipping loaded and outside files", () => {
    const t = tree();
    t.write("work/proj/CLAUDE.md", "top");
    const mid = t.write("work/proj/pkg/CLAUDE.md", "pkg rules @extra.md");
    const extra = t.write("work/proj/pkg/extra.md", "extra");
    const deep = t.write("work/proj/pkg/src/lib/AGENTS.md", "lib rules");
    const local = t.write("work/proj/pkg/src/lib/CLAUDE.local.md", "lib private");
    t.write("work/proj/pkg/src/lib/x.ts", "");
    t.write("work/other/CLAUDE.md", "outside");
    const initial = load(t);
    const tracker = createInstructionTracker(t.project, initial.files.map((f) => f.path), t.env);
    expect(tracker.onFileRead(join(t.project, "main.ts"))).toBeUndefined();
    expect(tracker.onFileRead(join(t.root, "work", "other", "a.ts"))).toBeUndefined();
    const text = tracker.onFileRead(join(t.project, "pkg", "src", "lib", "x.ts")) ?? "";
    const order = [mid, extra, deep, local].map((p) => text.indexOf(`Contents of ${p} (`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(text).toContain(`(project instructions for files in this folder):\n\nlib rules`);
    expect(text).toContain(`(the user's private instructions for this folder, not checked in):\n\nlib private`);
    expect(text).not.toContain("Contents of " + join(t.project, "CLAUDE.md"));
    expect(tracker.onFileRead(join(t.project, "pkg", "src", "lib", "y.ts"))).toBeUndefined();
    expect(tracker.onFileRead(join(t.project, "pkg", "z.ts"))).toBeUndefined();
  });

  test("a subfolder file already imported at startup is not sent again", () => {
    const t = tree();
    t.write("work/proj/CLAUDE.md", "@sub/CLAUDE.md");
    t.write("work/proj/sub/CLAUDE.md", "sub");
    const initial = load(t);
    const tracker = createInstructionTracker(t.project, initial.files.map((f) => f.path), t.env);
    expect(tracker.onFileRead(join(t.project, "sub", "a.ts"))).toBeUndefined();
  });

  test("Read appends new subfolder instructions once, inside a system-reminder", async () => {
    const h = harness();
    const env: Env = { HOME: join(h.dir, "home") };
    mkdirSync(join(h.dir, "sub"));
    writeFileSync(join(h.dir, "sub", "CLAUDE.md"), "Sub rule.");
    writeFileSync(join(h.dir, "sub", "a.txt"), "alpha\n");
    writeFileSync(join(h.dir, "sub", "b.txt"), "beta\n");
    writeFileSync(join(h.dir, "top.txt"), "top\n");
    h.state.instructions = createInstructionTracker(h.dir, [], env);
    expect((await h.call(readTool, { file_path: join(h.dir, "top.txt") })).text).toBe("1\ttop");
    const first = await h.call(readTool, { file_path: "sub/a.txt" });
    expect(first.isError).toBeUndefined();
    expect(first.text.startsWith("1\talpha\n\n<system-reminder>\n")).toBe(true);
    expect(first.text).toContain(`Contents of ${join(h.dir, "sub", "CLAUDE.md")} (`);
    expect(first.text.endsWith("Sub rule.\n</system-reminder>")).toBe(true);
    expect((await h.call(readTool, { file_path: join(h.dir, "sub", "b.txt") })).text).toBe("1\tbeta");
  });
});
