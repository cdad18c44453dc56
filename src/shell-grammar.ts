// The list-level shell grammar: command lists with their separators, and-or chains, pipelines, simple
// commands with redirections and heredocs, and error recovery (an unexpected token is reported and
// skipped, so a best-effort tree always comes back). Compound commands are in shell-parse.ts.
import { EMPTY, type Node, type Redirect, type Word } from "./shell-ast.ts";
import { Lexer } from "./shell-lex.ts";
import { partText, WordBuilder } from "./shell-words.ts";

export interface Stop {
  words?: ReadonlySet<string>;
  paren?: boolean;
  caseArm?: boolean;
}

const RESERVED = /(?:if|then|elif|else|fi|do|done|case|esac|while|until|for|select|function|in|coproc|\{|\}|!|\[\[)(?=[ \t\n;&|()<>]|$)/y;
const TIMED = /time(?:[ \t]+-p)?[ \t]+(?=[{(!]|\[\[|(?:if|while|until|for|case|select)[ \t\n;])/y;
const REDIRECT = /(\d+|\{[A-Za-z_]\w*\})?(&>>|&>|<<<|<<-|<<|<>|<&|<|>>|>\||>&|>)/y;

export abstract class Grammar extends Lexer {
  /** A compound command or a simple one, at a command position. */
  protected abstract commandInner(): Node | undefined;

  parseAll(): Node {
    if (this.depth > 20) {
      this.error("the command is nested too deeply");
      return EMPTY;
    }
    const items = this.recovering({});
    if (this.heredocs.length > 0) this.readHeredocs();
    return { type: "seq", items };
  }

  protected parseUntilParen(): Node {
    const items = this.recovering({ paren: true });
    if (this.ch() === ")") this.pos++;
    else this.error("missing )");
    return { type: "seq", items };
  }

  /** A list up to its terminator; anything unexpected on the way is reported and skipped. */
  private recovering(stop: Stop): { node: Node; background: boolean }[] {
    const items: { node: Node; background: boolean }[] = [];
    for (;;) {
      items.push(...this.list(stop).items);
      if (this.pos >= this.src.length || (stop.paren && this.ch() === ")")) return items;
      this.error(`unexpected "${this.tokenText()}"`);
      this.skipToken();
    }
  }

  protected list(stop: Stop): { type: "seq"; items: { node: Node; background: boolean }[] } {
    const items: { node: Node; background: boolean }[] = [];
    let separated = true;
    for (;;) {
      this.gap();
      if (this.pos >= this.src.length || this.atStop(stop)) break;
      if (!separated) this.error(`expected ";" or a newline before "${this.tokenText()}"`);
      const node = this.andOr();
      if (!node) break;
      this.blanks();
      let background = false;
      const c = this.ch();
      const n = this.ch(1);
      separated = true;
      if (c === "&" && n !== "&" && n !== ">") {
        background = true;
        this.pos++;
      } else if (c === ";" && n !== ";" && n !== "&") this.pos++;
      else if (c === "\n") this.newline();
      else separated = false;
      items.push({ node, background });
    }
    return { type: "seq", items };
  }

  private atStop(stop: Stop): boolean {
    if (stop.paren && this.ch() === ")") return true;
    if (stop.caseArm && (this.src.startsWith(";;", this.pos) || this.src.startsWith(";&", this.pos))) return true;
    const word = this.keyword();
    return word !== undefined && stop.words?.has(word) === true;
  }

  private andOr(): Node | undefined {
    const first = this.pipeline();
    if (!first) return undefined;
    const rest: { op: "&&" | "||"; node: Node }[] = [];
    for (;;) {
      this.blanks();
      const op = this.src.slice(this.pos, this.pos + 2);
      if (op !== "&&" && op !== "||") break;
      this.pos += 2;
      this.gap();
      const node = this.pipeline();
      if (!node) {
        this.error(`expected a command after "${op}"`);
        break;
      }
      rest.push({ op, node });
    }
    return rest.length === 0 ? first : { type: "andor", first, rest };
  }

  private pipeline(): Node | undefined {
    this.blanks();
    let negated = false;
    while (this.keyword() === "!") {
      this.pos++;
      negated = !negated;
      this.blanks();
    }
    // `time` before a compound command is the keyword; before a simple one it stays a word (a wrapper).
    TIMED.lastIndex = this.pos;
    if (TIMED.test(this.src)) this.pos = TIMED.lastIndex;
    const first = this.command();
    if (!first) return undefined;
    const parts = [first];
    for (;;) {
      this.blanks();
      if (this.ch() !== "|" || this.ch(1) === "|") break;
      this.pos += this.ch(1) === "&" ? 2 : 1;
      this.gap();
      const next = this.command();
      if (!next) {
        this.error('expected a command after "|"');
        break;
      }
      parts.push(next);
    }
    return parts.length === 1 && !negated ? first : { type: "pipeline", negated, parts };
  }

  protected command(): Node | undefined {
    this.blanks();
    if (!this.deeper()) return undefined;
    this.nest++;
    try {
      return this.commandInner();
    } finally {
      this.nest--;
    }
  }

  protected simple(): Node | undefined {
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.blanks();
      if (this.pos >= this.src.length) break;
      if (this.redirectAhead()) {
        redirects.push(this.redirect());
        continue;
      }
      const c = this.ch();
      if (c === "(" && words.length === 1 && redirects.length === 0 && /\(\s*\)/y.test(this.src.slice(this.pos, this.pos + 64))) {
        return this.functionBody(words[0]?.raw ?? "");
      }
      if (";&|\n()".includes(c)) break;
      const word = this.readWord("normal");
      if (!word) break;
      words.push(word);
    }
    if (words.length === 0 && redirects.length === 0) return undefined;
    return { type: "simple", words, redirects };
  }

  protected functionBody(name: string, consumeParens = true): Node {
    if (consumeParens) {
      const parens = /\(\s*\)/y;
      parens.lastIndex = this.pos;
      parens.test(this.src);
      this.pos = parens.lastIndex;
    }
    this.unsupported.push(`function definition (${name})`);
    this.gap();
    const body = this.command();
    if (!body) this.error(`missing body for function ${name}`);
    return { type: "function", name, body: body ?? EMPTY };
  }

  protected redirects(): Redirect[] {
    const out: Redirect[] = [];
    for (;;) {
      this.blanks();
      if (!this.redirectAhead()) return out;
      out.push(this.redirect());
    }
  }

  private redirectAhead(): RegExpExecArray | null {
    REDIRECT.lastIndex = this.pos;
    const m = REDIRECT.exec(this.src);
    if (!m) return null;
    // `<(` and `>(` start a process substitution, not a redirection.
    if (m[1] === undefined && (m[2] === "<" || m[2] === ">") && this.ch(1) === "(") return null;
    return m;
  }

  private redirect(): Redirect {
    const m = this.redirectAhead();
    const op = m?.[2] ?? ">";
    this.pos += m?.[0].length ?? 1;
    this.blanks();
    let target = this.readWord("normal");
    if (!target) {
      this.error(`missing target after "${op}"`);
      target = emptyWord();
    }
    const redirect: Redirect = { fd: m?.[1], op, target };
    if (op === "<<" || op === "<<-") {
      const quoted = /['"\\]/.test(target.raw);
      const delim = target.parts.map((p) => (p.k === "lit" ? p.text : partText(p))).join("");
      this.heredocs.push({ redirect, delim, strip: op === "<<-", quoted });
    }
    return redirect;
  }

  protected expect(word: string): void {
    this.gap();
    if (this.keyword() === word) this.pos += word.length;
    else this.error(`expected "${word}"`);
  }

  protected keyword(): string | undefined {
    RESERVED.lastIndex = this.pos;
    return RESERVED.exec(this.src)?.[0];
  }

  /** Spaces, tabs, line continuations and comments. */
  protected blanks(): void {
    for (;;) {
      const c = this.ch();
      if (c === " " || c === "\t") this.pos++;
      else if (c === "\\" && this.ch(1) === "\n") this.pos += 2;
      else if (c === "#") while (this.pos < this.src.length && this.ch() !== "\n") this.pos++;
      else return;
    }
  }

  /** Blanks and newlines (reading any pending heredoc bodies). */
  protected gap(): void {
    for (;;) {
      this.blanks();
      if (this.ch() !== "\n") return;
      this.newline();
    }
  }

  protected newline(): void {
    this.pos++;
    if (this.heredocs.length > 0) this.readHeredocs();
  }

  protected tokenText(): string {
    return /^(;;&?|;&|&&|\|\||[;&|()]|[^\s;&|()<>]{1,30}|\S)/.exec(this.src.slice(this.pos))?.[0] ?? "";
  }

  private skipToken(): void {
    const text = this.tokenText();
    this.pos += Math.max(1, text.length);
  }
}

export function emptyWord(): Word {
  return new WordBuilder().finish("");
}
