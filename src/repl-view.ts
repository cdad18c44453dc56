// One turn as the terminal shows it: assistant text rendered as markdown while it streams (finished
// blocks written once, the unfinished tail redrawn), thinking dimmed and folded, each tool call as one
// line with its result summary or diff, and a spinner with elapsed time and tokens while work goes on.
import { createColors } from "picocolors";
import type { AgentEvent } from "./agent.ts";
import { truncateToWidth } from "./ansi-text.ts";
import { renderHunks, renderNewFile } from "./diff-render.ts";
import { createMarkdownStream } from "./markdown-stream.ts";
import type { Hunk } from "./file-io.ts";
import { summarizeResult, toolLabel } from "./tool-display.ts";

export interface ViewOptions {
  commit(lines: string[]): void;
  width(): number;
  color: boolean;
  cwd: string;
}

export interface TurnView {
  onEvent(event: AgentEvent): void;
  /** The rows under the finished output: the streaming tail, running tools and the spinner. */
  liveRows(now: number): string[];
  /** Writes whatever is still pending (the turn ended or was interrupted). */
  finish(): void;
  /** The terminal's width changed: the unfinished tail re-wraps; written rows stay as they are. */
  resized(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const THINKING_ROWS = 8;
const DIFF_ROWS = 40;
const BULLET = "⏺ ";
const INDENT = "  ";

export function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** What arrived in the inbox, in a few words: the kinds of notice it holds. */
function inboxSummary(text: string): string {
  const tasks = text.split("<task-notification>").length - 1;
  const scheduled = text.split("<scheduled-task").length - 1;
  const parts = [...(tasks > 0 ? [`${tasks} background task${tasks === 1 ? "" : "s"} finished`] : []), ...(scheduled > 0 ? [`${scheduled} scheduled prompt${scheduled === 1 ? "" : "s"} due`] : [])];
  return parts.length > 0 ? `${parts.join(", ")}: passed to the model` : "A message arrived for the model";
}

export function createTurnView(options: ViewOptions): TurnView {
  const c = createColors(options.color);
  const started = performance.now();
  const width = (): number => Math.max(10, options.width() - INDENT.length);
  let md = createMarkdownStream({ width: width(), color: options.color });
  let mdRows = 0;
  let thinking = "";
  let thinkingStarted = 0;
  let outputTokens = 0;
  let streamedChars = 0;
  let retry: string | undefined;
  const running = new Map<string, { label: string; started: number; steps: number; latest?: string }>();
  // A refused call is drawn once, from its denial; its error result for the model is not shown again.
  const denied = new Set<string>();

  const prefixed = (rows: string[]): string[] =>
    rows.map((row) => {
      const first = mdRows++ === 0;
      return (first ? c.white(BULLET) : INDENT) + row;
    });

  const flushThinking = (): void => {
    if (thinking === "") return;
    const lines = thinking.trim().split("\n");
    const seconds = Math.max(1, Math.round((performance.now() - thinkingStarted) / 1000));
    const shown = lines.slice(0, THINKING_ROWS).map((l) => c.dim(c.italic(`${INDENT}${l}`)));
    const more = lines.length > THINKING_ROWS ? [c.dim(`${INDENT}… +${lines.length - THINKING_ROWS} lines of thinking`)] : [];
    options.commit([c.dim(`✻ Thought for ${seconds}s`), ...shown, ...more]);
    thinking = "";
  };

  const flushText = (): void => {
    const rows = md.finish();
    if (rows.length > 0) options.commit(prefixed(rows));
    md = createMarkdownStream({ width: width(), color: options.color });
    mdRows = 0;
  };

  const toolRows = (name: string, input: unknown, result: Parameters<typeof summarizeResult>[1]): string[] => {
    const summary = summarizeResult(name, result);
    const dot = summary.isError ? c.red(BULLET) : c.green(BULLET);
    const label = truncateToWidth(c.bold(toolLabel(name, input, options.cwd)), options.width() - 2);
    const rows = [dot + label];
    summary.lines.forEach((line, i) => rows.push(`${INDENT}${i === 0 ? "⎿  " : "   "}${summary.isError ? c.red(line) : c.dim(line)}`));
    const diffOptions = { width: width() - 3, color: options.color, maxLines: DIFF_ROWS };
    const diff = summary.hunks ? renderHunks(summary.hunks as Hunk[], diffOptions) : summary.created !== undefined ? renderNewFile(summary.created, diffOptions) : [];
    for (const row of diff) rows.push(`${INDENT}   ${row}`);
    return rows;
  };

  return {
    onEvent(event) {
      retry = event.type === "retry" ? `${event.error}; retrying in ${Math.ceil(event.delayMs / 1000)}s (attempt ${event.attempt}/${event.maxRetries})` : retry;
      switch (event.type) {
        case "thinking_delta":
          if (thinking === "") thinkingStarted = performance.now();
          thinking += event.text;
          streamedChars += event.text.length;
          return;
        case "text_delta": {
          flushThinking();
          retry = undefined;
          streamedChars += event.text.length;
          const rows = md.push(event.text);
          if (rows.length > 0) options.commit(prefixed(rows));
          return;
        }
        case "assistant":
          flushThinking();
          flushText();
          outputTokens += event.message.usage?.output_tokens ?? 0;
          streamedChars = 0;
          return;
        case "tool_start":
          flushThinking();
          flushText();
          running.set(event.id, { label: toolLabel(event.name, event.input, options.cwd), started: performance.now(), steps: 0 });
          return;
        case "tool_result":
          running.delete(event.id);
          if (denied.delete(event.id)) return;
          options.commit(toolRows(event.name, event.input, event.result));
          return;
        case "permission_denied":
          running.delete(event.id);
          denied.add(event.id);
          options.commit([c.red(BULLET) + c.bold(toolLabel(event.name, event.input, options.cwd)), `${INDENT}⎿  ${c.red(event.message)}`]);
          return;
        case "notice":
          options.commit([c.dim(event.text)]);
          return;
        case "subagent": {
          // A foreground agent's latest step is shown under its Agent row while it works.
          const tool = running.get(event.parentToolUseId);
          if (tool && event.event.type === "tool_start") {
            tool.steps++;
            tool.latest = toolLabel(event.event.name, event.event.input, options.cwd);
          }
          return;
        }
        case "inbox":
          options.commit([c.dim(`${INDENT}⎿  ${inboxSummary(event.text)}`)]);
          return;
        case "stop_blocked":
          options.commit([c.dim(`A Stop hook sent the model back to work: ${event.reason}`)]);
          return;
        case "error":
          flushText();
          options.commit([c.red(`Error: ${event.failure.message}`)]);
          return;
        case "compacted":
          options.commit([c.dim(`${event.kind === "summary" ? "Summarised" : "Cleared old tool output from"} the conversation (about ${formatTokens(event.preTokens)} → ${formatTokens(event.postTokens)} tokens)`)]);
          return;
        default:
          return;
      }
    },
    liveRows(now) {
      const rows = md.pending().map((row, i) => (mdRows === 0 && i === 0 ? c.white(BULLET) : INDENT) + row);
      for (const tool of running.values()) {
        // Long tools show how long they have been running.
        const seconds = now - tool.started >= 2000 ? c.dim(` · ${formatElapsed(now - tool.started)}`) : "";
        rows.push(c.yellow(BULLET) + truncateToWidth(tool.label, options.width() - 12) + seconds);
        if (tool.latest) rows.push(c.dim(truncateToWidth(`${INDENT}⎿  ${tool.latest} (${tool.steps} ${tool.steps === 1 ? "step" : "steps"})`, options.width())));
      }
      const elapsed = formatElapsed(now - started);
      const tokens = outputTokens + Math.round(streamedChars / 4);
      const verb = thinking !== "" ? "Thinking" : running.size > 0 ? "Running" : "Working";
      const frame = SPINNER[Math.floor(now / 100) % SPINNER.length];
      rows.push(c.cyan(`${frame} ${verb}…`) + c.dim(` (${elapsed} · ↓ ${formatTokens(tokens)} tokens · esc to interrupt)`));
      if (retry) rows.push(c.yellow(truncateToWidth(retry, options.width())));
      return rows;
    },
    finish() {
      flushThinking();
      flushText();
    },
    resized() {
      md.setWidth(width());
    },
  };
}
