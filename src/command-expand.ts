// Turning a skill or command body into the prompt the model sees: argument placeholders and `${VAR}`
// substitutions, `!`cmd`` shell blocks replaced by their output, and `@file` mentions inlined. Pure
// apart from the callbacks the caller injects (which run commands and read files under its rules).
import { findImports } from "./instruction-imports.ts";
import { truncateTail } from "./truncate.ts";

export interface ExpandOptions {
  /** "zero": `$0` is the first argument (current Claude Code); "one": legacy files where `$1` is. */
  positional: "zero" | "one";
  /** `${NAME}` substitutions (CLAUDE_SESSION_ID, CLAUDE_SKILL_DIR, ...); unknown names stay as typed. */
  vars: Record<string, string>;
  /** Frontmatter `arguments`: `$name` is the argument at the same position ("" when not given). */
  named?: string[];
}

/** Why an expansion was abandoned; the message is shown to the user or the model as is. */
export class ExpansionError extends Error {
  override name = "ExpansionError";
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Splits arguments like a shell does for words: whitespace separates, quotes group, `\` escapes. */
export function splitArgs(args: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < args.length; i++) {
    const c = args[i] ?? "";
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\" && i + 1 < args.length) {
      word += args[++i];
    } else if (c === "'") {
      // An unterminated quote takes the rest of the line, as typed.
      const close = args.indexOf("'", i + 1);
      const end = close < 0 ? args.length : close;
      word += args.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < args.length && args[j] !== '"'; j++) {
        if (args[j] === "\\" && /["\\$`]/.test(args[j + 1] ?? "")) j++;
        word += args[j];
      }
      i = j;
    } else word += c;
  }
  if (inWord) words.push(word);
  return words;
}

interface Substitution {
  text: string;
  /** Some placeholder received an argument value (else the arguments are appended). */
  consumed: boolean;
}

/** Replaces placeholders in one pass, so argument values are never expanded again. */
function substitute(text: string, args: string, opts: ExpandOptions): Substitution {
  const words = splitArgs(args);
  const named = [...(opts.named ?? [])].filter((n) => /^[A-Za-z_][\w-]*$/.test(n));
  const byLength = [...named].sort((a, b) => b.length - a.length);
  const positional = (n: number): string | undefined => {
    const index = opts.positional === "one" ? n - 1 : n;
    return index >= 0 ? words[index] : undefined;
  };
  /**
   * The placeholder after the `$` at `at`: [length, replacement (undefined: no value, left as
   * written), takes an argument]; undefined when the text there is no placeholder at all.
   */
  const match = (at: number): [number, string | undefined, boolean] | undefined => {
    const rest = text.slice(at);
    const variable = /^\{([A-Za-z_]\w*)\}/.exec(rest);
    if (variable) {
      const value = opts.vars[variable[1] ?? ""];
      return value === undefined ? undefined : [variable[0].length, value, false];
    }
    const indexed = /^ARGUMENTS\[(\d+)\]/.exec(rest);
    if (indexed) return [indexed[0].length, words[Number(indexed[1])], true];
    if (/^ARGUMENTS(?!\w)/.test(rest)) return ["ARGUMENTS".length, args, true];
    const digits = /^\d+/.exec(rest);
    if (digits) return [digits[0].length, positional(Number(digits[0])), true];
    const name = byLength.find((n) => rest.startsWith(n) && !/^\w/.test(rest.slice(n.length)));
    return name === undefined ? undefined : [name.length, words[named.indexOf(name)] ?? "", true];
  };
  let consumed = false;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) break;
    const escaped = dollar > 0 && text[dollar - 1] === "\\";
    const found = match(dollar + 1);
    const end = found ? dollar + 1 + found[0] : dollar + 1;
    if (found && escaped) {
      // `\$1` is the literal text `$1`: drop the backslash, keep the placeholder.
      out += text.slice(i, dollar - 1) + text.slice(dollar, end);
    } else if (found && found[1] !== undefined) {
      out += text.slice(i, dollar) + found[1];
      if (found[2]) consumed = true;
    } else out += text.slice(i, end);
    i = end;
  }
  return { text: out + text.slice(i), consumed };
}

function appendArguments(text: string, args: string, consumed: boolean): string {
  return consumed || args.trim() === "" ? text : `${text}\n\nARGUMENTS: ${args}`;
}

/**
 * Substitutes `$ARGUMENTS`, `$ARGUMENTS[N]`, `$N`, named `$name` and `${VAR}` in a body. When no
 * placeholder received the arguments, they are appended as `ARGUMENTS: <args>` so they are not lost.
 */
export function expandBody(body: string, args: string, opts: ExpandOptions): string {
  const { text, consumed } = substitute(body, args, opts);
  return appendArguments(text, args, consumed);
}

export type ShellRun = (cmd: string) => Promise<{ ok: true; output: string } | { ok: false; error: string }>;

export type Segment = { kind: "text"; text: string } | { kind: "shell"; command: string };

const FENCE_OPEN = /^ {0,3}```!.*$/;
const FENCE_CLOSE = /^ {0,3}```\s*$/;
const INLINE = /(?<=^|\s)!`([^`\n]+)`/g;

function splitInline(text: string, into: Segment[]): void {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const command = (m[1] ?? "").trim();
    if (command === "") continue;
    into.push({ kind: "text", text: text.slice(last, m.index) });
    into.push({ kind: "shell", command });
    last = m.index + m[0].length;
  }
  into.push({ kind: "text", text: text.slice(last) });
}

/** Cuts text into literal parts and shell commands (`!`cmd`` and ```! fenced blocks), in order. */
export function splitShellBlocks(text: string): Segment[] {
  const segments: Segment[] = [];
  const lines = text.split("\n");
  let plain: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const close = FENCE_OPEN.test(line) ? lines.findIndex((l, j) => j > i && FENCE_CLOSE.test(l)) : -1;
    if (close < 0) {
      plain.push(line);
      continue;
    }
    // The text before the block keeps its trailing newline; the block's own lines are replaced.
    splitInline(`${plain.join("\n")}${plain.length > 0 ? "\n" : ""}`, segments);
    plain = [];
    const command = lines.slice(i + 1, close).join("\n").trim();
    if (command !== "") segments.push({ kind: "shell", command });
    i = close;
    if (i + 1 < lines.length) segments.push({ kind: "text", text: "\n" });
  }
  splitInline(plain.join("\n"), segments);
  return segments.filter((s) => s.kind === "shell" || s.text !== "");
}

/** Output kept per command: a runaway command must not flood the prompt. */
const OUTPUT_LIMITS = { maxLines: 1000, maxChars: 30_000 };

function outputText(output: string): string {
  const cut = truncateTail(output.replace(/\s+$/, ""), OUTPUT_LIMITS);
  if (!cut.truncated) return cut.text;
  return `[output truncated: last ${cut.keptLines} of ${cut.totalLines} lines]\n${cut.text}`;
}

/** Runs the shell segments in order; the first failure aborts the whole expansion. */
export async function runSegments(segments: Segment[], run: ShellRun): Promise<string> {
  let out = "";
  for (const segment of segments) {
    if (segment.kind === "text") {
      out += segment.text;
      continue;
    }
    let result: Awaited<ReturnType<ShellRun>>;
    try {
      result = await run(segment.command);
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (!result.ok) throw new ExpansionError(`the command \`${segment.command}\` did not run: ${result.error}`, segment.command);
    out += outputText(result.output);
  }
  return out;
}

/** Replaces `!`cmd`` (at line start or after whitespace) and ```! blocks with the commands' output. */
export async function runShellBlocks(text: string, run: ShellRun): Promise<string> {
  return runSegments(splitShellBlocks(text), run);
}

/** `@path` tokens worth reading: not emails (need whitespace before), not MCP `@server:uri` resources. */
export function findFileMentions(text: string): string[] {
  const tokens = findImports(text)
    .map((ref) => ref.token)
    .filter((token) => !/^[\w.-]+:/.test(token));
  return [...new Set(tokens)];
}

/** Appends each mentioned file that `read` returns as a delimited block; others stay as typed. */
export function appendFileBlocks(text: string, tokens: string[], read: (path: string) => string | undefined): string {
  const blocks: string[] = [];
  for (const token of tokens) {
    const content = read(token);
    if (content === undefined) continue;
    blocks.push(`<file path="${token}">\n${content.replace(/\n$/, "")}\n</file>`);
  }
  return blocks.length === 0 ? text : `${text}\n\n${blocks.join("\n\n")}`;
}

/** `@path/to/file` mentions get the file contents appended (missing or unreadable ones stay as typed). */
export function inlineFileMentions(text: string, read: (path: string) => string | undefined): string {
  return appendFileBlocks(text, findFileMentions(text), read);
}

/**
 * The whole pipeline on one body. Shell blocks are found in the body before arguments are substituted,
 * so an argument can fill a command's placeholder but never add a command of its own; likewise only
 * the body and the arguments, not command output, are searched for `@file` mentions.
 */
export async function expandText(
  body: string,
  args: string,
  opts: ExpandOptions,
  run: ShellRun,
  read: (path: string) => string | undefined,
): Promise<string> {
  let consumed = false;
  const segments = splitShellBlocks(body).map((segment): Segment => {
    const source = segment.kind === "text" ? segment.text : segment.command;
    const result = substitute(source, args, opts);
    consumed ||= result.consumed;
    return segment.kind === "text" ? { kind: "text", text: result.text } : { kind: "shell", command: result.text };
  });
  const withOutput = appendArguments(await runSegments(segments, run), args, consumed);
  const typed = appendArguments(segments.map((s) => (s.kind === "text" ? s.text : "")).join(""), args, consumed);
  return appendFileBlocks(withOutput, findFileMentions(typed), read);
}
