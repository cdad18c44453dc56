import { describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { editTool } from "../../src/tools/edit.ts";
import { readTool } from "../../src/tools/read.ts";
import { harness, type Harness } from "../support/tool-harness.ts";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function readFirst(content: string | Buffer, name = "f.txt"): Promise<{ h: Harness; path: string }> {
  const h = harness();
  const path = join(h.dir, name);
  writeFileSync(path, content);
  const r = await h.call(readTool, { file_path: path });
  expect(r.isError).toBeUndefined();
  return { h, path };
}

async function edit(h: Harness, path: string, old_string: string, new_string: string, replace_all?: boolean) {
  return h.call(editTool, {
    file_path: path,
    old_string,
    new_string,
    ...(replace_all === undefined ? {} : { replace_all }),
  });
}

/** The edit must fail with `message` and leave every byte of the file as it was. */
async function expectRefused(h: Harness, path: string, input: Record<string, unknown>, message: string) {
  const before = readFileSync(path);
  const r = await h.call(editTool, { file_path: path, ...input });
  expect(r.isError).toBe(true);
  expect(r.text).toContain(message);
  expect(readFileSync(path).equals(before)).toBe(true);
  return r;
}

describe("Edit: line endings and BOM", () => {
  test("LF file, LF strings", async () => {
    const { h, path } = await readFirst("a\nb\nc\n");
    const r = await edit(h, path, "b\nc", "B\nC\nD");
    expect(r.isError).toBeUndefined();
    expect(r.text).toBe(`The file ${path} has been updated.`);
    expect(readFileSync(path, "utf8")).toBe("a\nB\nC\nD\n");
  });

  test("CRLF file, LF strings: matched in LF form, written back with CRLF", async () => {
    const { h, path } = await readFirst("a\r\nb\r\nc\r\n");
    const r = await edit(h, path, "a\nb", "x\ny\nz");
    expect(r.isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("x\r\ny\r\nz\r\nc\r\n");
  });

  test("CRLF file, CRLF strings", async () => {
    const { h, path } = await readFirst("a\r\nb\r\nc\r\n");
    await edit(h, path, "b\r\nc", "B\r\nC");
    expect(readFileSync(path, "utf8")).toBe("a\r\nB\r\nC\r\n");
  });

  test("mixed file: every untouched byte is kept, new lines follow the replaced region", async () => {
    const { h, path } = await readFirst("one\r\ntwo\nthree\r\nfour\nfive\r\n");
    await edit(h, path, "three", "THREE");
    expect(readFileSync(path, "utf8")).toBe("one\r\ntwo\nTHREE\r\nfour\nfive\r\n");
    await edit(h, path, "two\nTHREE", "2\n3\n3b");
    expect(readFileSync(path, "utf8")).toBe("one\r\n2\n3\n3b\r\nfour\nfive\r\n");
    await edit(h, path, "four\nfive", "4\r\n5");
    expect(readFileSync(path, "utf8")).toBe("one\r\n2\n3\n3b\r\n4\n5\r\n");
  });

  test("a UTF-8 BOM is kept", async () => {
    const { h, path } = await readFirst(Buffer.concat([BOM, Buffer.from("héllo\r\nworld\r\n")]));
    await edit(h, path, "world", "wörld");
    expect(readFileSync(path)).toEqual(Buffer.concat([BOM, Buffer.from("héllo\r\nwörld\r\n")]));
  });

  test("a Latin-1 file keeps its bytes", async () => {
    const { h, path } = await readFirst(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x78, 0x0a]));
    await edit(h, path, "x", "y");
    expect(readFileSync(path)).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x79, 0x0a]));
    await expectRefused(h, path, { old_string: "y", new_string: "\u2603" }, "not UTF-8");
  });
});

describe("Edit: matching", () => {
  test("several exact matches need replace_all; replace_all reports the count", async () => {
    const { h, path } = await readFirst("foo();\nbar();\nfoo();\nfoo();\n");
    const r = await expectRefused(h, path, { old_string: "foo();", new_string: "baz();" }, "Found 3 matches");
    expect(r.text).toContain("replace_all");
    const ok = await edit(h, path, "foo();", "baz();", true);
    expect(ok.text).toBe(`The file ${path} has been updated. (3 replacements)`);
    expect(readFileSync(path, "utf8")).toBe("baz();\nbar();\nbaz();\nbaz();\n");
    expect((ok.structured as { replaceAll: boolean }).replaceAll).toBe(true);
  });

  test("level 1 trailing whitespace: only the matched span changes", async () => {
    const { h, path } = await readFirst("keep  \nalpha   \nbeta \nkeep2\t\n");
    const r = await edit(h, path, "alpha\nbeta", "ALPHA\nBETA");
    expect(r.text).toContain("ignoring trailing whitespace");
    expect(readFileSync(path, "utf8")).toBe("keep  \nALPHA\nBETA\nkeep2\t\n");
  });

  test("level 2 Unicode: smart quotes in the file match ASCII in old_string", async () => {
    const { h, path } = await readFirst("print(\u201chi\u201d)  # it\u2019s \u2013 fine\nnext\n");
    const r = await edit(h, path, 'print("hi")', 'print("bye")');
    expect(r.text).toContain("normalising Unicode");
    expect(readFileSync(path, "utf8")).toBe('print("bye")  # it\u2019s \u2013 fine\nnext\n');
  });

  test("level 4 indentation: new_string is re-indented to the file", async () => {
    const { h, path } = await readFirst("def f():\n    if x:\n        go()\n    return 1\n");
    const r = await edit(h, path, "if x:\n    go()", "if x:\n    stop()\n    go()");
    expect(r.text).toContain("indentation");
    expect(readFileSync(path, "utf8")).toBe("def f():\n    if x:\n        stop()\n        go()\n    return 1\n");
  });

  test("level 3 trimmed lines", async () => {
    const { h, path } = await readFirst("a = 1\n\tb = 2\nc = 3\n");
    const r = await edit(h, path, "  a = 1\n b = 2", "a = 10\n\tb = 20");
    expect(r.text).toContain("ignoring leading and trailing whitespace");
    expect(readFileSync(path, "utf8")).toBe("a = 10\n\tb = 20\nc = 3\n");
  });

  test("level 5 inner whitespace", async () => {
    const { h, path } = await readFirst("x  =   compute( a,\tb )\ny = 2\n");
    const r = await edit(h, path, "x = compute( a, b )", "x = compute(a, b, c)");
    expect(r.text).toContain("runs of spaces and tabs");
    expect(readFileSync(path, "utf8")).toBe("x = compute(a, b, c)\ny = 2\n");
  });

  test("ambiguity at a fuzzy level is refused unless replace_all", async () => {
    const { h, path } = await readFirst("item  \nval\nitem\t\nval\n");
    const r = await expectRefused(h, path, { old_string: "item\nval", new_string: "x" }, "Found 2 matches");
    expect(r.text).toContain("ignoring trailing whitespace");
    const ok = await edit(h, path, "item\nval", "x", true);
    expect(ok.text).toContain("(2 replacements)");
    expect(readFileSync(path, "utf8")).toBe("x\nx\n");
  });

  test("a loose match far longer than old_string is refused", async () => {
    const { h, path } = await readFirst(`a${" ".repeat(200)}b\n`);
    await expectRefused(h, path, { old_string: "a b", new_string: "c" }, "far more than old_string");
  });

  test("not found: the message quotes old_string and shows the closest region", async () => {
    const { h, path } = await readFirst("import os\n\ndef total(items):\n    return sum(items)\n\nprint(1)\n");
    const r = await expectRefused(
      h,
      path,
      { old_string: "def total(things):\n    return sum(things)", new_string: "x" },
      "String to replace not found in file.\nString: def total(things):",
    );
    expect(r.text).toContain("3\tdef total(items):\n4\t    return sum(items)");
  });

  test("not found: Read's line-number prefixes in old_string are pointed out", async () => {
    const { h, path } = await readFirst("alpha\nbeta\n");
    const r = await expectRefused(h, path, { old_string: "1\talpha\n2\tbeta", new_string: "x" }, "not found");
    expect(r.text).toContain("line-number prefixes");
  });

  test("old_string equal to new_string is refused", async () => {
    const { h, path } = await readFirst("same\n");
    await expectRefused(h, path, { old_string: "same", new_string: "same" }, "No changes to make");
  });

  test("structured result carries the patch", async () => {
    const { h, path } = await readFirst("a\nb\nc\n");
    const r = await edit(h, path, "b", "B");
    expect(r.structured).toEqual({
      filePath: path,
      oldString: "b",
      newString: "B",
      originalFile: "a\nb\nc\n",
      structuredPatch: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: [" a", "-b", "+B", " c"] }],
      userModified: false,
      replaceAll: false,
    });
  });
});

describe("Edit: read-before-edit and files", () => {
  test("an unread file is refused", async () => {
    const h = harness();
    const path = join(h.dir, "u.txt");
    writeFileSync(path, "text\n");
    await expectRefused(h, path, { old_string: "text", new_string: "t" }, "has not been read yet");
  });

  test("a file changed since the read is refused", async () => {
    const { h, path } = await readFirst("v1\n");
    writeFileSync(path, "v2\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    await expectRefused(h, path, { old_string: "v2", new_string: "v3" }, "modified since it was last read");
  });

  test("a partial read is enough, and the stamp is refreshed after editing", async () => {
    const h = harness();
    const path = join(h.dir, "p.txt");
    writeFileSync(path, "1\n2\n3\n4\n");
    await h.call(readTool, { file_path: path, offset: 2, limit: 1 });
    expect((await edit(h, path, "2", "two")).isError).toBeUndefined();
    expect((await edit(h, path, "two", "TWO")).isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("1\nTWO\n3\n4\n");
    expect(h.state.files.get(path)?.partial).toBe(true);
  });

  test("empty old_string creates a missing file (with folders)", async () => {
    const h = harness();
    const path = join(h.dir, "new", "dir", "file.txt");
    const r = await edit(h, path, "", "fresh\n");
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("Created");
    expect(readFileSync(path, "utf8")).toBe("fresh\n");
    // Created files are stamped, so they can be edited right away.
    expect((await edit(h, path, "fresh", "fresher")).isError).toBeUndefined();
  });

  test("empty old_string on a non-empty file is refused; on an empty file it writes", async () => {
    const { h, path } = await readFirst("content\n");
    await expectRefused(h, path, { old_string: "", new_string: "x" }, "old_string is empty");
    const empty = await readFirst("", "empty.txt");
    const r = await edit(empty.h, empty.path, "", "filled\n");
    expect(r.isError).toBeUndefined();
    expect(readFileSync(empty.path, "utf8")).toBe("filled\n");
  });

  test("a missing file without empty old_string gets near-miss suggestions", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "config.json"), "{}");
    const r = await edit(h, join(h.dir, "config.jsn"), "a", "b");
    expect(r.isError).toBe(true);
    expect(r.text).toContain(join(h.dir, "config.json"));
  });

  test("the file mode is kept", async () => {
    const { h, path } = await readFirst("#!/bin/sh\necho a\n", "run.sh");
    chmodSync(path, 0o755);
    await h.call(readTool, { file_path: path });
    await edit(h, path, "echo a", "echo b");
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(readFileSync(path, "utf8")).toBe("#!/bin/sh\necho b\n");
  });

  test("binary files are refused", async () => {
    const h = harness();
    const path = join(h.dir, "b.dat");
    writeFileSync(path, Buffer.from([0x61, 0, 0x62]));
    h.state.files.set(path, { mtimeMs: statSync(path).mtimeMs, size: 3, partial: false });
    await expectRefused(h, path, { old_string: "a", new_string: "c" }, "binary file");
  });
});
