import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  clipboardCommands,
  droppedPath,
  imageBlock,
  imageFromPath,
  isImageError,
  processRunner,
  readClipboardImage,
  type CommandRunner,
  type PastedImage,
} from "../src/image-paste.ts";

// Enough of a PNG for format sniffing: the signature and a little more.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const PNG_B64 = Buffer.from(PNG).toString("base64");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hone-image-"));
}

describe("imageFromPath", () => {
  test("a dropped path with backslash-escaped spaces reads the image", () => {
    const dir = tempDir();
    const file = join(dir, "Screen Shot (1).png");
    writeFileSync(file, PNG);
    const typed = file.replace(/([ ()])/g, "\\$1");
    const result = imageFromPath(`${typed} `, "/", {});
    expect(result).toEqual({ path: file, mediaType: "image/png", data: PNG_B64 });
  });

  test("quoted paths, file:// URLs, relative paths and ~ are understood", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "pics dir"));
    const file = join(dir, "pics dir", "shot.JPG");
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]);
    writeFileSync(file, jpeg);
    const expected: PastedImage = { path: file, mediaType: "image/jpeg", data: Buffer.from(jpeg).toString("base64") };
    expect(imageFromPath(`'${file}'`, "/")).toEqual(expected);
    expect(imageFromPath(`"${file}"`, "/")).toEqual(expected);
    expect(imageFromPath(pathToFileURL(file).href, "/")).toEqual(expected);
    expect(imageFromPath("pics\\ dir/shot.JPG", dir)).toEqual(expected);
    expect(imageFromPath("~/pics\\ dir/shot.JPG", "/", { home: dir })).toEqual(expected);
  });

  test("text that is not a single existing image path is left alone", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "hello");
    writeFileSync(join(dir, "a.png"), PNG);
    expect(imageFromPath("notes.txt", dir)).toBeUndefined();
    expect(imageFromPath("missing.png", dir)).toBeUndefined();
    expect(imageFromPath("look at a.png please", dir)).toBeUndefined();
    expect(imageFromPath(`a.png\na.png`, dir)).toBeUndefined();
    expect(imageFromPath(`"a.png`, dir)).toBeUndefined();
    expect(imageFromPath("", dir)).toBeUndefined();
    expect(droppedPath("a\\ b.png", "/x")).toBe("/x/a b.png");
  });

  test("an image over the size cap, or a fake one, is a clear error value", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "big.png"), new Uint8Array(2048).fill(7));
    const big = imageFromPath("big.png", dir, { maxBytes: 1024 });
    expect(big && isImageError(big) ? big.error : "").toContain("larger than the 0 MB limit");
    writeFileSync(join(dir, "fake.webp"), "not an image at all");
    const fake = imageFromPath("fake.webp", dir);
    expect(fake).toEqual({ path: join(dir, "fake.webp"), error: `${join(dir, "fake.webp")} is not a valid PNG, JPEG, GIF or WebP image.` });
  });

  test("imageBlock gives the Messages API image block", () => {
    const image: PastedImage = { mediaType: "image/png", data: PNG_B64 };
    expect(imageBlock(image)).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG_B64 } });
  });
});

/** A runner that only finds programs in `bin` (a real process is started). */
function runnerIn(bin: string): CommandRunner {
  const real = processRunner({ timeoutMs: 10_000 });
  return (command, args) => real(join(bin, command), args);
}

function script(bin: string, name: string, body: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

describe("readClipboardImage", () => {
  test("no clipboard tool installed: undefined, no exception", async () => {
    const bin = tempDir();
    expect(await readClipboardImage(runnerIn(bin), { platform: "linux" })).toBeUndefined();
    expect(await readClipboardImage(runnerIn(bin), { platform: "darwin" })).toBeUndefined();
    // A runner that throws is treated like a missing tool.
    const throwing: CommandRunner = () => Promise.reject(new Error("boom"));
    expect(await readClipboardImage(throwing, { platform: "linux" })).toBeUndefined();
  });

  test("falls through a tool with no image to the next one", async () => {
    const bin = tempDir();
    const png = join(bin, "clip.png");
    writeFileSync(png, PNG);
    script(bin, "wl-paste", `echo "No suitable type of content copied" >&2; exit 1`);
    script(bin, "xclip", `[ "$5" = "-o" ] && [ "$4" = "image/png" ] && cat "${png}"`);
    expect(await readClipboardImage(runnerIn(bin), { platform: "linux" })).toEqual({ mediaType: "image/png", data: PNG_B64 });
  });

  test("clipboard text that is not an image gives undefined", async () => {
    const bin = tempDir();
    script(bin, "wl-paste", `printf 'just some text'`);
    expect(await readClipboardImage(runnerIn(bin), { platform: "linux" })).toBeUndefined();
  });

  test("a too-large clipboard image is an error value", async () => {
    const bin = tempDir();
    script(bin, "pngpaste", `head -c 5000 /dev/zero`);
    const result = await readClipboardImage(runnerIn(bin), { platform: "darwin", maxBytes: 1000 });
    expect(result && isImageError(result) ? result.error : "").toContain("The clipboard image is larger than");
  });

  test("the commands tried per platform", () => {
    expect(clipboardCommands("linux").map((c) => c.command)).toEqual(["wl-paste", "xclip"]);
    expect(clipboardCommands("darwin")).toEqual([{ command: "pngpaste", args: ["-"] }]);
  });
});
