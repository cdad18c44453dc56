// NotebookEdit's change to the file text: the edited cell is serialised afresh and spliced in where the
// old one was (or between its neighbours), so every other byte of the notebook stays as it was written:
// other cells, metadata, number formatting, key order, indentation and the trailing newline.
import type { Node } from "jsonc-parser";
import {
  cellLabel,
  findCellIndex,
  newCellId,
  NotebookError,
  toLines,
  unknownCellMessage,
  usesCellIds,
  type NotebookCell,
  type ParsedNotebook,
} from "./notebook.ts";

export type NotebookEditMode = "replace" | "insert" | "delete";

export interface NotebookEditRequest {
  mode: NotebookEditMode;
  cellId?: string | undefined;
  source: string;
  cellType?: "code" | "markdown" | undefined;
}

export interface NotebookEditOutcome {
  /** The notebook's new text (without any BOM; the caller restores it). */
  text: string;
  /** The id (or `cell-N`) of the replaced, inserted or deleted cell. */
  cellId: string;
  cellType: string;
  /** Position of that cell (before deletion, for delete). */
  index: number;
  /** The type the cell had before a replace that changed it. */
  previousType?: string;
  /** True when a replace dropped outputs or an execution count that no longer match the source. */
  clearedOutputs: boolean;
  cellCount: number;
}

interface Layout {
  /** One level of indentation ("" for a notebook written on one line). */
  unit: string;
  /** Indentation of the cells themselves. */
  base: string;
  eol: string;
}

/** The whitespace before `offset` on its line, when nothing else precedes it there. */
function lineIndent(text: string, offset: number): string | undefined {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

function layoutOf(parsed: ParsedNotebook): Layout {
  const { text, root, cellsNode } = parsed;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const firstProperty = root.children?.[0];
  const unit = firstProperty ? (lineIndent(text, firstProperty.offset) ?? "") : "";
  const firstCell = cellsNode.children?.[0];
  if (firstCell) return { unit, base: lineIndent(text, firstCell.offset) ?? "", eol };
  const property = cellsNode.parent ?? cellsNode;
  return { unit, base: (lineIndent(text, property.offset) ?? "") + unit, eol };
}

/** A cell as Jupyter writes it (indented by `unit`), its lines shifted to sit at `base`. */
function serializeCell(cell: NotebookCell, layout: Layout): string {
  const json = layout.unit === "" ? JSON.stringify(cell) : JSON.stringify(cell, null, layout.unit);
  return json.split("\n").join(layout.eol + layout.base);
}

const end = (node: Node) => node.offset + node.length;
const splice = (text: string, from: number, to: number, insert: string) => text.slice(0, from) + insert + text.slice(to);

function isSorted(keys: string[]): boolean {
  return keys.every((key, i) => i === 0 || (keys[i - 1] ?? "") <= key);
}

/** Jupyter sorts keys; a notebook written that way stays that way. Entries keep "__proto__" a plain key. */
function toCell(entries: Array<[string, unknown]>, sort: boolean): NotebookCell {
  const ordered = sort ? [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
  return Object.fromEntries(ordered) as NotebookCell;
}

export function newCell(type: "code" | "markdown", source: string, id: string | undefined): NotebookCell {
  const entries: Array<[string, unknown]> = [["cell_type", type]];
  if (type === "code") entries.push(["execution_count", null]);
  if (id !== undefined) entries.push(["id", id]);
  entries.push(["metadata", {}]);
  if (type === "code") entries.push(["outputs", []]);
  entries.push(["source", toLines(source)]);
  return toCell(entries, true);
}

/** The cell with new source (and maybe a new type); outputs of a code cell are cleared to match. */
export function replacedCell(cell: NotebookCell, source: string, type: string): { cell: NotebookCell; cleared: boolean } {
  const code = type === "code";
  const hadResults =
    (Array.isArray(cell.outputs) && cell.outputs.length > 0) ||
    (cell.execution_count !== undefined && cell.execution_count !== null);
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(cell)) {
    if (key === "source") entries.push([key, toLines(source)]);
    else if (key === "cell_type") entries.push([key, type]);
    else if (key === "outputs" || key === "execution_count") {
      if (code) entries.push([key, key === "outputs" ? [] : null]);
    } else if (key === "attachments" && code) {
      // Code cells cannot carry attachments in nbformat; they belonged to the markdown.
    } else entries.push([key, value]);
  }
  if (code && !("outputs" in cell)) entries.push(["outputs", []]);
  if (code && !("execution_count" in cell)) entries.push(["execution_count", null]);
  return { cell: toCell(entries, isSorted(Object.keys(cell))), cleared: hadResults };
}

function requireCell(parsed: ParsedNotebook, cellId: string | undefined, file: string, mode: NotebookEditMode): number {
  if (cellId === undefined || cellId === "") throw new NotebookError(`cell_id is required for edit_mode "${mode}".`);
  const index = findCellIndex(parsed.notebook, cellId);
  if (index === undefined) throw new NotebookError(unknownCellMessage(parsed.notebook, cellId, file));
  return index;
}

function nodeAt(parsed: ParsedNotebook, index: number): Node {
  const node = parsed.cellsNode.children?.[index];
  if (!node) throw new NotebookError(`Cell ${index} is missing from the notebook's syntax tree.`);
  return node;
}

function replace(parsed: ParsedNotebook, request: NotebookEditRequest, file: string): NotebookEditOutcome {
  const index = requireCell(parsed, request.cellId, file, "replace");
  const cells = parsed.notebook.cells;
  const old = cells[index] as NotebookCell;
  const type = request.cellType ?? old.cell_type;
  const { cell, cleared } = replacedCell(old, request.source, type);
  const node = nodeAt(parsed, index);
  const text = splice(parsed.text, node.offset, end(node), serializeCell(cell, layoutOf(parsed)));
  return {
    text,
    cellId: cellLabel(old, index),
    cellType: type,
    index,
    ...(type !== old.cell_type ? { previousType: old.cell_type } : {}),
    clearedOutputs: cleared && type === "code",
    cellCount: cells.length,
  };
}

function insert(parsed: ParsedNotebook, request: NotebookEditRequest, file: string): NotebookEditOutcome {
  const type = request.cellType;
  if (!type) throw new NotebookError('cell_type ("code" or "markdown") is required when inserting a cell.');
  const after = request.cellId === undefined || request.cellId === "" ? undefined : requireCell(parsed, request.cellId, file, "insert");
  const id = usesCellIds(parsed.notebook) ? newCellId(parsed.notebook) : undefined;
  const layout = layoutOf(parsed);
  const cellText = serializeCell(newCell(type, request.source, id), layout);
  const { text, cellsNode } = parsed;
  const children = cellsNode.children ?? [];
  const index = after === undefined ? 0 : after + 1;
  const outcome = { cellId: id ?? `cell-${index}`, cellType: type, index, clearedOutputs: false, cellCount: children.length + 1 };
  const first = children[0];
  if (!first) {
    const close = layout.unit === "" ? "" : layout.eol + layout.base.slice(0, layout.base.length - layout.unit.length);
    const open = layout.unit === "" ? "" : layout.eol + layout.base;
    return { ...outcome, text: splice(text, cellsNode.offset, end(cellsNode), `[${open}${cellText}${close}]`) };
  }
  const second = children[1];
  // Reuse the notebook's own separator between cells (",\n  " in a typical file).
  const separator = second ? text.slice(end(first), second.offset) : `,${text.slice(cellsNode.offset + 1, first.offset)}`;
  if (after === undefined) return { ...outcome, text: splice(text, first.offset, first.offset, cellText + separator) };
  const anchor = nodeAt(parsed, after);
  return { ...outcome, text: splice(text, end(anchor), end(anchor), separator + cellText) };
}

function remove(parsed: ParsedNotebook, request: NotebookEditRequest, file: string): NotebookEditOutcome {
  const index = requireCell(parsed, request.cellId, file, "delete");
  const cell = parsed.notebook.cells[index] as NotebookCell;
  const { text, cellsNode } = parsed;
  const children = cellsNode.children ?? [];
  const node = nodeAt(parsed, index);
  let next: string;
  if (children.length === 1) next = splice(text, cellsNode.offset, end(cellsNode), "[]");
  else if (index > 0) next = splice(text, end(nodeAt(parsed, index - 1)), end(node), "");
  else next = splice(text, node.offset, nodeAt(parsed, 1).offset, "");
  return {
    text: next,
    cellId: cellLabel(cell, index),
    cellType: cell.cell_type,
    index,
    clearedOutputs: false,
    cellCount: children.length - 1,
  };
}

/** Apply one NotebookEdit request to a parsed notebook. Throws NotebookError with a message for the model. */
export function editNotebook(parsed: ParsedNotebook, request: NotebookEditRequest, file: string): NotebookEditOutcome {
  if (request.mode === "insert") return insert(parsed, request, file);
  if (request.mode === "delete") return remove(parsed, request, file);
  return replace(parsed, request, file);
}
