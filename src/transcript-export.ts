// /export: the conversation as plain text a person can read or paste into an issue: prompts, answers,
// tool calls with their inputs, and tool results (long ones cut).
import type { Message } from "./messages.ts";
import { textOf } from "./tool.ts";

const MAX_RESULT_LINES = 40;

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

function resultText(text: string): string {
  const lines = text.split("\n");
  if (lines.length <= MAX_RESULT_LINES) return text;
  return [...lines.slice(0, MAX_RESULT_LINES), `… ${lines.length - MAX_RESULT_LINES} more lines`].join("\n");
}

export function exportText(history: readonly Message[]): string {
  const parts: string[] = [];
  for (const message of history) {
    if (message.role === "user") {
      if (typeof message.content === "string") {
        parts.push(indent(message.content, "> "));
        continue;
      }
      for (const block of message.content) {
        if (block.type === "text") parts.push(indent(block.text, "> "));
        else if (block.type === "image") parts.push("> [image]");
        else parts.push(indent(resultText(textOf(block.content)), block.is_error ? "  ⎿ error: " : "  ⎿ "));
      }
      continue;
    }
    for (const block of message.content) {
      if (block.type === "text") parts.push(block.text);
      else if (block.type === "tool_use") parts.push(`⏺ ${block.name}(${JSON.stringify(block.input)})`);
    }
  }
  return `${parts.join("\n\n")}\n`;
}
