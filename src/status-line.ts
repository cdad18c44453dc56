// The user's status line (`statusLine: {type: "command", command, padding}` in settings): the session's
// state as JSON (the shape Claude Code's status line scripts read) goes to the command on stdin, and
// what it prints is shown under the input box. Runs are throttled: at most one per window, the newest
// state wins, a run still going when a newer one starts is killed.
import { totalCost, totalUsage, type Ledger } from "./cost.ts";
import { runHooks } from "./hook-runner.ts";
import { modelInfo, type Usage } from "./models.ts";
import { stripAnsi, truncateToWidth } from "./ansi-text.ts";
import type { Json } from "./stream-json.ts";
import { VERSION } from "./version.ts";

/** What the REPL knows about the session, as plain data. */
export interface StatusInfo {
  sessionId: string;
  transcriptPath?: string;
  /** The session's current working directory. */
  cwd: string;
  /** Where hone was started. */
  projectDir: string;
  addedDirs?: string[];
  model: string;
  /** The output style's name; Default when unset. */
  outputStyle?: string;
  /** Usage per model so far (the conversation's ledger). */
  ledger: Ledger;
  /** The usage of the latest reply; absent before the first one. */
  lastUsage?: Usage;
  durationMs: number;
  apiDurationMs: number;
  linesAdded: number;
  linesRemoved: number;
  /** Set only when vim mode is on. */
  vimMode?: "NORMAL" | "INSERT";
  agentName?: string;
  sessionName?: string;
}

const FAMILY = /^claude-(opus|sonnet|haiku)-(\d+)(?:-(\d))?(?:-|$)/;
const OLD_FAMILY = /^claude-(\d)-(\d)-(opus|sonnet|haiku)(?:-|$)/;

/** "claude-sonnet-4-5-20250929" → "Sonnet 4.5"; ids hone cannot read are shown as they are. */
export function modelDisplayName(id: string): string {
  const title = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const m = FAMILY.exec(id);
  if (m) return `${title(m[1]!)} ${m[2]}${m[3] === undefined ? "" : `.${m[3]}`}`;
  const old = OLD_FAMILY.exec(id);
  if (old) return `${title(old[3]!)} ${old[1]}.${old[2]}`;
  return id;
}

const percent = (part: number, whole: number) => Math.min(100, Math.max(0, Math.round((part / whole) * 1000) / 10));

/** The JSON a status line command reads on stdin (claude-code-compat.md §15.3). */
export function statusLineInput(info: StatusInfo): Json {
  const total = totalUsage(info.ledger);
  const window = modelInfo(info.model).contextWindow;
  const last = info.lastUsage;
  // The context in use is what the latest request sent: fresh input plus cached prefix.
  const inContext = last ? last.input_tokens + last.cache_creation_input_tokens + last.cache_read_input_tokens : 0;
  const used = percent(inContext, window);
  return {
    hook_event_name: "Status",
    session_id: info.sessionId,
    transcript_path: info.transcriptPath ?? "",
    cwd: info.cwd,
    ...(info.sessionName ? { session_name: info.sessionName } : {}),
    model: { id: info.model, display_name: modelDisplayName(info.model) },
    workspace: { current_dir: info.cwd, project_dir: info.projectDir, added_dirs: info.addedDirs ?? [] },
    version: VERSION,
    output_style: { name: info.outputStyle ?? "default" },
    cost: {
      total_cost_usd: totalCost(info.ledger),
      total_duration_ms: info.durationMs,
      total_api_duration_ms: info.apiDurationMs,
      total_lines_added: info.linesAdded,
      total_lines_removed: info.linesRemoved,
    },
    context_window: {
      total_input_tokens: total.input_tokens + total.cache_creation_input_tokens + total.cache_read_input_tokens,
      total_output_tokens: total.output_tokens,
      context_window_size: window,
      used_percentage: used,
      remaining_percentage: Math.round((100 - used) * 10) / 10,
      current_usage: last
        ? { input_tokens: last.input_tokens, output_tokens: last.output_tokens, cache_creation_input_tokens: last.cache_creation_input_tokens, cache_read_input_tokens: last.cache_read_input_tokens }
        : null,
    },
    exceeds_200k_tokens: inContext > 200_000,
    ...(info.vimMode ? { vim: { mode: info.vimMode } } : {}),
    ...(info.agentName ? { agent: { name: info.agentName } } : {}),
  };
}

/** Lines kept from the command's output, and the columns each may take before the renderer fits it. */
export const MAX_STATUS_LINES = 10;
export const MAX_STATUS_COLUMNS = 500;

/** The command's stdout as display lines: CR dropped, trailing blank lines dropped, count and width capped. */
export function statusLines(stdout: string, padding = 0): string[] {
  const lines = stdout.replace(/\r/g, "").split("\n");
  while (lines.length > 0 && stripAnsi(lines[lines.length - 1]!).trim() === "") lines.pop();
  const pad = " ".repeat(Math.max(0, Math.floor(padding)));
  return lines.slice(0, MAX_STATUS_LINES).map((line) => pad + truncateToWidth(line, MAX_STATUS_COLUMNS));
}

export interface StatusLineOptions {
  command: string;
  /** Spaces before each line. */
  padding?: number;
  cwd: string;
  env: Record<string, string | undefined>;
  debounceMs?: number;
  timeoutMs?: number;
  onLines(lines: string[]): void;
  /** A failing command (non-zero exit, timeout, cannot start), once per run of failures. */
  onError?(message: string): void;
}

export interface StatusLine {
  /** New session state; the command runs with the newest state at the end of the current window. */
  update(input: Json): void;
  /** Cancels the pending run and kills a running one; later updates are ignored. */
  stop(): void;
}

export function createStatusLine(options: StatusLineOptions): StatusLine {
  const debounceMs = options.debounceMs ?? 300;
  const timeoutMs = options.timeoutMs ?? 5000;
  let pending: Json | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: AbortController | undefined;
  let stopped = false;
  let failing = false;
  let shown: string | undefined;

  const report = (message: string) => {
    if (failing) return;
    failing = true;
    options.onError?.(`status line command failed: ${message}`);
  };

  const run = async (input: Json) => {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const hook = { event: "Notification" as const, matcher: "", command: options.command, timeoutSec: timeoutMs / 1000, source: { file: "statusLine", scope: "settings" } };
    const [result] = await runHooks([hook], input, { cwd: options.cwd, projectDir: options.cwd, env: options.env, signal: controller.signal });
    if (running === controller) running = undefined;
    // A newer run replaced this one, or the status line was stopped: its output is stale.
    if (!result || result.interrupted || controller.signal.aborted || stopped) return;
    if (result.spawnError !== undefined) return report(`cannot start it (${result.spawnError})`);
    if (result.timedOut) return report(`no answer within ${timeoutMs} ms`);
    if (result.exitCode !== 0) {
      const detail = stripAnsi(result.stderr).trim().split("\n")[0] ?? "";
      return report(`exit code ${result.exitCode}${detail ? `: ${truncateToWidth(detail, 200)}` : ""}`);
    }
    failing = false;
    const lines = statusLines(result.stdout, options.padding);
    const joined = lines.join("\n");
    if (joined === shown) return;
    shown = joined;
    options.onLines(lines);
  };

  const fire = () => {
    timer = undefined;
    const input = pending;
    pending = undefined;
    if (input !== undefined && !stopped) void run(input);
  };

  return {
    update(input) {
      if (stopped) return;
      pending = input;
      // Throttled, not reset by each update: a stream of updates still refreshes once per window.
      timer ??= setTimeout(fire, debounceMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      running?.abort();
    },
  };
}
