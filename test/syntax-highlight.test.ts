import { describe, expect, test } from "bun:test";
import { stripAnsi } from "../src/ansi-text.ts";
import {
  createLineHighlighter,
  highlightCode,
  HIGHLIGHT_BATCH,
  resolveLanguage,
  sanitizeLine,
} from "../src/syntax-highlight.ts";

const ESC = "\x1b[";
const TS = `/* a block comment
   spanning lines */
const answer: number = 42; // the answer
function greet(name: string): string {
  return \`hello \${name}\` + "<b>&amp;</b>";
}
`;

describe("highlightCode", () => {
  test("colours TypeScript and keeps one entry per source line with the text intact", () => {
    const lines = highlightCode(TS, "ts", true);
    const source = TS.split("\n");
    expect(lines.length).toBe(source.length);
    expect(lines.map(stripAnsi)).toEqual(source);
    // The keyword is painted magenta, the number yellow, the string green.
    expect(lines[2]).toContain(`${ESC}35mconst`);
    expect(lines[2]).toContain(`${ESC}33m42`);
    expect(lines[4]).toContain(`${ESC}32m"<b>&amp;</b>"`);
  });

  test("html entities from highlight.js are decoded back to the source characters", () => {
    const [line] = highlightCode('if (a < b && c > "d") {}', "javascript", true);
    expect(stripAnsi(line ?? "")).toBe('if (a < b && c > "d") {}');
    expect(line).not.toContain("&lt;");
    expect(line).not.toContain("&quot;");
  });

  test("each line re-opens its colour: a comment spanning lines is coloured on both", () => {
    const [first, second] = highlightCode(TS, "typescript", true);
    for (const line of [first, second]) {
      expect(line?.startsWith(`${ESC}90m`)).toBe(true);
      expect(line?.endsWith(`${ESC}39m`)).toBe(true);
    }
  });

  test("unknown languages and color off give the plain lines", () => {
    const code = "let x = 1;\nprint(x)";
    expect(highlightCode(code, "no-such-language", true)).toEqual(["let x = 1;", "print(x)"]);
    expect(highlightCode(code, "typescript", false)).toEqual(["let x = 1;", "print(x)"]);
    expect(highlightCode(code, undefined, true)).toEqual(["let x = 1;", "print(x)"]);
  });

  test("common fence names resolve, including aliases and info strings with extra words", () => {
    for (const name of ["ts", "tsx", "js", "json", "sh", "shell", "bash", "py", "go", "rs", "diff", "yml", "css", "html", "xml", "sql", "java", "c", "cpp", "md"]) {
      expect(resolveLanguage(name)).toBeDefined();
    }
    expect(resolveLanguage("ts title=app.ts")).toBe("ts");
    expect(resolveLanguage("")).toBeUndefined();
    expect(resolveLanguage("brainfudge")).toBeUndefined();
    for (const [lang, code] of [
      ["python", "def f(x):\n    return 1"],
      ["go", "func main() {}"],
      ["rust", "fn main() { let x = 1; }"],
      ["bash", "if [ -f x ]; then echo hi; fi"],
      ["yaml", "key: 'value'"],
      ["sql", "SELECT * FROM t WHERE id = 1"],
    ]) {
      expect(highlightCode(code ?? "", lang, true).join("\n")).toContain(ESC);
    }
  });

  test("long code is coloured batch by batch; one enormous line is left plain", () => {
    const big = Array.from({ length: 3000 }, (_, i) => `const value${i} = "${"x".repeat(20)}";`).join("\n");
    const lines = highlightCode(big, "ts", true);
    expect(lines.length).toBe(3000);
    expect(lines[0]).toContain(ESC);
    const [huge] = highlightCode(`const s = "${"y".repeat(60_000)}";`, "ts", true);
    expect(huge).not.toContain(ESC);
  });

  test("tabs become spaces to 4-column stops and control characters are neutralised", () => {
    expect(sanitizeLine("a\tb\t\tc")).toBe("a   b       c");
    expect(sanitizeLine("evil\x1b[2Jclear")).toBe("evil\ufffd[2Jclear");
    expect(highlightCode("x\x07\ty", "nope", true)).toEqual(["x\ufffd  y"]);
  });
});

describe("createLineHighlighter", () => {
  test("lines fed one by one come out exactly as highlighting the whole block", () => {
    const code = Array.from({ length: 40 }, (_, i) =>
      i % 9 === 0 ? `/* comment ${i}` : i % 9 === 3 ? `end ${i} */` : `let v${i} = "s${i}";`,
    );
    const h = createLineHighlighter("js", true);
    const out: string[] = [];
    for (const line of code) out.push(...h.add(line));
    out.push(...h.finish());
    expect(out).toEqual(highlightCode(code.join("\n"), "js", true));
  });

  test("lines become final in batches and pending shows the rest, with the unfinished line", () => {
    const h = createLineHighlighter("ts", true);
    const final: string[] = [];
    for (let i = 0; i < HIGHLIGHT_BATCH - 1; i++) final.push(...h.add(`const a${i} = ${i};`));
    expect(final).toEqual([]);
    expect(h.pending("const par").length).toBe(HIGHLIGHT_BATCH);
    expect(stripAnsi(h.pending("const par").at(-1) ?? "")).toBe("const par");
    final.push(...h.add("const last = 1;"));
    expect(final.length).toBe(HIGHLIGHT_BATCH);
    expect(h.pending()).toEqual([]);
  });

  test("a comment opened in one batch keeps its colour in the next", () => {
    const lines = ["/*", ...Array.from({ length: HIGHLIGHT_BATCH * 2 }, (_, i) => `comment text ${i}`), "*/", "let x = 1;"];
    const h = createLineHighlighter("ts", true);
    const out: string[] = [];
    for (const line of lines) out.push(...h.add(line));
    out.push(...h.finish());
    // A line of the comment well past the first batch is still painted as a comment (gray).
    expect(out[HIGHLIGHT_BATCH + 3]?.startsWith(`${ESC}90m`)).toBe(true);
    expect(out.at(-1)).toContain(`${ESC}35mlet`);
  });

  test("without colour every line is final at once", () => {
    const h = createLineHighlighter("ts", false);
    expect(h.add("const x = 1;")).toEqual(["const x = 1;"]);
    expect(h.pending("par")).toEqual(["par"]);
    expect(h.finish()).toEqual([]);
  });
});
