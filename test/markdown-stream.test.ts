import { describe, expect, test } from "bun:test";
import { visibleWidth } from "../src/ansi-text.ts";
import { renderMarkdown, type MarkdownOptions } from "../src/markdown-render.ts";
import { createMarkdownStream } from "../src/markdown-stream.ts";

/** Everything the stream hands out for `chunks`, checking at each step that the live view (final rows plus
 * pending) is exactly what rendering the text so far would show, so nothing jumps when rows become final. */
function stream(chunks: readonly string[], options: MarkdownOptions, checkLive = false): string[] {
  const s = createMarkdownStream(options);
  const rows: string[] = [];
  let sofar = "";
  for (const chunk of chunks) {
    rows.push(...s.push(chunk));
    sofar += chunk;
    if (checkLive) expect([...rows, ...s.pending()]).toEqual(renderMarkdown(sofar, options));
  }
  rows.push(...s.finish());
  return rows;
}

function randomChunks(text: string, seed: number, max: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(next() * max);
    chunks.push(text.slice(i, i + n));
    i += n;
  }
  return chunks;
}

const SMALL = [
  "# Head\n\nPara *one*\nstill one.\n\n- a\n- b\n  - c\n\n1. x\n1. y\n10. z\n\nEnd.",
  "```js\nconst a = 1; /* c\n  more */\n```\n\n> quote\nlazy\n\n| a | b |\n|--|:-:|\n| 1 | 2 |\ntext\n\n---\nSetext\n===",
  "Line with link [ref][r] here.\n\n[r]: https://ref.example\n\n    indented\n\n~~~\ntilde\n~~~\n\n```\nunclosed fence\n",
  "- [ ] task\n- [x] done\n\n  para in item\n- last\n\n<div>\nhtml\n</div>\n\nx &amp; y\\* `a|b`",
];

function bigDocument(): string {
  const words = "alpha beta gamma delta epsilon zeta eta theta 漢字 café".split(" ");
  const prose = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => {
      const w = words[(i * 7 + seed) % words.length] ?? "x";
      return i % 11 === 0 ? `**${w}**` : i % 13 === 0 ? `\`${w}()\`` : i % 17 === 0 ? `[${w}](https://x.io/${w})` : w;
    }).join(" ");
  const parts = [
    `# Report\n\n${prose(600, 1)}\n${prose(40, 2)}`,
    Array.from({ length: 40 }, (_, i) => `${i + 1}. ${prose(3 + (i % 20), i)}`).join("\n"),
    "| name | n | note |\n|:--|--:|:-:|\n" + Array.from({ length: 45 }, (_, i) => `| ${prose(1 + (i % 3), i)} | ${i} | ${prose(i % 7, i)} |`).join("\n"),
    "```python\n" + Array.from({ length: 50 }, (_, i) => (i % 10 === 0 ? `"""doc ${i}\nstill doc"""` : `x${i} = f(${i})  # note`)).join("\n") + "\n```",
    `> ${prose(80, 3)}\n>\n> - ${prose(8, 4)}\n> - ${prose(8, 5)}`,
    `Intro with a_b and 2 * 3: ${prose(300, 6)}`,
    "1. top\n   - sub one\n   - sub two\n     ```sh\n     echo hi\n     ```\n2. next\n\n   para\n3. last",
  ];
  return parts.join("\n\n") + "\n";
}

describe("createMarkdownStream", () => {
  test("split at every position, the rows equal rendering the whole text", () => {
    for (const doc of SMALL) {
      for (const color of [false, true]) {
        const options = { width: 30, color };
        const whole = renderMarkdown(doc, options);
        for (let cut = 0; cut <= doc.length; cut++) {
          expect(stream([doc.slice(0, cut), doc.slice(cut)], options)).toEqual(whole);
        }
      }
    }
  });

  test("fed one character at a time, the live view never differs from a fresh render", () => {
    for (const doc of SMALL) stream([...doc], { width: 24, color: true }, true);
  });

  test("a long mixed document streamed in random chunks renders the same as the whole", () => {
    const doc = bigDocument();
    for (const [width, color] of [[80, true], [37, false], [12, true]] as const) {
      const whole = renderMarkdown(doc, { width, color });
      for (const seed of [1, 2]) {
        expect(stream(randomChunks(doc, seed, seed === 1 ? 9 : 160), { width, color })).toEqual(whole);
      }
    }
  });

  test("while a long paragraph, list, table and fence stream in, the live view matches a fresh render", () => {
    const doc = bigDocument();
    const sample = [doc.slice(0, 1500), doc.slice(doc.indexOf("1. "), doc.indexOf("1. ") + 900), doc.slice(doc.indexOf("| name"), doc.indexOf("| name") + 1800), doc.slice(doc.indexOf("```python"), doc.indexOf("```python") + 700)];
    for (const part of sample) stream(randomChunks(part, 3, 40), { width: 44, color: true }, true);
  });

  test("a long paragraph is not cut inside emphasis or code that only closes much later", () => {
    const filler = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ");
    for (const doc of [`Lead **bold ${filler} end** tail ${filler}`, `Lead \`code ${filler} end\` tail`, `Lead [link ${filler}](https://x.io) tail ${filler}`]) {
      const options = { width: 50, color: true };
      expect(stream(randomChunks(doc, 11, 30), options)).toEqual(renderMarkdown(doc, options));
    }
  });

  test("inside a huge open code fence, lines are committed as they come and pending stays small", () => {
    const s = createMarkdownStream({ width: 80, color: true });
    let final = 0;
    final += s.push("Intro\n\n```ts\n").length;
    for (let i = 0; i < 2000; i++) {
      final += s.push(`const value${i} = compute(${i}); // line ${i}\n`).length;
      expect(s.pending().length).toBeLessThanOrEqual(10);
    }
    // Intro, blank row, and all but at most one batch of the code lines are already final.
    expect(final).toBeGreaterThan(2000 - 10);
    s.push("const unfinished = ");
    expect(s.pending().at(-1)).toContain("unfinished");
    const rest = s.finish();
    expect(final + rest.length).toBe(2 + 2001);
  });

  test("a long unfinished line inside a fence is previewed by its end only", () => {
    const s = createMarkdownStream({ width: 40, color: true });
    s.push("```\n");
    for (let i = 0; i < 200; i++) s.push("0123456789".repeat(10));
    expect(s.pending().length).toBeLessThanOrEqual(12);
    const rows = s.finish();
    expect(rows.length).toBe(Math.ceil(20_000 / 38));
  });

  test("long paragraphs, lists and tables keep the pending tail to a few rows", () => {
    const long = {
      paragraph: Array.from({ length: 4000 }, (_, i) => `word${i}`).join(" "),
      list: Array.from({ length: 800 }, (_, i) => `- item ${i} with a little text`).join("\n"),
      table: "| a | b |\n|---|---|\n" + Array.from({ length: 800 }, (_, i) => `| ${i} | value ${i} |`).join("\n"),
    };
    for (const [name, text] of Object.entries(long)) {
      const s = createMarkdownStream({ width: 60, color: false });
      const rows: string[] = [];
      let most = 0;
      for (const chunk of randomChunks(text, 5, 100)) {
        rows.push(...s.push(chunk));
        most = Math.max(most, s.pending().length);
      }
      rows.push(...s.finish());
      expect({ name, most: most <= 30 }).toEqual({ name, most: true });
      expect(rows).toEqual(renderMarkdown(text, { width: 60, color: false }));
    }
  });

  test("every row handed out or pending fits the width, and a width change applies to what follows", () => {
    const doc = bigDocument();
    const s = createMarkdownStream({ width: 50, color: true });
    const chunks = randomChunks(doc, 4, 90);
    chunks.forEach((chunk, i) => {
      const width = i < chunks.length / 2 ? 50 : 33;
      if (i === Math.ceil(chunks.length / 2)) s.setWidth(33);
      for (const row of [...s.push(chunk), ...s.pending()]) expect(visibleWidth(row)).toBeLessThanOrEqual(width);
    });
    for (const row of s.finish()) expect(visibleWidth(row)).toBeLessThanOrEqual(33);
  });

  test("CRLF line endings, even split between \\r and \\n, read as LF", () => {
    const doc = "# T\r\n\r\n- a\r\n- b\r\n\r\n```\r\ncode\r\n```\r\nend";
    const expected = renderMarkdown(doc.replace(/\r\n/g, "\n"), { width: 40, color: false });
    for (let cut = 0; cut <= doc.length; cut++) {
      expect(stream([doc.slice(0, cut), doc.slice(cut)], { width: 40, color: false })).toEqual(expected);
    }
  });

  test("no escape codes anywhere without colour", () => {
    const s = createMarkdownStream({ width: 40, color: false });
    const out: string[] = [];
    for (const chunk of randomChunks(bigDocument(), 8, 50)) out.push(...s.push(chunk), ...s.pending());
    out.push(...s.finish());
    expect(out.join("\n")).not.toContain("\x1b");
  });

  test("pending starts with the blank row that will separate it from the final rows", () => {
    const s = createMarkdownStream({ width: 40, color: false });
    expect(s.push("First paragraph.\n\nSecond")).toEqual(["First paragraph."]);
    expect(s.pending()).toEqual(["", "Second"]);
    expect(s.finish()).toEqual(["", "Second"]);
  });
});
