import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ImageContent } from "../../src/tool.ts";
import { readTool } from "../../src/tools/read.ts";
import { harness } from "../support/tool-harness.ts";

const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

interface ReadStructured {
  type: string;
  file: { filePath: string; content: string; numLines: number; startLine: number; totalLines: number };
}

describe("Read", () => {
  test("numbers lines with number, tab, content and records a full stamp", async () => {
    const h = harness();
    const path = join(h.dir, "a.txt");
    writeFileSync(path, "alpha\n\tbeta\n\ngamma\n");
    const r = await h.call(readTool, { file_path: path });
    expect(r.isError).toBeUndefined();
    expect(r.text).toBe("1\talpha\n2\t\tbeta\n3\t\n4\tgamma");
    const s = r.structured as ReadStructured;
    expect(s.type).toBe("text");
    expect(s.file).toEqual({
      filePath: path,
      content: "alpha\n\tbeta\n\ngamma",
      numLines: 4,
      startLine: 1,
      totalLines: 4,
    });
    expect(h.state.files.get(path)?.partial).toBe(false);
  });

  test("CRLF line breaks are not shown as part of the line", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "w.txt"), "one\r\ntwo\r\n");
    const r = await h.call(readTool, { file_path: join(h.dir, "w.txt") });
    expect(r.text).toBe("1\tone\n2\ttwo");
  });

  test("offset and limit select lines and mark the stamp partial", async () => {
    const h = harness();
    const path = join(h.dir, "n.txt");
    writeFileSync(path, Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n"));
    const r = await h.call(readTool, { file_path: path, offset: 3, limit: 2 });
    expect(r.text.split("\n\n")[0]).toBe("3\tline 3\n4\tline 4");
    expect(r.text).toContain("Showing lines 3-4 of 10");
    expect(r.text).toContain("offset=5");
    expect((r.structured as ReadStructured).file.startLine).toBe(3);
    expect(h.state.files.get(path)?.partial).toBe(true);
  });

  test("a relative path and ~ are resolved", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "rel.txt"), "rel\n");
    expect((await h.call(readTool, { file_path: "rel.txt" })).text).toBe("1\trel");
    writeFileSync(join(homedir(), "home-file.txt"), "home\n");
    expect((await h.call(readTool, { file_path: "~/home-file.txt" })).text).toBe("1\thome");
  });

  test("lines over 2000 characters are cut and the cut is reported", async () => {
    const h = harness();
    const path = join(h.dir, "long.txt");
    writeFileSync(path, `short\n${"x".repeat(2500)}\nend\n`);
    const r = await h.call(readTool, { file_path: path });
    const lines = r.text.split("\n");
    expect(lines[1]).toBe(`2\t${"x".repeat(2000)}`);
    expect(lines[2]).toBe("3\tend");
    expect(r.text).toContain("Line 2 exceeded 2000 characters");
    expect(h.state.files.get(path)?.partial).toBe(true);
  });

  test("shows 2,000 lines by default", async () => {
    const h = harness();
    const path = join(h.dir, "big.txt");
    writeFileSync(path, Array.from({ length: 2500 }, (_, i) => `${i + 1}`).join("\n"));
    const r = await h.call(readTool, { file_path: path });
    const numbered = r.text.split("\n").filter((l) => /^\d+\t/.test(l));
    expect(numbered).toHaveLength(2000);
    expect(numbered[1999]).toBe("2000\t2000");
    expect(r.text).toContain("Showing lines 1-2000 of 2500");
    expect(r.text).toContain("offset=2001");
    expect(h.state.files.get(path)?.partial).toBe(true);
  });

  test("a limit above 2,000 lines is still capped by the shared output limit", async () => {
    const h = harness();
    const path = join(h.dir, "big.txt");
    writeFileSync(path, Array.from({ length: 2500 }, (_, i) => `${i + 1}`).join("\n"));
    const r = await h.call(readTool, { file_path: path, limit: 3000 });
    expect(r.text.split("\n").filter((l) => /^\d+\t/.test(l))).toHaveLength(2000);
    expect(r.text).toContain("showing lines 1-2000 of 2500");
  });

  test("output over 50,000 characters is capped with a notice naming the lines shown", async () => {
    const h = harness();
    const path = join(h.dir, "wide.txt");
    writeFileSync(path, Array.from({ length: 1000 }, () => "y".repeat(199)).join("\n"));
    const r = await h.call(readTool, { file_path: path });
    expect(r.text.length).toBeLessThan(50_500);
    const shown = r.text.split("\n").filter((l) => /^\d+\t/.test(l)).length;
    expect(shown).toBeLessThan(1000);
    expect(r.text).toContain(
      `Output limit reached (2000 lines or 50,000 characters): showing lines 1-${shown} of 1000`,
    );
    expect(r.text).toContain(`offset=${shown + 1}`);
    expect((r.structured as ReadStructured).file.numLines).toBe(shown);
  });

  test("binary files are refused (NUL bytes or a known extension)", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "data.bin2"), Buffer.from([0x41, 0x00, 0x42]));
    writeFileSync(join(h.dir, "a.zip"), "PK not really");
    for (const name of ["data.bin2", "a.zip"]) {
      const r = await h.call(readTool, { file_path: join(h.dir, name) });
      expect(r.isError).toBe(true);
      expect(r.text).toContain("binary file");
    }
    expect(h.state.files.size).toBe(0);
  });

  test("a PNG is returned as an image block", async () => {
    const h = harness();
    const path = join(h.dir, "dot.png");
    writeFileSync(path, Buffer.from(PNG_1X1, "base64"));
    const r = await h.call(readTool, { file_path: path });
    expect(r.isError).toBeUndefined();
    expect(Array.isArray(r.content)).toBe(true);
    const block = (r.content as ImageContent[])[0];
    expect(block?.type).toBe("image");
    expect(block?.source.media_type).toBe("image/png");
    expect(block?.source.data).toBe(PNG_1X1);
    expect(h.state.files.get(path)?.partial).toBe(false);
  });

  test("the media type comes from the bytes, and non-images or huge images are refused", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "actually-png.jpg"), Buffer.from(PNG_1X1, "base64"));
    const r = await h.call(readTool, { file_path: join(h.dir, "actually-png.jpg") });
    expect((r.content as ImageContent[])[0]?.source.media_type).toBe("image/png");
    writeFileSync(join(h.dir, "fake.png"), "not an image");
    const fake = await h.call(readTool, { file_path: join(h.dir, "fake.png") });
    expect(fake.isError).toBe(true);
    expect(fake.text).toContain("not a valid");
    const huge = Buffer.alloc(5 * 1024 * 1024 + 1);
    Buffer.from(PNG_1X1, "base64").copy(huge);
    writeFileSync(join(h.dir, "huge.png"), huge);
    const big = await h.call(readTool, { file_path: join(h.dir, "huge.png") });
    expect(big.isError).toBe(true);
    expect(big.text).toContain("5 MB");
  });

  test("a missing file suggests near-miss names", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "README.md"), "x");
    writeFileSync(join(h.dir, "server.ts"), "x");
    writeFileSync(join(h.dir, "unrelated.txt"), "x");
    const r = await h.call(readTool, { file_path: join(h.dir, "readme.md") });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("File does not exist");
    expect(r.text).toContain(join(h.dir, "README.md"));
    const ext = await h.call(readTool, { file_path: "server.js" });
    expect(ext.text).toContain(join(h.dir, "server.ts"));
    expect(ext.text).toContain(`project directory ${h.dir}`);
    expect(ext.text).not.toContain("unrelated.txt");
    const typo = await h.call(readTool, { file_path: join(h.dir, "sevrer.ts") });
    expect(typo.text).toContain(join(h.dir, "server.ts"));
    const noDir = await h.call(readTool, { file_path: join(h.dir, "nope", "x.ts") });
    expect(noDir.text).toContain("does not exist either");
  });

  test("an empty file gives a notice", async () => {
    const h = harness();
    const path = join(h.dir, "empty.txt");
    writeFileSync(path, "");
    const r = await h.call(readTool, { file_path: path });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("exists but is empty");
    expect(h.state.files.get(path)?.partial).toBe(false);
  });

  test("an offset past the end reports the line count", async () => {
    const h = harness();
    const path = join(h.dir, "three.txt");
    writeFileSync(path, "a\nb\nc\n");
    const r = await h.call(readTool, { file_path: path, offset: 10 });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("has 3 lines");
    expect(r.text).toContain("offset 10");
    expect(h.state.files.has(path)).toBe(false);
  });

  test("a directory is refused with a pointer to Glob or ls", async () => {
    const h = harness();
    mkdirSync(join(h.dir, "sub"));
    const r = await h.call(readTool, { file_path: join(h.dir, "sub") });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("is a directory");
    expect(r.text).toContain("Glob");
  });

  test("a partial re-read of an unchanged, fully read file keeps the full stamp", async () => {
    const h = harness();
    const path = join(h.dir, "f.txt");
    writeFileSync(path, "1\n2\n3\n");
    await h.call(readTool, { file_path: path });
    await h.call(readTool, { file_path: path, offset: 2, limit: 1 });
    expect(h.state.files.get(path)?.partial).toBe(false);
  });
});
