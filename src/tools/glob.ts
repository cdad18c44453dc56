// Glob: find files by name pattern, newest first. Bun.Glob does the matching under Bun; elsewhere a
// portable walk plus minimatch gives the same answer. Like Claude Code it ignores .gitignore, but it
// never looks inside version-control folders.
import { parse, resolve } from "node:path";
import { Minimatch } from "minimatch";
import { z } from "zod";
import { bunRuntime } from "../runtime.ts";
import { defineTool, ToolError } from "../tool.ts";
import { limitOutput } from "../truncate.ts";
import { isDirectory } from "../paths.ts";
import { displayPath, isVcsPath, resolveSearchPath, sortByMtime, toPosix, walkFiles } from "../walk.ts";

export const MAX_GLOB_RESULTS = 100;

const description = `Finds files whose paths match a glob pattern, such as "**/*.ts", "src/**/*.{js,jsx}" or "*.md".
- * and ? stay within one folder level, ** crosses any number of folders, {a,b} lists alternatives; "*.md" only matches the top level of the searched folder.
- path: the folder to search (default: the project folder). Leave it out rather than passing "null".
- Returns file paths, most recently modified first, at most ${MAX_GLOB_RESULTS}; narrow the pattern or path if the list is cut.
- Hidden files are included and .gitignore is not applied (node_modules and build output can match); .git is never searched.
- To search inside files, use Grep.`;

const input = z.object({
  pattern: z.string().min(1).describe("The glob pattern to match file paths against"),
  path: z.string().optional().describe("Folder to search in; defaults to the project folder"),
});

const MAGIC = /[*?[\]{}()!+@\\]/;

/** Move the pattern's leading literal folders (and any absolute prefix) into the base folder. */
export function splitPattern(root: string, pattern: string): { base: string; pattern: string } {
  let rest = toPosix(pattern);
  let base = root;
  const fsRoot = parse(rest).root;
  if (fsRoot) {
    base = fsRoot;
    rest = rest.slice(fsRoot.length);
  }
  const parts = rest.split("/").filter((part) => part !== "");
  while (parts.length > 1 && !MAGIC.test(parts[0] as string)) base = resolve(base, parts.shift() as string);
  return { base, pattern: parts.join("/") };
}

async function scanWithBun(base: string, pattern: string, signal: AbortSignal): Promise<string[] | undefined> {
  const bun = bunRuntime();
  if (!bun) return undefined;
  const found: string[] = [];
  const scan = new bun.Glob(pattern).scan({ cwd: base, dot: true, onlyFiles: true, followSymlinks: false });
  for await (const rel of scan) {
    if (signal.aborted) throw new Error("The search was interrupted.");
    const posix = toPosix(rel);
    if (!isVcsPath(posix)) found.push(posix);
  }
  return found;
}

/** The portable matcher: walk (pruning folders the pattern cannot reach) and test with minimatch. */
export async function scanWithWalker(base: string, pattern: string, signal: AbortSignal): Promise<string[]> {
  const matcher = new Minimatch(pattern, { dot: true, nocomment: true, nonegate: true });
  const found: string[] = [];
  const walk = walkFiles(base, { gitignore: false, signal, enterDir: (rel) => matcher.match(rel, true) });
  for await (const entry of walk) if (matcher.match(entry.rel)) found.push(entry.rel);
  return found;
}

/** Absolute paths of files under root matching pattern (unsorted). */
export async function globFiles(
  root: string,
  pattern: string,
  signal: AbortSignal,
  impl: "auto" | "portable" = "auto",
): Promise<string[]> {
  const split = splitPattern(root, pattern);
  if (split.pattern === "" || !isDirectory(split.base)) return [];
  const rels =
    (impl === "auto" ? await scanWithBun(split.base, split.pattern, signal) : undefined) ??
    (await scanWithWalker(split.base, split.pattern, signal));
  return rels.map((rel) => resolve(split.base, rel));
}

export const globTool = defineTool({
  name: "Glob",
  description,
  readOnly: true,
  input,
  async run(inp, ctx) {
    const started = performance.now();
    const root = resolveSearchPath(ctx.projectDir, inp.path);
    if (!isDirectory(root)) {
      throw new ToolError(`Not a folder: ${root}. Glob searches inside a folder; use Read to open a single file.`);
    }
    const readable = ctx.session.canRead ?? (() => true);
    const matches = sortByMtime((await globFiles(root, inp.pattern, ctx.signal)).filter(readable).map((abs) => ({ abs })));
    const truncated = matches.length > MAX_GLOB_RESULTS;
    const filenames = matches.slice(0, MAX_GLOB_RESULTS).map((m) => displayPath(ctx.projectDir, m.abs));
    const durationMs = Math.round(performance.now() - started);
    const structured = { filenames, numFiles: filenames.length, truncated, durationMs };
    if (filenames.length === 0) return { content: "No files found", structured };
    let text = filenames.join("\n");
    if (truncated) {
      text +=
        `\n\n(Showing the ${MAX_GLOB_RESULTS} most recently modified of ${matches.length} matching files. ` +
        "Use a more specific pattern or path to see the others.)";
    }
    const limited = limitOutput(text, { keep: "head", state: ctx.session, label: "glob" });
    return { content: limited.text, structured };
  },
});
