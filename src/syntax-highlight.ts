// Syntax colouring for code shown in the terminal (markdown code blocks, diffs). highlight.js core with a
// fixed set of languages produces HTML spans, which are turned into ANSI colours line by line so every line
// stands alone (the terminal may show any row without the ones before it).
import { createRequire } from "node:module";
import type { HLJSApi, LanguageFn } from "highlight.js";
import { createColors } from "picocolors";

/**
 * A module loaded on first use: evaluating highlight.js and its languages would cost every start about
 * 15 ms. Bun bundles the literal require in `bundled`; Deno has no `require` in modules and gets one
 * from createRequire.
 */
function load<T>(bundled: () => unknown, id: string): T {
  return (typeof require === "function" ? bundled() : createRequire(import.meta.url)(id)) as T;
}

const LANGUAGES: Record<string, () => LanguageFn> = {
  bash: () => load(() => require("highlight.js/lib/languages/bash"), "highlight.js/lib/languages/bash"),
  c: () => load(() => require("highlight.js/lib/languages/c"), "highlight.js/lib/languages/c"),
  cpp: () => load(() => require("highlight.js/lib/languages/cpp"), "highlight.js/lib/languages/cpp"),
  css: () => load(() => require("highlight.js/lib/languages/css"), "highlight.js/lib/languages/css"),
  diff: () => load(() => require("highlight.js/lib/languages/diff"), "highlight.js/lib/languages/diff"),
  go: () => load(() => require("highlight.js/lib/languages/go"), "highlight.js/lib/languages/go"),
  java: () => load(() => require("highlight.js/lib/languages/java"), "highlight.js/lib/languages/java"),
  javascript: () => load(() => require("highlight.js/lib/languages/javascript"), "highlight.js/lib/languages/javascript"),
  json: () => load(() => require("highlight.js/lib/languages/json"), "highlight.js/lib/languages/json"),
  markdown: () => load(() => require("highlight.js/lib/languages/markdown"), "highlight.js/lib/languages/markdown"),
  python: () => load(() => require("highlight.js/lib/languages/python"), "highlight.js/lib/languages/python"),
  rust: () => load(() => require("highlight.js/lib/languages/rust"), "highlight.js/lib/languages/rust"),
  sql: () => load(() => require("highlight.js/lib/languages/sql"), "highlight.js/lib/languages/sql"),
  typescript: () => load(() => require("highlight.js/lib/languages/typescript"), "highlight.js/lib/languages/typescript"),
  xml: () => load(() => require("highlight.js/lib/languages/xml"), "highlight.js/lib/languages/xml"),
  yaml: () => load(() => require("highlight.js/lib/languages/yaml"), "highlight.js/lib/languages/yaml"),
};
// Names people put after ``` that highlight.js's own aliases miss.
const EXTRA_ALIASES: Record<string, string[]> = {
  bash: ["shell", "console", "terminal", "shellscript", "sh"],
  json: ["jsonc", "json5", "jsonl"],
  typescript: ["ts", "tsx", "mts", "cts"],
  javascript: ["js", "jsx", "mjs", "cjs", "node"],
  xml: ["html", "svg", "vue"],
  python: ["py", "python3"],
  yaml: ["yml"],
};

let instance: HLJSApi | undefined;

// Registration only stores each language's factory; a language is compiled when first used.
function hljs(): HLJSApi {
  if (instance) return instance;
  const api = load<HLJSApi>(() => require("highlight.js/lib/core"), "highlight.js/lib/core");
  for (const [name, fn] of Object.entries(LANGUAGES)) api.registerLanguage(name, fn());
  for (const [languageName, aliases] of Object.entries(EXTRA_ALIASES)) api.registerAliases(aliases, { languageName });
  instance = api;
  return api;
}

/** The registered highlight.js name for a fence's info string ("ts title=x" → "ts"), if any. */
export function resolveLanguage(info: string | undefined): string | undefined {
  const word = info?.trim().split(/[\s{,]/)[0]?.replace(/^\./, "").toLowerCase();
  if (!word) return undefined;
  return hljs().getLanguage(word) ? word : undefined;
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const HAS_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** A source line made safe to print: tabs expanded to 4-column stops, control characters shown as �. */
export function sanitizeLine(line: string): string {
  let out = line.includes("\t") ? expandTabs(line) : line;
  return HAS_CONTROL.test(out) ? out.replace(CONTROL, "\ufffd") : out;
}

function expandTabs(line: string): string {
  let out = "";
  for (const ch of line) out += ch === "\t" ? " ".repeat(4 - (out.length % 4)) : ch;
  return out;
}

type Paint = (text: string) => string;

function palette(): Record<string, Paint> {
  const p = createColors(true);
  const dim = (s: string) => p.gray(s);
  return {
    keyword: p.magenta,
    built_in: p.cyan,
    type: p.cyan,
    literal: p.yellow,
    number: p.yellow,
    string: p.green,
    regexp: p.red,
    symbol: p.yellow,
    bullet: p.yellow,
    comment: dim,
    quote: dim,
    doc: dim,
    meta: p.blue,
    title: p.blue,
    section: (s) => p.bold(p.blue(s)),
    attr: p.cyan,
    attribute: p.cyan,
    property: p.cyan,
    variable: p.red,
    "template-variable": p.red,
    tag: p.red,
    name: p.red,
    "selector-tag": p.red,
    "selector-class": p.yellow,
    "selector-id": p.yellow,
    link: p.underline,
    addition: p.green,
    deletion: p.red,
    emphasis: p.italic,
    strong: p.bold,
  };
}

let colours: Record<string, Paint> | undefined;

const ENTITY: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
const decodeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITY[e] ?? e);

interface Painted {
  lines: string[];
  /** Whether no span was open at the start of each line (and, last entry, after the final line). */
  atRoot: boolean[];
}

/** highlight.js HTML → one ANSI string per line, each span's colour re-applied on every line it covers. */
function paintHtml(html: string): Painted {
  colours ??= palette();
  const stack: (Paint | undefined)[] = [];
  const lines: string[] = [];
  const atRoot = [true];
  let line = "";
  const emit = (text: string) => {
    const paint = stack.findLast((p) => p !== undefined);
    line += paint ? paint(text) : text;
  };
  for (const m of html.matchAll(/<span class="([^"]*)">|<\/span>|[^<]+/g)) {
    const [token, classes] = m;
    if (classes !== undefined) {
      const name = classes.split(" ")[0]?.replace(/^hljs-/, "") ?? "";
      stack.push(colours[name]);
    } else if (token === "</span>") {
      stack.pop();
    } else {
      const parts = decodeHtml(token).split("\n");
      parts.forEach((part, i) => {
        if (i > 0) {
          lines.push(line);
          line = "";
          atRoot.push(stack.length === 0);
        }
        if (part) emit(part);
      });
    }
  }
  lines.push(line);
  return { lines, atRoot };
}

// A region larger than this is shown plain: highlight.js's regexes get slow on huge or minified input.
const MAX_REGION_CHARS = 40_000;

function paintRegion(lines: readonly string[], language: string): Painted {
  const code = lines.join("\n");
  if (code.length > MAX_REGION_CHARS) return { lines: [...lines], atRoot: lines.map(() => true).concat(true) };
  const html = hljs().highlight(code, { language, ignoreIllegals: true }).value;
  return paintHtml(html);
}

/** Lines committed at a time when streaming, and how far back a batch looks for its colouring state. */
export const HIGHLIGHT_BATCH = 8;
const CONTEXT_LINES = 48;

/**
 * Colours a code block that arrives line by line. Lines become final in batches of HIGHLIGHT_BATCH; each
 * batch is highlighted together with the earlier lines back to the last point where no span was open (at
 * most CONTEXT_LINES back), so a comment or string spanning lines keeps its colour. The batching is the
 * same whether lines come one at a time or all at once, so streamed and whole renders agree exactly.
 */
export interface LineHighlighter {
  /** Add one complete source line; returns the coloured lines that became final (none or a batch). */
  add(line: string): string[];
  /** Coloured form of the lines added but not yet final, plus `partial` (an unfinished last line). */
  pending(partial?: string): string[];
  /** Everything not yet returned, final. */
  finish(): string[];
}

export function createLineHighlighter(info: string | undefined, color: boolean): LineHighlighter {
  const language = color ? resolveLanguage(info) : undefined;
  if (!language) return plainHighlighter();
  const lines: string[] = []; // lines[i] is source line base + i
  let base = 0;
  let done = 0; // lines returned so far (absolute count)
  let safe = 0; // an absolute line index known to start with no span open
  const region = (extra: readonly string[]) => {
    const start = Math.max(safe, done - CONTEXT_LINES, base);
    const painted = paintRegion([...lines.slice(start - base), ...extra], language);
    return { start, painted };
  };
  const commit = (): string[] => {
    const total = base + lines.length;
    const { start, painted } = region([]);
    for (let i = total; i > start; i--) {
      if (painted.atRoot[i - start]) {
        safe = i;
        break;
      }
    }
    const out = painted.lines.slice(done - start);
    done = total;
    const keep = Math.max(0, done - CONTEXT_LINES - base);
    if (keep > 256) {
      lines.splice(0, keep);
      base += keep;
    }
    return out;
  };
  return {
    add(line) {
      lines.push(sanitizeLine(line));
      return base + lines.length - done >= HIGHLIGHT_BATCH ? commit() : [];
    },
    pending(partial) {
      const extra = partial === undefined ? [] : [sanitizeLine(partial)];
      if (base + lines.length === done && extra.length === 0) return [];
      const { start, painted } = region(extra);
      return painted.lines.slice(done - start);
    },
    finish() {
      return base + lines.length > done ? commit() : [];
    },
  };
}

function plainHighlighter(): LineHighlighter {
  return {
    add: (line) => [sanitizeLine(line)],
    pending: (partial) => (partial === undefined ? [] : [sanitizeLine(partial)]),
    finish: () => [],
  };
}

/** `code` as one string per source line, coloured when `color` is set and the language is known. */
export function highlightCode(code: string, language: string | undefined, color: boolean): string[] {
  const highlighter = createLineHighlighter(language, color);
  const out: string[] = [];
  for (const line of code.split("\n")) out.push(...highlighter.add(line));
  out.push(...highlighter.finish());
  return out;
}
