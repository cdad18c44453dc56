// Jupyter notebooks (.ipynb, nbformat 4): parsing with a position for bad JSON, the cell ids Read shows
// and NotebookEdit accepts, and the small conversions between nbformat's multiline strings and text.
// Loaded lazily (by Read for .ipynb files and by NotebookEdit), so a plain run never pays for it.
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { randomHex } from "./random-id.ts";
import { lineColumn } from "./settings-parse.ts";

/** nbformat's multiline string: one string, or a list of lines each keeping its "\n". */
export type MultilineText = string | string[];

export interface NotebookCell {
  cell_type: string;
  id?: string;
  source: MultilineText;
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: MultilineText;
  data?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  [key: string]: unknown;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** A parsed notebook together with its text and syntax tree, so edits can splice the original bytes. */
export interface ParsedNotebook {
  text: string;
  notebook: Notebook;
  /** The `cells` array node: its children are the cells, in order, with their offsets in `text`. */
  cellsNode: Node;
  root: Node;
}

/** A notebook that cannot be read or edited; the message names the file and what is wrong. */
export class NotebookError extends Error {
  override name = "NotebookError";
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function isNotebookPath(path: string): boolean {
  return path.toLowerCase().endsWith(".ipynb");
}

export function parseNotebook(raw: string, file: string): ParsedNotebook {
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  if (text.trim() === "") throw new NotebookError(`${file} is empty, not a Jupyter notebook.`);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first || !root) {
    const { line, column } = lineColumn(text, first?.offset ?? 0);
    // "CommaExpected" reads better as "comma expected".
    const problem = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : "no JSON value";
    throw new NotebookError(`${file} is not valid JSON: ${problem} at line ${line}, column ${column}.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NotebookError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(data) || root.type !== "object") throw new NotebookError(`${file} is not a notebook: its JSON is not an object.`);
  const cellsProperty = root.children?.find((p) => p.children?.[0]?.value === "cells");
  const cellsNode = cellsProperty?.children?.[1];
  if (!Array.isArray(data.cells) || !cellsNode || cellsNode.type !== "array") {
    const old = Array.isArray(data.worksheets) ? " It looks like an nbformat 3 notebook; open and save it in Jupyter to upgrade it." : "";
    throw new NotebookError(`${file} is not a notebook: it has no "cells" array.${old}`);
  }
  for (const [index, cell] of data.cells.entries()) {
    if (!isRecord(cell) || typeof cell.cell_type !== "string") {
      throw new NotebookError(`${file} is not a valid notebook: cell ${index} has no cell_type.`);
    }
  }
  const notebook: Notebook = {
    cells: data.cells as NotebookCell[],
    metadata: isRecord(data.metadata) ? data.metadata : {},
    nbformat: typeof data.nbformat === "number" ? data.nbformat : 4,
    nbformat_minor: typeof data.nbformat_minor === "number" ? data.nbformat_minor : 0,
  };
  return { text, notebook, cellsNode, root };
}

/** nbformat 4.5 added a required `id` to every cell; older notebooks have none. */
export function usesCellIds(notebook: Notebook): boolean {
  return notebook.nbformat > 4 || (notebook.nbformat === 4 && notebook.nbformat_minor >= 5);
}

/** The id Read shows for a cell: its own id, or `cell-N` (0-based) when it has none. */
export function cellLabel(cell: NotebookCell, index: number): string {
  return typeof cell.id === "string" && cell.id !== "" ? cell.id : `cell-${index}`;
}

/** The index of the cell `id` names: an exact id first, then `cell-N` as a position. */
export function findCellIndex(notebook: Notebook, id: string): number | undefined {
  const exact = notebook.cells.findIndex((cell) => cell.id === id);
  if (exact !== -1) return exact;
  const positional = /^cell-(\d+)$/.exec(id.trim());
  if (!positional) return undefined;
  const index = Number(positional[1]);
  return index < notebook.cells.length ? index : undefined;
}

/** The message for an id that matches no cell, with a few ids that do. */
export function unknownCellMessage(notebook: Notebook, id: string, file: string): string {
  const labels = notebook.cells.map(cellLabel);
  if (labels.length === 0) return `Cell "${id}" not found: ${file} has no cells. Insert one with edit_mode "insert" and no cell_id.`;
  const shown = labels.slice(0, 8).join(", ") + (labels.length > 8 ? `, … (${labels.length} cells)` : "");
  return `Cell "${id}" not found in ${file}. Valid cell ids: ${shown}. Read the notebook to see them all.`;
}

/** A fresh cell id in Jupyter's style (8 hex characters), unique within the notebook. */
export function newCellId(notebook: Notebook): string {
  const taken = new Set(notebook.cells.map((cell) => cell.id));
  for (;;) {
    const id = randomHex(4);
    if (!taken.has(id)) return id;
  }
}

export function joinText(text: MultilineText | undefined): string {
  if (text === undefined) return "";
  return typeof text === "string" ? text : text.join("");
}

/** Text as nbformat's list of lines (what Jupyter writes): every line but the last keeps its "\n". */
export function toLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/** The kernel's language as the notebook records it (python when it says nothing). */
export function notebookLanguage(notebook: Notebook): string {
  const meta = notebook.metadata;
  const kernelspec = isRecord(meta.kernelspec) ? meta.kernelspec : {};
  const info = isRecord(meta.language_info) ? meta.language_info : {};
  const language = kernelspec.language ?? info.name;
  return typeof language === "string" && language !== "" ? language : "python";
}
