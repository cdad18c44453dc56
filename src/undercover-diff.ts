// The comments a commit would add: the added lines of the staged diff, plus what the command stages on
// the way (`git add` earlier in the same command, `git commit -a` or paths), including new untracked
// files, read by language so only comment text is checked. Each finding names its file and line.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GitRunner } from "./git-run.ts";
import { splitNul } from "./git-run.ts";
import { commentStyle, lineComments, type CommentState, type CommentStyle } from "./undercover-comments.ts";
import type { UndercoverConfig } from "./undercover-config.ts";
import { scanText, type Finding } from "./undercover-scan.ts";

/** What a command stages before its commit, besides the index as it is. */
export interface StageIntent {
  /** Every tracked file's changes (`git commit -a`, `git add -u`). */
  tracked: boolean;
  /** Everything, untracked files included (`git add -A`, `git add .` at the top). */
  all: boolean;
  /** Absolute pathspecs staged (`git add src`, `git commit file`). */
  paths: string[];
}

export const NOTHING_STAGED: StageIntent = { tracked: false, all: false, paths: [] };

const MAX_FILE_BYTES = 1_000_000;
const DIFF = ["-c", "core.quotepath=false", "diff", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", "-U3"];

/** A path from a `+++ b/...` line, unquoting git's C-style quoting. */
function diffPath(spec: string): string | undefined {
  let text = spec.trim();
  if (text === "/dev/null") return undefined;
  if (text.startsWith('"') && text.endsWith('"')) {
    text = text.slice(1, -1).replace(/\\([\\"tn]|[0-7]{3})/g, (_, e: string) => {
      if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
      return e === "t" ? "\t" : e === "n" ? "\n" : e;
    });
  }
  return text.startsWith("b/") ? text.slice(2) : text;
}

function isContinuation(line: string, style: CommentStyle, state: CommentState): boolean {
  // A hunk can start inside a block comment opened above it: ` * text` lines are comment lines.
  return state.closeWith === undefined && style.block.some(([open]) => open === "/*") && /^\s*\*(?!\/)/.test(line);
}

function checkLine(file: string, lineNo: number, text: string, config: UndercoverConfig, out: Finding[]): void {
  if (text === "") return;
  for (const f of scanText(text, config, { kinds: ["codename", "model", "url"] })) {
    out.push({ ...f, line: lineNo, column: 0, source: `a comment at ${file}:${lineNo}` });
  }
}

/** Findings in the comments of the added lines of a unified diff. */
export function diffCommentFindings(diff: string, config: UndercoverConfig): Finding[] {
  const out: Finding[] = [];
  let file: string | undefined;
  let style: CommentStyle = commentStyle("");
  let state: CommentState = {};
  let lineNo = 0;
  let inHunk = false;
  for (const raw of diff.split("\n")) {
    if (raw.startsWith("diff --git ")) {
      inHunk = false;
      file = undefined;
      continue;
    }
    if (!inHunk && raw.startsWith("+++ ")) {
      file = diffPath(raw.slice(4));
      style = commentStyle(file ?? "");
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      inHunk = true;
      lineNo = Number(hunk[1]);
      state = {};
      continue;
    }
    if (!inHunk || file === undefined) continue;
    const mark = raw[0];
    if (mark !== " " && mark !== "+") continue;
    const line = raw.slice(1);
    const continuation = isContinuation(line, style, state);
    const result = lineComments(line, style, state);
    state = result.state;
    if (mark === "+") checkLine(file, lineNo, continuation ? line.replace(/^\s*\*/, "").trim() : result.text, config, out);
    lineNo++;
  }
  return out;
}

/** Findings in the comments of a whole new file (every line is added). */
export function fileCommentFindings(file: string, content: string, config: UndercoverConfig): Finding[] {
  const out: Finding[] = [];
  const style = commentStyle(file);
  let state: CommentState = {};
  content.split("\n").forEach((line, i) => {
    const result = lineComments(line.replace(/\r$/, ""), style, state);
    state = result.state;
    checkLine(file, i + 1, result.text, config, out);
  });
  return out;
}

function readText(path: string): string | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return undefined;
    const text = readFileSync(path, "utf8");
    return text.includes("\0") ? undefined : text;
  } catch {
    return undefined;
  }
}

async function gitText(git: GitRunner, args: string[], cwd: string): Promise<string> {
  const result = await git(args, cwd).catch(() => undefined);
  return result?.code === 0 ? result.stdout : "";
}

/** Comment findings of what a `git commit` run in cwd would record, given what the command stages first. */
export async function commitCommentFindings(git: GitRunner, cwd: string, intent: StageIntent, config: UndercoverConfig): Promise<Finding[]> {
  const root = (await gitText(git, ["rev-parse", "--show-toplevel"], cwd)).trim();
  if (root === "") return [];
  const diffs = [await gitText(git, [...DIFF, "--cached"], root)];
  if (intent.tracked || intent.all) diffs.push(await gitText(git, DIFF, root));
  else if (intent.paths.length > 0) diffs.push(await gitText(git, [...DIFF, "--", ...intent.paths], root));
  const findings = diffs.flatMap((d) => diffCommentFindings(d, config));
  if (intent.all || intent.paths.length > 0) {
    const listed = await gitText(git, ["ls-files", "--others", "--exclude-standard", "--full-name", "-z", ...(intent.all ? [] : ["--", ...intent.paths])], root);
    for (const file of splitNul(listed)) {
      const text = readText(join(root, file));
      if (text !== undefined) findings.push(...fileCommentFindings(file, text, config));
    }
  }
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.source}\0${f.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
