// Reading the interactive session's results for repl*.test.ts: the text of what a turn sent the model,
// the tool results it carried, when a turn has finished on screen, and the prompt box's rules.
import type { LoggedRequest } from "./mock-api.ts";
import type { Tmux } from "./tmux.ts";

type Part = Record<string, unknown>;

/** The empty prompt box's placeholder. */
export const PLACEHOLDER = "Ask hone to do something";

/** The text of one message: its string, text blocks and tool_result contents, one per line. */
export function messageText(message: { content: string | Part[] } | undefined): string {
  if (!message) return "";
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((block) => {
      if (block.type === "text") return String(block.text);
      if (block.type !== "tool_result") return "";
      const content = block.content;
      if (typeof content === "string") return content;
      return Array.isArray(content) ? content.map((p: Part) => String(p.text ?? "")).join("\n") : "";
    })
    .join("\n");
}

/** The text of the request's last user message (what this turn added). */
export function lastUserText(request: LoggedRequest | undefined): string {
  return messageText((request?.body.messages ?? []).findLast((m) => m.role === "user"));
}

/** The tool_result blocks of the request's last message. */
export function lastToolResults(request: LoggedRequest | undefined): Part[] {
  const last = request?.body.messages?.at(-1);
  if (!last || typeof last.content === "string") return [];
  return last.content.filter((b) => b.type === "tool_result");
}

/** Types a line, waits until the box shows it, and sends it. */
export async function submit(t: Tmux, line: string): Promise<void> {
  t.type(line);
  await t.waitFor(line);
  t.keys("Enter");
}

/** Waits until the turn is over: `text` on screen, no spinner, the empty box back. */
export function turnDone(t: Tmux, text: string): Promise<string> {
  return t.waitFor((s) => s.includes(text) && !s.includes("esc to interrupt") && s.includes(PLACEHOLDER));
}

/** The visible rows that are only a horizontal rule (the prompt box's top and bottom). */
export function ruleRows(screen: string): string[] {
  return screen.split("\n").filter((row) => /^─+$/.test(row));
}

/** Presses keys (tmux key names) and waits until the screen shows what they should bring up. */
export async function press(t: Tmux, keys: string | string[], until: string): Promise<string> {
  t.keys(...(typeof keys === "string" ? [keys] : keys));
  return t.waitFor(until);
}
