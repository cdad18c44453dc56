// Read: show a file with line numbers (or an image as an image), and remember what was seen so the
// write tools can insist on a current read.
import { Buffer } from "node:buffer";
import { open, type FileHandle } from "node:fs/promises";
import { extname } from "node:path";
import { z } from "zod";
import { decodeText, hasBinaryExtension, isImagePath, looksBinary, sniffImage, stampKey, stampOf } from "../file-io.ts";
import { missingFileMessage, resolveToolPath } from "../paths.ts";
import { defineTool, ToolError, type ToolContext, type ToolResult } from "../tool.ts";
import { truncateHead } from "../truncate.ts";

const DEFAULT_LINES = 2000;
const MAX_LINE_CHARS = 2000;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
// Beyond this, loading the whole file to page through it is wasteful; Bash tools do better.
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

const DESCRIPTION = `Read a file from the local filesystem. file_path should be absolute (a relative path is resolved against the project directory).
- By default returns up to 2000 lines from the start; for longer files pass offset (1-based first line) and limit (number of lines).
- Each output line is the line number, a tab, then the line's exact content; the number and tab are not part of the file.
- Lines longer than 2000 characters are cut and the whole output is capped at 50,000 characters; a notice says what was left out and how to continue.
- Jupyter notebooks (.ipynb) are shown whole, cell by cell with ids and outputs (offset and limit do not apply).
- PNG, JPEG, GIF and WebP images (up to 5 MB) are returned as images. Other binary files are refused, and so are directories (use Glob, or ls through Bash).
- Read a file before changing it with Edit, MultiEdit or Write. Several files can be read in parallel calls.`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

async function readImage(handle: FileHandle, path: string, size: number): Promise<ToolResult> {
  if (size > MAX_IMAGE_BYTES) {
    throw new ToolError(`${path} is an image of ${size} bytes, over the 5 MB limit Read can show.`);
  }
  const bytes = await handle.readFile();
  const mediaType = sniffImage(bytes);
  if (!mediaType) throw new ToolError(`${path} has an image extension but is not a valid PNG, JPEG, GIF or WebP file.`);
  const data = Buffer.from(bytes).toString("base64");
  return {
    content: [{ type: "image", source: { type: "base64", media_type: mediaType, data } }],
    structured: { type: "image", file: { base64: data, type: mediaType, originalSize: size } },
  };
}

function binaryRefusal(path: string): ToolError {
  const ext = extname(path).toLowerCase();
  const hint = ext === ".pdf" ? " To get its text, try `pdftotext` through Bash if it is installed." : "";
  return new ToolError(`${path} is a binary file, which Read cannot show as text.${hint}`);
}

function render(path: string, text: string, offset: number | undefined, limit: number | undefined) {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const totalLines = lines.length;
  const startLine = Math.max(1, offset ?? 1);
  if (startLine > totalLines) return { pastEnd: true as const, totalLines, startLine };
  const cut: number[] = [];
  const window = lines.slice(startLine - 1, startLine - 1 + (limit ?? DEFAULT_LINES)).map((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.length <= MAX_LINE_CHARS) return line;
    cut.push(startLine + i);
    return line.slice(0, MAX_LINE_CHARS);
  });
  const numbered = window.map((line, i) => `${startLine + i}\t${line}`).join("\n");
  const capped = truncateHead(numbered);
  const shown = window.slice(0, capped.keptLines);
  const endLine = startLine + shown.length - 1;
  const notices: string[] = [];
  if (capped.truncated) {
    notices.push(
      `[Output limit reached (2000 lines or 50,000 characters): showing lines ${startLine}-${endLine} of ` +
        `${totalLines}. Continue with offset=${endLine + 1}.]`,
    );
  } else if (endLine < totalLines) {
    notices.push(`[Showing lines ${startLine}-${endLine} of ${totalLines}. Continue with offset=${endLine + 1}.]`);
  }
  const cutShown = cut.filter((n) => n <= endLine);
  if (cutShown.length > 0) {
    const list = cutShown.slice(0, 10).join(", ") + (cutShown.length > 10 ? ", …" : "");
    notices.push(
      `[${cutShown.length === 1 ? "Line" : "Lines"} ${list} exceeded ${MAX_LINE_CHARS} characters and ${cutShown.length === 1 ? "was" : "were"} cut; use Grep or Bash to see ${cutShown.length === 1 ? "it" : "them"} in full.]`,
    );
  }
  const body = notices.length > 0 ? `${capped.text}\n\n${notices.join("\n")}` : capped.text;
  const partial = startLine > 1 || endLine < totalLines || cutShown.length > 0;
  return { pastEnd: false as const, body, partial, shown, startLine, totalLines, path };
}

async function readFileTool(
  input: { file_path: string; offset?: number | undefined; limit?: number | undefined },
  ctx: ToolContext,
): Promise<ToolResult> {
  const resolved = resolveToolPath(input.file_path, ctx.projectDir);
  const path = resolved.absolute;
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new ToolError(missingFileMessage(resolved, ctx.projectDir));
    if (code === "EISDIR")
      throw new ToolError(`${path} is a directory. Use Glob to find files in it, or ls through Bash.`);
    throw new ToolError(`Cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory())
      throw new ToolError(`${path} is a directory. Use Glob to find files in it, or ls through Bash.`);
    const key = stampKey(path);
    if (isImagePath(path)) {
      const result = await readImage(handle, path, st.size);
      ctx.session.files.set(key, stampOf(st, false));
      return result;
    }
    if (extname(path).toLowerCase() === ".ipynb") {
      // Awaited here so the finally below closes the handle only after the notebook was read.
      return await (await import("../notebook-read.ts")).readNotebook(handle, path, st, input, ctx);
    }
    if (hasBinaryExtension(path)) throw binaryRefusal(path);
    if (st.size > MAX_TEXT_BYTES) {
      throw new ToolError(`${path} is ${st.size} bytes, too large for Read. Use Grep, or head/tail/sed through Bash.`);
    }
    const bytes = await handle.readFile();
    if (looksBinary(bytes)) throw binaryRefusal(path);
    const { text } = decodeText(bytes);
    const empty = { filePath: path, content: "", numLines: 0, startLine: 1, totalLines: 0 };
    if (text === "") {
      ctx.session.files.set(key, stampOf(st, false));
      return { content: `The file ${path} exists but is empty.`, structured: { type: "text", file: empty } };
    }
    const view = render(path, text, input.offset, input.limit);
    if (view.pastEnd) {
      return {
        content: `The file ${path} has ${plural(view.totalLines, "line")}; offset ${view.startLine} is past the end, so nothing was shown.`,
        structured: { type: "text", file: { ...empty, startLine: view.startLine, totalLines: view.totalLines } },
      };
    }
    // A partial re-read of an unchanged file the model already saw whole still counts as whole.
    const before = ctx.session.files.get(key);
    const sawAll = before && !before.partial && before.mtimeMs === st.mtimeMs && before.size === st.size;
    ctx.session.files.set(key, stampOf(st, view.partial && !sawAll));
    return {
      content: view.body,
      structured: {
        type: "text",
        file: {
          filePath: path,
          content: view.shown.join("\n"),
          numLines: view.shown.length,
          startLine: view.startLine,
          totalLines: view.totalLines,
        },
      },
    };
  } finally {
    await handle.close();
  }
}

/** Instruction files of the folders this read reached into, loaded once each (see instructions.ts). */
function withInstructions(result: ToolResult, filePath: string, ctx: ToolContext): ToolResult {
  const text = ctx.session.instructions?.onFileRead(resolveToolPath(filePath, ctx.projectDir).absolute);
  if (text === undefined) return result;
  const reminder = `<system-reminder>\n${text}\n</system-reminder>`;
  if (typeof result.content === "string") return { ...result, content: `${result.content}\n\n${reminder}` };
  return { ...result, content: [...result.content, { type: "text", text: reminder }] };
}

export const readTool = defineTool({
  name: "Read",
  description: DESCRIPTION,
  readOnly: true,
  input: z.object({
    file_path: z.string().describe("Absolute path of the file to read"),
    offset: z.number().int().min(0).optional().describe("1-based line number to start from"),
    limit: z.number().int().min(1).optional().describe("How many lines to read (default 2000)"),
  }),
  run: async (input, ctx) => withInstructions(await readFileTool(input, ctx), input.file_path, ctx),
});
