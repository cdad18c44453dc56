// NotebookEdit: replace, insert or delete one cell of a Jupyter notebook. The notebook code is loaded only
// when the tool runs; this module holds just the schema and the read-check-write pipeline.
import { z } from "zod";
import { atomicWrite, decodeText, encodeText, locateTarget, missingTargetMessage, requireFreshRead, restamp } from "../file-io.ts";
import type { NotebookEditOutcome } from "../notebook-splice.ts";
import { defineTool, ToolError } from "../tool.ts";

const DESCRIPTION = `Change one cell of a Jupyter notebook (.ipynb): replace its source, insert a new cell, or delete it.
- notebook_path should be absolute. Read the notebook first (Read shows every cell with its id); it must not have changed since.
- cell_id is the id Read shows: the cell's own id, or cell-N (0-based position) in notebooks without ids.
- edit_mode "replace" (default) sets the source of cell_id; giving a different cell_type also converts the cell. Replacing a code cell clears its outputs and execution count.
- edit_mode "insert" adds a cell after cell_id, or at the top when cell_id is omitted; cell_type is required. Positions of later cells shift by one.
- edit_mode "delete" removes cell_id (new_source is ignored).
- Everything else in the file (other cells, outputs, metadata, formatting) is kept as it was.`;

export const notebookEditTool = defineTool({
  name: "NotebookEdit",
  description: DESCRIPTION,
  readOnly: false,
  input: z.object({
    notebook_path: z.string().describe("Absolute path of the .ipynb file to change"),
    cell_id: z.string().optional().describe("Id of the cell to replace or delete, or to insert after (as Read shows it)"),
    new_source: z.string().describe("The new source of the cell"),
    cell_type: z.enum(["code", "markdown"]).optional().describe("Type of the cell; required for insert"),
    edit_mode: z.enum(["replace", "insert", "delete"]).optional().describe('What to do: "replace" (default), "insert" or "delete"'),
  }),
  async run(input, ctx) {
    const mode = input.edit_mode ?? "replace";
    const target = await locateTarget(input.notebook_path, ctx);
    if (!target.display.toLowerCase().endsWith(".ipynb")) {
      throw new ToolError(`${target.display} is not a Jupyter notebook (.ipynb). Use Edit or Write for other files.`);
    }
    if (!target.existing) throw new ToolError(missingTargetMessage(target, ctx));
    requireFreshRead(ctx, target, true);
    const { NotebookError, notebookLanguage, parseNotebook } = await import("../notebook.ts");
    const { editNotebook } = await import("../notebook-splice.ts");
    const decoded = decodeText(target.existing.bytes);
    let outcome: NotebookEditOutcome;
    let language: string;
    try {
      const parsed = parseNotebook(decoded.text, target.display);
      language = notebookLanguage(parsed.notebook);
      outcome = editNotebook(parsed, { mode, cellId: input.cell_id, source: input.new_source, cellType: input.cell_type }, target.display);
      // A splice that broke the JSON must never reach the disk.
      if (parseNotebook(outcome.text, target.display).notebook.cells.length !== outcome.cellCount) {
        throw new NotebookError(`Editing ${target.display} produced an unexpected number of cells.`);
      }
    } catch (error) {
      if (error instanceof NotebookError) throw new ToolError(`${error.message} The file was not changed.`);
      throw error;
    }
    const previous = ctx.session.files.get(target.key);
    await ctx.session.fileHistory?.beforeWrite(target.writePath);
    await atomicWrite(target.writePath, encodeText(outcome.text, decoded.encoding, decoded.bom));
    await restamp(ctx, target.display, previous?.partial ?? false);
    return {
      content: summary(mode, outcome, target.display, input.cell_id),
      structured: {
        new_source: input.new_source,
        cell_id: outcome.cellId,
        cell_type: outcome.cellType,
        language,
        edit_mode: mode,
        error: "",
        notebook_path: target.display,
      },
    };
  },
});

function summary(mode: string, outcome: NotebookEditOutcome, path: string, anchor: string | undefined): string {
  const cell = `cell ${outcome.cellId}`;
  if (mode === "delete") {
    const left = `${outcome.cellCount} cell${outcome.cellCount === 1 ? "" : "s"} remain`;
    return `Deleted ${cell} (${outcome.cellType}) from ${path}; ${left}.`;
  }
  if (mode === "insert") {
    const where = anchor ? `after cell ${anchor}` : "at the top";
    const shift = outcome.cellId.startsWith("cell-") && outcome.index < outcome.cellCount - 1 ? " Later cells moved down one position." : "";
    return `Inserted a new ${outcome.cellType} ${cell} ${where} of ${path}.${shift}`;
  }
  const notes: string[] = [];
  if (outcome.previousType) notes.push(`converted from ${outcome.previousType} to ${outcome.cellType}`);
  if (outcome.clearedOutputs) notes.push("its outputs were cleared");
  return `Replaced the source of ${cell} (${outcome.cellType}) in ${path}${notes.length > 0 ? `; ${notes.join("; ")}` : ""}.`;
}
