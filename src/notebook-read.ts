// Read of a .ipynb file: parse it, render every cell with its outputs, keep the whole answer within the
// read cap (dropping outputs first, then cutting at a cell boundary and saving the full text), and stamp
// the file so NotebookEdit may change it afterwards.
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { decodeText, stampKey, stampOf } from "./file-io.ts";
import { cellLabel, joinText, notebookLanguage, NotebookError, parseNotebook, type Notebook } from "./notebook.ts";
import { DEFAULT_RENDER, mergeBlocks, notebookHeader, renderCells, type Block, type RenderedCell } from "./notebook-render.ts";
import { ToolError, type ToolContext, type ToolResult } from "./tool.ts";
import { DEFAULT_LIMITS, spillToFile } from "./truncate.ts";

const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

interface Fitted {
  blocks: Block[];
  partial: boolean;
}

const textOf = (blocks: readonly Block[]) => blocks.map((b) => (b.type === "text" ? b.text : "")).join("");

/** The rendering that fits the cap: full, then without outputs, then the first cells that fit. */
function fit(notebook: Notebook, header: string, ctx: ToolContext, maxChars: number): Fitted {
  const sum = (cells: RenderedCell[]) => cells.reduce((n, c) => n + c.textLength, header.length);
  const full = renderCells(notebook, DEFAULT_RENDER);
  if (sum(full) <= maxChars) return { blocks: [{ type: "text", text: header }, ...full.flatMap((c) => c.blocks)], partial: false };
  const lean = renderCells(notebook, { ...DEFAULT_RENDER, outputs: false });
  const note = `[The notebook with its outputs is larger than ${maxChars} characters, so outputs are left out below.]\n\n`;
  if (sum(lean) + note.length <= maxChars) {
    return { blocks: [{ type: "text", text: header + note }, ...lean.flatMap((c) => c.blocks)], partial: false };
  }
  const saved = spillToFile(ctx.session, header + textOf(full.flatMap((c) => c.blocks)), "notebook");
  const kept: Block[] = [];
  let size = header.length;
  let shown = 0;
  for (const cell of lean) {
    if (size + cell.textLength > maxChars) break;
    kept.push(...cell.blocks);
    size += cell.textLength;
    shown++;
  }
  const next = lean[shown]?.label ?? "";
  const notice =
    `\n[Showing the first ${shown} of ${lean.length} cells, without outputs; the cells from ${next} on are not shown. ` +
    `The full rendering is in ${saved} (read it with offset and limit), or inspect single cells with jq through Bash.]\n`;
  return { blocks: [{ type: "text", text: header + note }, ...kept, { type: "text", text: notice }], partial: true };
}

export async function readNotebook(
  handle: FileHandle,
  path: string,
  st: Stats,
  input: { offset?: number | undefined; limit?: number | undefined },
  ctx: ToolContext,
): Promise<ToolResult> {
  if (st.size > MAX_NOTEBOOK_BYTES) {
    throw new ToolError(`${path} is a notebook of ${st.size} bytes, too large for Read. Inspect it with jq through Bash.`);
  }
  const { text } = decodeText(await handle.readFile());
  let notebook: Notebook;
  try {
    notebook = parseNotebook(text, path).notebook;
  } catch (error) {
    if (error instanceof NotebookError) throw new ToolError(`${error.message} Read it as text with Bash (cat) to see the raw content.`);
    throw error;
  }
  let header = notebookHeader(notebook, path);
  if (input.offset !== undefined || input.limit !== undefined) {
    header += "[offset and limit do not apply to notebooks: every cell is shown.]\n\n";
  }
  const fitted = fit(notebook, header, ctx, DEFAULT_LIMITS.maxChars);
  ctx.session.files.set(stampKey(path), stampOf(st, fitted.partial));
  const blocks = mergeBlocks(fitted.blocks);
  const language = notebookLanguage(notebook);
  const cells = notebook.cells.map((cell, index) => ({
    cell_id: cellLabel(cell, index),
    cellType: cell.cell_type,
    source: joinText(cell.source),
    language,
    ...(typeof cell.execution_count === "number" ? { execution_count: cell.execution_count } : {}),
  }));
  const only = blocks.length === 1 ? blocks[0] : undefined;
  return {
    content: only?.type === "text" ? only.text : blocks,
    structured: { type: "notebook", file: { filePath: path, cells } },
  };
}
