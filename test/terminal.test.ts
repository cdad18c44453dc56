// The terminal's modes: raw input, paste brackets and the key protocols go on once and come off once,
// however often a dialog or Ctrl+Z hands the terminal over; the early open leaves keys in the tty.
import { expect, test } from "bun:test";
import { openTerminal, wantsColor, type TerminalInput, type TerminalOutput } from "../src/terminal.ts";

function fakes() {
  const calls: string[] = [];
  let written = "";
  const input: TerminalInput = {
    isTTY: true,
    setRawMode: (on) => calls.push(`raw:${on}`),
    on: () => undefined,
    off: () => undefined,
    resume: () => calls.push("resume"),
    pause: () => calls.push("pause"),
  };
  const output: TerminalOutput = { write: (t) => (written += t), columns: 80, rows: 24, on: () => undefined, off: () => undefined };
  return { input, output, calls, written: () => written };
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

test("key protocols are pushed once however often raw mode is re-entered, and popped once per restore", () => {
  const f = fakes();
  const terminal = openTerminal(f.input, f.output, {});
  terminal.enterRaw();
  terminal.enterRaw();
  expect(count(f.written(), "\x1b[>1u")).toBe(1);
  expect(count(f.written(), "\x1b[>4;1m")).toBe(1);
  terminal.restore();
  terminal.restore();
  expect(count(f.written(), "\x1b[<u")).toBe(1);
  expect(count(f.written(), "\x1b[>4m")).toBe(1);
  // Handed back after a dialog: on again, and off again at the end.
  terminal.enterRaw();
  terminal.restore();
  expect(count(f.written(), "\x1b[>1u")).toBe(2);
  expect(count(f.written(), "\x1b[<u")).toBe(2);
  expect(f.calls).toEqual(["raw:true", "resume", "raw:true", "resume", "raw:false", "pause", "raw:true", "resume", "raw:false", "pause"]);
});

test("enterRaw(false) sets raw mode without reading, so keys typed meanwhile wait in the tty", () => {
  const f = fakes();
  const terminal = openTerminal(f.input, f.output, {});
  terminal.enterRaw(false);
  expect(f.calls).toEqual(["raw:true"]);
  terminal.enterRaw();
  expect(f.calls).toEqual(["raw:true", "raw:true", "resume"]);
});

test("NO_COLOR and TERM=dumb turn colour off, FORCE_COLOR on", () => {
  expect(wantsColor({ NO_COLOR: "1" })).toBe(false);
  expect(wantsColor({ TERM: "dumb" })).toBe(false);
  expect(wantsColor({ TERM: "dumb", FORCE_COLOR: "1" })).toBe(true);
  expect(wantsColor({ TERM: "xterm" })).toBe(true);
});
