// How Read shows a notebook: every cell with the id NotebookEdit takes, its type and source, then its
// outputs (stream text, results, errors with plain tracebacks, images as image blocks). Pure: the caller
// reads the file and applies the overall size cap.
import { Buffer } from "node:buffer";
import { stripAnsi } from "./ansi-text.ts";
import { sniffImage } from "./file-io.ts";
import { cellLabel, joinText, notebookLanguage, type Notebook, type NotebookCell, type NotebookOutput } from "./notebook.ts";
import type { ImageContent, TextContent } from "./tool.ts";
import { truncateHead, truncateTail, type Limits } from "./truncate.ts";

export type Block = TextContent | ImageContent;

export interface RenderOptions {
  /** Show outputs (false: one line per cell saying how many were left out). */
  outputs: boolean;
  /** Cap for the text of one output. */
  outputLimits: Limits;
  maxImages: number;
  /** Cap for all images together, in base64 characters. */
  maxImageChars: number;
}

export const DEFAULT_RENDER: RenderOptions = {
  outputs: true,
  outputLimits: { maxLines: 150, maxChars: 6_000 },
  maxImages: 10,
  maxImageChars: 8 * 1024 * 1024,
};

// The API refuses larger images.
const MAX_ONE_IMAGE_BYTES = 5 * 1024 * 1024;

/** One cell rendered: its text and images, kept apart so the caller can cut at a cell boundary. */
export interface RenderedCell {
  label: string;
  blocks: Block[];
  textLength: number;
}

interface ImageBudget {
  count: number;
  chars: number;
}

const attr = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
const fenceText = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);

/** Output text cut to the per-output cap: streams and tracebacks keep their end, results their start. */
function capped(text: string, keep: "head" | "tail", limits: Limits): string {
  const cut = keep === "head" ? truncateHead(text, limits) : truncateTail(text, limits);
  if (!cut.truncated) return text;
  const which = keep === "head" ? "first" : "last";
  const notice = `[output cut: showing the ${which} ${cut.keptLines} of ${cut.totalLines} lines, ${text.length} characters in all]`;
  return keep === "head" ? `${cut.text}\n${notice}` : `${notice}\n${cut.text}`;
}

function dataText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  if (value !== undefined && value !== null && typeof value === "object") return JSON.stringify(value, null, 1);
  return undefined;
}

function imageBlock(data: Record<string, unknown>, budget: ImageBudget, options: RenderOptions): Block[] {
  for (const mime of ["image/png", "image/jpeg"]) {
    const raw = dataText(data[mime]);
    if (raw === undefined) continue;
    const base64 = raw.replace(/\s+/g, "");
    const bytes = Buffer.from(base64, "base64");
    const kb = Math.ceil(bytes.length / 1024);
    const mediaType = sniffImage(bytes);
    const note = (why: string): Block[] => [{ type: "text", text: `[${mime} image, ${kb} KB: ${why}]\n` }];
    if (!mediaType) return note("not shown, the data is not a valid image");
    if (bytes.length > MAX_ONE_IMAGE_BYTES) return note("not shown, larger than 5 MB");
    if (budget.count >= options.maxImages || budget.chars + base64.length > options.maxImageChars) {
      return note("not shown, this read already holds as many images as it can");
    }
    budget.count++;
    budget.chars += base64.length;
    return [
      { type: "text", text: `[${mime} image, ${kb} KB, follows]\n` },
      { type: "image", source: { type: "base64", media_type: mediaType, data: base64 } },
    ];
  }
  return [];
}

/** text/plain (plus text/markdown when it says more), else another textual form, else a note. */
function richText(data: Record<string, unknown>, options: RenderOptions): string {
  const plain = dataText(data["text/plain"]);
  const markdown = dataText(data["text/markdown"]);
  const parts: string[] = [];
  if (plain !== undefined) parts.push(plain);
  if (markdown !== undefined && markdown !== plain) parts.push(markdown);
  if (parts.length === 0) {
    const other = ["text/latex", "text/html", "application/json", "image/svg+xml"].find((m) => data[m] !== undefined);
    const text = other ? dataText(data[other]) : undefined;
    if (other && text !== undefined) parts.push(`[${other}]\n${text}`);
  }
  return parts.map((p) => capped(fenceText(p), "head", options.outputLimits)).join("");
}

function renderOutput(output: NotebookOutput, budget: ImageBudget, options: RenderOptions): Block[] {
  const kind = output.output_type;
  if (kind === "stream") {
    const name = output.name ?? "stdout";
    const text = capped(stripAnsi(joinText(output.text)), "tail", options.outputLimits);
    return [{ type: "text", text: `<output type="stream" name="${attr(name)}">\n${fenceText(text)}</output>\n` }];
  }
  if (kind === "error") {
    const traceback = (output.traceback ?? []).map((line) => stripAnsi(String(line))).join("\n");
    const head = `${output.ename ?? "Error"}: ${output.evalue ?? ""}`;
    const body = traceback === "" ? head : `${head}\n${capped(traceback, "tail", options.outputLimits)}`;
    return [{ type: "text", text: `<output type="error">\n${fenceText(body)}</output>\n` }];
  }
  if (kind === "execute_result" || kind === "display_data") {
    const data = output.data ?? {};
    const count = typeof output.execution_count === "number" ? ` execution_count="${output.execution_count}"` : "";
    const images = imageBlock(data, budget, options);
    const text = richText(data, options);
    const open = `<output type="${kind}"${count}>\n`;
    if (images.length === 0) {
      const shown = text !== "" ? text : `[${Object.keys(data).join(", ") || "empty"} output, not shown]\n`;
      return [{ type: "text", text: `${open}${shown}</output>\n` }];
    }
    return [{ type: "text", text: open + text }, ...images, { type: "text", text: "</output>\n" }];
  }
  return [{ type: "text", text: `<output type="${attr(kind)}">[not shown]</output>\n` }];
}

export function renderCell(cell: NotebookCell, index: number, budget: ImageBudget, options: RenderOptions): RenderedCell {
  const label = cellLabel(cell, index);
  const count = typeof cell.execution_count === "number" ? ` execution_count="${cell.execution_count}"` : "";
  const source = joinText(cell.source);
  const blocks: Block[] = [
    { type: "text", text: `<cell id="${attr(label)}" type="${attr(cell.cell_type)}"${count}>\n${fenceText(source)}</cell>\n` },
  ];
  const outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
  if (outputs.length > 0 && !options.outputs) {
    blocks.push({ type: "text", text: `[${outputs.length} output${outputs.length === 1 ? "" : "s"} not shown]\n` });
  } else {
    for (const output of outputs) blocks.push(...renderOutput(output, budget, options));
  }
  const textLength = blocks.reduce((n, b) => n + (b.type === "text" ? b.text.length : 0), 0);
  return { label, blocks, textLength };
}

export function notebookHeader(notebook: Notebook, path: string): string {
  const n = notebook.cells.length;
  return (
    `Jupyter notebook ${path}: ${n} cell${n === 1 ? "" : "s"}, language ${notebookLanguage(notebook)}, ` +
    `nbformat ${notebook.nbformat}.${notebook.nbformat_minor}. Cell ids below are what NotebookEdit takes as cell_id.\n\n`
  );
}

export function renderCells(notebook: Notebook, options: RenderOptions): RenderedCell[] {
  const budget: ImageBudget = { count: 0, chars: 0 };
  return notebook.cells.map((cell, index) => renderCell(cell, index, budget, options));
}

/** Adjacent text blocks merged into one, so the model sees few, large text parts around the images. */
export function mergeBlocks(blocks: readonly Block[]): Block[] {
  const merged: Block[] = [];
  for (const block of blocks) {
    const last = merged[merged.length - 1];
    if (block.type === "text" && last?.type === "text") merged[merged.length - 1] = { type: "text", text: last.text + block.text };
    else merged.push(block);
  }
  return merged;
}
