import { describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatNewErrors, newErrors } from "../src/lsp-diagnostics.ts";
import { formatDocumentSymbols, formatLocations, hoverText, SourceView, toLocations } from "../src/lsp-format.ts";
import { toPosition, wordAt } from "../src/lsp-operations.ts";
import { fileUri, type Diagnostic } from "../src/lsp-protocol.ts";

const range = (line: number, character: number) => ({ start: { line, character }, end: { line, character: character + 1 } });
const diag = (line: number, message: string, severity?: number, code?: number): Diagnostic => ({
  range: range(line, 2),
  message,
  ...(severity === undefined ? {} : { severity }),
  ...(code === undefined ? {} : { code, source: "ts" }),
});

describe("post-edit diagnostics", () => {
  test("only errors the edit added count, matched by message even when lines moved", () => {
    const before = [diag(3, "old error", 1), diag(5, "a warning", 2)];
    const after = [diag(9, "new error", 1, 2322), diag(4, "old error", 1), diag(6, "a warning", 2), diag(1, "old error", 1), diag(2, "no severity")];
    const added = newErrors(before, after);
    expect(added.map((d) => `${d.range.start.line}:${d.message}`)).toEqual(["1:old error", "2:no severity", "9:new error"]);
    expect(newErrors(undefined, [diag(2, "w", 2), diag(1, "e", 1)]).map((d) => d.message)).toEqual(["e"]);
    expect(newErrors(after, before)).toEqual([]);
  });

  test("the note: heading, path:line:col lines with one-line messages, capped at five", () => {
    expect(formatNewErrors("src/a.ts", [], true)).toBeUndefined();
    const one = formatNewErrors("src/a.ts", [diag(3, "Type 'string' is not\n  assignable to 'number'.", 1, 2322)], true);
    expect(one).toBe("The language server reports 1 new error in this file after this edit:\nsrc/a.ts:4:3: Type 'string' is not assignable to 'number'. [ts 2322]");
    const many = formatNewErrors("a.py", Array.from({ length: 7 }, (_, i) => diag(i, `e${i}`)), false) ?? "";
    expect(many.split("\n")).toEqual(["The language server reports 7 errors in this file:", "a.py:1:3: e0", "a.py:2:3: e1", "a.py:3:3: e2", "a.py:4:3: e3", "a.py:5:3: e4", "… and 2 more"]);
  });
});

describe("positions and results", () => {
  test("1-based editor positions become 0-based ones; positions outside the file are explained", () => {
    const text = "const a = 1;\nfoo(bar_baz);\n";
    expect(toPosition(text, 2, 5, "x.ts")).toEqual({ line: 1, character: 4 });
    expect(() => toPosition(text, 9, 1, "x.ts")).toThrow("Line 9 is outside x.ts, which has 3 lines");
    expect(() => toPosition(text, 2, 40, "x.ts")).toThrow("Character 40 is outside line 2 of x.ts, which has 13 characters");
    expect(wordAt(text, { line: 1, character: 6 })).toBe("bar_baz");
    expect(wordAt(text, { line: 1, character: 3 })).toBe("foo");
    expect(wordAt(text, { line: 0, character: 8 })).toBe("");
  });

  test("hover contents of every shape become text", () => {
    expect(hoverText({ contents: { kind: "markdown", value: " **x**: number " } })).toBe("**x**: number");
    expect(hoverText({ contents: [{ language: "ts", value: "let x: number" }, "docs"] })).toBe("```ts\nlet x: number\n```\n\ndocs");
    expect(hoverText({ contents: "" })).toBe("");
    expect(hoverText(null)).toBe("");
  });

  test("locations (and links) with their source lines, relative paths, sorted; flat symbols", async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-lspfmt-")));
    writeFileSync(join(root, "b.ts"), "line one\n  export const b = 2;\n");
    writeFileSync(join(root, "a.ts"), "import { b } from './b';\n");
    const view = new SourceView(root);
    const b = fileUri(join(root, "b.ts"));
    const a = fileUri(join(root, "a.ts"));
    const locations = toLocations([
      { targetUri: b, targetRange: range(0, 0), targetSelectionRange: range(1, 15) },
      { uri: a, range: range(0, 9) },
    ]);
    expect(await formatLocations(locations, view, "reference")).toBe("2 references in 2 files:\na.ts:1:10: import { b } from './b';\nb.ts:2:16: export const b = 2;");
    expect(await formatLocations(toLocations({ uri: "file:///elsewhere/x.ts", range: range(4, 0) }), view, "definition")).toBe("1 definition:\n/elsewhere/x.ts:5:1");
    const flat = formatDocumentSymbols([{ name: "b", kind: 14, containerName: "mod", location: { uri: b, range: range(1, 15) } }], view, "b.ts");
    expect(flat).toBe("Symbols in b.ts:\nConstant b (in mod) - b.ts:2:16");
    expect(formatDocumentSymbols([], view, "b.ts")).toBe("No symbols found in b.ts.");
  });
});
