// A resumed conversation drawn into the scrollback once, the way it looked live: prompts, answers
// rendered as markdown, and one line per tool call with whether it failed.
import { createColors } from "picocolors";
import { renderMarkdown } from "./markdown-render.ts";
import type { Message } from "./messages.ts";
import { toolLabel } from "./tool-display.ts";

export function historyRows(history: readonly Message[], options: { width: number; color: boolean; cwd: string }): string[] {
  const c = createColors(options.color);
  const rows: string[] = [];
  const failed = new Set<string>();
  for (const message of history) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    for (const block of message.content) if (block.type === "tool_result" && block.is_error) failed.add(block.tool_use_id);
  }
  for (const message of history) {
    if (message.role === "user") {
      const texts = typeof message.content === "string" ? [message.content] : message.content.flatMap((b) => (b.type === "text" ? [b.text] : []));
      for (const text of texts) {
        if (text.startsWith("<system-reminder>")) continue;
        rows.push("", ...text.split("\n").map((line, i) => c.dim(`${i === 0 ? "> " : "  "}${line}`)));
      }
      continue;
    }
    for (const block of message.content) {
      if (block.type === "text" && block.text.trim() !== "") {
        renderMarkdown(block.text, { width: Math.max(10, options.width - 2), color: options.color }).forEach((row, i) => rows.push(`${i === 0 ? "⏺ " : "  "}${row}`));
      } else if (block.type === "tool_use") {
        const dot = failed.has(block.id) ? c.red("⏺ ") : c.green("⏺ ");
        rows.push(dot + c.bold(toolLabel(block.name, block.input, options.cwd)));
      }
    }
  }
  return rows;
}
