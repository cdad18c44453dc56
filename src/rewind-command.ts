// `hone rewind [<n>] [--session <id>] [--code | --conversation] [--json]`: lists the prompts of a session's
// current conversation, or rewinds the conversation and/or the files to just before prompt n.
import { rewindCode, rewindConversation, listRewindPoints, type CodeRewind, type RewindPoint } from "./rewind.ts";
import { findSession, latestSession, SessionNotFoundError, type SessionFile } from "./session-store.ts";
import { firstLine, localTime } from "./sessions-command.ts";
import type { CommandIO } from "./subcommands.ts";
import { displayPath } from "./walk.ts";

export { listRewindPoints, rewindCode, rewindConversation, type CodeRewind, type RewindPoint } from "./rewind.ts";

const USAGE = `Usage: hone rewind [<n>] [--session <id-or-prefix>] [--code | --conversation] [--json]
Without <n>: lists the prompts of the session's current conversation and the files each one changed.
With <n>: goes back to just before prompt n.
  --code          only put files back (changes made by hone's file tools)
  --conversation  only rewind the conversation (the next "hone -p -c" continues from before prompt n)
                  (default: both)
  --session <id>  the session to use (default: the latest one in this directory)
  --json          print the result as JSON
`;
const MAX_NAMED = 5;
const UNTRACKED = "Changes made by Bash commands or outside hone are not tracked and were not undone.";

interface Options {
  n?: string;
  session?: string;
  code: boolean;
  conversation: boolean;
  json: boolean;
}

class UsageProblem extends Error {}

function parse(args: string[]): Options {
  const options: Options = { code: false, conversation: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--code") options.code = true;
    else if (arg === "--conversation") options.conversation = true;
    else if (arg === "--json") options.json = true;
    else if (arg === "--session" || arg === "-s") {
      const value = args[++i];
      if (value === undefined || value === "") throw new UsageProblem(`${arg} needs a session id or prefix`);
      options.session = value;
    } else if (arg.startsWith("--session=")) options.session = arg.slice("--session=".length);
    else if (arg.startsWith("-") && !/^-\d/.test(arg)) throw new UsageProblem(`unknown option "${arg}"`);
    else if (options.n !== undefined) throw new UsageProblem(`expected one prompt number, got "${options.n}" and "${arg}"`);
    else options.n = arg;
  }
  // Neither flag means both.
  if (!options.code && !options.conversation) options.code = options.conversation = true;
  return options;
}

/** The files a prompt changed, the first few by name so a big refactor stays one line. */
function describeFiles(files: string[], cwd: string): string {
  if (files.length === 0) return "no tracked file changes";
  const shown = files.slice(0, MAX_NAMED).map((f) => displayPath(cwd, f));
  const more = files.length > MAX_NAMED ? ` and ${files.length - MAX_NAMED} more` : "";
  return `changed: ${shown.join(", ")}${more}`;
}

function formatList(file: SessionFile, points: RewindPoint[], cwd: string): string {
  if (points.length === 0) return `Session ${file.id.slice(0, 8)} has no prompts to rewind to.\n`;
  const width = String(points.length).length;
  const lines = [`Prompts in session ${file.id.slice(0, 8)} (current conversation, oldest first):`];
  for (const p of points) {
    const head = `${String(p.number).padStart(width + 2)}  ${localTime(p.timestamp)}  `;
    lines.push(head + firstLine(p.text, Math.max(20, 80 - head.length)));
    const pad = " ".repeat(width + 4);
    lines.push(`${pad}${describeFiles(p.files, cwd)}`);
  }
  lines.push("", "Go back to just before prompt n: hone rewind <n> [--code | --conversation]  (default: both)");
  lines.push("Only changes made by hone's file tools are tracked; changes made by Bash commands are not.");
  return `${lines.join("\n")}\n`;
}

function formatCode(result: CodeRewind, n: number, cwd: string): string[] {
  if (!result.checkpoint) return [`Code: no file changes to undo (no tracked file changed during or after prompt ${n}).`];
  const total = result.restored.length + result.removed.length;
  const lines = [total === 0 ? `Code: files already match their state before prompt ${n}.` : `Code: files put back to their state before prompt ${n}:`];
  for (const path of result.restored) lines.push(`  restored  ${displayPath(cwd, path)}`);
  for (const path of result.removed) lines.push(`  removed   ${displayPath(cwd, path)}`);
  for (const path of result.skipped) lines.push(`  skipped   ${displayPath(cwd, path)} (no backup was taken: too large or not a regular file)`);
  lines.push(UNTRACKED);
  return lines;
}

function resolveSession(io: CommandIO, id: string | undefined): SessionFile {
  return id === undefined ? latestSession(io.env, io.cwd) : findSession(io.env, io.cwd, id);
}

export async function rewindCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  let options: Options;
  try {
    options = parse(args);
  } catch (error) {
    if (!(error instanceof UsageProblem)) throw error;
    io.err(`hone rewind: ${error.message}\n${USAGE}`);
    return 2;
  }
  let file: SessionFile;
  let points: RewindPoint[];
  try {
    file = resolveSession(io, options.session);
    points = listRewindPoints(file.path);
  } catch (error) {
    if (!(error instanceof SessionNotFoundError)) throw error;
    io.err(`hone rewind: ${error.message}\n`);
    return 1;
  }

  if (options.n === undefined) {
    if (options.json) io.out(`${JSON.stringify({ sessionId: file.id, path: file.path, prompts: points }, null, 2)}\n`);
    else io.out(formatList(file, points, io.cwd));
    return 0;
  }

  const n = /^\d+$/.test(options.n) ? Number(options.n) : NaN;
  const point = points[n - 1];
  if (!point) {
    const range = points.length === 0 ? "this session has no prompts" : `this session has ${points.length} prompt${points.length === 1 ? "" : "s"}: use 1-${points.length}`;
    io.err(`hone rewind: "${options.n}" is not a prompt number (${range}). Run "hone rewind" to list them.\n`);
    return 2;
  }

  // Files first: if a restore fails, the conversation is left as it was, so the two stay in step.
  let code: CodeRewind | undefined;
  if (options.code) {
    try {
      code = rewindCode(file.path, point);
    } catch (error) {
      io.err(`hone rewind: could not restore files: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const marker = options.conversation ? rewindConversation(file.path, point) : undefined;

  if (options.json) {
    const result = {
      sessionId: file.id,
      prompt: { number: point.number, uuid: point.uuid, text: point.text },
      conversation: marker ? { leafUuid: marker.leafUuid, removedPrompts: points.length - n + 1 } : null,
      code: code ?? null,
    };
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const lines = [`Rewound session ${file.id.slice(0, 8)} to just before prompt ${n} of ${points.length}.`];
  if (marker) {
    const removed = n === points.length ? `prompt ${n} was` : `prompts ${n}-${points.length} were`;
    lines.push(`Conversation: ${removed} removed; "hone -p -c" now continues from before prompt ${n}.`);
  } else lines.push("Conversation: unchanged.");
  if (code) lines.push(...formatCode(code, n, io.cwd));
  else lines.push("Code: unchanged.");
  lines.push("", `Prompt ${n} was:`, ...point.text.split("\n").map((l) => `  ${l}`));
  io.out(`${lines.join("\n")}\n`);
  return 0;
}
