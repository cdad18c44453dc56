// Grep: regex search over file contents. Uses ripgrep when it is on PATH and a built-in search
// otherwise; both produce the same records, which are ordered, formatted and paged here.
import { z } from "zod";
import { searchWithFallback } from "../grep-fallback.ts";
import {
  findRipgrep,
  searchWithRipgrep,
  type FileHit,
  type GrepMode,
  type SearchOutcome,
  type SearchRequest,
} from "../ripgrep.ts";
import { defineTool } from "../tool.ts";
import { limitOutput } from "../truncate.ts";
import { comparePaths, displayPath, resolveSearchPath, sortByMtime } from "../walk.ts";

/** Longer lines are cut to this many characters in content output. */
export const MAX_LINE_CHARS = 500;
export const DEFAULT_HEAD_LIMIT = 250;

const description = `Searches file contents for a regular expression (ripgrep syntax). Use it instead of running grep or rg through Bash.
- pattern: the regex. Escape special characters to match them literally, e.g. \`interface\\{\\}\` for "interface{}".
- path: file or folder to search (default: the project folder).
- glob limits which files are searched: "*.ts", "*.{ts,tsx}", "src/**/*.js"; separate several with spaces; a leading ! excludes. type picks a ripgrep file type (js, ts, py, rust, go, java, ...), usually simpler than glob.
- output_mode: "files_with_matches" (default) lists matching files, most recently modified first; "content" shows matching lines as path:line:text, with -A/-B/-C (or context) adding lines around each match, -n line numbers (on by default) and -o only the matched text; "count" shows matching lines per file.
- -i ignores case. multiline: true lets a pattern span lines and makes . match newlines.
- Respects .gitignore, includes hidden files, skips .git and binary files. Lines longer than ${MAX_LINE_CHARS} characters are clipped.
- head_limit keeps the first N output lines or entries (default ${DEFAULT_HEAD_LIMIT}, 0 for all); offset skips that many first, for paging.`;

const count = z.number().int().min(0);

const input = z.object({
  pattern: z.string().min(1).describe("Regular expression to search for"),
  path: z.string().optional().describe("File or folder to search; defaults to the project folder"),
  glob: z.string().optional().describe('Only search files matching this glob, e.g. "*.js" or "**/*.{ts,tsx}"'),
  type: z.string().optional().describe("Only search this ripgrep file type, e.g. js, py, rust"),
  output_mode: z
    .enum(["content", "files_with_matches", "count"])
    .optional()
    .describe('"content" (matching lines), "files_with_matches" (default) or "count"'),
  "-i": z.boolean().optional().describe("Case-insensitive search"),
  "-n": z.boolean().optional().describe("Show line numbers (content mode; default true)"),
  "-A": count.optional().describe("Lines to show after each match (content mode)"),
  "-B": count.optional().describe("Lines to show before each match (content mode)"),
  "-C": count.optional().describe("Lines to show before and after each match (content mode)"),
  context: count.optional().describe("Same as -C"),
  "-o": z.boolean().optional().describe("Print only the matched part of each line (content mode)"),
  multiline: z.boolean().optional().describe("Let the pattern span lines; . matches newlines"),
  head_limit: count
    .optional()
    .describe(`Keep only the first N lines/entries (default ${DEFAULT_HEAD_LIMIT}; 0 = no limit)`),
  offset: count.optional().describe("Skip this many lines/entries first (for paging)"),
});

type GrepInput = z.output<typeof input>;

/** Split the glob input into rg globs: spaces separate, and commas too outside {…}. */
export function splitGlobs(glob: string | undefined): string[] {
  if (!glob) return [];
  const globs: string[] = [];
  for (const token of glob.split(/\s+/).filter(Boolean)) {
    if (token.includes("{")) globs.push(token);
    else globs.push(...token.split(",").filter(Boolean));
  }
  return globs;
}

function clip(text: string): string {
  const line = text.endsWith("\r") ? text.slice(0, -1) : text;
  if (line.length <= MAX_LINE_CHARS) return line;
  return `${line.slice(0, MAX_LINE_CHARS)} [… ${line.length - MAX_LINE_CHARS} more characters clipped]`;
}

interface RenderOptions {
  lineNumbers: boolean;
  onlyMatching: boolean;
  separators: boolean;
  show: (abs: string) => string;
}

/** rg-style content lines: path:line:text for matches, path-line-text for context, -- between groups. */
export function renderContent(files: FileHit[], opts: RenderOptions): string[] {
  const out: string[] = [];
  let prev: { abs: string; line: number } | undefined;
  for (const file of files) {
    const path = opts.show(file.abs);
    for (const record of file.lines) {
      if (opts.separators && prev && (prev.abs !== file.abs || record.line > prev.line + 1)) out.push("--");
      prev = { abs: file.abs, line: record.line };
      const sep = record.kind === "match" ? ":" : "-";
      const prefix = opts.lineNumbers ? `${path}${sep}${record.line}${sep}` : `${path}${sep}`;
      if (opts.onlyMatching && record.kind === "match") {
        for (const match of record.matches) out.push(prefix + clip(match));
      } else {
        out.push(prefix + clip(record.text));
      }
    }
  }
  return out;
}

interface Page<T> {
  items: T[];
  /** True when entries past the page were left out. */
  cut: boolean;
  notice?: string;
}

function paginate<T>(all: T[], offset: number, limit: number, unit: string): Page<T> {
  const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
  const end = offset + items.length;
  const more = end < all.length;
  if (!more && offset === 0) return { items, cut: false };
  if (items.length === 0) {
    return { items, cut: false, notice: `[Nothing at offset ${offset}: there are only ${all.length} ${unit}.]` };
  }
  const next = more ? ` More remain: repeat the search with offset: ${end} to see the next ${unit}.` : "";
  return { items, cut: more, notice: `[Showing ${unit} ${offset + 1}-${end} of ${all.length}.${next}]` };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function toRequest(inp: GrepInput, root: string, signal: AbortSignal): SearchRequest {
  const mode: GrepMode = inp.output_mode ?? "files_with_matches";
  const around = inp["-C"] ?? inp.context ?? 0;
  const content = mode === "content";
  const req: SearchRequest = {
    pattern: inp.pattern,
    root,
    mode,
    ignoreCase: inp["-i"] ?? false,
    multiline: inp.multiline ?? false,
    before: content ? (inp["-B"] ?? around) : 0,
    after: content ? (inp["-A"] ?? around) : 0,
    globs: splitGlobs(inp.glob),
    signal,
  };
  if (inp.type) req.type = inp.type;
  return req;
}

/** Run a search with rg when available, else the built-in search. */
export async function runSearch(req: SearchRequest): Promise<SearchOutcome> {
  const rg = findRipgrep();
  const viaRg = rg ? await searchWithRipgrep(rg, req) : undefined;
  return viaRg ?? (await searchWithFallback(req));
}

export const grepTool = defineTool({
  name: "Grep",
  description,
  readOnly: true,
  input,
  async run(inp, ctx) {
    const root = resolveSearchPath(ctx.projectDir, inp.path);
    const req = toRequest(inp, root, ctx.signal);
    const outcome = await runSearch(req);
    const show = (abs: string) => displayPath(ctx.projectDir, abs);
    const offset = inp.offset ?? 0;
    const limit = inp.head_limit ?? DEFAULT_HEAD_LIMIT;
    // Files a Read deny rule covers are searched by rg but never shown.
    const readable = ctx.session.canRead ? outcome.files.filter((f) => ctx.session.canRead!(f.abs)) : outcome.files;
    const files = req.mode === "files_with_matches" ? sortByMtime(readable) : readable.sort((a, b) => comparePaths(a.abs, b.abs));
    const filenames = files.map((f) => show(f.abs));
    const structured: Record<string, unknown> = { mode: req.mode, numFiles: files.length, filenames };
    if (offset > 0) structured.appliedOffset = offset;
    const noteCut = (page: Page<unknown>) => {
      if (page.cut) structured.appliedLimit = limit;
    };

    let lines: string[];
    if (files.length === 0) {
      lines = ["No matches found"];
    } else if (req.mode === "content") {
      const rendered = renderContent(files, {
        lineNumbers: inp["-n"] ?? true,
        onlyMatching: inp["-o"] ?? false,
        separators: req.before > 0 || req.after > 0,
        show,
      });
      const page = paginate(rendered, offset, limit, "lines");
      noteCut(page);
      lines = page.notice ? [...page.items, "", page.notice] : page.items;
      structured.content = page.items.join("\n");
      structured.numLines = page.items.length;
    } else if (req.mode === "count") {
      const total = files.reduce((sum, f) => sum + f.count, 0);
      const page = paginate(files, offset, limit, "files");
      noteCut(page);
      lines = [
        ...page.items.map((f) => `${show(f.abs)}:${f.count}`),
        "",
        `Found ${plural(total, "matching line")} in ${plural(files.length, "file")}.`,
      ];
      if (page.notice) lines.push(page.notice);
      structured.numMatches = total;
    } else {
      const page = paginate(filenames, offset, limit, "files");
      noteCut(page);
      lines = [`Found ${plural(files.length, "file")}`, ...page.items];
      if (page.notice) lines.push("", page.notice);
    }
    if (outcome.warning) lines.push("", `[${outcome.warning}]`);
    const limited = limitOutput(lines.join("\n"), { keep: "head", state: ctx.session, label: "grep" });
    return { content: limited.text, structured };
  },
});
