// The shell side of undercover mode's gate: every simple command a command line runs (parsed with
// hone's shell parser, never split as text), the static text of a word (quotes removed, `$(cat
// <<'EOF' ... EOF)` read as its heredoc), and rewriting chosen words in place. A rewrite is applied to
// the source text and then re-parsed: unless the new command parses into exactly the expected words,
// it is not used.
import type { Node, Redirect, Word } from "./shell-ast.ts";
import { parseShell } from "./shell-parse.ts";
import type { OptWord } from "./undercover-options.ts";

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
  /** Inside a substitution or another word: its words cannot be rewritten in place. */
  nested: boolean;
}

/** Every simple command in source order; those inside substitutions come after the one holding them. */
export function simpleCommands(node: Node, nested = false, out: SimpleCommand[] = []): SimpleCommand[] {
  const inner = (words: readonly Word[]): void => {
    for (const w of words) for (const sub of w.subs) simpleCommands(sub, true, out);
  };
  const redirs = (redirects: readonly Redirect[]): void => inner(redirects.map((r) => r.target));
  switch (node.type) {
    case "simple":
      out.push({ words: node.words, redirects: node.redirects, nested });
      inner(node.words);
      redirs(node.redirects);
      break;
    case "seq":
      for (const item of node.items) simpleCommands(item.node, nested, out);
      break;
    case "andor":
      simpleCommands(node.first, nested, out);
      for (const r of node.rest) simpleCommands(r.node, nested, out);
      break;
    case "pipeline":
      for (const p of node.parts) simpleCommands(p, nested, out);
      break;
    case "subshell":
    case "group":
      simpleCommands(node.body, nested, out);
      redirs(node.redirects);
      break;
    case "if":
      for (const c of node.clauses) {
        simpleCommands(c.cond, nested, out);
        simpleCommands(c.body, nested, out);
      }
      if (node.elseBody) simpleCommands(node.elseBody, nested, out);
      redirs(node.redirects);
      break;
    case "loop":
      simpleCommands(node.cond, nested, out);
      simpleCommands(node.body, nested, out);
      redirs(node.redirects);
      break;
    case "for":
      inner(node.items ?? []);
      simpleCommands(node.body, nested, out);
      redirs(node.redirects);
      break;
    case "case":
      inner([node.subject]);
      for (const arm of node.arms) simpleCommands(arm.body, nested, out);
      redirs(node.redirects);
      break;
    case "arith":
      inner([node.expr]);
      break;
    case "cond":
      inner(node.words);
      break;
    case "function":
      simpleCommands(node.body, nested, out);
      break;
  }
  return out;
}

/** The word's text when it is fully known now (quotes removed; a glob is kept as written). */
export function literal(word: Word): string | undefined {
  let text = "";
  for (const p of word.parts) {
    if (p.k === "lit" || p.k === "glob") text += p.text;
    else return undefined;
  }
  return text;
}

export function optWord(word: Word): OptWord {
  const text = literal(word);
  const first = word.parts[0];
  const knownStart = first?.k === "lit" && first.text !== "" ? first.text : undefined;
  return { text, head: knownStart ?? "", maybeOption: text === undefined && (knownStart === undefined || knownStart.startsWith("-")) };
}

/** What a static heredoc or here-string feeds a command's stdin, if that is all its stdin is. */
export function stdinText(redirects: readonly Redirect[]): string | undefined {
  let text: string | undefined;
  for (const r of redirects) {
    if (r.fd !== undefined && r.fd !== "0") continue;
    if (r.op === "<<" || r.op === "<<-") text = r.heredoc && !r.heredoc.dynamic ? r.heredoc.body : undefined;
    else if (r.op === "<<<") {
      const t = literal(r.target);
      text = t === undefined ? undefined : `${t}\n`;
    } else if (r.op === "<" || r.op === "<&" || r.op === "<>") text = undefined;
  }
  return text;
}

/** The output of a substitution whose result is known now: `cat` of a heredoc, or `echo` of literal words. */
function staticOutput(node: Node): string | undefined {
  let cur: Node = node;
  while (cur.type === "seq" && cur.items.length === 1 && !cur.items[0]?.background) cur = cur.items[0]!.node;
  if (cur.type !== "simple") return undefined;
  const words = cur.words.map(literal);
  if (words.some((w) => w === undefined)) return undefined;
  const [program, ...args] = words as string[];
  if (program === "cat" && (args.length === 0 || (args.length === 1 && args[0] === "-"))) return stdinText(cur.redirects);
  if (program === "echo" && !args.some((a) => /^-[neE]+$/.test(a))) return `${args.join(" ")}\n`;
  return undefined;
}

/** A word's value as text, reading static substitutions; or why it is only known when the command runs. */
export function wordValue(word: Word): { text: string } | { why: string } {
  let text = "";
  let sub = 0;
  for (const p of word.parts) {
    if (p.k === "lit" || p.k === "glob") {
      text += p.text;
      continue;
    }
    const node = p.k === "expand" && (p.text.startsWith("$(") || p.text.startsWith("`")) && !p.text.startsWith("$((") ? word.subs[sub++] : undefined;
    const output = node === undefined ? undefined : staticOutput(node);
    if (output === undefined) return { why: `it uses ${p.k === "tilde" ? "~" : p.text.length > 40 ? `${p.text.slice(0, 37)}...` : p.text}` };
    text += output.replace(/\n+$/, "");
  }
  return { text };
}

/** Single-quotes text for the shell unless it is made only of characters that never need quoting. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Replaces words from..to (inclusive) of a command with new shell text, one entry per new word. */
export interface Edit {
  command: SimpleCommand;
  from: number;
  to: number;
  words: string[];
}

const signature = (commands: readonly SimpleCommand[]): string[][] => commands.filter((c) => !c.nested).map((c) => c.words.map((w) => w.raw));

/**
 * The source with the edits applied, or undefined when the words could not be found for certain.
 * Words are found by searching for their source text in order; the result is re-parsed and must give
 * exactly the old words with the edited ones replaced, so a wrong guess is never used.
 */
export function applyEdits(source: string, commands: readonly SimpleCommand[], edits: readonly Edit[]): string | undefined {
  const spans: { start: number; end: number; text: string }[] = [];
  let cursor = 0;
  const expected: string[][] = [];
  for (const command of commands) {
    if (command.nested) continue;
    const starts = command.words.map((w) => {
      const at = source.indexOf(w.raw, cursor);
      if (at !== -1) cursor = at + w.raw.length;
      return at;
    });
    const raws = command.words.map((w) => w.raw);
    const mine = edits.filter((e) => e.command === command).sort((a, b) => b.from - a.from);
    for (const edit of mine) {
      const start = starts[edit.from] ?? -1;
      const last = command.words[edit.to];
      const lastStart = starts[edit.to] ?? -1;
      if (start === -1 || lastStart === -1 || !last) return undefined;
      // A dropped option takes the blanks before it along.
      let from = start;
      if (edit.words.length === 0) while (from > 0 && (source[from - 1] === " " || source[from - 1] === "\t")) from--;
      spans.push({ start: from, end: lastStart + last.raw.length, text: edit.words.join(" ") });
      raws.splice(edit.from, edit.to - edit.from + 1, ...edit.words);
    }
    expected.push(raws);
  }
  if (edits.some((e) => e.command.nested)) return undefined;
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const span of spans) {
    if (span.start < at) return undefined;
    out += source.slice(at, span.start) + span.text;
    at = span.end;
  }
  out += source.slice(at);
  const parsed = parseShell(out);
  const got = signature(simpleCommands(parsed.node));
  return JSON.stringify(got) === JSON.stringify(expected) ? out : undefined;
}
