import { describe, expect, test } from "bun:test";
import { stripAnsi, visibleWidth } from "../src/ansi-text.ts";
import { decodeEntities } from "../src/markdown-inline.ts";
import { renderMarkdown } from "../src/markdown-render.ts";
import { fitColumns } from "../src/markdown-table.ts";

const plain = (text: string, width = 60) => renderMarkdown(text, { width, color: false });
const colored = (text: string, width = 60) => renderMarkdown(text, { width, color: true });

const SAMPLE = `# Title with **bold**

A paragraph with *emphasis*, ~~strike~~, \`code\`, a [link](https://example.com/docs) and
https://plain.example/url, plus entities &amp; &copy; &#65; and \\*escapes\\*. 日本語の文字も混ざる。

- first item whose text is long enough to wrap onto another row of the terminal
- second
  - nested item
    1. deep
- [x] done task
- [ ] open task

> quoted **text** that goes on long enough to wrap inside the quote bar as well
>
> second quote paragraph

\`\`\`ts
// comment
const x: number = 42;
\`\`\`

| Name | Count | Notes |
|:-----|------:|:-----:|
| alpha | 1 | short |
| a much longer name here | 12345 | notes that run on and on for a while |

---

<div>raw html</div>

Done. 🎉 Emoji and wide 漢字 at the end.
`;

describe("renderMarkdown", () => {
  test("no row is ever wider than the width, wide characters included", () => {
    for (let width = 2; width <= 100; width += width < 16 ? 1 : 9) {
      for (const color of [true, false]) {
        for (const row of renderMarkdown(SAMPLE, { width, color })) expect(visibleWidth(row)).toBeLessThanOrEqual(width);
      }
    }
  });

  test("no escape codes without color; styles with color", () => {
    expect(plain(SAMPLE).join("\n")).not.toContain("\x1b");
    expect(colored(SAMPLE).join("\n")).toContain("\x1b[1m");
  });

  test("blocks are separated by exactly one blank row, none at the edges", () => {
    const rows = plain(SAMPLE);
    expect(rows[0]).not.toBe("");
    expect(rows.at(-1)).not.toBe("");
    for (let i = 1; i < rows.length; i++) expect(rows[i] === "" && rows[i - 1] === "").toBe(false);
    expect(plain("# Head\nText right under it")).toEqual(["# Head", "", "Text right under it"]);
  });

  test("headings: marked in plain text, bold (and underlined for level 1) in colour", () => {
    expect(plain("# One\n\n### Three")).toEqual(["# One", "", "### Three"]);
    const [h1, , h2] = colored("# One\n\n## Two");
    expect(h1).toContain("\x1b[1m");
    expect(h1).toContain("\x1b[4m");
    expect(h2).toContain("\x1b[1m");
    expect(h2).not.toContain("\x1b[4m");
  });

  test("inline styles, links shown with their target unless it is the text itself", () => {
    expect(plain("**b** *i* ~~s~~ `c` [site](https://x.io) <https://y.io> [m](mailto:a@b.c)")).toEqual([
      "b i ~s~ `c` site (https://x.io) https://y.io m (a@b.c)",
    ]);
    const [row] = colored("**b** *i* ~~s~~ `c`");
    expect(row).toBe("\x1b[1mb\x1b[22m \x1b[3mi\x1b[23m \x1b[9ms\x1b[29m \x1b[36mc\x1b[39m");
  });

  test("entities and escapes are decoded", () => {
    expect(plain("a &amp; b &lt;tag&gt; &copy; &#65;&#x42; \\*not em\\* &unknown;")).toEqual([
      "a & b <tag> © AB *not em* &unknown;",
    ]);
    expect(decodeEntities("&hellip;&mdash;&#128512;&#xD800;")).toBe("…—😀\ufffd");
  });

  test("soft breaks join, hard breaks split, and styles do not leak across the split", () => {
    expect(plain("one\ntwo")).toEqual(["one two"]);
    expect(plain("one  \ntwo")).toEqual(["one", "two"]);
    const rows = colored("**bold  \nstill bold**");
    expect(rows).toEqual(["\x1b[1mbold\x1b[22m", "\x1b[1mstill bold\x1b[22m"]);
  });

  test("list items hang their wrapped rows under the text, nested lists indent further", () => {
    const rows = plain("- first item that wraps across rows here\n  - nested\n    1. deep\n2. x", 20);
    expect(rows).toEqual(["• first item that", "  wraps across rows", "  here", "  ◦ nested", "    1. deep", "", "2. x"]);
    expect(plain("3. three\n4. four\n10. ten", 30)).toEqual(["3. three", "4. four", "5. ten"]);
  });

  test("task lists show their checkbox as the marker", () => {
    expect(plain("- [x] done thing that wraps\n- [ ] open", 16)).toEqual(["[x] done thing", "    that wraps", "[ ] open"]);
    expect(colored("- [x] done")[0]).toContain("\x1b[32m[x]");
  });

  test("tight lists stay tight; blank lines in the source give blank rows between items", () => {
    expect(plain("- a\n- b\n\n- c\n\n  more c")).toEqual(["• a", "• b", "", "• c", "", "  more c"]);
  });

  test("block quotes get a bar on every row, blank rows included", () => {
    const rows = plain("> quoted text long enough to wrap\n>\n> second", 20);
    expect(rows).toEqual(["│ quoted text long", "│ enough to wrap", "│", "│ second"]);
  });

  test("code blocks are indented, coloured, and cut at the column instead of re-flowed", () => {
    const line = "const value = someFunction(argumentOne, argumentTwo, argumentThree);";
    const rows = plain(`\`\`\`ts\n${line}\n  indented();\n\`\`\``, 30);
    expect(rows.every((r) => r.startsWith("  "))).toBe(true);
    expect(rows.slice(0, -1).map((r) => r.slice(2)).join("")).toBe(line);
    expect(rows.at(-1)).toBe("    indented();");
    const code = colored("```ts\nconst x = 1;\n```");
    expect(code[0]).toContain("\x1b[35mconst");
    expect(plain("    indented code\n    more")).toEqual(["  indented code", "  more"]);
  });

  test("tables fit the width: natural widths when they fit, aligned cells, wrapped when shrunk", () => {
    const table = "| Name | Count |\n|:--|--:|\n| alpha | 1 |\n| beta | 22 |";
    expect(plain(table)).toEqual([
      "┌───────┬───────┐",
      "│ Name  │ Count │",
      "├───────┼───────┤",
      "│ alpha │     1 │",
      "│ beta  │    22 │",
      "└───────┴───────┘",
    ]);
    const wide = "| a | b |\n|---|:-:|\n| a long cell that must wrap | c |";
    const rows = plain(wide, 20);
    for (const row of rows) expect(visibleWidth(row)).toBeLessThanOrEqual(20);
    expect(rows.length).toBeGreaterThan(6);
    expect(rows.join("\n")).toContain("│ a long cell  │ c │");
  });

  test("tables too wide for any column layout fall back to one line per cell", () => {
    const rows = plain("| Name | Value | Extra |\n|--|--|--|\n| a | 1 | x |\n| b | 2 | y |", 12);
    expect(rows).toEqual(["Name: a", "Value: 1", "Extra: x", "────────", "Name: b", "Value: 2", "Extra: y"]);
  });

  test("column fitting keeps narrow columns whole and shares the rest", () => {
    expect(fitColumns([5, 40, 30], 100)).toEqual([5, 40, 30]);
    const widths = fitColumns([5, 40, 30], 40);
    expect(widths[0]).toBe(5);
    expect(widths.reduce((a, b) => a + b, 0)).toBe(40);
  });

  test("rules span the width, html shows as text, wide characters wrap by columns", () => {
    expect(plain("---", 12)).toEqual(["────────────"]);
    expect(plain("<div>\n<b>hi</b>\n</div>")).toEqual(["<div>", "<b>hi</b>", "</div>"]);
    expect(plain("inline <b>html</b> stays")).toEqual(["inline <b>html</b> stays"]);
    const rows = plain("漢字漢字漢字漢字漢字", 7);
    for (const row of rows) expect(visibleWidth(row)).toBeLessThanOrEqual(7);
    expect(rows.join("")).toBe("漢字漢字漢字漢字漢字");
  });

  test("escape sequences in the text never reach the terminal", () => {
    const rows = renderMarkdown("evil \x1b]0;title\x07 and \x1b[2J here\n\n```\n\x1b[31mred\n```", { width: 40, color: false });
    expect(rows.join("\n")).not.toContain("\x1b");
    expect(stripAnsi(rows[0] ?? "")).toContain("evil");
  });
});
