import { describe, expect, test } from "bun:test";
import type { Key } from "../src/keys.ts";
import {
  backslashNewline,
  backspace,
  deleteForward,
  deleteWordAfter,
  deleteWordBefore,
  editKey,
  emptyEditor,
  insertNewline,
  insertText,
  killToLineEnd,
  killToLineStart,
  moveDown,
  moveLeft,
  moveLineEnd,
  moveLineStart,
  moveRight,
  moveTo,
  moveUp,
  moveWordLeft,
  moveWordRight,
  yank,
  type EditorState,
} from "../src/line-editor.ts";
import { at, show } from "./support/editor-marks.ts";

function keys(state: EditorState, ...list: Key[]): EditorState {
  let current = state;
  for (const key of list) current = editKey(current, key) ?? current;
  return current;
}

const ctrl = (name: string): Key => ({ name, ctrl: true });
const meta = (name: string): Key => ({ name, meta: true });

describe("inserting and deleting", () => {
  test("text goes in at the cursor", () => {
    expect(show(insertText(at("ab|cd"), "XY"))).toBe("abXY|cd");
    expect(show(insertText(emptyEditor(), "hi"))).toBe("hi|");
  });

  test("backspace and delete at the edges do nothing", () => {
    expect(show(backspace(at("|abc")))).toBe("|abc");
    expect(show(deleteForward(at("abc|")))).toBe("abc|");
    expect(show(backspace(at("ab|c")))).toBe("a|c");
    expect(show(deleteForward(at("a|bc")))).toBe("a|c");
  });

  test("emoji, emoji sequences, flags and combining marks are one character", () => {
    const family = "👨‍👩‍👧";
    expect(show(backspace(at(`a${family}|b`)))).toBe("a|b");
    expect(show(moveLeft(at(`a${family}|b`)))).toBe(`a|${family}b`);
    expect(show(moveRight(at(`a|${family}b`)))).toBe(`a${family}|b`);
    expect(show(deleteForward(at(`a|👍🏽b`)))).toBe("a|b");
    expect(show(backspace(at("🇫🇷🇩🇪|")))).toBe("🇫🇷|");
    expect(show(backspace(at("cafe\u0301|")))).toBe("caf|");
    expect(show(backspace(at("中文|")))).toBe("中|");
  });

  test("a very long line still steps by whole characters at both ends", () => {
    const text = `${"x".repeat(5000)}👨‍👩‍👧${"y".repeat(5000)}`;
    const afterEmoji = 5000 + "👨‍👩‍👧".length;
    expect(backspace({ text, cursor: afterEmoji }).text).toBe("x".repeat(5000) + "y".repeat(5000));
    expect(moveRight({ text, cursor: 5000 }).cursor).toBe(afterEmoji);
    expect(moveTo({ text, cursor: 0 }, 5003).cursor).toBe(5000);
  });

  test("a cursor placed by code units is moved off the middle of a surrogate pair", () => {
    expect(moveTo({ text: "a😀b", cursor: 0 }, 2).cursor).toBe(1);
    expect(moveTo({ text: "abc", cursor: 0 }, 99).cursor).toBe(3);
  });

  test("newlines: plain, and replacing a backslash before the cursor", () => {
    expect(show(insertNewline(at("ab|cd")))).toBe("ab\n|cd");
    expect(show(backslashNewline(at("ab\\|")))).toBe("ab\n|");
    expect(show(backslashNewline(at("a\\b|")))).toBeUndefined();
    expect(show(backslashNewline(at("|")))).toBeUndefined();
  });
});

describe("moving", () => {
  test("word moves skip punctuation and stop at word edges", () => {
    expect(show(moveWordLeft(at("foo bar.baz  |")))).toBe("foo bar.|baz  ");
    expect(show(moveWordLeft(at("foo bar|")))).toBe("foo |bar");
    expect(show(moveWordLeft(at("foo |bar")))).toBe("|foo bar");
    expect(show(moveWordRight(at("|foo bar")))).toBe("foo| bar");
    expect(show(moveWordRight(at("foo| bar")))).toBe("foo bar|");
    expect(show(moveWordRight(at("héllo| wörld")))).toBe("héllo wörld|");
  });

  test("line start and end work on the current line of multi-line text", () => {
    expect(show(moveLineStart(at("one\ntw|o\nthree")))).toBe("one\n|two\nthree");
    expect(show(moveLineEnd(at("one\nt|wo\nthree")))).toBe("one\ntwo|\nthree");
    expect(show(moveLineEnd(at("one\n|")))).toBe("one\n|");
  });

  test("up and down keep the column and return undefined at the edges", () => {
    expect(moveUp(at("ab|c\ndef"))).toBeUndefined();
    expect(moveDown(at("abc\nd|ef"))).toBeUndefined();
    expect(show(moveDown(at("ab|c\ndef")))).toBe("abc\nde|f");
    expect(show(moveUp(at("abc\ndef|")))).toBe("abc|\ndef");
    expect(show(moveDown(at("abcdef|\nxy")))).toBe("abcdef\nxy|");
  });

  test("the goal column survives a short line in between", () => {
    const down = moveDown(at("abcde|\nx\nabcdef"));
    expect(show(down)).toBe("abcde\nx|\nabcdef");
    expect(show(down && moveDown(down))).toBe("abcde\nx\nabcde|f");
    // Any edit forgets the goal.
    expect(down && insertText(down, "y").goal).toBeUndefined();
  });

  test("vertical moves count wide characters as two columns", () => {
    expect(show(moveDown(at("abcd|\n中文字")))).toBe("abcd\n中文|字");
    expect(show(moveUp(at("abc\n中|文")))).toBe("ab|c\n中文");
  });
});

describe("kill and yank", () => {
  test("Ctrl+U and Ctrl+K kill within the line, and join lines at its edges", () => {
    expect(show(killToLineStart(at("one\ntw|o")))).toBe("one\n|o");
    expect(show(killToLineStart(at("one\n|two")))).toBe("one|two");
    expect(show(killToLineEnd(at("o|ne\ntwo")))).toBe("o|\ntwo");
    expect(show(killToLineEnd(at("one|\ntwo")))).toBe("one|two");
    expect(show(killToLineStart(at("|one")))).toBe("|one");
  });

  test("Ctrl+W kills back to whitespace, Alt+Backspace to a word edge", () => {
    expect(show(deleteWordBefore(at("cat src/a.ts  |"), true))).toBe("cat |");
    expect(show(deleteWordBefore(at("cat src/a.ts|")))).toBe("cat src/a.|");
    expect(show(deleteWordAfter(at("|foo bar")))).toBe("| bar");
  });

  test("yank puts back the last kill", () => {
    const killed = killToLineEnd(at("hello |world"));
    expect(killed.killed).toBe("world");
    const moved = moveLineStart(killed);
    expect(show(yank(moved))).toBe("world|hello ");
    expect(show(yank(at("ab|")))).toBe("ab|");
  });

  test("the kill survives other edits but an empty kill does not replace it", () => {
    let state = killToLineStart(at("abc|"));
    state = insertText(state, "x");
    state = killToLineEnd(state);
    expect(state.killed).toBe("abc");
  });
});

describe("editKey", () => {
  test("emacs keys", () => {
    const start = at("hello wor|ld");
    expect(show(editKey(start, ctrl("a")))).toBe("|hello world");
    expect(show(editKey(start, ctrl("e")))).toBe("hello world|");
    expect(show(editKey(start, ctrl("b")))).toBe("hello wo|rld");
    expect(show(editKey(start, ctrl("f")))).toBe("hello worl|d");
    expect(show(editKey(start, ctrl("d")))).toBe("hello wor|d");
    expect(show(editKey(start, ctrl("h")))).toBe("hello wo|ld");
    expect(show(editKey(start, ctrl("u")))).toBe("|ld");
    expect(show(editKey(start, ctrl("k")))).toBe("hello wor|");
    expect(show(editKey(start, ctrl("w")))).toBe("hello |ld");
    expect(show(keys(start, ctrl("w"), ctrl("e"), ctrl("y")))).toBe("hello ldwor|");
    expect(show(editKey(start, meta("b")))).toBe("hello |world");
    expect(show(editKey(start, meta("f")))).toBe("hello world|");
    expect(show(editKey(start, meta("d")))).toBe("hello wor|");
    expect(show(editKey(start, meta("backspace")))).toBe("hello |ld");
  });

  test("arrows, home/end, backspace, delete, ctrl+arrows", () => {
    const start = at("one\ntw|o");
    expect(show(editKey(start, { name: "left" }))).toBe("one\nt|wo");
    expect(show(editKey(start, { name: "right" }))).toBe("one\ntwo|");
    expect(show(editKey(start, { name: "home" }))).toBe("one\n|two");
    expect(show(editKey(start, { name: "end" }))).toBe("one\ntwo|");
    expect(show(editKey(start, { name: "backspace" }))).toBe("one\nt|o");
    expect(show(editKey(start, { name: "delete" }))).toBe("one\ntw|");
    expect(show(editKey(start, { name: "up" }))).toBe("on|e\ntwo");
    expect(show(editKey(start, { name: "left", ctrl: true }))).toBe("one\n|two");
    expect(show(editKey(start, { name: "right", meta: true }))).toBe("one\ntwo|");
    expect(show(editKey(start, { name: "home", ctrl: true }))).toBe("|one\ntwo");
  });

  test("text and paste insert", () => {
    expect(show(editKey(at("a|"), { name: "text", text: "bc" }))).toBe("abc|");
    expect(show(editKey(at("a|"), { name: "paste", text: "x\ny" }))).toBe("ax\ny|");
  });

  test("an editing key that cannot move still counts as handled", () => {
    expect(show(editKey(at("|abc"), { name: "left" }))).toBe("|abc");
  });

  test("keys that belong to the REPL are left alone", () => {
    const state = at("ab|c");
    for (const key of [
      { name: "return" },
      { name: "return", shift: true },
      { name: "escape" },
      { name: "tab" },
      { name: "tab", shift: true },
      ctrl("c"),
      ctrl("r"),
      ctrl("l"),
      { name: "up" },
      { name: "down" },
      { name: "pageup" },
      meta("p"),
    ]) {
      expect(editKey(state, key)).toBeUndefined();
    }
    expect(editKey(emptyEditor(), ctrl("d"))).toBeUndefined();
  });
});
