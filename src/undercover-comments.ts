// The comment text of source lines, by the file's language (chosen from its extension or name): line
// comments (`//`, `#`, `--`, `;`, `%`), block comments (`/* */`, `<!-- -->`, `{- -}`, Python
// docstrings) followed across lines, and string literals skipped so a `//` inside a URL string is not a
// comment. Files of unknown type count only whole lines that start like a comment.
import { basename, extname } from "node:path";

export interface CommentStyle {
  line: readonly string[];
  block: readonly (readonly [string, string])[];
  quotes: readonly string[];
  /** `#` starts a comment only at the start of a word (shells). */
  wordStart?: boolean;
  /** Unknown file type: a comment is a whole line starting with one of `line`. */
  wholeLineOnly?: boolean;
}

const C: CommentStyle = { line: ["//"], block: [["/*", "*/"]], quotes: ['"', "'", "`"] };
const HASH: CommentStyle = { line: ["#"], block: [], quotes: ['"', "'"] };
const SHELL: CommentStyle = { ...HASH, wordStart: true };
const PYTHON: CommentStyle = { line: ["#"], block: [['"""', '"""'], ["'''", "'''"]], quotes: ['"', "'"] };
const MARKUP: CommentStyle = { line: [], block: [["<!--", "-->"]], quotes: [] };
const SQL: CommentStyle = { line: ["--"], block: [["/*", "*/"]], quotes: ["'"] };
const LUA: CommentStyle = { line: ["--"], block: [["--[[", "]]"]], quotes: ['"', "'"] };
const HASKELL: CommentStyle = { line: ["--"], block: [["{-", "-}"]], quotes: ['"'] };
const LISP: CommentStyle = { line: [";"], block: [], quotes: ['"'] };
const PERCENT: CommentStyle = { line: ["%"], block: [], quotes: [] };
const CSS: CommentStyle = { line: [], block: [["/*", "*/"]], quotes: ['"', "'"] };
const PHP: CommentStyle = { line: ["//", "#"], block: [["/*", "*/"]], quotes: ['"', "'"] };
const INI: CommentStyle = { line: [";", "#"], block: [], quotes: [] };
const UNKNOWN: CommentStyle = { line: ["//", "#", "/*", "*", "--", ";", "<!--"], block: [], quotes: [], wholeLineOnly: true };

const BY_EXTENSION: Record<string, CommentStyle> = {};
const assign = (style: CommentStyle, exts: string): void => {
  for (const ext of exts.split(" ")) BY_EXTENSION[ext] = style;
};
assign(C, "js mjs cjs jsx ts mts cts tsx c h cc cpp cxx hpp hh m mm java kt kts go rs swift scala sc cs dart groovy gradle proto zig v d json jsonc json5 fs fsx sol");
assign(HASH, "py pyi rb pl pm r yaml yml toml conf cfg cmake nix tf tfvars ex exs jl coffee cr nim gitignore gitattributes dockerignore editorconfig properties");
assign(PYTHON, "py pyi");
assign(SHELL, "sh bash zsh fish ksh ps1 psm1 mk mak");
assign(MARKUP, "html htm xml svg md markdown vue svelte xhtml xsl plist");
assign(SQL, "sql");
assign(LUA, "lua");
assign(HASKELL, "hs lhs elm purs");
assign(LISP, "lisp lsp clj cljs cljc edn el scm rkt asm s");
assign(PERCENT, "tex sty cls erl hrl m4");
assign(CSS, "css scss less");
assign(PHP, "php");
assign(INI, "ini");

const BY_NAME: Record<string, CommentStyle> = { Makefile: SHELL, makefile: SHELL, GNUmakefile: SHELL, Dockerfile: HASH, Containerfile: HASH, Gemfile: HASH, Rakefile: HASH, Vagrantfile: HASH, Jenkinsfile: C, "CMakeLists.txt": HASH };

export function commentStyle(path: string): CommentStyle {
  const name = basename(path);
  const byName = BY_NAME[name] ?? (name.startsWith("Dockerfile") ? HASH : undefined);
  if (byName) return byName;
  const ext = extname(name).slice(1).toLowerCase() || (name.startsWith(".") ? name.slice(1).toLowerCase() : "");
  return BY_EXTENSION[ext] ?? UNKNOWN;
}

/** Inside a block comment: the delimiter that closes it. */
export interface CommentState {
  closeWith?: string;
}

export interface LineComments {
  /** The comment text on the line ("" when none); pieces are joined with a space. */
  text: string;
  state: CommentState;
}

/** The comment text of one line, given whether a block comment was open before it. */
export function lineComments(line: string, style: CommentStyle, state: CommentState = {}): LineComments {
  if (style.wholeLineOnly) {
    const trimmed = line.trimStart();
    const marker = style.line.find((m) => trimmed.startsWith(m));
    return { text: marker === undefined ? "" : trimmed.slice(marker.length).trim(), state: {} };
  }
  const pieces: string[] = [];
  let closeWith = state.closeWith;
  let quote: string | undefined;
  let i = 0;
  while (i < line.length) {
    if (closeWith !== undefined) {
      const end = line.indexOf(closeWith, i);
      pieces.push(line.slice(i, end === -1 ? line.length : end));
      if (end === -1) return { text: joined(pieces), state: { closeWith } };
      i = end + closeWith.length;
      closeWith = undefined;
      continue;
    }
    const c = line[i] ?? "";
    if (quote !== undefined) {
      if (c === "\\") i += 2;
      else {
        if (c === quote) quote = undefined;
        i++;
      }
      continue;
    }
    const opener = style.block.find(([open]) => line.startsWith(open, i));
    if (opener) {
      closeWith = opener[1];
      i += opener[0].length;
      continue;
    }
    const marker = style.line.find((m) => line.startsWith(m, i) && (!style.wordStart || i === 0 || /\s/.test(line[i - 1] ?? "")));
    if (marker !== undefined) {
      pieces.push(line.slice(i + marker.length));
      return { text: joined(pieces), state: {} };
    }
    if (style.quotes.includes(c)) quote = c;
    i++;
  }
  return { text: joined(pieces), state: closeWith === undefined ? {} : { closeWith } };
}

const joined = (pieces: string[]): string => pieces.map((p) => p.trim()).filter((p) => p !== "").join(" ");
