import { describe, expect, test } from "bun:test";
import { Buffer } from "node:buffer";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stampKey } from "../src/file-io.ts";
import { readTool } from "../src/tools/read.ts";
import type { ImageContent, TextContent } from "../src/tool.ts";
import { harness } from "./support/tool-harness.ts";
import { codeCell, copyFixture, jupyterText, markdownCell, streamOutput } from "./fixtures/notebooks/make.ts";

const images = (content: unknown) =>
  (Array.isArray(content) ? content : []).filter((b: TextContent | ImageContent): b is ImageContent => b.type === "image");

// A real 1x1 PNG.
const PNG_1x1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

function pngOutput(): Record<string, unknown> {
  return { data: { "image/png": PNG_1x1, "text/plain": ["<Figure>"] }, metadata: {}, output_type: "display_data" };
}

describe("Read of a notebook", () => {
  test("shows every cell with id, type and source, then its outputs, and an image block", async () => {
    const h = harness();
    const path = copyFixture("analysis-v45.ipynb", h.dir);
    const r = await h.call(readTool, { file_path: path });
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain(`Jupyter notebook ${path}: 6 cells, language python, nbformat 4.5`);
    expect(r.text).toContain('<cell id="7f3a9c21" type="markdown">\n# Sales analysis\n\nLoads the quarterly numbers and plots them.\n</cell>');
    expect(r.text).toContain('<cell id="b41e08d2" type="code" execution_count="1">\nimport json\n');
    expect(r.text).toContain('<output type="stream" name="stdout">\nloaded 4 rows\ncolumns: quarter, revenue\n</output>');
    expect(r.text).toContain('<output type="execute_result" execution_count="2">\n{\'ratio\': 1.0, \'total\': 10.75}\n</output>');
    expect(r.text).toContain("ZeroDivisionError: division by zero\n---");
    expect(r.text).toContain("----> 1 1 / 0");
    expect(r.text).not.toContain("\x1b");
    expect(r.text).toContain("Revenue grows — every quarter.");
    // Cells come in file order.
    const order = ["7f3a9c21", "b41e08d2", "c9d0e1f2", "d5e6f7a8", "e1f2a3b4", "f0e1d2c3"].map((id) => r.text.indexOf(`id="${id}"`));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const [image] = images(r.content);
    expect(image?.source.media_type).toBe("image/png");
    const bytes = Buffer.from(image?.source.data ?? "", "base64");
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(image?.source.data).not.toContain("\n");
    // The read counts as a whole read for the write tools.
    expect(h.state.files.get(stampKey(path))?.partial).toBe(false);
    const cells = (r.structured as { type: string; file: { cells: Array<{ cell_id: string; cellType: string }> } }).file.cells;
    expect(cells.map((c) => c.cell_id)).toEqual(["7f3a9c21", "b41e08d2", "c9d0e1f2", "d5e6f7a8", "e1f2a3b4", "f0e1d2c3"]);
  });

  test("names cells cell-N without ids, takes the language from the kernelspec, and says offset does not apply", async () => {
    const h = harness();
    const path = copyFixture("legacy-v44.ipynb", h.dir);
    const r = await h.call(readTool, { file_path: path, offset: 2, limit: 1 });
    expect(typeof r.content).toBe("string");
    expect(r.text).toContain("language R, nbformat 4.4");
    expect(r.text).toContain("offset and limit do not apply");
    expect(r.text).toContain('<cell id="cell-0" type="markdown">');
    expect(r.text).toContain('<cell id="cell-1" type="code" execution_count="7">\nx <- 1 + 2\nprint(x)\n</cell>');
    expect(r.text).toContain('<cell id="cell-2" type="raw">');
  });

  test("cuts a long output per output, keeping a stream's end and a result's start", async () => {
    const h = harness();
    const path = join(h.dir, "long.ipynb");
    const stream = Array.from({ length: 1000 }, (_, i) => `step ${i}\n`).join("");
    const result = { data: { "text/plain": Array.from({ length: 1000 }, (_, i) => `row ${i}\n`) }, metadata: {}, output_type: "execute_result", execution_count: 1 };
    writeFileSync(path, jupyterText([codeCell("a1", "train()", [streamOutput(stream), result])]));
    const r = await h.call(readTool, { file_path: path });
    expect(r.text).toContain("step 999");
    expect(r.text).not.toContain("step 0\n");
    expect(r.text).toContain("row 0\n");
    expect(r.text).not.toContain("row 999");
    expect(r.text).toContain("[output cut: showing the last 150 of 1000 lines");
    expect(r.text).toContain("[output cut: showing the first 150 of 1000 lines");
  });

  test("caps the number of images, saying which were left out", async () => {
    const h = harness();
    const path = join(h.dir, "plots.ipynb");
    const cells = Array.from({ length: 12 }, (_, i) => codeCell(`p${i}`, `plot(${i})`, [pngOutput()]));
    writeFileSync(path, jupyterText(cells));
    const r = await h.call(readTool, { file_path: path });
    expect(images(r.content).length).toBe(10);
    expect(r.text.match(/as many images as it can/g)?.length).toBe(2);
  });

  test("text/markdown is shown, other rich output is named, and invalid image data is not sent", async () => {
    const h = harness();
    const path = join(h.dir, "rich.ipynb");
    const outputs = [
      { data: { "text/markdown": "**bold** result", "text/plain": "<IPython.Markdown>" }, metadata: {}, output_type: "display_data" },
      { data: { "application/vnd.jupyter.widget-view+json": { model_id: "x" } }, metadata: {}, output_type: "display_data" },
      { data: { "image/png": "bm90IGFuIGltYWdl" }, metadata: {}, output_type: "display_data" },
    ];
    writeFileSync(path, jupyterText([codeCell("r1", "show()", outputs)]));
    const r = await h.call(readTool, { file_path: path });
    expect(r.text).toContain("<IPython.Markdown>\n**bold** result\n");
    expect(r.text).toContain("[application/vnd.jupyter.widget-view+json output, not shown]");
    expect(r.text).toContain("not a valid image");
    expect(images(r.content).length).toBe(0);
  });

  test("a notebook too large with outputs is shown without them; one too large even so is cut at a cell and saved", async () => {
    const h = harness();
    const mid = join(h.dir, "mid.ipynb");
    const noisy = Array.from({ length: 20 }, (_, i) => codeCell(`n${i}`, `run(${i})`, [streamOutput("x".repeat(5_000))]));
    writeFileSync(mid, jupyterText(noisy));
    const r1 = await h.call(readTool, { file_path: mid });
    expect(r1.text).toContain("outputs are left out");
    expect(r1.text).toContain('<cell id="n19" type="code"');
    expect(r1.text).toContain("[1 output not shown]");
    expect(h.state.files.get(stampKey(mid))?.partial).toBe(false);

    const big = join(h.dir, "big.ipynb");
    const cells = Array.from({ length: 40 }, (_, i) => markdownCell(`m${i}`, `${"text ".repeat(400)}${i}`));
    writeFileSync(big, jupyterText(cells));
    const r2 = await h.call(readTool, { file_path: big });
    expect(r2.text.length).toBeLessThan(52_000);
    const shown = r2.text.match(/<cell id=/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(40);
    expect(r2.text).toContain(`the cells from m${shown} on are not shown`);
    const saved = /The full rendering is in (\S+) /.exec(r2.text)?.[1] ?? "";
    expect(existsSync(saved)).toBe(true);
    expect(readFileSync(saved, "utf8")).toContain('<cell id="m39" type="markdown">');
    expect(h.state.files.get(stampKey(big))?.partial).toBe(true);
  });

  test("a malformed notebook is an error naming the file and position", async () => {
    const h = harness();
    const path = join(h.dir, "bad.ipynb");
    writeFileSync(path, '{\n "cells": [\n');
    const r = await h.call(readTool, { file_path: path });
    expect(r.isError).toBe(true);
    expect(r.text).toContain(`${path} is not valid JSON`);
    expect(r.text).toContain("line 3");
    expect(h.state.files.has(stampKey(path))).toBe(false);
  });
});
