// Images for the prompt, where the terminal allows it: a dropped or pasted image path (terminals type
// the path, often quoted, as a file:// URL, or with backslash-escaped spaces), and Ctrl+V reading the
// clipboard through whichever clipboard tool is installed. Nothing here throws to the caller.
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isImagePath, sniffImage, type ImageMediaType } from "./file-io.ts";
import type { ImageContent } from "./tool.ts";

/** The same limit the Read tool applies to images. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface PastedImage {
  /** The file it came from; absent for clipboard images. */
  path?: string;
  mediaType: ImageMediaType;
  /** Base64 of the image bytes. */
  data: string;
}

/** The input looked like an image but cannot be attached; `error` is written for the user. */
export interface ImagePasteError {
  path?: string;
  error: string;
}

export type ImagePasteResult = PastedImage | ImagePasteError;

export function isImageError(result: ImagePasteResult): result is ImagePasteError {
  return "error" in result;
}

/** The content block the Messages API takes for an image (see UserBlock in messages.ts). */
export function imageBlock(image: PastedImage): ImageContent {
  return { type: "image", source: { type: "base64", media_type: image.mediaType, data: image.data } };
}

function unquote(text: string): string | undefined {
  const first = text[0];
  if ((first === '"' || first === "'") && text.length >= 2 && text.endsWith(first)) return text.slice(1, -1);
  if (first === '"' || first === "'") return undefined;
  // Unquoted, a space must be escaped, as terminals do on drag and drop (`My\ Shot.png`).
  if (/(^|[^\\])\s/.test(text)) return undefined;
  return text.replace(/\\(.)/g, "$1");
}

/** The absolute path the pasted text names, when it is a single path (quoted, escaped or a file:// URL). */
export function droppedPath(text: string, cwd: string, home?: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.includes("\n")) return undefined;
  let path = unquote(trimmed);
  if (path === undefined) return undefined;
  if (path.startsWith("file://")) {
    try {
      path = fileURLToPath(path);
    } catch {
      return undefined;
    }
  }
  if (home && (path === "~" || path.startsWith("~/"))) path = home + path.slice(1);
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function tooLarge(path: string | undefined, maxBytes: number): ImagePasteError {
  const limit = `${Math.round((maxBytes / (1024 * 1024)) * 10) / 10} MB`;
  return { path, error: `${path ?? "The clipboard image"} is larger than the ${limit} limit for images; attach a smaller one.` };
}

function encodeImage(bytes: Uint8Array, path: string | undefined, maxBytes: number): ImagePasteResult {
  if (bytes.length > maxBytes) return tooLarge(path, maxBytes);
  const mediaType = sniffImage(bytes);
  if (!mediaType) return { path, error: `${path ?? "The clipboard"} is not a valid PNG, JPEG, GIF or WebP image.` };
  const data = Buffer.from(bytes).toString("base64");
  return path === undefined ? { mediaType, data } : { path, mediaType, data };
}

/**
 * The image a pasted path names. Undefined when the text is not a path to an existing .png/.jpg/.jpeg/
 * .gif/.webp file (so the paste is ordinary text); an error value when it is one but cannot be used.
 */
export function imageFromPath(text: string, cwd: string, options: { home?: string; maxBytes?: number } = {}): ImagePasteResult | undefined {
  const path = droppedPath(text, cwd, options.home);
  if (!path || !isImagePath(path)) return undefined;
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return undefined;
    if (stat.size > maxBytes) return tooLarge(path, maxBytes);
    return encodeImage(readFileSync(path), path, maxBytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return { path, error: `Could not read ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A finished command: undefined when it could not be started (not installed). */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<{ code: number | null; stdout: Uint8Array } | undefined>;

/** Runs a command with a time limit, keeping at most `maxBytes` + 1 bytes of its output. */
export function processRunner(options: { timeoutMs?: number; maxBytes?: number } = {}): CommandRunner {
  const limit = (options.maxBytes ?? MAX_IMAGE_BYTES) + 1;
  return (command, args) =>
    new Promise((done) => {
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(command, [...args], { stdio: ["ignore", "pipe", "ignore"] });
      } catch {
        done(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => child.kill(), options.timeoutMs ?? 3000);
      child.stdout?.on("data", (chunk: Buffer) => {
        if (size >= limit) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= limit) child.kill(); // too big to use; enough read to say so
      });
      child.once("error", () => {
        clearTimeout(timer);
        done(undefined);
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        done({ code: size >= limit ? 0 : code, stdout: new Uint8Array(Buffer.concat(chunks).subarray(0, limit)) });
      });
    });
}

/** The clipboard readers tried, in order, for a platform. */
export function clipboardCommands(platform: string = process.platform): Array<{ command: string; args: string[] }> {
  if (platform === "darwin") return [{ command: "pngpaste", args: ["-"] }];
  return [
    { command: "wl-paste", args: ["--no-newline", "--type", "image/png"] },
    { command: "xclip", args: ["-selection", "clipboard", "-t", "image/png", "-o"] },
  ];
}

/**
 * Ctrl+V: the clipboard's image. Undefined when no clipboard tool is installed or the clipboard holds
 * no image; an error value when it holds one that is too large.
 */
export async function readClipboardImage(
  run: CommandRunner = processRunner(),
  options: { platform?: string; maxBytes?: number } = {},
): Promise<ImagePasteResult | undefined> {
  for (const { command, args } of clipboardCommands(options.platform)) {
    const result = await run(command, args).catch(() => undefined);
    if (!result || result.code !== 0 || result.stdout.length === 0) continue;
    const image = encodeImage(result.stdout, undefined, options.maxBytes ?? MAX_IMAGE_BYTES);
    // Output that is not an image (say, text a tool printed) means this tool had nothing; try the next.
    if (isImageError(image) && result.stdout.length <= (options.maxBytes ?? MAX_IMAGE_BYTES)) continue;
    return image;
  }
  return undefined;
}
