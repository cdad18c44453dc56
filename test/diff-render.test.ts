import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { structuredPatch } from "diff";
import { stripAnsi, visibleWidth } from "../src/ansi-text.ts";
import { renderHunks, renderNewFile, type Hunk } from "../src/diff-render.ts";
import { editTool } from "../src/tools/edit.ts";
import { multiEditTool } from "../src/tools/multi-edit.ts";
import { readTool } from "../src/tools/read.ts";
import { writeTool } from "../src/tools/write.ts";
import { harness } from "./support/tool-harness.ts";

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

function hunksOf(before: string, after: string): Hunk[] {
  return structuredPatch("f", "f", before, after, undefined, undefined, { context: 2 }).hunks;
}

function patchOf(structured: unknown): Hunk[] {
  const patch = (structured as { structuredPatch?: Hunk[] } | undefined)?.structuredPatch;
  if (!patch) throw new Error("no structuredPatch in the result");
  return patch;
}

describe("renderHunks", () => {
  test("old and new line numbers in the gutter, signs for removed and added lines", () => {
    const before = numbered(10);
    const after = before.replace("line 5\n", "line five\nline 5b\n");
    expect(renderHunks(hunksOf(before, after), { width: 40, color: false })).toEqual([
      "3 3   line 3",
      "4 4   line 4",
      "5   - line 5",
      "  5 + line five",
      "  6 + line 5b",
      "6 7   line 6",
      "7 8   line 7",
    ]);
  });

  test("removed rows red, added green, context and numbers dim; no escapes without colour", () => {
    const hunks = hunksOf("a\nb\nc\n", "a\nB\nc\n");
    const rows = renderHunks(hunks, { width: 40, color: true });
    expect(rows.find((r) => stripAnsi(r).includes("- b"))).toContain("\x1b[31m");
    expect(rows.find((r) => stripAnsi(r).includes("+ B"))).toContain("\x1b[32m");
    expect(rows[0]?.startsWith("\x1b[2m")).toBe(true);
    expect(renderHunks(hunks, { width: 40, color: false }).join("")).not.toContain("\x1b");
  });

  test("separate hunks are divided by a ⋮ row and numbers line up to the widest", () => {
    const before = numbered(120);
    const after = before.replace("line 3\n", "line three\n").replace("line 110\n", "");
    const rows = renderHunks(hunksOf(before, after), { width: 40, color: false });
    expect(rows).toContain("          ⋮");
    expect(rows).toContain("  3     - line 3");
    expect(rows).toContain("      3 + line three");
    expect(rows).toContain("110     - line 110");
  });

  test("long lines wrap under the gutter and no row is wider than the width", () => {
    const hunks = hunksOf("short\n", `${"漢字".repeat(30)} and a long ascii tail\tafter a tab\n`);
    for (const width of [12, 20, 33, 80]) {
      const rows = renderHunks(hunks, { width, color: true });
      for (const row of rows) expect(visibleWidth(row)).toBeLessThanOrEqual(width);
    }
    const rows = renderHunks(hunks, { width: 30, color: false });
    // Continuation rows leave the gutter blank.
    expect(rows[1]?.startsWith("  1 + 漢字")).toBe(true);
    expect(rows[2]?.startsWith("      ")).toBe(true);
    expect(rows.join("")).not.toContain("\t");
  });

  test("cut at maxLines with a count of the diff lines left out", () => {
    const before = numbered(50);
    const after = before.replace(/line (\d+)/g, "row $1");
    const rows = renderHunks(hunksOf(before, after), { width: 40, color: false, maxLines: 10 });
    expect(rows.length).toBe(10);
    expect(rows.at(-1)).toBe("… 91 more lines");
    expect(renderHunks(hunksOf(before, after), { width: 40, color: false }).length).toBe(100);
  });

  test("the no-newline marker is shown as a note, and no hunks give no rows", () => {
    const rows = renderHunks(hunksOf("a\nb", "a\nc"), { width: 50, color: false });
    expect(rows.some((r) => r.includes("No newline at end of file"))).toBe(true);
    expect(renderHunks([], { width: 40, color: false })).toEqual([]);
  });

  test("hunks from Edit and MultiEdit results render as the change they made", async () => {
    const h = harness();
    const path = join(h.dir, "app.ts");
    writeFileSync(path, "const a = 1;\nconst b = 2;\nconst c = 3;\n");
    await h.call(readTool, { file_path: path });
    const edit = await h.call(editTool, { file_path: path, old_string: "const b = 2;", new_string: "const b = 20;" });
    expect(renderHunks(patchOf(edit.structured), { width: 40, color: false })).toEqual([
      "1 1   const a = 1;",
      "2   - const b = 2;",
      "  2 + const b = 20;",
      "3 3   const c = 3;",
    ]);
    const multi = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "const a = 1;", new_string: "let a = 1;" },
        { old_string: "const c = 3;", new_string: "let c = 3;" },
      ],
    });
    const rows = renderHunks(patchOf(multi.structured), { width: 40, color: false });
    expect(rows.filter((r) => r.includes(" - "))).toEqual(["1   - const a = 1;", "3   - const c = 3;"]);
    expect(rows.filter((r) => r.includes(" + "))).toEqual(["  1 + let a = 1;", "  3 + let c = 3;"]);
  });
});

describe("renderNewFile", () => {
  test("a created file shows its first lines as added, numbered from 1, with the rest counted", async () => {
    const h = harness();
    const path = join(h.dir, "new.txt");
    const content = numbered(30);
    const write = await h.call(writeTool, { file_path: path, content });
    // Write reports no hunks for a new file: its content is what the caller draws.
    expect(patchOf(write.structured)).toEqual([]);
    const rows = renderNewFile((write.structured as { content: string }).content, { width: 40, color: false, maxLines: 5 });
    expect(rows).toEqual([" 1 + line 1", " 2 + line 2", " 3 + line 3", " 4 + line 4", "… 26 more lines"]);
  });

  test("whole small files, colour, width, and empty content", () => {
    expect(renderNewFile("x\ny", { width: 20, color: false })).toEqual(["1 + x", "2 + y"]);
    expect(renderNewFile("x\n", { width: 20, color: true })[0]).toContain("\x1b[32m");
    expect(renderNewFile("", { width: 20, color: false })).toEqual([]);
    for (const row of renderNewFile("y".repeat(500), { width: 25, color: true })) expect(visibleWidth(row)).toBeLessThanOrEqual(25);
  });

  test("a huge file only has its shown lines split out and still counts the rest", () => {
    const rows = renderNewFile(numbered(200_000), { width: 40, color: false, maxLines: 3 });
    expect(rows).toEqual(["     1 + line 1", "     2 + line 2", "… 199998 more lines"]);
  });
});
