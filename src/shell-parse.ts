// A parser for the POSIX/bash command grammar: lists, and-or chains, pipelines, subshells, groups,
// if/while/until/for/case, `[[ ]]`, `(( ))`, function definitions, redirections and heredocs. It never
// throws: syntax errors are collected and parsing carries on, so callers always get a best-effort tree
// of everything that could run. This file holds the compound commands; shell-grammar.ts the rest.
import type { Node, ParseResult, Word } from "./shell-ast.ts";
import { emptyWord, Grammar } from "./shell-grammar.ts";
import type { Lexer } from "./shell-lex.ts";
import { WordBuilder } from "./shell-words.ts";

const set = (...words: string[]): ReadonlySet<string> => new Set(words);
const THEN = set("then");
const ELSE = set("elif", "else", "fi");
const FI = set("fi");
const DO = set("do");
const DONE = set("done");
const ESAC = set("esac");
const BRACE = set("}");

export function parseShell(src: string): ParseResult {
  const parser = new Parser(src, 0);
  const node = parser.parseAll();
  return { node, errors: parser.errors, unsupported: parser.unsupported };
}

class Parser extends Grammar {
  protected fork(src: string): Lexer {
    return new Parser(src, this.depth + 1, this.errors, this.unsupported);
  }

  protected commandInner(): Node | undefined {
    switch (this.keyword()) {
      case "{": {
        this.pos++;
        const body = this.list({ words: BRACE });
        this.expect("}");
        return { type: "group", body, redirects: this.redirects() };
      }
      case "if":
        return this.ifClause();
      case "while":
      case "until":
        return this.loop();
      case "for":
      case "select":
        return this.forClause();
      case "case":
        return this.caseClause();
      case "[[":
        return this.cond();
      case "function":
        return this.functionDef();
      case "coproc":
        this.unsupported.push("coproc");
        this.pos += 6;
        return this.command();
      case "then":
      case "elif":
      case "else":
      case "fi":
      case "do":
      case "done":
      case "esac":
      case "}":
        return undefined;
    }
    if (this.ch() === "(") return this.ch(1) === "(" ? (this.arithCommand() ?? this.subshell()) : this.subshell();
    return this.simple();
  }

  private subshell(): Node {
    this.pos++;
    const body = this.list({ paren: true });
    this.blanks();
    if (this.ch() === ")") this.pos++;
    else this.error("missing )");
    return { type: "subshell", body, redirects: this.redirects() };
  }

  private arithCommand(): Node | undefined {
    const scan = this.tryArith(this.pos);
    if (!scan) return undefined;
    return { type: "arith", expr: arithWord(scan), redirects: this.redirects() };
  }

  private ifClause(): Node {
    this.pos += 2;
    const clauses: { cond: Node; body: Node }[] = [];
    let elseBody: Node | undefined;
    for (;;) {
      const cond = this.list({ words: THEN });
      this.expect("then");
      clauses.push({ cond, body: this.list({ words: ELSE }) });
      const word = this.keyword();
      if (word === "elif") {
        this.pos += 4;
        continue;
      }
      if (word === "else") {
        this.pos += 4;
        elseBody = this.list({ words: FI });
      }
      this.expect("fi");
      return { type: "if", clauses, elseBody, redirects: this.redirects() };
    }
  }

  private loop(): Node {
    const until = this.keyword() === "until";
    this.pos += 5;
    const cond = this.list({ words: DO });
    this.expect("do");
    const body = this.list({ words: DONE });
    this.expect("done");
    return { type: "loop", until, cond, body, redirects: this.redirects() };
  }

  private forClause(): Node {
    const keyword = this.keyword() ?? "for";
    if (keyword === "select") this.unsupported.push("select");
    this.pos += keyword.length;
    this.blanks();
    let name: Word | undefined;
    let items: Word[] | undefined;
    let arith: Word | undefined;
    if (this.src.startsWith("((", this.pos)) {
      this.pos += 2;
      const scan = this.scanArith("))");
      if (!scan) this.error("unterminated for (( ))");
      arith = scan ? arithWord(scan) : undefined;
    } else {
      name = this.readWord("normal");
      if (!name) this.error(`expected a variable name after "${keyword}"`);
      this.gap();
      if (this.keyword() === "in") {
        this.pos += 2;
        items = [];
        for (;;) {
          this.blanks();
          const word = ";\n".includes(this.ch()) ? undefined : this.readWord("normal");
          if (!word) break;
          items.push(word);
        }
      }
    }
    this.blanks();
    if (this.ch() === ";") this.pos++;
    this.gap();
    this.expect("do");
    const body = this.list({ words: DONE });
    this.expect("done");
    return { type: "for", name, items, arith, body, redirects: this.redirects() };
  }

  private caseClause(): Node {
    this.pos += 4;
    this.blanks();
    const subject = this.readWord("normal") ?? emptyWord();
    this.gap();
    this.expect("in");
    const arms: { patterns: Word[]; body: Node }[] = [];
    for (;;) {
      this.gap();
      if (this.keyword() === "esac") {
        this.pos += 4;
        break;
      }
      if (this.pos >= this.src.length) {
        this.error('missing "esac"');
        break;
      }
      if (this.ch() === "(") this.pos++;
      const patterns: Word[] = [];
      for (;;) {
        this.blanks();
        const word = this.readWord("normal");
        if (word) patterns.push(word);
        this.blanks();
        if (this.ch() !== "|") break;
        this.pos++;
      }
      if (this.ch() !== ")" || patterns.length === 0) {
        this.error(`unexpected "${this.tokenText()}" in a case pattern`);
        break;
      }
      this.pos++;
      arms.push({ patterns, body: this.list({ words: ESAC, caseArm: true }) });
      for (const end of [";;&", ";;", ";&"]) {
        if (!this.src.startsWith(end, this.pos)) continue;
        this.pos += end.length;
        break;
      }
    }
    return { type: "case", subject, arms, redirects: this.redirects() };
  }

  private cond(): Node {
    this.pos += 2;
    const words: Word[] = [];
    for (;;) {
      while (this.ch() === " " || this.ch() === "\t") this.pos++;
      if (this.ch() === "\n") {
        this.newline();
        continue;
      }
      if (/\]\](?=[ \t\n;&|()<>]|$)/y.test(this.src.slice(this.pos, this.pos + 3))) {
        this.pos += 2;
        break;
      }
      if (this.pos >= this.src.length) {
        this.error('missing "]]"');
        break;
      }
      const word = this.readWord("cond");
      if (word) words.push(word);
      else this.pos++;
    }
    return { type: "cond", words, redirects: this.redirects() };
  }

  private functionDef(): Node {
    this.pos += 8;
    this.blanks();
    const name = this.readWord("normal");
    this.blanks();
    const parens = /\(\s*\)/y;
    parens.lastIndex = this.pos;
    if (parens.test(this.src)) this.pos = parens.lastIndex;
    return this.functionBody(name?.raw ?? "", false);
  }
}

/** The expression of `(( ))` or `for (( ))` as one word: its text, or opaque when it expands anything. */
function arithWord(scan: { raw: string; subs: Node[]; risk: boolean; dynamic: boolean }): Word {
  const b = new WordBuilder();
  b.subs.push(...scan.subs);
  if (scan.dynamic || scan.risk) b.expand(true, scan.risk, scan.raw);
  else b.lit(scan.raw.trim(), true);
  return b.finish(scan.raw);
}
