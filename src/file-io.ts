// File plumbing shared by Read, Write, Edit and MultiEdit: decoding text while remembering how to
// write it back byte-for-byte (BOM, encoding, line endings), binary and image detection, atomic writes
// that keep the file's mode, and the read stamps that enforce read-before-write.
import { Buffer } from "node:buffer";
import { realpathSync, type Stats } from "node:fs";
import { mkdir, open, readFile, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { structuredPatch } from "diff";
import type { FileStamp } from "./session-state.ts";
import { ToolError, type ImageContent, type ToolContext } from "./tool.ts";
import { missingFileMessage, resolveToolPath } from "./paths.ts";

export type TextEncoding = "utf8" | "utf16le" | "latin1";
export type LineEnding = "lf" | "crlf" | "mixed" | "none";

export interface DecodedText {
  /** The text without BOM, line endings exactly as in the file. */
  text: string;
  encoding: TextEncoding;
  bom: boolean;
  eol: LineEnding;
}

export function detectLineEnding(text: string): LineEnding {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  if (crlf === 0 && lf === 0) return "none";
  if (crlf === 0) return "lf";
  return lf === 0 ? "crlf" : "mixed";
}

export function decodeText(bytes: Uint8Array): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text: string;
  let encoding: TextEncoding = "utf8";
  let bom = false;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    bom = true;
    text = buf.subarray(3).toString("utf8");
  } else if (buf[0] === 0xff && buf[1] === 0xfe) {
    bom = true;
    encoding = "utf16le";
    text = buf.subarray(2).toString("utf16le");
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
    } catch {
      // Not UTF-8: latin1 maps every byte to one character, so untouched bytes survive a rewrite.
      encoding = "latin1";
      text = buf.toString("latin1");
    }
  }
  return { text, encoding, bom, eol: detectLineEnding(text) };
}

export function encodeText(text: string, encoding: TextEncoding, bom: boolean): Uint8Array {
  if (encoding === "latin1" && /[^\x00-\xff]/.test(text)) {
    // Converting to UTF-8 would silently rewrite every non-ASCII byte already in the file.
    throw new ToolError(
      "This file is not UTF-8 (it was read as Latin-1), and the new text contains characters Latin-1 cannot store.",
    );
  }
  const body = Buffer.from(text, encoding);
  if (!bom) return body;
  const mark = encoding === "utf16le" ? [0xff, 0xfe] : [0xef, 0xbb, 0xbf];
  return Buffer.concat([Buffer.from(mark), body]);
}

/** The text with CRLF pairs folded to LF, plus a map from its offsets back to the original's. */
export function lfView(text: string): { lf: string; toOriginal: (i: number) => number } {
  if (!text.includes("\r\n")) return { lf: text, toOriginal: (i) => i };
  const folded: number[] = []; // LF-view offsets of newlines that were CRLF
  let lf = "";
  let from = 0;
  for (let i = text.indexOf("\r\n"); i !== -1; i = text.indexOf("\r\n", i + 2)) {
    lf += text.slice(from, i);
    folded.push(lf.length);
    lf += "\n";
    from = i + 2;
  }
  lf += text.slice(from);
  const toOriginal = (i: number): number => {
    let lo = 0;
    let hi = folded.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((folded[mid] ?? 0) < i) lo = mid + 1;
      else hi = mid;
    }
    return i + lo; // one extra original character (the \r) per folded newline before i
  };
  return { lf, toOriginal };
}

function countEndings(text: string): { crlf: number; lf: number } {
  const crlf = text.split("\r\n").length - 1;
  return { crlf, lf: text.split("\n").length - 1 - crlf };
}

/**
 * The line break most used in `text` ("\r\n" or "\n"), or `tie` when neither wins. Edit uses it so new
 * lines follow the region they replace, and a region without breaks follows the whole file.
 */
export function endingFor(text: string, tie = "\n"): string {
  const { crlf, lf } = countEndings(text);
  if (crlf === lf) return tie;
  return crlf > lf ? "\r\n" : "\n";
}

const BINARY_EXTENSIONS = new Set(
  (
    "zip tar gz tgz bz2 xz 7z rar zst jar war ear apk ipa dmg iso img exe dll so dylib o a lib obj bin " +
    "class pyc pyo wasm node pdf doc docx xls xlsx ppt pptx odt ods odp bmp ico tif tiff psd heic avif " +
    "mp3 mp4 m4a wav flac ogg opus avi mov mkv webm wmv ttf otf woff woff2 eot sqlite sqlite3 db parquet " +
    "npy npz pkl pt pth onnx safetensors"
  ).split(" "),
);

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp"]);
export type ImageMediaType = ImageContent["source"]["media_type"];

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

export function hasBinaryExtension(path: string): boolean {
  return BINARY_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** NUL bytes near the start mean binary, except in UTF-16 text (which is full of them). */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return false;
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** The real format from the magic bytes (the extension may lie; the API rejects a wrong media type). */
export function sniffImage(bytes: Uint8Array): ImageMediaType | undefined {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return "image/png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return "image/gif";
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

/**
 * Replace `target` atomically: write a temp file beside it, flush it to disk, then rename over the
 * original, so a crash never leaves a half-written file. The existing file's permission bits are kept.
 */
export async function atomicWrite(target: string, data: Uint8Array, newFileMode = 0o666): Promise<void> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  let mode: number | undefined;
  try {
    mode = (await stat(target)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const temp = join(dir, `.${basename(target)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await open(temp, "wx", mode ?? newFileMode);
    try {
      await handle.writeFile(data);
      // open() applies the umask, so set the original bits explicitly.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Stamps are keyed by the real path so a symlink and its target share one. */
export function stampKey(absolute: string): string {
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

export function stampOf(st: Stats, partial: boolean): FileStamp {
  return { mtimeMs: st.mtimeMs, size: st.size, partial };
}

/**
 * Re-stat after a write and remember it, so the next change does not look like an outside edit. The key
 * is recomputed because a newly created file (or its new folders) can only be resolved once it exists.
 */
export async function restamp(ctx: ToolContext, absolute: string, partial: boolean): Promise<void> {
  const key = stampKey(absolute);
  ctx.session.files.set(key, stampOf(await stat(key), partial));
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export function patchHunks(path: string, before: string, after: string): Hunk[] {
  const patch = structuredPatch(path, path, before, after, undefined, undefined, { context: 3 });
  return patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({
    oldStart,
    oldLines,
    newStart,
    newLines,
    lines,
  }));
}

/** A file about to be written by Write, Edit or MultiEdit. */
export interface Target {
  /** Absolute path as the model named it (for messages). */
  display: string;
  /** Where to write: the real path, so a symlink is written through rather than replaced. */
  writePath: string;
  key: string;
  existing?: { bytes: Uint8Array; stat: Stats };
  relative: boolean;
}

export async function locateTarget(filePath: string, ctx: ToolContext): Promise<Target> {
  const resolved = resolveToolPath(filePath, ctx.projectDir);
  const display = resolved.absolute;
  let st: Stats;
  try {
    st = await stat(display);
  } catch {
    const key = stampKey(display);
    return { display, writePath: key, key, relative: resolved.relative };
  }
  if (st.isDirectory()) throw new ToolError(`${display} is a directory, not a file.`);
  const real = await realpath(display);
  const bytes = await readFile(real);
  return { display, writePath: real, key: real, existing: { bytes, stat: st }, relative: resolved.relative };
}

export function missingTargetMessage(target: Target, ctx: ToolContext): string {
  return missingFileMessage({ absolute: target.display, relative: target.relative }, ctx.projectDir);
}

/** Enforce read-before-write: a stamp must exist and the file must not have changed on disk since. */
export function requireFreshRead(ctx: ToolContext, target: Target, allowPartial: boolean): void {
  const existing = target.existing;
  if (!existing) return;
  const stamp = ctx.session.files.get(target.key);
  if (!stamp) {
    if (looksBinary(existing.bytes) && !isImagePath(target.display)) {
      throw new ToolError(
        `${target.display} is a binary file. Delete it with Bash first if you really mean to replace it.`,
      );
    }
    throw new ToolError("File has not been read yet. Read it with the Read tool before changing it.");
  }
  if (stamp.mtimeMs !== existing.stat.mtimeMs || stamp.size !== existing.stat.size) {
    throw new ToolError(
      "File has been modified since it was last read (by the user, a formatter or another process). Read it again before changing it.",
    );
  }
  if (stamp.partial && !allowPartial) {
    throw new ToolError(
      "Only part of this file has been read. Read the whole file before overwriting it with Write, or use Edit to change parts of it.",
    );
  }
}
