// Word-level lexing for the shell parser: where a word ends, backslashes, globs, brace expansion,
// tildes, process substitution, array assignments and heredoc bodies. Quotes and `$` expansions are
// in shell-expand.ts; the grammar (shell-grammar.ts, shell-parse.ts) extends this class and the two
// recurse into each other through the abstract methods.
import type { Word } from "./shell-ast.ts";
import { Expander, NAME_START } from "./shell-expand.ts";
import { WordBuilder } from "./shell-words.ts";

const META = " \t\n;&|<>()";
const PLAIN = /[^ \t\n;&|<>()\\'"$`*?[\]{},.~]+/y;

export abstract class Lexer extends Expander {
  protected abstract override fork(src: string): Lexer;

  /** Reads one word at `pos`; undefined when a metacharacter (or the end) is there. */
  readWord(mode: "normal" | "cond"): Word | undefined {
    const start = this.pos;
    const b = new WordBuilder();
    while (this.pos < this.src.length) {
      const c = this.ch();
      // `=(...)` is zsh's file-backed process substitution.
      if ((c === "<" || c === ">" || c === "=") && this.ch(1) === "(" && b.parts.length === 0) {
        this.procSubst(b);
        continue;
      }
      if (c === "(" && mode === "normal" && b.parts.length > 0 && b.isAssignPrefix()) {
        this.arrayValue(b);
        continue;
      }
      if (mode === "normal" ? META.includes(c) : c === " " || c === "\t" || c === "\n") break;
      this.wordChar(b, c, mode);
    }
    if (this.pos === start) return undefined;
    return b.finish(this.src.slice(start, this.pos));
  }

  private wordChar(b: WordBuilder, c: string, mode: "normal" | "cond"): void {
    switch (c) {
      case "\\": {
        const n = this.ch(1);
        this.pos += n === "" ? 1 : 2;
        if (n !== "\n") b.lit(n === "" ? "\\" : n, true);
        return;
      }
      case "'":
        return this.single(b);
      case '"':
        this.pos++;
        return this.double(b);
      case "$":
        return this.dollar(b, false);
      case "`":
        return this.backtick(b, false);
      case "*":
      case "?":
        this.pos++;
        return b.glob(c);
      case "[":
        this.pos++;
        return b.openBracket();
      case "]":
        this.pos++;
        return b.closeBracket();
      case "{":
        this.pos++;
        return b.openBrace();
      case "}":
        this.pos++;
        return b.closeBrace();
      case ",":
        this.pos++;
        return b.braceSep(",");
      case ".":
        if (this.ch(1) === ".") {
          this.pos += 2;
          return b.braceSep("..");
        }
        break;
      case "~":
        if (b.parts.length === 0 || b.isAssignPrefix()) return this.tilde(b, mode);
        break;
      case "=":
        // zsh expands `=name` at the start of a word to the program's path.
        if (b.parts.length === 0 && NAME_START.test(this.ch(1))) {
          const start = this.pos;
          this.pos++;
          while (/[\w.+-]/.test(this.ch())) this.pos++;
          return b.expand(false, false, this.src.slice(start, this.pos));
        }
        break;
    }
    // Ordinary characters: take the whole run at once.
    PLAIN.lastIndex = this.pos;
    const run = PLAIN.exec(this.src)?.[0] ?? c;
    this.pos += run.length;
    b.lit(run, false);
  }

  private tilde(b: WordBuilder, mode: "normal" | "cond"): void {
    const re = /~([A-Za-z0-9._-]*|[+-]\d*)/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    const after = this.src[re.lastIndex] ?? "";
    const ends = after === "" || after === "/" || after === ":" || (mode === "normal" ? META.includes(after) : /\s/.test(after));
    if (!m || !ends) {
      this.pos++;
      return b.lit("~", false);
    }
    this.pos = re.lastIndex;
    b.parts.push({ k: "tilde", user: m[1] ?? "" });
  }

  private procSubst(b: WordBuilder): void {
    const start = this.pos;
    this.pos += 2;
    if (this.deeper()) {
      this.nest++;
      b.subs.push(this.parseUntilParen());
      this.nest--;
    }
    b.expand(false, false, this.src.slice(start, this.pos));
    b.markProcSubst();
  }

  /** `name=(a b c)`: the words are searched for commands; the value is opaque. */
  private arrayValue(b: WordBuilder): void {
    const start = this.pos;
    if (!this.deeper()) return b.expand(false, true, "(");
    this.pos++;
    this.nest++;
    for (;;) {
      while (/[ \t\n]/.test(this.ch())) this.pos++;
      if (this.ch() === "#") while (this.pos < this.src.length && this.ch() !== "\n") this.pos++;
      else if (this.ch() === ")") {
        this.pos++;
        break;
      } else if (this.pos >= this.src.length) {
        this.error("unterminated array assignment");
        break;
      } else {
        const w = this.readWord("normal");
        if (w) b.subs.push(...w.subs);
        else {
          this.error(`unexpected "${this.ch()}" in an array assignment`);
          this.pos++;
        }
      }
    }
    this.nest--;
    b.expand(false, false, this.src.slice(start, this.pos));
  }

  /** Reads the bodies of heredocs whose operator came before the newline just consumed. */
  protected readHeredocs(): void {
    for (const h of this.heredocs.splice(0)) {
      let body = "";
      let found = false;
      while (this.pos < this.src.length) {
        let line = this.nextLine();
        // Unquoted bodies join backslash-newline before the delimiter is looked for.
        while (!h.quoted && /(^|[^\\])(\\\\)*\\$/.test(line) && this.pos < this.src.length) line = line.slice(0, -1) + this.nextLine();
        const bare = h.strip ? line.replace(/^\t+/, "") : line;
        if (bare === h.delim) {
          found = true;
          break;
        }
        body += `${bare}\n`;
      }
      if (!found) this.error(`here-document not terminated (expected "${h.delim}")`);
      let dynamic = false;
      if (!h.quoted && this.deeper()) {
        const scanned = this.fork(body).scanHeredoc();
        h.redirect.target.subs.push(...scanned.subs);
        dynamic = scanned.parts.some((p) => p.k !== "lit");
      }
      h.redirect.heredoc = { body, quoted: h.quoted, dynamic };
    }
  }

  private nextLine(): string {
    const end = this.src.indexOf("\n", this.pos);
    const stop = end === -1 ? this.src.length : end;
    const line = this.src.slice(this.pos, stop);
    this.pos = end === -1 ? this.src.length : end + 1;
    return line;
  }

  /** An unquoted heredoc body: expansions and backslashes as in double quotes, no closing quote. */
  scanHeredoc(): WordBuilder {
    const b = new WordBuilder();
    while (this.pos < this.src.length) {
      const c = this.ch();
      const n = this.ch(1);
      if (c === "\\" && n !== "" && "$`\\\n".includes(n)) {
        if (n !== "\n") b.lit(n, true);
        this.pos += 2;
      } else if (c === "$") this.dollar(b, true);
      else if (c === "`") this.backtick(b, true);
      else {
        b.lit(c, true);
        this.pos++;
      }
    }
    return b;
  }
}

