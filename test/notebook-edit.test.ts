import { describe, expect, test } from "bun:test";
import { statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stampKey, stampOf } from "../src/file-io.ts";
import { notebookEditTool } from "../src/tools/notebook-edit.ts";
import { readTool } from "../src/tools/read.ts";
import { toolSchema } from "../src/tool.ts";
import { harness, type Harness } from "./support/tool-harness.ts";
import { cellSlices, codeCell, copyFixture, jupyterText, markdownCell, readText } from "./fixtures/notebooks/make.ts";

interface Cell {
  cell_type: string;
  id?: string;
  source: string[];
  outputs?: unknown[];
  execution_count?: number | null;
  metadata: Record<string, unknown>;
  attachments?: unknown;
}
interface Nb {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

const parse = (path: string) => JSON.parse(readText(path)) as Nb;

async function opened(name = "analysis-v45.ipynb"): Promise<{ h: Harness; path: string; before: string }> {
  const h = harness();
  const path = copyFixture(name, h.dir);
  const read = await h.call(readTool, { file_path: path });
  expect(read.isError).toBeFalsy();
  return { h, path, before: readText(path) };
}

/** Every cell but `changed` keeps its exact bytes, and so does everything outside the cells array. */
function expectOthersUntouched(before: string, after: string, changed: string[]) {
  const a = cellSlices(before);
  const b = cellSlices(after);
  expect(b.outside).toBe(a.outside);
  for (const [id, text] of a.cells) if (!changed.includes(id)) expect(b.cells.get(id)).toBe(text);
}

describe("NotebookEdit replace", () => {
  test("replaces a markdown cell's source, keeping the rest of the file byte for byte", async () => {
    const { h, path, before } = await opened();
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "7f3a9c21", new_source: "# Revenue\n\nQuarterly figures." });
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain("cell 7f3a9c21");
    expect(r.text).toContain("markdown");
    const after = readText(path);
    expect(after.endsWith("}\n")).toBe(true);
    const nb = parse(path);
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.cells[0]?.source).toEqual(["# Revenue\n", "\n", "Quarterly figures."]);
    expect(nb.cells[0]?.id).toBe("7f3a9c21");
    expectOthersUntouched(before, after, ["7f3a9c21"]);
    expect(r.structured).toEqual({
      new_source: "# Revenue\n\nQuarterly figures.",
      cell_id: "7f3a9c21",
      cell_type: "markdown",
      language: "python",
      edit_mode: "replace",
      error: "",
      notebook_path: path,
    });
  });

  test("writing a cell back unchanged reproduces Jupyter's exact bytes", async () => {
    const { h, path, before } = await opened();
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "f0e1d2c3", new_source: "## Notes\n\nRevenue grows — every quarter." });
    expect(r.isError).toBeFalsy();
    expect(readText(path)).toBe(before);
  });

  test("replacing a code cell clears its outputs and execution count but keeps its metadata", async () => {
    const { h, path, before } = await opened();
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "c9d0e1f2", new_source: "total = sum(rows)\ntotal" });
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain("outputs were cleared");
    const cell = parse(path).cells[2];
    expect(cell?.source).toEqual(["total = sum(rows)\n", "total"]);
    expect(cell?.outputs).toEqual([]);
    expect(cell?.execution_count).toBeNull();
    expect(cell?.metadata).toEqual({ ExecuteTime: { end_time: "2024-03-01T10:00:01.5Z" }, scrolled: false });
    expectOthersUntouched(before, readText(path), ["c9d0e1f2"]);
  });

  test("cell_type converts code to markdown (dropping outputs) and markdown to code", async () => {
    const { h, path } = await opened();
    const toMarkdown = await h.call(notebookEditTool, {
      notebook_path: path,
      cell_id: "b41e08d2",
      new_source: "Setup happens here.",
      cell_type: "markdown",
    });
    expect(toMarkdown.text).toContain("converted from code to markdown");
    const toCode = await h.call(notebookEditTool, { notebook_path: path, cell_id: "f0e1d2c3", new_source: "print('notes')", cell_type: "code" });
    expect(toCode.isError).toBeFalsy();
    const nb = parse(path);
    const md = nb.cells[1] as Cell;
    expect(md.cell_type).toBe("markdown");
    expect("outputs" in md).toBe(false);
    expect("execution_count" in md).toBe(false);
    expect(md.metadata).toEqual({ tags: ["setup"] });
    expect(Object.keys(md)).toEqual(["cell_type", "id", "metadata", "source"]);
    const code = nb.cells[5] as Cell;
    expect(code).toEqual({ cell_type: "code", execution_count: null, id: "f0e1d2c3", metadata: {}, outputs: [], source: ["print('notes')"] });
    expect(Object.keys(code)).toEqual(["cell_type", "execution_count", "id", "metadata", "outputs", "source"]);
  });

  test("an unknown cell id is refused with valid ids listed, and the file is untouched", async () => {
    const { h, path, before } = await opened();
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "nope", new_source: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('Cell "nope" not found');
    expect(r.text).toContain("7f3a9c21, b41e08d2");
    expect(readText(path)).toBe(before);
  });

  test("replace without cell_id is refused", async () => {
    const { h, path, before } = await opened();
    const r = await h.call(notebookEditTool, { notebook_path: path, new_source: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("cell_id is required");
    expect(readText(path)).toBe(before);
  });
});

describe("NotebookEdit insert and delete", () => {
  test("inserts after a cell with a fresh id in a 4.5 notebook", async () => {
    const { h, path, before } = await opened();
    const r = await h.call(notebookEditTool, {
      notebook_path: path,
      cell_id: "c9d0e1f2",
      new_source: "rows.append(5.0)\n",
      cell_type: "code",
      edit_mode: "insert",
    });
    expect(r.isError).toBeFalsy();
    const nb = parse(path);
    expect(nb.cells.length).toBe(7);
    const added = nb.cells[3] as Cell;
    expect(added.id).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(7);
    expect(added).toEqual({ cell_type: "code", execution_count: null, id: added.id, metadata: {}, outputs: [], source: ["rows.append(5.0)\n"] });
    expect(r.text).toContain(`cell ${added.id}`);
    expect(r.text).toContain("after cell c9d0e1f2");
    expect((r.structured as { cell_id: string }).cell_id).toBe(added.id as string);
    expectOthersUntouched(before, readText(path), [added.id as string]);
    // The inserted cell is laid out the way Jupyter would write it.
    expect(readText(path)).toContain(`  {\n   "cell_type": "code",\n   "execution_count": null,\n   "id": "${added.id}",`);
  });

  test("inserts at the top when cell_id is omitted, and requires cell_type", async () => {
    const { h, path, before } = await opened();
    const refused = await h.call(notebookEditTool, { notebook_path: path, new_source: "# Top", edit_mode: "insert" });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("cell_type");
    expect(readText(path)).toBe(before);
    const r = await h.call(notebookEditTool, { notebook_path: path, new_source: "# Top", cell_type: "markdown", edit_mode: "insert" });
    expect(r.text).toContain("at the top");
    const nb = parse(path);
    expect(nb.cells[0]?.source).toEqual(["# Top"]);
    expect(nb.cells[1]?.id).toBe("7f3a9c21");
    expectOthersUntouched(before, readText(path), [nb.cells[0]?.id as string]);
  });

  test("deletes the first, a middle and the last cell, then fills the empty notebook again", async () => {
    const { h, path, before } = await opened();
    const del = (cell_id: string) => h.call(notebookEditTool, { notebook_path: path, cell_id, new_source: "", edit_mode: "delete" });
    const middle = await del("d5e6f7a8");
    expect(middle.text).toContain("Deleted cell d5e6f7a8 (code)");
    expect(middle.text).toContain("5 cells remain");
    expectOthersUntouched(before, readText(path), ["d5e6f7a8"]);
    expect((await del("7f3a9c21")).isError).toBeFalsy();
    expect((await del("f0e1d2c3")).isError).toBeFalsy();
    expect(parse(path).cells.map((c) => c.id)).toEqual(["b41e08d2", "c9d0e1f2", "e1f2a3b4"]);
    for (const id of ["b41e08d2", "c9d0e1f2", "e1f2a3b4"]) expect((await del(id)).isError).toBeFalsy();
    expect(readText(path)).toContain(' "cells": [],\n');
    expect(parse(path).metadata).toEqual(JSON.parse(before).metadata);
    const refill = await h.call(notebookEditTool, { notebook_path: path, new_source: "x = 1", cell_type: "code", edit_mode: "insert" });
    expect(refill.isError).toBeFalsy();
    const text = readText(path);
    expect(text).toMatch(/^\{\n "cells": \[\n  \{\n   "cell_type": "code",/);
    expect(text).toContain('\n  }\n ],\n "metadata"');
    expect(parse(path).cells.length).toBe(1);
  });
});

describe("NotebookEdit on an nbformat 4.4 notebook without ids", () => {
  test("cell-N addresses cells; inserted cells get no id; raw cells stay raw", async () => {
    const { h, path, before } = await opened("legacy-v44.ipynb");
    const replaced = await h.call(notebookEditTool, { notebook_path: path, cell_id: "cell-1", new_source: "x <- 40 + 2\nprint(x)" });
    expect(replaced.isError).toBeFalsy();
    expect(replaced.structured).toMatchObject({ cell_id: "cell-1", language: "R", cell_type: "code" });
    const raw = await h.call(notebookEditTool, { notebook_path: path, cell_id: "cell-2", new_source: "still raw" });
    expect((raw.structured as { cell_type: string }).cell_type).toBe("raw");
    const inserted = await h.call(notebookEditTool, {
      notebook_path: path,
      cell_id: "cell-0",
      new_source: "Intro",
      cell_type: "markdown",
      edit_mode: "insert",
    });
    expect(inserted.text).toContain("cell cell-1");
    expect(inserted.text).toContain("Later cells moved down one position");
    const nb = parse(path);
    expect(nb.nbformat_minor).toBe(4);
    expect(nb.cells.map((c) => c.cell_type)).toEqual(["markdown", "markdown", "code", "raw"]);
    expect(nb.cells.every((c) => !("id" in c))).toBe(true);
    expect(nb.cells[1]).toEqual({ cell_type: "markdown", metadata: {}, source: ["Intro"] });
    expect(nb.cells[3]?.source).toEqual(["still raw"]);
    expect(cellSlices(readText(path)).cells.get("#0")).toBe(cellSlices(before).cells.get("#0") as string);
  });

  test("cell-N past the end is unknown", async () => {
    const { h, path } = await opened("legacy-v44.ipynb");
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "cell-3", new_source: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("cell-0, cell-1, cell-2");
  });
});

describe("NotebookEdit safety", () => {
  test("refuses a notebook that was not read first", async () => {
    const h = harness();
    const path = copyFixture("analysis-v45.ipynb", h.dir);
    const before = readText(path);
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "7f3a9c21", new_source: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("has not been read");
    expect(readText(path)).toBe(before);
  });

  test("refuses a notebook changed on disk since it was read", async () => {
    const { h, path } = await opened();
    const changed = readText(path).replace("Sales analysis", "Sales report");
    writeFileSync(path, changed);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "7f3a9c21", new_source: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("modified since");
    expect(readText(path)).toBe(changed);
  });

  test("a malformed notebook is reported with its position and left untouched", async () => {
    const h = harness();
    const path = join(h.dir, "broken.ipynb");
    const broken = '{\n "cells": [\n  {"cell_type": "code" "source": []}\n ]\n}\n';
    writeFileSync(path, broken);
    h.state.files.set(stampKey(path), stampOf(statSync(path), false));
    const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "cell-0", new_source: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain(`${path} is not valid JSON`);
    expect(r.text).toContain("comma expected at line 3, column 24");
    expect(r.text).toContain("The file was not changed.");
    expect(readText(path)).toBe(broken);

    const noCells = '{"metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n';
    writeFileSync(path, noCells);
    h.state.files.set(stampKey(path), stampOf(statSync(path), false));
    const r2 = await h.call(notebookEditTool, { notebook_path: path, cell_id: "cell-0", new_source: "x" });
    expect(r2.text).toContain('has no "cells" array');
    expect(readText(path)).toBe(noCells);
  });

  test("refuses files that are not notebooks, and resolves relative paths against the project", async () => {
    const h = harness();
    writeFileSync(join(h.dir, "a.py"), "x = 1\n");
    const notNotebook = await h.call(notebookEditTool, { notebook_path: join(h.dir, "a.py"), cell_id: "cell-0", new_source: "x" });
    expect(notNotebook.text).toContain("not a Jupyter notebook");
    const path = copyFixture("legacy-v44.ipynb", h.dir, "rel.ipynb");
    await h.call(readTool, { file_path: "rel.ipynb" });
    const r = await h.call(notebookEditTool, { notebook_path: "rel.ipynb", cell_id: "cell-0", new_source: "# Renamed" });
    expect(r.isError).toBeFalsy();
    expect(parse(path).cells[0]?.source).toEqual(["# Renamed"]);
  });

  test("consecutive edits work without re-reading, and the file history sees each write first", async () => {
    const { h, path } = await opened();
    const seen: string[] = [];
    h.state.fileHistory = { beginCheckpoint() {}, beforeWrite: async (p) => void seen.push(p) };
    for (const source of ["a", "b"]) {
      const r = await h.call(notebookEditTool, { notebook_path: path, cell_id: "7f3a9c21", new_source: source });
      expect(r.isError).toBeFalsy();
    }
    expect(seen).toEqual([path, path]);
    expect(parse(path).cells[0]?.source).toEqual(["b"]);
  });

  test("keeps CRLF line endings and one-line notebooks valid", async () => {
    const h = harness();
    const crlf = join(h.dir, "crlf.ipynb");
    writeFileSync(crlf, jupyterText([markdownCell("aa", "# A"), codeCell("bb", "1")]).replace(/\n/g, "\r\n"));
    await h.call(readTool, { file_path: crlf });
    await h.call(notebookEditTool, { notebook_path: crlf, cell_id: "aa", new_source: "x", cell_type: "code", edit_mode: "insert" });
    const text = readText(crlf);
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(parse(crlf).cells.length).toBe(3);

    const flat = join(h.dir, "flat.ipynb");
    writeFileSync(flat, JSON.stringify(JSON.parse(jupyterText([markdownCell("aa", "# A")]))));
    await h.call(readTool, { file_path: flat });
    await h.call(notebookEditTool, { notebook_path: flat, cell_id: "aa", new_source: "y", cell_type: "markdown", edit_mode: "insert" });
    await h.call(notebookEditTool, { notebook_path: flat, cell_id: "aa", new_source: "", edit_mode: "delete" });
    expect(readText(flat)).not.toContain("\n");
    expect(parse(flat).cells.map((c) => c.source)).toEqual([["y"]]);
  });

  test("the schema matches Claude Code's field names", () => {
    const schema = toolSchema(notebookEditTool);
    expect(schema.name).toBe("NotebookEdit");
    expect(Object.keys(schema.input_schema.properties as object).sort()).toEqual(
      ["cell_id", "cell_type", "edit_mode", "new_source", "notebook_path"],
    );
    expect(schema.input_schema.required).toEqual(["notebook_path", "new_source"]);
    expect(notebookEditTool.readOnly).toBe(false);
  });
});
