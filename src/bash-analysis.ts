// Static analysis of a Bash tool command for the permission engine. The command is parsed (never
// matched as text) into every simple command it could run: chains, pipelines, subshells, control
// flow, substitutions, wrappers (sudo, env, timeout, xargs, ...), strings run by `bash -c`/`eval`, and
// `find -exec`. Each becomes a CommandUse with the forms rules are compared with, whether it is
// read-only, and the paths it reads and writes, resolved against the working directory as `cd` moves it.
import { analyzeCommand, pathUses, type Flow, type Io, type Runner } from "./bash-simple.ts";
import type { Stdin } from "./bash-nested.ts";
import { dirFromString, dirKey, SPAN, textArg, toArg, type Arg, type Dir } from "./bash-words.ts";
import { WILD, type Pattern } from "./pattern.ts";
import type { Node, Redirect, Word } from "./shell-ast.ts";
import { parseShell } from "./shell-parse.ts";

export interface PathUse {
  /**
   * The absolute path. When it starts with a literal "/", its wildcards only stand for names picked at
   * run time inside a known directory (globs, downloads): never "/.." or a new root, so everything up
   * to the last "/" before the first wildcard is a directory the path lies in. A path that could be
   * anywhere (variables, unknown working directory) starts with WILD.
   */
  path: Pattern;
  via: "redirect" | "argument";
}

export interface CommandUse {
  /** Every form deny/ask rules are compared with: as written, then after each wrapper or assignment layer is peeled off. */
  denyForms: Pattern[][];
  /** The form allow rules must cover: only safe wrappers and safe leading assignments removed. */
  allowForm: Pattern[];
  /** Basename of the program finally run, when static. */
  program?: string;
  /** In the read-only allowlist with only harmless options (redirections are reported in `writes`). */
  readOnly: boolean;
  /** mkdir, touch, rm, rmdir, mv, cp, sed (the acceptEdits set). */
  fileEdit: boolean;
  /** Only runs the nested commands listed separately (bash -c / eval of a known string). */
  transparent?: boolean;
  reads: PathUse[];
  writes: PathUse[];
}

export type BashAnalysis = { ok: true; commands: CommandUse[] } | { ok: false; reason: string; commands: CommandUse[] };

export const MAX_COMMAND_LENGTH = 10_000;
/** How deep strings run by `bash -c` / `eval` may nest inside each other. */
const MAX_SCRIPT_DEPTH = 8;
/** More possible working directories than this collapse to "unknown". */
const MAX_DIRS = 8;

/** Words joined with single spaces into one pattern (what rules are matched against). */
export function formText(words: Pattern[]): Pattern {
  const out: (string | typeof WILD)[] = [];
  words.forEach((word, i) => {
    if (i > 0) out.push(" ");
    out.push(...word);
  });
  return out;
}

export function analyzeBash(command: string, ctx: { cwd: string; home: string }): BashAnalysis {
  try {
    return analyze(command, ctx);
  } catch (error) {
    // A bug here must not let a command through: report one unknown command, which every deny rule could match.
    const reason = `the command could not be analysed (${error instanceof Error ? error.message : String(error)})`;
    return { ok: false, reason, commands: [unknownUse([], [])] };
  }
}

function unknownUse(reads: PathUse[], writes: PathUse[]): CommandUse {
  return { denyForms: [[[WILD]]], allowForm: [[WILD]], readOnly: false, fileEdit: false, reads, writes };
}

function analyze(command: string, ctx: { cwd: string; home: string }): BashAnalysis {
  const analyzer = new Analyzer(ctx.home);
  const parsed = parseShell(command);
  analyzer.problems(parsed.errors, parsed.unsupported, "");
  analyzer.run(parsed.node, [dirFromString(ctx.cwd)], undefined);
  // Arithmetic and the like can run code stored in a variable; only a risk if the command can set one.
  if (analyzer.suspicious) for (const use of analyzer.risky) use.readOnly = false;
  const commands = analyzer.out;
  if (command.length > MAX_COMMAND_LENGTH) return { ok: false, reason: `the command is longer than ${MAX_COMMAND_LENGTH.toLocaleString("en-US")} characters`, commands };
  const reason = analyzer.errors[0] ?? analyzer.unsupported[0];
  return reason === undefined ? { ok: true, commands } : { ok: false, reason, commands };
}

function union(...lists: Dir[][]): Dir[] {
  const seen = new Map<string, Dir>();
  for (const list of lists) for (const dir of list) seen.set(dirKey(dir), dir);
  const all = [...seen.values()];
  if (all.length > MAX_DIRS || all.some((d) => d.length === 1 && d[0] === SPAN)) return [[SPAN]];
  return all;
}

function same(a: Dir[], b: Dir[]): boolean {
  const keys = new Set(a.map(dirKey));
  return a.length === b.length && b.every((d) => keys.has(dirKey(d)));
}

const stay = (dirs: Dir[]): Flow => ({ ok: dirs, fail: dirs });

class Analyzer implements Runner {
  readonly out: CommandUse[] = [];
  readonly risky = new Set<CommandUse>();
  readonly errors: string[] = [];
  readonly unsupported: string[] = [];
  suspicious = false;
  private depth = 0;

  constructor(readonly home: string) {}

  problems(errors: readonly string[], unsupported: readonly string[], where: string): void {
    for (const e of errors) if (!this.errors.includes(where + e)) this.errors.push(where + e);
    for (const u of unsupported) {
      const text = `${where}${u} is not analysed`;
      if (!this.unsupported.includes(text)) this.unsupported.push(text);
    }
  }

  runScript(text: string | undefined, dirs: Dir[], io: Io): { added: number; dirs: Dir[] } {
    if (text === undefined || this.depth >= MAX_SCRIPT_DEPTH) {
      if (text !== undefined) this.errors.push("commands nested in strings too deeply");
      // Unknown commands: a wildcard form, so every deny rule could match.
      this.out.push(unknownUse([...io.reads], [...io.writes]));
      return { added: 1, dirs: [[SPAN]] };
    }
    const parsed = parseShell(text);
    this.problems(parsed.errors, parsed.unsupported, "in a nested command: ");
    const start = this.out.length;
    this.depth++;
    const flow = this.run(parsed.node, dirs, io.stdin);
    this.depth--;
    for (const use of this.out.slice(start)) {
      use.reads.push(...io.reads);
      use.writes.push(...io.writes);
    }
    return { added: this.out.length - start, dirs: union(flow.ok, flow.fail) };
  }

  run(node: Node, dirs: Dir[], stdin: Stdin): Flow {
    switch (node.type) {
      case "simple":
        return this.simple(node.words, node.redirects, dirs, stdin);
      case "seq": {
        let cur = dirs;
        let last = stay(dirs);
        for (const item of node.items) {
          last = this.run(item.node, cur, stdin);
          // A background job runs in a subshell: no cd inside it moves this shell.
          if (item.background) last = stay(cur);
          cur = union(last.ok, last.fail);
        }
        return last;
      }
      case "andor": {
        let r = this.run(node.first, dirs, stdin);
        for (const { op, node: next } of node.rest) {
          const n = this.run(next, op === "&&" ? r.ok : r.fail, stdin);
          r = op === "&&" ? { ok: n.ok, fail: union(r.fail, n.fail) } : { ok: union(r.ok, n.ok), fail: n.fail };
        }
        return r;
      }
      case "pipeline": {
        let last = stay(dirs);
        node.parts.forEach((part, i) => {
          last = this.run(part, dirs, i === 0 ? stdin : { text: undefined });
        });
        // bash runs every part in a subshell; zsh runs the last one in the shell itself.
        const after = union(dirs, last.ok, last.fail);
        return stay(after);
      }
      case "subshell":
        this.compound(node.redirects, dirs, stdin, (input) => this.run(node.body, dirs, input));
        return stay(dirs);
      case "group":
        return this.compound(node.redirects, dirs, stdin, (input) => this.run(node.body, dirs, input));
      case "if":
        return this.compound(node.redirects, dirs, stdin, (input) => {
          let cur = dirs;
          const ends: Dir[][] = [];
          for (const clause of node.clauses) {
            const c = this.run(clause.cond, cur, input);
            const b = this.run(clause.body, c.ok, input);
            ends.push(b.ok, b.fail);
            cur = c.fail;
          }
          if (node.elseBody) {
            const e = this.run(node.elseBody, cur, input);
            ends.push(e.ok, e.fail);
          } else ends.push(cur);
          return stay(union(...ends));
        });
      case "loop":
        return this.compound(node.redirects, dirs, stdin, (input) =>
          this.repeat(dirs, (d) => {
            const c = this.run(node.cond, d, input);
            const b = this.run(node.body, node.until ? c.fail : c.ok, input);
            return union(c.ok, c.fail, b.ok, b.fail);
          }),
        );
      case "for":
        return this.compound(node.redirects, dirs, stdin, (input) => {
          for (const w of [...(node.items ?? []), ...(node.name ? [node.name] : [])]) this.subs(w, dirs, input);
          if (node.items?.some((w) => w.parts.some((p) => p.k !== "lit") || !/^-?\d+$/.test(w.raw))) this.suspicious = true;
          if (node.arith) this.special([textArg("(("), this.word(node.arith, dirs, input), textArg("))")], [], dirs, input);
          return this.repeat(dirs, (d) => {
            const b = this.run(node.body, d, input);
            return union(b.ok, b.fail);
          });
        });
      case "case":
        return this.compound(node.redirects, dirs, stdin, (input) => {
          this.subs(node.subject, dirs, input);
          const ends: Dir[][] = [dirs];
          for (const arm of node.arms) {
            for (const p of arm.patterns) this.subs(p, dirs, input);
            const b = this.run(arm.body, dirs, input);
            ends.push(b.ok, b.fail);
          }
          return stay(union(...ends));
        });
      case "arith":
        return this.special([textArg("(("), this.word(node.expr, dirs, stdin), textArg("))")], node.redirects, dirs, stdin);
      case "cond":
        return this.special([textArg("[["), ...node.words.map((w) => this.word(w, dirs, stdin)), textArg("]]")], node.redirects, dirs, stdin);
      case "function":
        this.run(node.body, dirs, stdin);
        return stay(dirs);
    }
  }

  /** Runs a loop body once; if it moves the working directory, again from "anywhere". */
  private repeat(dirs: Dir[], body: (dirs: Dir[]) => Dir[]): Flow {
    const start = this.out.length;
    const after = union(dirs, body(dirs));
    if (same(after, dirs)) return stay(after);
    this.out.length = start;
    const wide = union(dirs, [[SPAN]]);
    return stay(union(wide, body(wide)));
  }

  /** A compound command's redirections apply to every command inside it. */
  private compound(redirects: Redirect[], dirs: Dir[], stdin: Stdin, body: (stdin: Stdin) => Flow): Flow {
    const io = this.redirections(redirects, dirs, stdin);
    const start = this.out.length;
    const flow = body(io.stdin);
    for (const use of this.out.slice(start)) {
      use.reads.push(...io.reads);
      use.writes.push(...io.writes);
    }
    return flow;
  }

  private subs(word: Word, dirs: Dir[], stdin: Stdin): void {
    for (const sub of word.subs) this.run(sub, dirs, stdin);
  }

  private word(word: Word, dirs: Dir[], stdin: Stdin): Arg {
    this.subs(word, dirs, stdin);
    return toArg(word, this.home);
  }

  /** `[[ ]]` and `(( ))`: analysed as commands named `[[` and `((`. */
  private special(args: Arg[], redirects: Redirect[], dirs: Dir[], stdin: Stdin): Flow {
    const io = this.redirections(redirects, dirs, stdin);
    analyzeCommand(this, args, dirs, io);
    return stay(dirs);
  }

  private simple(words: Word[], redirects: Redirect[], dirs: Dir[], stdin: Stdin): Flow {
    const args = words.map((w) => this.word(w, dirs, stdin));
    const io = this.redirections(redirects, dirs, stdin);
    if (args.length === 0) {
      // Only redirections (`> file`): nothing runs, but files are still opened.
      this.out.push({ denyForms: [[]], allowForm: [], readOnly: true, fileEdit: false, reads: io.reads, writes: io.writes });
      return stay(dirs);
    }
    return analyzeCommand(this, args, dirs, io);
  }

  private redirections(redirects: Redirect[], dirs: Dir[], stdin: Stdin): Io {
    const io: Io = { reads: [], writes: [], stdin };
    for (const r of redirects) {
      const target = this.word(r.target, dirs, stdin);
      const text = target.text;
      const dup = text !== undefined && /^(\d+-?|-)$/.test(text);
      switch (r.op) {
        case "<":
          io.reads.push(...pathUses([target], dirs, "redirect", false));
          io.stdin = { text: undefined };
          break;
        case "<>":
          io.reads.push(...pathUses([target], dirs, "redirect", false));
          io.writes.push(...pathUses([target], dirs, "redirect", true));
          break;
        case "<&":
          if (!dup) io.reads.push(...pathUses([target], dirs, "redirect", false));
          io.stdin = { text: undefined };
          break;
        case ">&":
          if (!dup) io.writes.push(...pathUses([target], dirs, "redirect", true));
          break;
        case "<<":
        case "<<-":
          io.stdin = { text: r.heredoc && !r.heredoc.dynamic ? r.heredoc.body : undefined };
          break;
        case "<<<":
          io.stdin = { text: text === undefined ? undefined : `${text}\n` };
          break;
        default:
          io.writes.push(...pathUses([target], dirs, "redirect", true));
      }
    }
    return io;
  }
}
