// The syntax tree the shell parser produces: just enough of bash's grammar to find every simple command
// a string would run, what each word is after quote removal, and which parts are only known at run time.

/** One piece of a word. Literal text is already unquoted; everything dynamic is kept opaque. */
export type Part =
  /** Text known now. `quoted` parts came from quotes or escapes, so no globbing or tilde applies. */
  | { k: "lit"; text: string; quoted: boolean }
  /** An unquoted glob (`*`, `?`, `[...]`): matches within one path segment, never a leading dot. */
  | { k: "glob"; text: string }
  /**
   * A run-time value: `$x`, `${...}`, `$(...)`, backticks, `$((...))`, `<(...)`, brace expansion.
   * `risk`: evaluating it can run code hidden in a variable's value (arithmetic naming variables,
   * `${!x}`, `${x@P}`, zsh flags), which matters when the command also assigns variables.
   */
  | { k: "expand"; quoted: boolean; risk: boolean; text: string }
  /** Unquoted `~` (user "") or `~user`, `~+`, `~-` at the start of a word or assignment value. */
  | { k: "tilde"; user: string };

export interface Word {
  parts: Part[];
  /** Command lists nested in the word: `$(...)`, backticks, process substitutions, heredoc bodies. */
  subs: Node[];
  /** The source text, for messages. */
  raw: string;
  /** The whole word is one `<(...)` / `>(...)`: it names a pipe, not a file. */
  procSubst: boolean;
}

export interface Redirect {
  /** `2` in `2>x`, `{fd}` in `{fd}>x`. */
  fd: string | undefined;
  op: string;
  target: Word;
  /** For `<<` / `<<-`: the body, whether the delimiter was quoted, whether the body expands at run time. */
  heredoc?: { body: string; quoted: boolean; dynamic: boolean };
}

export type Node =
  | { type: "simple"; words: Word[]; redirects: Redirect[] }
  | { type: "seq"; items: { node: Node; background: boolean }[] }
  | { type: "andor"; first: Node; rest: { op: "&&" | "||"; node: Node }[] }
  | { type: "pipeline"; negated: boolean; parts: Node[] }
  | { type: "subshell"; body: Node; redirects: Redirect[] }
  | { type: "group"; body: Node; redirects: Redirect[] }
  | { type: "if"; clauses: { cond: Node; body: Node }[]; elseBody: Node | undefined; redirects: Redirect[] }
  | { type: "loop"; until: boolean; cond: Node; body: Node; redirects: Redirect[] }
  | { type: "for"; name: Word | undefined; items: Word[] | undefined; arith: Word | undefined; body: Node; redirects: Redirect[] }
  | { type: "case"; subject: Word; arms: { patterns: Word[]; body: Node }[]; redirects: Redirect[] }
  /** `(( expr ))`: one word holding the expression. */
  | { type: "arith"; expr: Word; redirects: Redirect[] }
  /** `[[ ... ]]`: the words between the brackets. */
  | { type: "cond"; words: Word[]; redirects: Redirect[] }
  | { type: "function"; name: string; body: Node };

export interface ParseResult {
  node: Node;
  /** Syntax errors; the tree is still a best effort at what would run. */
  errors: string[];
  /** Constructs parsed but not analysed precisely (function definitions, select, coproc). */
  unsupported: string[];
}

export const EMPTY: Node = { type: "seq", items: [] };
