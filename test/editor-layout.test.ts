import { describe, expect, test } from "bun:test";
import { layoutEditor } from "../src/editor-layout.ts";
import { emptyEditor, moveRight, moveTo } from "../src/line-editor.ts";
import { at } from "./support/editor-marks.ts";

describe("layoutEditor", () => {
  const options = { prompt: "> ", continuation: "  ", width: 10 };

  test("first line after the prompt, later lines after the continuation", () => {
    expect(layoutEditor(at("ab\ncd|"), options)).toEqual({ rows: ["> ab", "  cd"], cursorRow: 1, cursorCol: 4 });
  });

  test("long lines wrap at the width, the cursor follows", () => {
    const layout = layoutEditor(at("abcdefghij|kl"), options);
    expect(layout.rows).toEqual(["> abcdefgh", "  ijkl"]);
    expect([layout.cursorRow, layout.cursorCol]).toEqual([1, 4]);
  });

  test("exact wrap boundary: a full row puts the cursor at the start of the next row", () => {
    const full = layoutEditor(at("abcdefgh|"), options);
    expect(full.rows).toEqual(["> abcdefgh", "  "]);
    expect([full.cursorRow, full.cursorCol]).toEqual([1, 2]);
    const before = layoutEditor(at("abcdefg|h"), options);
    expect(before.rows).toEqual(["> abcdefgh", "  "]);
    expect([before.cursorRow, before.cursorCol]).toEqual([0, 9]);
    const next = layoutEditor(at("abcdefgh|i"), options);
    expect(next.rows).toEqual(["> abcdefgh", "  i"]);
    expect([next.cursorRow, next.cursorCol]).toEqual([1, 2]);
  });

  test("after a trailing newline the cursor is on the new empty line", () => {
    expect(layoutEditor(at("abc\n|"), options)).toEqual({ rows: ["> abc", "  "], cursorRow: 1, cursorCol: 2 });
  });

  test("wide characters count two columns and never straddle the edge", () => {
    const layout = layoutEditor(at("abcdefg中|文"), options);
    expect(layout.rows).toEqual(["> abcdefg", "  中文"]);
    expect([layout.cursorRow, layout.cursorCol]).toEqual([1, 4]);
    const emoji = layoutEditor(at("👍🏽👍🏽👍🏽|"), options);
    expect(emoji.rows).toEqual(["> 👍🏽👍🏽👍🏽"]);
    expect([emoji.cursorRow, emoji.cursorCol]).toEqual([0, 8]);
    const full = layoutEditor(at("中文字|"), { ...options, width: 8 });
    expect(full.rows).toEqual(["> 中文字", "  "]);
    expect([full.cursorRow, full.cursorCol]).toEqual([1, 2]);
  });

  test("no row is ever wider than the terminal", () => {
    const text = "a中b😀c\td\x01e".repeat(7) + "\n\nxyz中";
    for (let width = 3; width <= 14; width += 1) {
      for (let cursor = 0; cursor <= text.length; cursor += 1) {
        const layout = layoutEditor({ text, cursor: moveTo({ text, cursor: 0 }, cursor).cursor }, { ...options, width });
        for (const row of layout.rows) expect(Bun.stringWidth(row)).toBeLessThanOrEqual(width);
        expect(layout.cursorCol).toBeLessThan(width);
        expect(layout.cursorRow).toBeLessThan(layout.rows.length);
      }
    }
  });

  test("the cursor column matches the width of the text before it on its row", () => {
    const text = "héllo 世界 👨‍👩‍👧 done";
    let state = { text, cursor: 0 };
    for (;;) {
      const layout = layoutEditor(state, { ...options, width: 9 });
      const row = layout.rows[layout.cursorRow] ?? "";
      expect(layout.cursorCol).toBeLessThanOrEqual(Bun.stringWidth(row));
      const next = moveRight(state);
      if (next.cursor === state.cursor) break;
      state = next;
    }
  });

  test("control characters are shown in caret notation, tabs as spaces", () => {
    expect(layoutEditor(at("a\tb\x1b|"), { ...options, width: 20 })).toEqual({
      rows: ["> a    b^["],
      cursorRow: 0,
      cursorCol: 10,
    });
  });

  test("placeholder when empty: dim with colour, plain without, cut to fit", () => {
    const plain = layoutEditor(emptyEditor(), { ...options, placeholder: "Try something long", color: false });
    expect(plain).toEqual({ rows: ["> Try som…"], cursorRow: 0, cursorCol: 2 });
    const coloured = layoutEditor(emptyEditor(), { ...options, placeholder: "Try", color: true });
    expect(coloured.rows[0]).toBe("> \x1b[2mTry\x1b[22m");
    expect(layoutEditor(at("x|"), { ...options, placeholder: "Try" }).rows).toEqual(["> x"]);
  });

  test("a coloured prompt is measured without its escape codes", () => {
    const layout = layoutEditor(at("ab|"), { ...options, prompt: "\x1b[1m❯\x1b[22m " });
    expect(layout.cursorCol).toBe(4);
    expect(layout.rows[0]).toBe("\x1b[1m❯\x1b[22m ab");
  });

  test("an empty editor without placeholder is just the prompt", () => {
    expect(layoutEditor(emptyEditor(), options)).toEqual({ rows: ["> "], cursorRow: 0, cursorCol: 2 });
  });
});
