// The lexer's state and the expansions inside words: single and double quotes, `$'...'`, `$var`,
// `${...}`, `$(...)`, backticks and arithmetic. Every expansion is kept opaque but searched for nested
// commands; the word and heredoc level is in shell-lex.ts, the grammar in shell-grammar.ts.
import type { Node, Redirect } from "./shell-ast.ts";
import { decodeEscape, paramRisk, WordBuilder, type ArithScan } from "./shell-words.ts";

/** Deepest nesting of commands, substitutions and re-parsed strings before giving up. */
export const MAX_NEST = 100;

export const NAME_START = /[A-Za-z_]/;

export abstract class Expander {
  pos = 0;
  protected heredocs: { redirect: Redirect; delim: string; strip: boolean; quoted: boolean }[] = [];
  protected nest = 0;
  private readonly arithFailed = new Set<number>();

  constructor(
    readonly src: string,
    readonly depth: number,
    readonly errors: string[] = [],
    readonly unsupported: string[] = [],
  ) {}

  /** Parses a command list up to `)` and consumes the `)`. */
  protected abstract parseUntilParen(): Node;
  /** A parser over another string (backtick contents, heredoc bodies), sharing the error lists. */
  protected abstract fork(src: string): Expander;
  abstract parseAll(): Node;

  protected ch(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }
  protected error(message: string): void {
    if (!this.errors.includes(message)) this.errors.push(message);
  }
  protected deeper(): boolean {
    if (this.nest < MAX_NEST && this.depth < 20) return true;
    this.error("the command is nested too deeply");
    this.pos = this.src.length;
    return false;
  }

  protected single(b: WordBuilder): void {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end === -1) {
      this.error("unterminated single quote");
      b.lit(this.src.slice(this.pos + 1), true);
      this.pos = this.src.length;
      return;
    }
    b.lit(this.src.slice(this.pos + 1, end), true);
    this.pos = end + 1;
  }

  /** Double-quoted text; `pos` is just past the opening quote. */
  protected double(b: WordBuilder): void {
    for (;;) {
      if (this.pos >= this.src.length) return this.error("unterminated double quote");
      const c = this.ch();
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === "\\") {
        const n = this.ch(1);
        if (n === "\n") this.pos += 2;
        else if (n !== "" && '$`"\\'.includes(n)) {
          b.lit(n, true);
          this.pos += 2;
        } else {
          b.lit("\\", true);
          this.pos++;
        }
      } else if (c === "$") this.dollar(b, true);
      else if (c === "`") this.backtick(b, true);
      else {
        b.lit(c, true);
        this.pos++;
      }
    }
  }

  protected dollar(b: WordBuilder, quoted: boolean): void {
    // `${...}` and `$((...))` nest through here: bound the recursion.
    if (!this.deeper()) return b.expand(quoted, true, "$");
    this.nest++;
    try {
      this.dollarInner(b, quoted);
    } finally {
      this.nest--;
    }
  }

  private dollarInner(b: WordBuilder, quoted: boolean): void {
    const start = this.pos;
    const n = this.ch(1);
    if (n === "'" && !quoted) return this.ansiC(b);
    if (n === '"' && !quoted) {
      this.pos += 2;
      return this.double(b);
    }
    if (n === "(" && this.ch(2) === "(" && this.arithExpansion(b, quoted)) return;
    if (n === "(") return this.commandSubst(b, quoted, start);
    if (n === "[") {
      this.pos += 2;
      const scan = this.scanArith("]");
      if (!scan) this.error("unterminated $[");
      b.subs.push(...(scan?.subs ?? []));
      return b.expand(quoted, scan?.risk ?? true, this.src.slice(start, this.pos));
    }
    if (n === "{") return this.param(b, quoted);
    let m = /[A-Za-z_]\w*|[0-9@*#?$!-]/y;
    // zsh's $=x, $~x, $^x, $+x: treat the operator and the name as one expansion.
    if ("=~^+".includes(n) && n !== "" && NAME_START.test(this.ch(2))) m = /[=~^+][A-Za-z_]\w*/y;
    m.lastIndex = this.pos + 1;
    if (n !== "" && m.exec(this.src)) {
      this.pos = m.lastIndex;
      return b.expand(quoted, false, this.src.slice(start, this.pos));
    }
    this.pos++;
    b.lit("$", quoted);
  }

  private commandSubst(b: WordBuilder, quoted: boolean, start: number): void {
    this.pos += 2;
    if (!this.deeper()) return b.expand(quoted, false, "$(");
    this.nest++;
    b.subs.push(this.parseUntilParen());
    this.nest--;
    b.expand(quoted, false, this.src.slice(start, this.pos));
  }

  /** `$((...))`; false (with nothing consumed) when it is really `$( (...) ...)`. */
  private arithExpansion(b: WordBuilder, quoted: boolean): boolean {
    const start = this.pos;
    const scan = this.tryArith(start + 1);
    if (!scan) return false;
    b.subs.push(...scan.subs);
    b.expand(quoted, scan.risk, this.src.slice(start, this.pos));
    return true;
  }

  /**
   * `((...))` starting at `open` (the first paren), or undefined with nothing consumed when it is really
   * a subshell. A position that failed once is not tried again, which keeps nested retries linear.
   */
  protected tryArith(open: number): ArithScan | undefined {
    const start = this.pos;
    if (this.arithFailed.has(open)) return undefined;
    const errors = this.errors.length;
    this.pos = open + 2;
    const scan = this.scanArith("))");
    if (scan) return scan;
    this.arithFailed.add(open);
    this.pos = start;
    this.errors.length = errors;
    return undefined;
  }

  /** Scans arithmetic up to `))` or `]`, collecting nested commands; undefined when unbalanced. */
  protected scanArith(closer: "))" | "]"): ArithScan | undefined {
    const start = this.pos;
    const tmp = new WordBuilder();
    let depth = 0;
    let names = false;
    while (this.pos < this.src.length) {
      const c = this.ch();
      const open = closer === "]" ? "[" : "(";
      const close = closer === "]" ? "]" : ")";
      if (c === open) depth++;
      else if (c === close && depth > 0) depth--;
      else if (c === close) {
        if (closer === "))" && this.ch(1) !== ")") return undefined;
        const raw = this.src.slice(start, this.pos);
        this.pos += closer.length;
        const dynamic = tmp.parts.some((p) => p.k === "expand");
        return { raw, subs: tmp.subs, risk: names || dynamic, dynamic };
      } else if (c === "$") {
        this.dollar(tmp, true);
        continue;
      } else if (c === "`") {
        this.backtick(tmp, true);
        continue;
      } else if (c === '"') {
        this.pos++;
        this.double(tmp);
        continue;
      } else if (c === "'") {
        this.single(tmp);
        continue;
      } else if (c === "\\") this.pos++;
      else if (NAME_START.test(c)) names = true;
      this.pos++;
    }
    return undefined;
  }

  private param(b: WordBuilder, quoted: boolean): void {
    const start = this.pos;
    this.pos += 2;
    const tmp = new WordBuilder();
    let depth = 1;
    while (this.pos < this.src.length && depth > 0) {
      const c = this.ch();
      if (c === "}") depth--;
      else if (c === "{") depth++;
      else if (c === "\\") this.pos++;
      else if (c === "'" && !quoted) {
        this.single(tmp);
        continue;
      } else if (c === '"') {
        this.pos++;
        this.double(tmp);
        continue;
      } else if (c === "$") {
        this.dollar(tmp, quoted);
        continue;
      } else if (c === "`") {
        this.backtick(tmp, true);
        continue;
      }
      this.pos++;
    }
    if (depth > 0) this.error("unterminated ${");
    const inner = this.src.slice(start + 2, depth > 0 ? this.pos : this.pos - 1);
    b.subs.push(...tmp.subs);
    const risk = paramRisk(inner) || tmp.parts.some((p) => p.k === "expand" && p.risk);
    b.expand(quoted, risk, this.src.slice(start, this.pos));
  }

  private ansiC(b: WordBuilder): void {
    this.pos += 2;
    let out = "";
    let cut = false;
    while (this.pos < this.src.length && this.ch() !== "'") {
      const c = this.ch();
      let piece = c;
      this.pos++;
      if (c === "\\") [piece, this.pos] = decodeEscape(this.src, this.pos);
      if (cut) continue;
      // A NUL ends the string as bash sees it.
      const nul = piece.indexOf("\0");
      cut = nul >= 0;
      out += cut ? piece.slice(0, nul) : piece;
    }
    if (this.pos >= this.src.length) this.error("unterminated $'...' quote");
    else this.pos++;
    b.lit(out, true);
  }

  protected backtick(b: WordBuilder, inDouble: boolean): void {
    const start = this.pos;
    this.pos++;
    let content = "";
    let closed = false;
    while (this.pos < this.src.length) {
      const c = this.ch();
      if (c === "`") {
        this.pos++;
        closed = true;
        break;
      }
      const n = this.ch(1);
      if (c === "\\" && (n === "`" || n === "\\" || n === "$" || (inDouble && n === '"'))) {
        content += n;
        this.pos += 2;
      } else if (c === "\\" && n === "\n") this.pos += 2;
      else {
        content += c;
        this.pos++;
      }
    }
    if (!closed) this.error("unterminated backquote");
    if (this.deeper()) b.subs.push(this.fork(content).parseAll());
    b.expand(inDouble, false, this.src.slice(start, this.pos));
  }
}
