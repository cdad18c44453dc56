// The LSP tool and post-edit diagnostics against the real typescript-language-server (node_modules),
// found through hone's built-in lookup in the project's node_modules/.bin. tsserver is slow to start on
// a small machine, so these tests share one service and have long timeouts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLspService, type LspService } from "../src/lsp-service.ts";
import { editTool } from "../src/tools/edit.ts";
import { lspTool } from "../src/tools/lsp.ts";
import { readTool } from "../src/tools/read.ts";
import { writeTool } from "../src/tools/write.ts";
import { harness, type Harness } from "./support/tool-harness.ts";
import { processesIn, REPO_ROOT, writeTsProject } from "./support/lsp-fixture.ts";

const SLOW = 60_000;
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
// Generous bounds: the first diagnostics wait for tsserver to load the project.
const diagnostics = { firstMs: 45_000, changeMs: 20_000, settleMs: 1_000, firstSettleMs: 4_000 };

describe("LSP with typescript-language-server", () => {
  let h: Harness;
  let service: LspService;
  const warnings: string[] = [];

  beforeAll(() => {
    h = harness();
    writeTsProject(h.dir);
    service = createLspService({ root: h.dir, configs: [], env, diagnostics, onWarning: (m) => warnings.push(m) });
    h.state.lsp = service;
  });
  afterAll(async () => {
    await service.close();
    expect(processesIn(h.dir)).toEqual([]);
  }, SLOW);

  const lsp = (operation: string, file: string, line: number, character: number) => h.call(lspTool, { operation, filePath: file, line, character });

  test("goToDefinition follows a call into the other file", async () => {
    const r = await lsp("goToDefinition", "src/a.ts", 4, 19);
    expect(r.isError).toBeFalsy();
    expect(r.text).toBe("1 definition:\nsrc/b.ts:1:17: export function greet(name: string): string {");
  }, SLOW);

  test("findReferences lists the declaration, the import and the call", async () => {
    const r = await lsp("findReferences", join(h.dir, "src", "b.ts"), 1, 17);
    expect(r.text).toBe(
      [
        "3 references in 2 files:",
        'src/a.ts:1:10: import { greet } from "./b";',
        'src/a.ts:4:19: const message = greet("world");',
        "src/b.ts:1:17: export function greet(name: string): string {",
      ].join("\n"),
    );
  }, SLOW);

  test("hover shows the type", async () => {
    const r = await lsp("hover", "src/a.ts", 4, 9);
    expect(r.text).toContain("const message: string");
  }, SLOW);

  test("documentSymbol gives an outline with kinds and lines", async () => {
    const r = await lsp("documentSymbol", "src/a.ts", 1, 1);
    expect(r.text).toBe("Symbols in src/a.ts:\nFunction main (lines 3-6)\n  Constant message (line 4)");
  }, SLOW);

  test("incomingCalls names the caller and the call site", async () => {
    const r = await lsp("incomingCalls", "src/b.ts", 1, 17);
    expect(r.text).toBe("1 caller of greet:\nFunction main - src/a.ts:3:17\n  calls it at src/a.ts 4:19");
  }, SLOW);

  test("a position outside the file and a file type without a server are explained", async () => {
    const far = await lsp("hover", "src/a.ts", 40, 1);
    expect(far.isError).toBe(true);
    expect(far.text).toContain("Line 40 is outside src/a.ts, which has 7 lines");
    writeFileSync(join(h.dir, "notes.md"), "# Notes\n");
    const md = await lsp("hover", "notes.md", 1, 1);
    expect(md.isError).toBe(true);
    expect(md.text).toContain("No language server is configured or installed for .md files");
    expect(md.text).toContain(".lsp.json");
  }, SLOW);

  test("an Edit that introduces a type error gets it appended; the edit that fixes it gets nothing", async () => {
    const file = join(h.dir, "src", "a.ts");
    await h.call(readTool, { file_path: file });
    const bad = await h.call(editTool, { file_path: file, old_string: "const message = greet", new_string: "const message: number = greet" });
    expect(bad.isError).toBeFalsy();
    expect(bad.text).toStartWith(`The file ${file} has been updated.\n\nThe language server reports 1 `);
    // "new error ... after this edit" when the file's earlier diagnostics had arrived; on a loaded machine they may not have.
    expect(bad.text).toMatch(/reports 1 (new error in this file after this edit|error in this file):\n/);
    expect(bad.text).toContain("src/a.ts:4:9: Type 'string' is not assignable to type 'number'. [typescript 2322]");
    const fixed = await h.call(editTool, { file_path: file, old_string: "const message: number = greet", new_string: "const message: string = greet" });
    expect(fixed.text).toBe(`The file ${file} has been updated.`);
    expect(warnings).toEqual([]);
  }, SLOW);

  test("Write of a new file reports its errors; an edit to a file no server handles appends nothing", async () => {
    const file = join(h.dir, "src", "c.ts");
    const created = await h.call(writeTool, { file_path: file, content: 'import { greet } from "./b";\nexport const n: number = greet(1);\n' });
    expect(created.text).toStartWith(`Created ${file} (2 lines).\n\nThe language server reports `);
    expect(created.text).toContain("src/c.ts:2:32: Argument of type 'number' is not assignable to parameter of type 'string'.");
    const notes = join(h.dir, "notes.md");
    writeFileSync(notes, "# Notes\n");
    await h.call(readTool, { file_path: notes });
    const edited = await h.call(editTool, { file_path: notes, old_string: "# Notes", new_string: "# More notes" });
    expect(edited.text).toBe(`The file ${notes} has been updated.`);
  }, SLOW);
});

describe("LSP server failures", () => {
  test("a configured command that does not exist: a clear error naming it, not retried, edits unaffected", async () => {
    const h = harness();
    const warnings: string[] = [];
    const config = { name: "ghost", command: "hone-no-such-language-server", args: ["--stdio"], extensionToLanguage: { ".ghost": "ghost" }, env: {}, source: join(h.dir, ".lsp.json") };
    h.state.lsp = createLspService({ root: h.dir, configs: [config], env, detect: false, onWarning: (m) => warnings.push(m) });
    const file = join(h.dir, "x.ghost");
    writeFileSync(file, "boo\n");
    const first = await h.call(lspTool, { operation: "hover", filePath: file, line: 1, character: 1 });
    expect(first.isError).toBe(true);
    expect(first.text).toContain(`Language server "ghost" (hone-no-such-language-server --stdio, from ${config.source}) could not be started: the command was not found`);
    expect(first.text).toContain("will not be started again in this session");
    const again = await h.call(lspTool, { operation: "hover", filePath: file, line: 1, character: 1 });
    expect(again.text).toBe(first.text);
    await h.call(readTool, { file_path: file });
    const edited = await h.call(editTool, { file_path: file, old_string: "boo", new_string: "hoo" });
    expect(edited.text).toBe(`The file ${file} has been updated.`);
    await h.state.lsp.close();
  }, SLOW);

  test("a server that never answers initialize is stopped after its startup timeout", async () => {
    const h = harness();
    const config = { name: "mute", command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"], extensionToLanguage: { ".mute": "mute" }, env: {}, source: "test", startupTimeoutMs: 1_000 };
    const service = createLspService({ root: h.dir, configs: [config], env, detect: false });
    writeFileSync(join(h.dir, "a.mute"), "x\n");
    const error = await service.request("hover", join(h.dir, "a.mute"), 1, 1, new AbortController().signal).catch((e: Error) => e);
    expect(String(error)).toContain(`Language server "mute" (${process.execPath} -e "setInterval(() => {}, 1000)", from test) did not answer "initialize" within 1 s.`);
    await service.close();
    expect(processesIn(h.dir)).toEqual([]);
  }, SLOW);

  test("a server killed mid-session: a clear error on the next request, a restart after it, and the process still exits", () => {
    const h = harness();
    writeTsProject(h.dir);
    const run = spawnSync(process.execPath, [join(REPO_ROOT, "test", "support", "lsp-crash-main.ts"), h.dir], { encoding: "utf8", timeout: 55_000, env: { ...process.env, ...env } });
    for (const pid of processesIn(h.dir)) process.kill(pid, "SIGKILL");
    expect(run.stderr).toBe("");
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("first: ok true");
    expect(lines[1]).toContain('second: error "Language server \\"typescript\\" (');
    expect(lines[1]).toContain("was stopped by signal SIGKILL.");
    expect(lines[1]).toContain("It will be started again on the next request.");
    expect(lines.slice(2)).toEqual(["third: ok true", "done"]);
    expect(run.status).toBe(0);
  }, SLOW);
});
