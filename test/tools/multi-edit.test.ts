import { describe, expect, test } from "bun:test";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { multiEditTool } from "../../src/tools/multi-edit.ts";
import { readTool } from "../../src/tools/read.ts";
import { harness, type Harness } from "../support/tool-harness.ts";

async function readFirst(content: string): Promise<{ h: Harness; path: string }> {
  const h = harness();
  const path = join(h.dir, "m.ts");
  writeFileSync(path, content);
  await h.call(readTool, { file_path: path });
  return { h, path };
}

describe("MultiEdit", () => {
  test("applies edits in order, each seeing the previous result", async () => {
    const { h, path } = await readFirst("let a = 1;\nlet b = a;\n");
    const r = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "let a = 1;", new_string: "let alpha = 1;" },
        { old_string: "let alpha = 1;\nlet b = a;", new_string: "let alpha = 1;\nlet b = alpha;" },
        { old_string: "let", new_string: "const", replace_all: true },
      ],
    });
    expect(r.isError).toBeUndefined();
    expect(r.text).toBe(`Updated ${path}: applied 3 edits (4 replacements).`);
    expect(readFileSync(path, "utf8")).toBe("const alpha = 1;\nconst b = alpha;\n");
    const s = r.structured as { originalFile: string; structuredPatch: unknown[]; userModified: boolean };
    expect(s.originalFile).toBe("let a = 1;\nlet b = a;\n");
    expect(s.structuredPatch).toHaveLength(1);
    expect(s.userModified).toBe(false);
  });

  test("all or nothing: a failing edit leaves the file untouched and is named by index", async () => {
    const { h, path } = await readFirst("one\ntwo\nthree\n");
    const before = readFileSync(path);
    const r = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "one", new_string: "1" },
        { old_string: "two", new_string: "2" },
        { old_string: "missing", new_string: "x" },
      ],
    });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Edit 3 of 3 failed");
    expect(r.text).toContain("String to replace not found in file.");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("an ambiguous edit in the middle also leaves the file untouched", async () => {
    const { h, path } = await readFirst("x\nx\ny\n");
    const before = readFileSync(path);
    const r = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "y", new_string: "z" },
        { old_string: "x", new_string: "w" },
      ],
    });
    expect(r.text).toContain("Edit 2 of 2 failed");
    expect(r.text).toContain("Found 2 matches");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("read-before-edit and unchanged-since-read are enforced", async () => {
    const h = harness();
    const path = join(h.dir, "u.txt");
    writeFileSync(path, "a\n");
    const unread = await h.call(multiEditTool, { file_path: path, edits: [{ old_string: "a", new_string: "b" }] });
    expect(unread.isError).toBe(true);
    expect(unread.text).toContain("has not been read yet");
    await h.call(readTool, { file_path: path });
    writeFileSync(path, "c\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const stale = await h.call(multiEditTool, { file_path: path, edits: [{ old_string: "c", new_string: "d" }] });
    expect(stale.text).toContain("modified since it was last read");
    expect(readFileSync(path, "utf8")).toBe("c\n");
  });

  test("a first edit with empty old_string creates a new file", async () => {
    const h = harness();
    const path = join(h.dir, "sub", "n.txt");
    const r = await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "", new_string: "hello world\n" },
        { old_string: "world", new_string: "there" },
      ],
    });
    expect(r.isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("hello there\n");
  });

  test("keeps CRLF endings across several edits", async () => {
    const { h, path } = await readFirst("a\r\nb\r\nc\r\n");
    await h.call(multiEditTool, {
      file_path: path,
      edits: [
        { old_string: "a\nb", new_string: "A\nB" },
        { old_string: "c", new_string: "C\nD" },
      ],
    });
    expect(readFileSync(path, "utf8")).toBe("A\r\nB\r\nC\r\nD\r\n");
  });

  test("at least one edit is required", async () => {
    const { h, path } = await readFirst("a\n");
    const r = await h.call(multiEditTool, { file_path: path, edits: [] });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("InputValidationError");
  });
});
