// The compiled binary with a real TypeScript language server and real notebooks: the LSP tool's
// answers, a type error appended to the Edit that caused it, and NotebookEdit keeping .ipynb valid.
import { afterEach, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, startMockApi, text, toolUse, type MockApi } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { writeTsProject } from "../support/lsp-fixture.ts";

let api: MockApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function lastResults(body: { messages?: Array<{ role: string; content: unknown }> }): string {
  return JSON.stringify(body.messages?.[body.messages.length - 1]?.content ?? "");
}

test("LSP finds a definition, and an Edit that breaks a type gets the new error in its result", async () => {
  const dir = tempProject();
  writeTsProject(dir);
  const a = join(dir, "src", "a.ts");
  const b = join(dir, "src", "b.ts");
  api = await startMockApi({
    steps: [
      reply(toolUse("LSP", { operation: "goToDefinition", filePath: a, line: 4, character: 21 }), toolUse("Read", { file_path: b })),
      reply(toolUse("Edit", { file_path: b, old_string: "return `hello ${name}`;", new_string: "return name.length;" })),
      reply(toolUse("Edit", { file_path: b, old_string: "return name.length;", new_string: "return `hi ${name}`;" })),
      reply(text("Fixed.")),
    ],
  });
  // The project's own node_modules/.bin server runs only in a trusted folder.
  const run = await runHone(["-p", "look at greet", "--trust", "--allowedTools", "Edit"], { cwd: dir, apiUrl: api.url });
  expect(run.code).toBe(0);
  expect(api.requests).toHaveLength(4);
  const lsp = lastResults(api.requests[1]!.body);
  expect(lsp).toContain("src/b.ts:1");
  const broken = lastResults(api.requests[2]!.body);
  expect(broken).toContain("is not assignable to type 'string'");
  expect(broken).toContain("src/b.ts:2");
  // The fix introduces nothing new, so nothing is appended.
  expect(lastResults(api.requests[3]!.body)).not.toContain("assignable");
  expect(readFileSync(b, "utf8")).toContain("return `hi ${name}`;");
  // The LSP tool was offered because a server is there for the project's files.
  expect((api.requests[0]!.body.tools ?? []).map((t) => t.name)).toContain("LSP");
}, 90_000);

test("no language server for the project: no LSP tool, and edits carry nothing extra", async () => {
  const dir = tempProject();
  writeFileSync(join(dir, "notes.md"), "# Notes\n");
  api = await startMockApi({ steps: [reply(toolUse("Read", { file_path: join(dir, "notes.md") })), reply(toolUse("Edit", { file_path: join(dir, "notes.md"), old_string: "Notes", new_string: "More notes" })), reply(text("ok"))] });
  const run = await runHone(["-p", "edit", "--allowedTools", "Edit"], { cwd: dir, apiUrl: api.url, env: { PATH: "/usr/bin:/bin" } });
  expect(run.code).toBe(0);
  expect((api.requests[0]!.body.tools ?? []).map((t) => t.name)).not.toContain("LSP");
  expect(lastResults(api.requests[2]!.body)).not.toContain("error");
}, 30_000);

test("NotebookEdit through the binary: read, replace a cell and insert one, the file stays a valid notebook", async () => {
  const dir = tempProject();
  const path = join(dir, "analysis.ipynb");
  const notebook = {
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: ["# Analysis\n"] },
      { cell_type: "code", id: "load", execution_count: 1, metadata: {}, outputs: [{ output_type: "stream", name: "stdout", text: ["loaded 3 rows\n"] }], source: ["rows = load()\n", "print(f'loaded {len(rows)} rows')"] },
    ],
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
  api = await startMockApi({
    steps: [
      reply(toolUse("Read", { file_path: path })),
      reply(toolUse("NotebookEdit", { notebook_path: path, cell_id: "load", new_source: "rows = load(limit=10)" })),
      reply(toolUse("NotebookEdit", { notebook_path: path, cell_id: "load", edit_mode: "insert", cell_type: "code", new_source: "rows[:2]" })),
      reply(text("Done.")),
    ],
  });
  const run = await runHone(["-p", "tweak the notebook", "--allowedTools", "NotebookEdit"], { cwd: dir, apiUrl: api.url });
  expect(run.code).toBe(0);
  // Read showed the cell ids and the cell's output.
  const shown = lastResults(api.requests[1]!.body);
  expect(shown).toContain("load");
  expect(shown).toContain("loaded 3 rows");
  const after = JSON.parse(readFileSync(path, "utf8")) as typeof notebook & { cells: Array<{ id: string; source: string[]; outputs?: unknown[] }> };
  expect(after.nbformat_minor).toBe(5);
  expect(after.cells.map((c) => c.id.length > 0)).toEqual([true, true, true]);
  expect(after.cells[1]!.source.join("")).toBe("rows = load(limit=10)");
  expect(after.cells[1]!.outputs).toEqual([]);
  expect(after.cells[2]!.source.join("")).toBe("rows[:2]");
  expect(after.cells[0]).toEqual(notebook.cells[0]!);
}, 30_000);
