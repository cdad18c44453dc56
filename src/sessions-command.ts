// `hone sessions [--all] [--json]`: the saved conversations for this directory (or every project), most
// recently active first, with enough of each to recognise it and the id to resume it with.
import { allSessions, projectSessions, summarize, type SessionSummary } from "./session-store.ts";
import type { CommandIO } from "./subcommands.ts";

const USAGE = `Usage: hone sessions [--all] [--json]
Lists saved sessions for this directory, most recently active first.
  --all   list the sessions of every project
  --json  print the list as JSON (full ids, ISO times, paths)
`;

const WIDTH = 80;

/** Local time as "YYYY-MM-DD HH:MM": short, sortable, and readable at a glance. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "unknown time    ";
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** One display line: whitespace runs collapsed, cut to `width` characters with an ellipsis. */
export function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  if (chars.length <= width) return flat;
  return `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

/** The first non-empty line of a prompt, cut to fit. */
export function firstLine(text: string, width: number): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  const more = text.trim().includes("\n") ? " …" : "";
  const cut = oneLine(line, width - more.length);
  return cut.endsWith("…") ? cut : cut + more;
}

interface Options {
  all: boolean;
  json: boolean;
}

function parse(args: string[]): Options | string {
  const options: Options = { all: false, json: false };
  for (const arg of args) {
    if (arg === "--all" || arg === "-a") options.all = true;
    else if (arg === "--json") options.json = true;
    else return arg;
  }
  return options;
}

function summaries(io: CommandIO, all: boolean): SessionSummary[] {
  const files = all ? allSessions(io.env) : projectSessions(io.env, io.cwd);
  const out: SessionSummary[] = [];
  for (const file of files) {
    try {
      out.push(summarize(file));
    } catch {
      // Deleted or unreadable between listing and reading: leave it out rather than fail the list.
    }
  }
  return out;
}

function toJson(s: SessionSummary) {
  return {
    id: s.id,
    shortId: s.id.slice(0, 8),
    path: s.path,
    cwd: s.cwd ?? null,
    lastActive: s.lastActive,
    prompts: s.prompts,
    turns: s.turns,
    firstPrompt: s.firstPrompt,
  };
}

export function formatSessions(list: SessionSummary[], all: boolean, cwd: string): string {
  const head = `${"ID".padEnd(8)}  ${"LAST ACTIVE".padEnd(16)}  ${"PROMPTS".padStart(7)}  ${"TURNS".padStart(5)}  `;
  const room = WIDTH - head.length;
  const lines = [all ? "Sessions in every project (most recent first):" : `Sessions in ${cwd} (most recent first):`, `${head}FIRST PROMPT`];
  for (const s of list) {
    const prompt = s.firstPrompt.trim() === "" ? "(no prompt)" : oneLine(s.firstPrompt, room);
    lines.push(`${s.id.slice(0, 8)}  ${localTime(s.lastActive).padEnd(16)}  ${String(s.prompts).padStart(7)}  ${String(s.turns).padStart(5)}  ${prompt}`);
    if (all) lines.push(`${" ".repeat(10)}in ${s.cwd ?? "(unknown folder)"}`);
  }
  lines.push("", 'Resume one with: hone -p --resume <id> "<next prompt>"', '(hone -p -c "<next prompt>" continues the latest one in the current folder)');
  return `${lines.join("\n")}\n`;
}

export async function sessionsCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  const options = parse(args);
  if (typeof options === "string") {
    io.err(`hone sessions: unknown option "${options}"\n${USAGE}`);
    return 2;
  }
  const list = summaries(io, options.all);
  if (options.json) {
    io.out(`${JSON.stringify(list.map(toJson), null, 2)}\n`);
    return 0;
  }
  if (list.length === 0) {
    const where = options.all ? "No saved sessions yet." : `No saved sessions for ${io.cwd} yet.`;
    io.out(`${where} Start one with: hone -p "<your task>"\n`);
    return 0;
  }
  io.out(formatSessions(list, options.all, io.cwd));
  return 0;
}
