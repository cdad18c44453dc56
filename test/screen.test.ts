import { expect, test } from "bun:test";
import { createScreen } from "../src/screen.ts";

/** A tiny terminal model: enough of VT100 to replay what the screen writes (rows, cursor, erase). */
function fakeTerminal(columns = 40, rows = 10) {
  const lines: string[] = [];
  const scrollback: string[] = [];
  let row = 0;
  let col = 0;
  let written = "";
  const put = (ch: string) => {
    while (lines.length <= row) lines.push("");
    const line = lines[row]!.padEnd(col);
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  const write = (text: string) => {
    written += text;
    const plain = text.replace(/\x1b\[\?[\d;]*[hl]/g, "").replace(/\x1b\[[\d;]*m/g, "");
    for (let i = 0; i < plain.length; i++) {
      const ch = plain[i]!;
      if (ch === "\x1b") {
        const m = /^\x1b\[(\d*)([A-Za-z])/.exec(plain.slice(i))!;
        const n = Number(m[1] || "1");
        if (m[2] === "A") row = Math.max(0, row - n);
        else if (m[2] === "B") row += n;
        else if (m[2] === "C") col += n;
        else if (m[2] === "K") lines[row] = (lines[row] ?? "").slice(0, col);
        else if (m[2] === "J") lines.splice(row + 1), (lines[row] = (lines[row] ?? "").slice(0, col));
        i += m[0].length - 1;
      } else if (ch === "\r") col = 0;
      else if (ch === "\n") {
        row++;
        if (row >= rows) {
          scrollback.push(lines.shift()!);
          row = rows - 1;
        }
      } else put(ch);
    }
  };
  return { out: { write, columns: () => columns, rows: () => rows }, lines, scrollback, written: () => written, cursor: () => ({ row, col }) };
}

test("finished lines are written once above the live region, which is redrawn in place", () => {
  const term = fakeTerminal();
  const screen = createScreen(term.out, { sync: false });
  screen.setLive({ rows: ["> hello", "status"], cursor: { row: 0, col: 7 } });
  screen.flush();
  expect(term.lines).toEqual(["> hello", "status"]);
  expect(term.cursor()).toEqual({ row: 0, col: 7 });
  screen.commit(["answer one", "answer two"]);
  screen.setLive({ rows: ["> ", "status"], cursor: { row: 0, col: 2 } });
  screen.flush();
  expect(term.lines).toEqual(["answer one", "answer two", "> ", "status"]);
  screen.setLive({ rows: ["only"] });
  screen.flush();
  expect(term.lines).toEqual(["answer one", "answer two", "only"]);
  expect(term.written().match(/answer one/g)?.length).toBe(1);
});

test("an unchanged frame writes nothing, and erasing never starts from the top-left corner", () => {
  const term = fakeTerminal();
  const screen = createScreen(term.out, { sync: false });
  screen.setLive({ rows: ["a", "b", "c"] });
  screen.flush();
  const before = term.written().length;
  screen.setLive({ rows: ["a", "b", "c"] });
  screen.flush();
  expect(term.written().length).toBe(before);
  screen.setLive({ rows: ["x", "y", "z"] });
  screen.flush();
  // Each redraw goes back to the top; an erase-display there would make tmux scroll the screen away.
  expect(term.written()).not.toMatch(/\x1b\[1A\x1b\[J|^\r\x1b\[J/);
  expect(term.lines).toEqual(["x", "y", "z"]);
});

test("suspend erases the live region and resume draws it below what was written meanwhile", () => {
  const term = fakeTerminal();
  const screen = createScreen(term.out, { sync: false });
  screen.setLive({ rows: ["box", "footer"], cursor: { row: 0, col: 3 } });
  screen.flush();
  screen.suspend();
  expect(term.lines.every((l) => l.trim() === "")).toBe(true);
  term.out.write("question?\r\n");
  screen.resume();
  expect(term.lines.filter((l) => l !== "")).toEqual(["question?", "box", "footer"]);
});

test("rows wider than the terminal are cut, long frames keep the cursor row in view", () => {
  const term = fakeTerminal(10, 5);
  const screen = createScreen(term.out, { sync: false });
  screen.setLive({ rows: ["0123456789ABCDEF", "1", "2", "3", "4", "5", "6"], cursor: { row: 6, col: 0 } });
  screen.flush();
  expect(term.lines.length).toBeLessThanOrEqual(4);
  expect(term.lines[term.lines.length - 1]).toBe("6");
  expect(term.lines.every((l) => l.length <= 10)).toBe(true);
});

test("committed text is wrapped to the width before it is written", () => {
  const term = fakeTerminal(10, 10);
  const screen = createScreen(term.out, { sync: false });
  screen.commit(["one two three four"]);
  screen.flush();
  expect(term.lines.filter((l) => l !== "").every((l) => l.length <= 10)).toBe(true);
  expect(term.lines.join(" ").replace(/\s+/g, " ").trim()).toBe("one two three four");
});
