import { describe, expect, test } from "bun:test";
import type { Key } from "../src/keys.ts";
import type { EditorState } from "../src/line-editor.ts";
import { initialVim, vimKey, type VimResult, type VimState } from "../src/vim-mode.ts";
import { parseVimCommand } from "../src/vim-command.ts";
import { at, show } from "./support/editor-marks.ts";

const ESC: Key = { name: "escape" };
const normalVim = (): VimState => ({ ...initialVim(), mode: "normal" });

// Types `input` one key per character; "<esc>" is Escape, "<cr>" Enter.
function type(editor: EditorState, vim: VimState, input: string): VimResult {
  let result: VimResult = { editor, vim, handled: true };
  for (const token of input.split(/(<esc>|<cr>)/).filter(Boolean)) {
    if (token === "<esc>" || token === "<cr>") {
      result = vimKey(result.editor, result.vim, token === "<esc>" ? ESC : { name: "return" });
      continue;
    }
    for (const char of token) result = vimKey(result.editor, result.vim, { name: "text", text: char });
  }
  return result;
}

// Runs normal-mode keys on marked text and shows the result.
function normal(marked: string, input: string): string {
  return show(type(at(marked), normalVim(), input).editor) ?? "";
}

describe("modes", () => {
  test("starts in insert mode where keys edit as usual", () => {
    const result = type(at("|"), initialVim(), "hi");
    expect(result.vim.mode).toBe("insert");
    expect(show(result.editor)).toBe("hi|");
    expect(show(vimKey(at("ab|"), initialVim(), { name: "backspace" }).editor)).toBe("a|");
  });

  test("Escape goes to normal mode with the cursor one left", () => {
    const result = vimKey(at("abc|"), initialVim(), ESC);
    expect(result.vim.mode).toBe("normal");
    expect(show(result.editor)).toBe("ab|c");
    expect(show(vimKey(at("ab\n|cd"), initialVim(), ESC).editor)).toBe("ab\n|cd");
  });

  test("Enter is unhandled in both modes, so the REPL submits", () => {
    expect(vimKey(at("a|"), initialVim(), { name: "return" }).handled).toBe(false);
    expect(vimKey(at("|a"), normalVim(), { name: "return" }).handled).toBe(false);
    expect(vimKey(at("|a"), normalVim(), { name: "c", ctrl: true }).handled).toBe(false);
  });

  test("Escape in normal mode is the REPL's unless it cancels a pending command", () => {
    expect(vimKey(at("|a"), normalVim(), ESC).handled).toBe(false);
    const pending = type(at("|abc"), normalVim(), "d");
    expect(pending.vim.pending).toBe("d");
    const cancelled = vimKey(pending.editor, pending.vim, ESC);
    expect(cancelled.handled).toBe(true);
    expect(cancelled.vim.pending).toBe("");
    expect(normal("|abc", "d<esc>x")).toBe("|bc");
  });

  test("a paste in normal mode goes in at the cursor and stays in normal mode", () => {
    const result = vimKey(at("a|b"), normalVim(), { name: "paste", text: "XY" });
    expect(result.vim.mode).toBe("normal");
    expect(show(result.editor)).toBe("aX|Yb");
  });

  test("a cursor past the end of the line is put back on the last character", () => {
    expect(normal("abc|", "x")).toBe("a|b");
    expect(normal("abc|\nd", "i-<esc>")).toBe("ab|-c\nd");
  });

  test("unknown keys in normal mode are swallowed, not typed", () => {
    const result = type(at("|abc"), normalVim(), "Q");
    expect(result.handled).toBe(true);
    expect(show(result.editor)).toBe("|abc");
  });
});

describe("motions", () => {
  test("h and l stay on the line, and off its end", () => {
    expect(normal("ab\nc|d", "hhh")).toBe("ab\n|cd");
    expect(normal("a|b\ncd", "lll")).toBe("a|b\ncd");
    expect(normal("|abcdef", "3l")).toBe("abc|def");
  });

  test("j and k move between lines keeping the column", () => {
    expect(normal("ab|c\ndef\nghi", "j")).toBe("abc\nde|f\nghi");
    expect(normal("ab|c\ndef\nghi", "2j")).toBe("abc\ndef\ngh|i");
    expect(normal("abc\ndef\ngh|i", "k")).toBe("abc\nde|f\nghi");
  });

  test("j/k past the edges ask the REPL for history; arrows come back unhandled", () => {
    expect(type(at("a|b"), normalVim(), "k").history).toBe("previous");
    expect(type(at("a|b"), normalVim(), "j").history).toBe("next");
    expect(type(at("a|b\ncd"), normalVim(), "j").history).toBeUndefined();
    expect(vimKey(at("a|b"), normalVim(), { name: "up" }).handled).toBe(false);
    const down = vimKey(at("a|b\ncd"), normalVim(), { name: "down" });
    expect(down.handled).toBe(true);
    expect(show(down.editor)).toBe("ab\nc|d");
  });

  test("w, e, b over words and punctuation", () => {
    expect(normal("|foo.bar baz", "w")).toBe("foo|.bar baz");
    expect(normal("|foo.bar baz", "ww")).toBe("foo.|bar baz");
    expect(normal("|foo.bar baz", "W")).toBe("foo.bar |baz");
    expect(normal("|foo bar", "e")).toBe("fo|o bar");
    expect(normal("|foo bar", "ee")).toBe("foo ba|r");
    expect(normal("foo ba|r", "b")).toBe("foo |bar");
    expect(normal("foo |bar", "b")).toBe("|foo bar");
    expect(normal("|one\ntwo", "w")).toBe("one\n|two");
    expect(normal("|a b c d", "3w")).toBe("a b c |d");
  });

  test("0, ^, $", () => {
    expect(normal("  ab|cd", "0")).toBe("|  abcd");
    expect(normal("  ab|cd", "^")).toBe("  |abcd");
    expect(normal("  a|bcd\nx", "$")).toBe("  abc|d\nx");
  });

  test("gg and G, with counts as line numbers", () => {
    expect(normal("a\n  b\nc|", "gg")).toBe("|a\n  b\nc");
    expect(normal("|a\nb\n  c", "G")).toBe("a\nb\n  |c");
    expect(normal("|a\n  b\nc", "2G")).toBe("a\n  |b\nc");
    expect(normal("a\nb\n|c", "2gg")).toBe("a\n|b\nc");
  });

  test("f, t, F, T find within the line", () => {
    expect(normal("|a,b,c", "f,")).toBe("a|,b,c");
    expect(normal("|a,b,c", "2f,")).toBe("a,b|,c");
    expect(normal("|a,b,c", "t,")).toBe("|a,b,c");
    expect(normal("|ab,c", "t,")).toBe("a|b,c");
    expect(normal("a,b,|c", "F,")).toBe("a,b|,c");
    expect(normal("a,b,|c", "T,")).toBe("a,b,|c");
    expect(normal("|abc\nx", "fx")).toBe("|abc\nx");
  });

  test("emoji and CJK are single positions", () => {
    expect(normal("|中😀x", "l")).toBe("中|😀x");
    expect(normal("|中😀x", "ll")).toBe("中😀|x");
    expect(normal("中😀|x", "h")).toBe("中|😀x");
    expect(normal("中|😀x", "x")).toBe("中|x");
  });
});

describe("operators and changes", () => {
  test("x and X, with counts, never past the line", () => {
    expect(normal("a|bcd", "x")).toBe("a|cd");
    expect(normal("a|bcd", "2x")).toBe("a|d");
    expect(normal("a|bc\nd", "9x")).toBe("|a\nd");
    expect(normal("ab|c", "X")).toBe("a|c");
  });

  test("dd deletes lines, with counts, at the start, middle and end", () => {
    expect(normal("one\ntw|o\nthree", "dd")).toBe("one\n|three");
    expect(normal("one\ntwo\nthr|ee", "dd")).toBe("one\n|two");
    expect(normal("o|ne\ntwo\nthree", "2dd")).toBe("|three");
    expect(normal("o|ne", "dd")).toBe("|");
    expect(normal("one\n  tw|o\nthree", "dj")).toBe("|one");
    expect(normal("one\ntwo\nthr|ee", "dk")).toBe("|one");
  });

  test("D, dw, de, db, d$, d0, dt", () => {
    expect(normal("ab|cd\nx", "D")).toBe("a|b\nx");
    expect(normal("|foo bar", "dw")).toBe("|bar");
    expect(normal("foo |bar\nnext", "dw")).toBe("foo| \nnext");
    expect(normal("|foo bar", "de")).toBe("| bar");
    expect(normal("foo b|ar", "db")).toBe("foo |ar");
    expect(normal("fo|o bar", "d$")).toBe("f|o");
    expect(normal("foo b|ar", "d0")).toBe("|ar");
    expect(normal("|foo(bar)", "dt(")).toBe("|(bar)");
    expect(normal("|a b c d", "d2w")).toBe("|c d");
    expect(normal("|a b c d", "2dw")).toBe("|c d");
    expect(normal("|ab\ncd ef", "2dw")).toBe("|ef");
    expect(normal("ab |cd\n  ef", "dw")).toBe("ab| \n  ef");
  });

  test("cw changes to the end of the word, cc the whole line, C to the end", () => {
    let result = type(at("|foo bar"), normalVim(), "cwbaz<esc>");
    expect(show(result.editor)).toBe("ba|z bar");
    expect(result.vim.mode).toBe("normal");
    result = type(at("fo|o bar"), normalVim(), "cwX<esc>");
    expect(show(result.editor)).toBe("fo|X bar");
    expect(normal("one\n  t|wo\nthree", "ccnew<esc>")).toBe("one\nne|w\nthree");
    expect(normal("ab|cd", "Cxy<esc>")).toBe("abx|y");
    expect(normal("ab|cd", "sX<esc>")).toBe("ab|Xd");
    expect(normal("ab|cd", "Snew<esc>")).toBe("ne|w");
  });

  test("i a I A o O enter insert mode at the right place", () => {
    expect(normal("ab|cd", "iX<esc>")).toBe("ab|Xcd");
    expect(normal("ab|cd", "aX<esc>")).toBe("abc|Xd");
    expect(normal("  ab|cd", "IX<esc>")).toBe("  |Xabcd");
    expect(normal("ab|cd\nef", "AX<esc>")).toBe("abcd|X\nef");
    expect(normal("ab|cd\nef", "oX<esc>")).toBe("abcd\n|X\nef");
    expect(normal("ab\nc|d", "OX<esc>")).toBe("ab\n|X\ncd");
    expect(type(at("|"), normalVim(), "a").vim.mode).toBe("insert");
  });

  test("typed text after an insert command arrives in one key and is typed", () => {
    const result = vimKey(at("|"), normalVim(), { name: "text", text: "ihello" });
    expect(result.vim.mode).toBe("insert");
    expect(show(result.editor)).toBe("hello|");
  });

  test("yank and put, charwise and linewise", () => {
    expect(normal("|foo bar", "yep")).toBe("ffo|ooo bar");
    expect(normal("|foo bar", "ywP")).toBe("foo| foo bar");
    expect(normal("o|ne\ntwo", "yyjp")).toBe("one\ntwo\n|one");
    expect(normal("one\nt|wo", "yykP")).toBe("|two\none\ntwo");
    expect(normal("o|ne\ntwo", "ddp")).toBe("two\n|one");
    expect(normal("a|bc", "xp")).toBe("ac|b");
    expect(normal("|ab", "p")).toBe("|ab");
  });

  test("r replaces characters without leaving normal mode", () => {
    expect(normal("a|bcd", "rX")).toBe("a|Xcd");
    expect(normal("a|bcd", "3rX")).toBe("aXX|X");
    expect(normal("a|bc", "5rX")).toBe("a|bc");
    expect(normal("|ab", "r中")).toBe("|中b");
  });

  test("counts before and inside operators multiply", () => {
    expect(parseVimCommand("2d3w")).toEqual({ count: 6, operator: "d", motion: "w", keys: "d3w" });
    expect(parseVimCommand("d")).toBe("incomplete");
    expect(parseVimCommand("dq")).toBe("invalid");
    expect(parseVimCommand("10")).toBe("incomplete");
    expect(parseVimCommand("0")).toEqual({ motion: "0", keys: "0" });
  });
});

describe("repeat and undo", () => {
  test(". repeats a normal-mode change", () => {
    expect(normal("|a b c d", "dw.")).toBe("|c d");
    expect(normal("|abcdef", "x..")).toBe("|def");
    expect(normal("|one\ntwo\nthree\nfour", "dd.")).toBe("|three\nfour");
  });

  test(". repeats a change with the text typed after it", () => {
    expect(normal("|foo bar", "cwxy<esc>w.")).toBe("xy x|y");
    expect(normal("|a\nb", "A!<esc>j.")).toBe("a!\nb|!");
    expect(normal("|ab", "ix<esc>l.")).toBe("x|xab");
  });

  test("a count on . replaces the original count", () => {
    expect(normal("|abcdefg", "2x3.")).toBe("|fg");
  });

  test("u undoes changes one at a time, an insert as one step", () => {
    expect(normal("|a b c", "dwdwu")).toBe("|b c");
    expect(normal("|a b c", "dwdwuu")).toBe("|a b c");
    expect(normal("ab|c", "ixyz<esc>u")).toBe("ab|c");
    expect(normal("|abc", "uu")).toBe("|abc");
  });

  test("an insert that typed nothing leaves no undo step", () => {
    const result = type(at("ab|c"), normalVim(), "xi<esc>");
    expect(result.vim.undo?.length).toBe(1);
  });

  test("yank is not a change: . and u ignore it", () => {
    expect(normal("|abc", "xyl.")).toBe("|c");
    const result = type(at("|abc"), normalVim(), "yl");
    expect(result.vim.undo).toBeUndefined();
  });
});
