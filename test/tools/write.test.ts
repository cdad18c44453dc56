import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { readTool } from "../../src/tools/read.ts";
import { writeTool } from "../../src/tools/write.ts";
import { harness } from "../support/tool-harness.ts";

describe("Write", () => {
  test("creates a new file and its missing parent folders", async () => {
    const h = harness();
    const path = join(h.dir, "a", "b", "c", "new.txt");
    const r = await h.call(writeTool, { file_path: path, content: "hello\nworld\n" });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("Created");
    expect(readFileSync(path, "utf8")).toBe("hello\nworld\n");
    expect(r.structured).toEqual({
      type: "create",
      filePath: path,
      content: "hello\nworld\n",
      structuredPatch: [],
      originalFile: null,
    });
    expect(h.state.files.get(path)?.partial).toBe(false);
    // No temp files are left behind.
    expect(readdirSync(join(h.dir, "a", "b", "c"))).toEqual(["new.txt"]);
  });

  test("overwriting an unread file is refused and leaves it untouched", async () => {
    const h = harness();
    const path = join(h.dir, "x.txt");
    writeFileSync(path, "original");
    const r = await h.call(writeTool, { file_path: path, content: "new" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("has not been read yet");
    expect(readFileSync(path, "utf8")).toBe("original");
  });

  test("overwriting after a full read works and reports an update with a patch", async () => {
    const h = harness();
    const path = join(h.dir, "x.txt");
    writeFileSync(path, "one\ntwo\n");
    await h.call(readTool, { file_path: path });
    const r = await h.call(writeTool, { file_path: path, content: "one\nTWO\n" });
    expect(r.isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("one\nTWO\n");
    const s = r.structured as { type: string; originalFile: string; structuredPatch: Array<{ lines: string[] }> };
    expect(s.type).toBe("update");
    expect(s.originalFile).toBe("one\ntwo\n");
    expect(s.structuredPatch[0]?.lines).toEqual([" one", "-two", "+TWO"]);
    // The stamp was refreshed, so a second write needs no new read.
    const again = await h.call(writeTool, { file_path: path, content: "three\n" });
    expect(again.isError).toBeUndefined();
    expect(readFileSync(path, "utf8")).toBe("three\n");
  });

  test("a partial read is not enough to overwrite", async () => {
    const h = harness();
    const path = join(h.dir, "p.txt");
    writeFileSync(path, "1\n2\n3\n");
    await h.call(readTool, { file_path: path, offset: 2 });
    const before = readFileSync(path);
    const r = await h.call(writeTool, { file_path: path, content: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Only part of this file has been read");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("a file changed on disk since the read is refused", async () => {
    const h = harness();
    const path = join(h.dir, "m.txt");
    writeFileSync(path, "v1\n");
    await h.call(readTool, { file_path: path });
    writeFileSync(path, "v2\n"); // same size: only the mtime tells
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const r = await h.call(writeTool, { file_path: path, content: "mine\n" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("modified since it was last read");
    expect(readFileSync(path, "utf8")).toBe("v2\n");
  });

  test("keeps the mode of the file it replaces", async () => {
    const h = harness();
    const path = join(h.dir, "run.sh");
    writeFileSync(path, "#!/bin/sh\necho hi\n");
    chmodSync(path, 0o755);
    await h.call(readTool, { file_path: path });
    const r = await h.call(writeTool, { file_path: path, content: "#!/bin/sh\necho bye\n" });
    expect(r.isError).toBeUndefined();
    expect(statSync(path).mode & 0o777).toBe(0o755);
    // Group-write would be dropped by a typical umask (022) if the mode were not set explicitly.
    chmodSync(path, 0o775);
    await h.call(readTool, { file_path: path });
    await h.call(writeTool, { file_path: path, content: "#!/bin/sh\n" });
    expect(statSync(path).mode & 0o777).toBe(0o775);
  });

  test("keeps CRLF line endings and a BOM of the file it replaces", async () => {
    const h = harness();
    const path = join(h.dir, "win.txt");
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a\r\nb\r\n")]));
    await h.call(readTool, { file_path: path });
    await h.call(writeTool, { file_path: path, content: "x\ny\n" });
    expect(readFileSync(path)).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("x\r\ny\r\n")]));
  });

  test("writes through a symlink instead of replacing it", async () => {
    const h = harness();
    const real = join(h.dir, "real.txt");
    const link = join(h.dir, "link.txt");
    writeFileSync(real, "old\n");
    symlinkSync(real, link);
    await h.call(readTool, { file_path: link });
    const r = await h.call(writeTool, { file_path: link, content: "new\n" });
    expect(r.isError).toBeUndefined();
    expect(readFileSync(real, "utf8")).toBe("new\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test("a file created under a symlinked folder can be edited without a new read", async () => {
    const h = harness();
    mkdirSync(join(h.dir, "real"));
    symlinkSync(join(h.dir, "real"), join(h.dir, "link"));
    const path = join(h.dir, "link", "new", "f.txt");
    expect((await h.call(writeTool, { file_path: path, content: "a\n" })).isError).toBeUndefined();
    expect(h.state.files.get(join(h.dir, "real", "new", "f.txt"))?.partial).toBe(false);
    const again = await h.call(writeTool, { file_path: path, content: "b\n" });
    expect(again.isError).toBeUndefined();
    expect(readFileSync(join(h.dir, "real", "new", "f.txt"), "utf8")).toBe("b\n");
  });

  test("a directory path is refused", async () => {
    const h = harness();
    const r = await h.call(writeTool, { file_path: h.dir, content: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("is a directory");
  });
});
