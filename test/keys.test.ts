import { describe, expect, test } from "bun:test";
import { createKeyDecoder, type Key } from "../src/keys.ts";

// A decoder with a hand-driven clock: `fire()` runs the pending Esc timer as if it had expired.
function harness(timeoutMs = 30) {
  const keys: Key[] = [];
  let timer: { callback: () => void; ms: number } | undefined;
  let started = 0;
  let cancelled = 0;
  const decoder = createKeyDecoder((key) => keys.push(key), {
    escapeTimeoutMs: timeoutMs,
    setTimer: (callback, ms) => {
      started += 1;
      const entry = { callback, ms };
      timer = entry;
      return () => {
        cancelled += 1;
        if (timer === entry) timer = undefined;
      };
    },
  });
  return {
    keys,
    feed: (...chunks: string[]) => {
      for (const chunk of chunks) decoder.feed(chunk);
      return keys;
    },
    flush: () => decoder.flush(),
    fire: () => {
      const entry = timer;
      timer = undefined;
      entry?.callback();
    },
    timer: () => timer,
    counts: () => ({ started, cancelled }),
  };
}

function decode(...chunks: string[]): Key[] {
  const h = harness();
  h.feed(...chunks);
  h.fire();
  return h.keys;
}

describe("plain input", () => {
  test("a run of printable characters is one text key, unicode included", () => {
    expect(decode("héllo 世界 👍🏽")).toEqual([{ name: "text", text: "héllo 世界 👍🏽" }]);
  });

  test("enter, Ctrl+J, tab, backspace in both forms", () => {
    expect(decode("a\rb\n\t\x7f\b")).toEqual([
      { name: "text", text: "a" },
      { name: "return" },
      { name: "text", text: "b" },
      { name: "j", ctrl: true },
      { name: "tab" },
      { name: "backspace" },
      { name: "backspace" },
    ]);
  });

  test("control letters and the other control characters", () => {
    expect(decode("\x01\x03\x04\x12\x1a")).toEqual(
      ["a", "c", "d", "r", "z"].map((name) => ({ name, ctrl: true })),
    );
    expect(decode("\x00\x1c\x1f")).toEqual([
      { name: "space", ctrl: true },
      { name: "\\", ctrl: true },
      { name: "_", ctrl: true },
    ]);
  });

  test("C1 control characters are dropped, not typed", () => {
    expect(decode("a\x85b")).toEqual([{ name: "text", text: "a" }, { name: "text", text: "b" }]);
  });
});

describe("escape sequences", () => {
  test("arrows and editing keys in CSI and SS3 forms", () => {
    expect(decode("\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA\x1bOD\x1b[H\x1b[F\x1bOH\x1bOF")).toEqual(
      ["up", "down", "right", "left", "up", "left", "home", "end", "home", "end"].map((name) => ({ name })),
    );
    expect(decode("\x1b[1~\x1b[2~\x1b[3~\x1b[4~\x1b[5~\x1b[6~\x1b[7~\x1b[8~")).toEqual(
      ["home", "insert", "delete", "end", "pageup", "pagedown", "home", "end"].map((name) => ({ name })),
    );
  });

  test("function keys", () => {
    expect(decode("\x1bOP\x1b[15~\x1b[24~\x1b[[A")).toEqual(["f1", "f5", "f12", "f1"].map((name) => ({ name })));
  });

  test("modified arrows: ctrl, alt, shift, and rxvt's forms", () => {
    expect(decode("\x1b[1;5D")).toEqual([{ name: "left", ctrl: true }]);
    expect(decode("\x1b[1;3C")).toEqual([{ name: "right", meta: true }]);
    expect(decode("\x1b[1;2A")).toEqual([{ name: "up", shift: true }]);
    expect(decode("\x1b[1;8B")).toEqual([{ name: "down", shift: true, meta: true, ctrl: true }]);
    expect(decode("\x1b[3;5~")).toEqual([{ name: "delete", ctrl: true }]);
    expect(decode("\x1bO5D")).toEqual([{ name: "left", ctrl: true }]);
    expect(decode("\x1b[a\x1bOd\x1b[3$\x1b[7^")).toEqual([
      { name: "up", shift: true },
      { name: "left", ctrl: true },
      { name: "delete", shift: true },
      { name: "home", ctrl: true },
    ]);
  });

  test("Shift+Tab", () => {
    expect(decode("\x1b[Z")).toEqual([{ name: "tab", shift: true }]);
  });

  test("Alt+letter, Alt+Shift+letter, Alt+Enter, Alt+Backspace, Alt+Ctrl+letter", () => {
    expect(decode("\x1bb")).toEqual([{ name: "b", meta: true }]);
    expect(decode("\x1bB")).toEqual([{ name: "b", meta: true, shift: true }]);
    expect(decode("\x1b\r")).toEqual([{ name: "return", meta: true }]);
    expect(decode("\x1b\x7f")).toEqual([{ name: "backspace", meta: true }]);
    expect(decode("\x1b\x01")).toEqual([{ name: "a", ctrl: true, meta: true }]);
    expect(decode("\x1b.")).toEqual([{ name: ".", meta: true }]);
  });

  test("Esc Esc [ is Alt with an arrow (rxvt, macOS Terminal)", () => {
    expect(decode("\x1b\x1b[D")).toEqual([{ name: "left", meta: true }]);
  });

  test("Shift+Enter in the CSI u and modifyOtherKeys forms", () => {
    expect(decode("\x1b[13;2u")).toEqual([{ name: "return", shift: true }]);
    expect(decode("\x1b[27;2;13~")).toEqual([{ name: "return", shift: true }]);
    expect(decode("\x1b[13u")).toEqual([{ name: "return" }]);
  });

  test("CSI u for other keys", () => {
    expect(decode("\x1b[97;5u")).toEqual([{ name: "a", ctrl: true }]);
    expect(decode("\x1b[97;3u")).toEqual([{ name: "a", meta: true }]);
    expect(decode("\x1b[97;2u")).toEqual([{ name: "text", text: "A" }]);
    expect(decode("\x1b[97:65;2u")).toEqual([{ name: "text", text: "A" }]);
    expect(decode("\x1b[27u\x1b[9;2u\x1b[127;5u")).toEqual([
      { name: "escape" },
      { name: "tab", shift: true },
      { name: "backspace", ctrl: true },
    ]);
    expect(decode("\x1b[27;5;106~")).toEqual([{ name: "j", ctrl: true }]);
    expect(decode("\x1b[32;5u")).toEqual([{ name: "space", ctrl: true }]);
  });

  test("key releases, focus reports, mouse reports and unknown sequences are dropped", () => {
    expect(decode("\x1b[97;5:3u\x1b[I\x1b[O\x1b[<0;10;5M\x1b[99~\x1b[?1;2c\x1b[?1;2$yx")).toEqual([
      { name: "text", text: "x" },
    ]);
  });

  test("a malformed sequence drops its introducer, the rest decodes", () => {
    expect(decode("\x1b[1;\rz")).toEqual([{ name: "return" }, { name: "text", text: "z" }]);
  });

  test("a runaway parameter string is dropped without waiting forever", () => {
    const h = harness();
    h.feed(`\x1b[${"1;".repeat(40)}`);
    expect(h.timer()).toBeUndefined();
    h.feed("q");
    expect(h.keys).toEqual([{ name: "text", text: "q" }]);
  });
});

describe("split sequences", () => {
  test("a sequence split at every possible point decodes the same", () => {
    const sequences = ["\x1b[1;5D", "\x1b[13;2u", "\x1b[27;2;13~", "\x1bOA", "\x1b[3~", "\x1b\x1b[C"];
    for (const sequence of sequences) {
      const whole = decode(sequence);
      for (let cut = 1; cut < sequence.length; cut += 1) {
        const h = harness();
        h.feed(sequence.slice(0, cut), sequence.slice(cut));
        expect(h.keys).toEqual(whole);
        expect(h.timer()).toBeUndefined();
      }
    }
  });

  test("one byte at a time", () => {
    const input = "ab\x1b[1;3C\x1b[200~x\r\ny\x1b[201~\x1bf";
    const h = harness();
    for (const char of input) h.feed(char);
    h.fire();
    expect(h.keys).toEqual([
      { name: "text", text: "a" },
      { name: "text", text: "b" },
      { name: "right", meta: true },
      { name: "paste", text: "x\ny" },
      { name: "f", meta: true },
    ]);
  });
});

describe("lone Escape", () => {
  test("waits for the timeout before becoming Escape", () => {
    const h = harness(25);
    h.feed("\x1b");
    expect(h.keys).toEqual([]);
    expect(h.timer()?.ms).toBe(25);
    h.fire();
    expect(h.keys).toEqual([{ name: "escape" }]);
  });

  test("a continuation within the timeout cancels the timer: Alt+x, not Escape then x", () => {
    const h = harness();
    h.feed("\x1b");
    h.feed("x");
    expect(h.counts()).toEqual({ started: 1, cancelled: 1 });
    expect(h.timer()).toBeUndefined();
    expect(h.keys).toEqual([{ name: "x", meta: true }]);
  });

  test("Esc then Esc quickly is two escapes", () => {
    const h = harness();
    h.feed("\x1b");
    h.feed("\x1b");
    expect(h.keys).toEqual([]);
    h.fire();
    expect(h.keys).toEqual([{ name: "escape" }, { name: "escape" }]);
  });

  test("Esc Esc in one chunk, and Esc followed by a sequence", () => {
    expect(decode("\x1b\x1b")).toEqual([{ name: "escape" }, { name: "escape" }]);
    expect(decode("\x1b\x1bx")).toEqual([{ name: "escape" }, { name: "x", meta: true }]);
  });

  test("Esc [ and Esc O alone are Alt+[ and Alt+Shift+O after the timeout", () => {
    expect(decode("\x1b[")).toEqual([{ name: "[", meta: true }]);
    expect(decode("\x1bO")).toEqual([{ name: "o", meta: true, shift: true }]);
  });

  test("flush resolves a pending Esc at once", () => {
    const h = harness();
    h.feed("\x1b");
    h.flush();
    expect(h.keys).toEqual([{ name: "escape" }]);
    expect(h.timer()).toBeUndefined();
  });

  test("no timer is started when nothing is pending", () => {
    const h = harness();
    h.feed("abc\x1b[A");
    expect(h.counts().started).toBe(0);
  });

  test("the default timer really fires", async () => {
    const keys: Key[] = [];
    const decoder = createKeyDecoder((key) => keys.push(key), { escapeTimeoutMs: 1 });
    decoder.feed("\x1b");
    for (let i = 0; i < 200 && keys.length === 0; i += 1) await Bun.sleep(5);
    expect(keys).toEqual([{ name: "escape" }]);
  });
});

describe("bracketed paste", () => {
  test("a paste is one key with newlines normalised", () => {
    expect(decode("\x1b[200~line 1\r\nline 2\rline 3\nend\x1b[201~")).toEqual([
      { name: "paste", text: "line 1\nline 2\nline 3\nend" },
    ]);
  });

  test("keys inside a paste are text, not commands", () => {
    expect(decode("\x1b[200~\x03\x1b[A\ttab\x1b[201~")).toEqual([{ name: "paste", text: "\ttab" }]);
  });

  test("a paste across many chunks, with the end marker and a CRLF split", () => {
    const h = harness();
    h.feed("x\x1b[20", "0~first\r", "\nsecond", "\x1b[2", "01", "~y");
    expect(h.keys).toEqual([
      { name: "text", text: "x" },
      { name: "paste", text: "first\nsecond" },
      { name: "text", text: "y" },
    ]);
  });

  test("an open paste never times out into typed keys", () => {
    const h = harness();
    h.feed("\x1b[200~abc\r");
    expect(h.timer()).toBeUndefined();
    h.feed("def\x1b[2");
    expect(h.timer()).toBeUndefined();
    expect(h.keys).toEqual([]);
    h.feed("01~");
    expect(h.keys).toEqual([{ name: "paste", text: "abc\ndef" }]);
  });

  test("text that looks like half an end marker stays in the paste", () => {
    const h = harness();
    h.feed("\x1b[200~a\x1b[2", "0", "éb\x1b[201~");
    expect(h.keys).toEqual([{ name: "paste", text: "a[20éb" }]);
  });

  test("escape codes and control characters are taken out of pasted text", () => {
    expect(decode("\x1b[200~\x1b[31mred\x1b[0m\x07 ok\x1b[201~")).toEqual([{ name: "paste", text: "red ok" }]);
  });

  test("a large paste arrives whole", () => {
    const body = "0123456789\n".repeat(5000);
    const h = harness();
    h.feed("\x1b[200~");
    for (let at = 0; at < body.length; at += 4096) h.feed(body.slice(at, at + 4096));
    h.feed("\x1b[201~");
    expect(h.keys).toEqual([{ name: "paste", text: body }]);
  });

  test("an empty paste is reported (some terminals send one for an image)", () => {
    expect(decode("\x1b[200~\x1b[201~")).toEqual([{ name: "paste", text: "" }]);
  });

  test("flush delivers an unterminated paste", () => {
    const h = harness();
    h.feed("\x1b[200~partial");
    h.flush();
    expect(h.keys).toEqual([{ name: "paste", text: "partial" }]);
    h.feed("\r");
    expect(h.keys.at(-1)).toEqual({ name: "return" });
  });

  test("a stray end marker is ignored", () => {
    expect(decode("\x1b[201~a")).toEqual([{ name: "text", text: "a" }]);
  });
});
