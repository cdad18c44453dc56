// Building blocks of shell words: the part collector (which also folds brace expansions and bracket
// globs into single opaque parts once they close), `$'...'` escape decoding, and the check for
// `${...}` forms that evaluate a variable's value as code.
import type { Node, Part, Word } from "./shell-ast.ts";

/** Collects a word's parts; brace expansions and bracket globs are collapsed once they close. */
export class WordBuilder {
  parts: Part[] = [];
  subs: Node[] = [];
  private braces: { at: number; sep: boolean }[] = [];
  private bracket: number | undefined;
  private procAt = -1;

  lit(text: string, quoted: boolean): void {
    if (text !== "") this.parts.push({ k: "lit", text, quoted });
  }
  glob(text: string): void {
    this.parts.push({ k: "glob", text });
  }
  expand(quoted: boolean, risk: boolean, text: string): void {
    this.parts.push({ k: "expand", quoted, risk, text });
  }
  markProcSubst(): void {
    this.procAt = this.parts.length - 1;
  }
  /** All parts so far are unquoted literal `NAME=` or `NAME+=`. */
  isAssignPrefix(): boolean {
    if (!this.parts.every((p) => p.k === "lit" && !p.quoted)) return false;
    return /^[A-Za-z_]\w*\+?=$/.test(this.parts.map((p) => (p.k === "lit" ? p.text : "")).join(""));
  }
  openBrace(): void {
    this.braces.push({ at: this.parts.length, sep: false });
    this.lit("{", false);
  }
  braceSep(text: string): void {
    const top = this.braces[this.braces.length - 1];
    if (top) top.sep = true;
    this.lit(text, false);
  }
  closeBrace(): void {
    const top = this.braces.pop();
    if (!top || !top.sep) return this.lit("}", false);
    this.lit("}", false);
    this.collapse(top.at, "expand");
  }
  openBracket(): void {
    if (this.bracket === undefined) this.bracket = this.parts.length;
    this.lit("[", false);
  }
  closeBracket(): void {
    const at = this.bracket;
    this.lit("]", false);
    // `[]` and `[!]` alone are not bracket expressions.
    if (at === undefined || this.parts.length - at < 3) return;
    this.bracket = undefined;
    this.collapse(at, "glob");
  }
  /** Replaces parts from `at` on with one opaque part (a brace expansion or a bracket glob). */
  private collapse(at: number, kind: "expand" | "glob"): void {
    const taken = this.parts.splice(at);
    const text = taken.map(partText).join("");
    const risk = taken.some((p) => p.k === "expand" && p.risk);
    this.parts.push(kind === "glob" && !risk && taken.every((p) => p.k !== "expand") ? { k: "glob", text } : { k: "expand", quoted: false, risk, text });
    this.braces = this.braces.filter((b) => b.at < at);
    if (this.bracket !== undefined && this.bracket >= at) this.bracket = undefined;
  }
  finish(raw: string): Word {
    const merged: Part[] = [];
    for (const p of this.parts) {
      const last = merged[merged.length - 1];
      if (p.k === "lit" && last?.k === "lit" && last.quoted === p.quoted) merged[merged.length - 1] = { ...last, text: last.text + p.text };
      else merged.push(p);
    }
    const procSubst = this.procAt === 0 && this.parts.length === 1;
    return { parts: merged, subs: this.subs, raw, procSubst };
  }
}

export function partText(p: Part): string {
  if (p.k === "tilde") return `~${p.user}`;
  return p.text;
}

/** Whether `${...}` contents evaluate arithmetic or names taken from a value (see Part.risk). */
export function paramRisk(inner: string): boolean {
  if (/^[!(]./s.test(inner) || inner.includes("@P")) return true;
  const sub = /^#?[A-Za-z_]\w*\[([^\]]*)\]/.exec(inner);
  if (sub && !/^\s*([@*]|-?\d+)\s*$/.test(sub[1] ?? "")) return true;
  const slice = /^#?(?:[A-Za-z_]\w*|\d+|[@*])(?:\[[^\]]*\])?:([^-=?+].*)$/s.exec(inner);
  return slice !== null && /[A-Za-z_$`]/.test(slice[1] ?? "");
}

export interface ArithScan {
  raw: string;
  subs: Node[];
  /** Names a variable (or holds an expansion): evaluating it may run code stored in that variable. */
  risk: boolean;
  dynamic: boolean;
}

/** Decodes one `$'...'` escape; `pos` is just past the backslash. Returns the text and the new position. */
export function decodeEscape(src: string, pos: number): [string, number] {
  const n = src[pos] ?? "";
  const simple: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };
  if (n in simple) return [simple[n] ?? "", pos + 1];
  const digits = (re: RegExp, from: number): string => {
    re.lastIndex = from;
    return re.exec(src)?.[0] ?? "";
  };
  if (/[0-7]/.test(n)) {
    const oct = digits(/[0-7]{1,3}/y, pos);
    return [String.fromCodePoint(parseInt(oct, 8) & 0xff), pos + oct.length];
  }
  const hexLen: Record<string, number> = { x: 2, u: 4, U: 8 };
  const len = hexLen[n];
  if (len !== undefined) {
    const hex = digits(new RegExp(`[0-9A-Fa-f]{1,${len}}`, "y"), pos + 1);
    if (hex === "") return [`\\${n}`, pos + 1];
    const code = parseInt(hex, 16);
    return [code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd", pos + 1 + hex.length];
  }
  if (n === "c" && pos + 1 < src.length) return [String.fromCharCode((src.charCodeAt(pos + 1) & 0x1f) >>> 0), pos + 2];
  if (n === "") return ["\\", pos];
  return [`\\${n}`, pos + 1];
}
