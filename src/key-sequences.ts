// What the bytes a terminal sends for one keypress mean: control characters, Alt as an Esc prefix, CSI
// and SS3 sequences (xterm, rxvt, the Linux console, tmux), xterm's modifyOtherKeys and the CSI u
// ("fixterms"/kitty) encoding. Pure: the decoder in keys.ts feeds it and owns buffering and timing.
import type { Key } from "./keys.ts";

/** One decoded step: the keys found and where the next one starts. */
export type Step = { keys: Key[]; next: number; startPaste?: boolean };

// Longest escape sequence worth waiting for; anything longer is garbage and dropped.
const MAX_SEQUENCE = 64;

const TILDE_KEYS: Record<number, string> = {
  1: "home", 2: "insert", 3: "delete", 4: "end", 5: "pageup", 6: "pagedown", 7: "home", 8: "end",
  11: "f1", 12: "f2", 13: "f3", 14: "f4", 15: "f5", 17: "f6", 18: "f7", 19: "f8", 20: "f9", 21: "f10",
  23: "f11", 24: "f12",
};

const LETTER_KEYS: Record<string, string> = {
  A: "up", B: "down", C: "right", D: "left", H: "home", F: "end", P: "f1", Q: "f2", R: "f3", S: "f4",
};

// rxvt sends shifted arrows as CSI a-d and control arrows as SS3 a-d.
const RXVT_ARROWS: Record<string, string> = { a: "up", b: "down", c: "right", d: "left" };

// Application keypad (SS3 j-y, X) types its symbol.
const KEYPAD = "*+,-./0123456789";

type Modifiers = { shift: boolean; meta: boolean; ctrl: boolean };

/** Decodes the xterm modifier parameter (1 + bits: shift 1, alt 2, ctrl 4). */
function modifiers(param: number): Modifiers {
  const bits = Number.isFinite(param) && param > 1 ? param - 1 : 0;
  return { shift: (bits & 1) !== 0, meta: (bits & 2) !== 0, ctrl: (bits & 4) !== 0 };
}

function withModifiers(name: string, mods: Modifiers): Key {
  const key: Key = { name };
  if (mods.ctrl) key.ctrl = true;
  if (mods.meta) key.meta = true;
  if (mods.shift) key.shift = true;
  return key;
}

/** The key one character stands for outside escape sequences (undefined for C1 controls). */
export function charKey(char: string): Key | undefined {
  switch (char) {
    case "\r": return { name: "return" };
    case "\n": return { name: "j", ctrl: true };
    case "\t": return { name: "tab" };
    case "\x7f":
    case "\b": return { name: "backspace" };
    case "\x00": return { name: "space", ctrl: true };
    case "\x1b": return { name: "escape" };
  }
  const code = char.codePointAt(0) ?? 0;
  if (code >= 1 && code <= 26) return { name: String.fromCharCode(code + 96), ctrl: true };
  if (code >= 0x1c && code <= 0x1f) return { name: "\\]^_".charAt(code - 0x1c), ctrl: true };
  if (code >= 0x80 && code < 0xa0) return undefined;
  return { name: "text", text: char };
}

/** Alt+<char>, sent as Esc followed by the character. */
function metaKey(char: string): Key | undefined {
  if (char === " ") return { name: "space", meta: true };
  const base = charKey(char);
  if (!base) return undefined;
  if (base.name !== "text") return { ...base, meta: true };
  const lower = char.toLowerCase();
  return lower !== char ? { name: lower, meta: true, shift: true } : { name: char, meta: true };
}

/** A key given by its Unicode code point and modifiers (CSI u and modifyOtherKeys). */
function codeKey(code: number, mods: Modifiers, shifted?: number, text?: string): Key | undefined {
  if (code === 13 || code === 57414) return withModifiers("return", mods);
  if (code === 9) return withModifiers("tab", mods);
  if (code === 27) return withModifiers("escape", mods);
  if (code === 127 || code === 8) return withModifiers("backspace", mods);
  if (code === 32 && (mods.ctrl || mods.meta)) return withModifiers("space", mods);
  // Kitty's private-use codes are functional keys (keypad, media, lone modifiers): nothing to type.
  if (!Number.isInteger(code) || code < 32 || code > 0x10ffff || (code >= 0xe000 && code <= 0xf8ff)) return undefined;
  const char = String.fromCodePoint(code);
  if (!mods.ctrl && !mods.meta) {
    if (text) return { name: "text", text };
    if (shifted) return { name: "text", text: String.fromCodePoint(shifted) };
    return { name: "text", text: mods.shift ? char.toUpperCase() : char };
  }
  return withModifiers(char.toLowerCase(), mods);
}

function csiKey(params: string, final: string): Key | "paste" | undefined {
  // Private markers (<, =, >, ?) mean a mouse report or a reply to a query, never a key.
  if (/^[<-?]/.test(params)) return undefined;
  const fields = params.split(";");
  const first = (fields[0] ?? "").split(":");
  const number = first[0] === "" ? 1 : Number(first[0]);
  const modField = (fields[1] ?? "").split(":");
  if (modField[1] === "3") return undefined; // kitty key release
  const mods = modifiers(Number(modField[0] || "1"));
  if (final === "~") {
    if (number === 200) return "paste";
    if (number === 27) return codeKey(Number(fields[2]), mods);
    const name = TILDE_KEYS[number];
    return name ? withModifiers(name, mods) : undefined;
  }
  if (final === "u") {
    const text = fields[2] ? String.fromCodePoint(...fields[2].split(":").map(Number).filter((n) => n > 0 && n <= 0x10ffff)) : undefined;
    return codeKey(number, mods, first[1] ? Number(first[1]) : undefined, text);
  }
  if (final === "Z") return withModifiers("tab", { ...mods, shift: true });
  if (final === "$" || final === "^" || final === "@") {
    const name = TILDE_KEYS[number];
    return name ? withModifiers(name, { shift: final !== "^", ctrl: final !== "$", meta: false }) : undefined;
  }
  const rxvt = RXVT_ARROWS[final];
  if (rxvt && params === "") return { name: rxvt, shift: true };
  const name = LETTER_KEYS[final];
  return name ? withModifiers(name, mods) : undefined; // focus reports (I, O) and the rest are dropped
}

function isParam(code: number): boolean {
  return code >= 0x30 && code <= 0x3f;
}

function parseCsi(buf: string, start: number, final: boolean): Step | undefined {
  let at = start + 2;
  while (at < buf.length && isParam(buf.charCodeAt(at))) at += 1;
  const paramEnd = at;
  const params = buf.slice(start + 2, paramEnd);
  // rxvt ends shifted editing keys with "$", which is otherwise an intermediate byte.
  const rxvtDollar = buf[at] === "$" && /^\d+$/.test(params);
  if (!rxvtDollar) while (at < buf.length && buf.charCodeAt(at) >= 0x20 && buf.charCodeAt(at) <= 0x2f) at += 1;
  if (at >= buf.length) {
    if (at - start > MAX_SEQUENCE) return { keys: [], next: at };
    if (!final) return undefined;
    return { keys: at === start + 2 ? [{ name: "[", meta: true }] : [], next: at };
  }
  const code = buf.charCodeAt(at);
  if (!rxvtDollar && (code < 0x40 || code > 0x7e)) return { keys: [], next: at }; // malformed: drop the introducer
  const finalChar = buf.charAt(at);
  if (finalChar === "[" && params === "") {
    // Linux console function keys: ESC [ [ A..E.
    if (at + 1 >= buf.length) return final ? { keys: [], next: at + 1 } : undefined;
    const index = "ABCDE".indexOf(buf.charAt(at + 1));
    return { keys: index >= 0 ? [{ name: `f${index + 1}` }] : [], next: at + 2 };
  }
  if (at > paramEnd) return { keys: [], next: at + 1 }; // intermediates: replies, not keys
  const key = csiKey(params, finalChar);
  if (key === "paste") return { keys: [], next: at + 1, startPaste: true };
  return { keys: key ? [key] : [], next: at + 1 };
}

function parseSs3(buf: string, start: number, final: boolean): Step | undefined {
  let at = start + 2;
  if (at >= buf.length) return final ? { keys: [{ name: "o", meta: true, shift: true }], next: at } : undefined;
  let mods = modifiers(1);
  if (/[2-8]/.test(buf.charAt(at))) {
    // Some terminals put the modifier between O and the key: ESC O 5 D.
    if (at + 1 >= buf.length) return final ? { keys: [], next: at + 1 } : undefined;
    mods = modifiers(Number(buf.charAt(at)));
    at += 1;
  }
  const char = buf.charAt(at);
  const next = at + 1;
  const name = LETTER_KEYS[char];
  if (name) return { keys: [withModifiers(name, mods)], next };
  if (char === "M") return { keys: [withModifiers("return", mods)], next };
  const rxvt = RXVT_ARROWS[char];
  if (rxvt) return { keys: [{ name: rxvt, ctrl: true }], next };
  if (char >= "j" && char <= "y") return { keys: [{ name: "text", text: KEYPAD.charAt(char.charCodeAt(0) - 0x6a) }], next };
  if (char === "X") return { keys: [{ name: "text", text: "=" }], next };
  return { keys: [], next };
}

/**
 * Decodes the sequence starting with the Esc at `start`. Returns undefined when the buffer ends before
 * the sequence does and more input may still come (`final` false); with `final` set, what is there is
 * taken as it stands (a lone Esc is the Escape key).
 */
export function parseEscape(buf: string, start: number, final: boolean): Step | undefined {
  const next = start + 1;
  if (next >= buf.length) return final ? { keys: [{ name: "escape" }], next } : undefined;
  const char = buf.charAt(next);
  if (char === "[") return parseCsi(buf, start, final);
  if (char === "O") return parseSs3(buf, start, final);
  if (char === "\x1b") {
    // Esc Esc [ ... is Alt with a sequence (rxvt, macOS Terminal); otherwise two Escape presses.
    if (next + 1 >= buf.length) return final ? { keys: [{ name: "escape" }], next } : undefined;
    const after = buf.charAt(next + 1);
    if (after !== "[" && after !== "O") return { keys: [{ name: "escape" }], next };
    const inner = parseEscape(buf, next, final);
    if (!inner) return undefined;
    return { ...inner, keys: inner.keys.map((key) => (key.name === "text" ? key : { ...key, meta: true })) };
  }
  const code = buf.codePointAt(next) ?? 0;
  const width = code > 0xffff ? 2 : 1;
  const key = metaKey(buf.slice(next, next + width));
  return { keys: key ? [key] : [], next: next + width };
}
