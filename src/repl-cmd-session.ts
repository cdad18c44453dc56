// REPL commands about the conversation itself: /clear, /compact, /context, /cost, /resume, /rewind,
// /export, /exit, /help.
import { writeFileSync } from "node:fs";
import { resolve, relative } from "node:path";
import { truncateToWidth } from "./ansi-text.ts";
import type { ReplCommand, ReplContext } from "./repl-commands.ts";
import { listRewindPoints, messagesBefore, rewindCode, rewindConversation, type RewindPoint } from "./rewind.ts";
import { isTurnStart } from "./compact-cut.ts";
import { projectSessions, summarize } from "./session-store.ts";
import { firstLine, localTime } from "./sessions-command.ts";
import { exportText } from "./transcript-export.ts";

/** /compact, /context and /cost go through the conversation, which records a compaction and its cost. */
async function builtin(name: "compact" | "context" | "cost", args: string, ctx: ReplContext): Promise<void> {
  const turn = await ctx.conversation().turn(`/${name}${args ? ` ${args}` : ""}`, ctx.signal);
  ctx.print(turn.error !== undefined ? `Error: ${turn.error}` : (turn.text ?? ""));
}

function help(ctx: ReplContext): void {
  const list = ctx.commandList();
  const label = (c: (typeof list)[number]): string => `/${c.name}${c.argumentHint ? ` ${c.argumentHint}` : ""}`;
  const width = Math.min(30, Math.max(...list.map((c) => label(c).length)));
  // Descriptions are cut to the terminal so each command stays on one row; a long label keeps a gap.
  const row = (c: (typeof list)[number]): string => truncateToWidth(`  ${label(c)}${" ".repeat(Math.max(2, width + 2 - label(c).length))}${c.description}`, ctx.width());
  const section = (title: string, items: typeof list): string[] => (items.length === 0 ? [] : ["", title, ...items.map(row)]);
  ctx.print([
    "hone: type a task, or a command.",
    "  Enter sends · Shift+Enter, Alt+Enter or \\ then Enter: new line",
    "  Esc interrupts · Esc Esc: rewind · Shift+Tab: permission mode · Ctrl+R: search history",
    "  @: mention a file · !: run a shell command · Ctrl+B: background a command · Ctrl+C twice or Ctrl+D: exit",
    ...section("Built-in commands:", list.filter((c) => c.source === "built-in")),
    ...section("Skills and commands:", list.filter((c) => c.source !== "built-in" && c.source !== "mcp")),
    ...section("MCP prompts:", list.filter((c) => c.source === "mcp")),
  ]);
}

async function resume(args: string, ctx: ReplContext): Promise<void> {
  const current = ctx.run().session.id;
  const sessions = projectSessions(ctx.env, ctx.cwd).filter((s) => s.id !== current);
  if (sessions.length === 0) {
    ctx.print("No other saved sessions in this folder.");
    return;
  }
  let id: string | undefined = args || undefined;
  if (!id) {
    const choices = sessions.slice(0, 30).map((s) => {
      const summary = summarize(s);
      return { value: s.id, label: `${localTime(summary.lastActive)}  ${firstLine(summary.firstPrompt || "(no prompt)", 60)}`, hint: `${summary.prompts} prompts` };
    });
    id = await ctx.dialogs.choose("Resume which session?", choices);
    if (!id) return;
  }
  await ctx.switchSession({ resume: id, show: true });
}

async function rewind(ctx: ReplContext): Promise<void> {
  const path = ctx.run().session.transcriptPath;
  if (!path) {
    ctx.print("This session is not saved (--no-session-persistence), so there is nothing to rewind to.");
    return;
  }
  let points: RewindPoint[];
  try {
    points = listRewindPoints(path);
  } catch {
    points = [];
  }
  if (points.length === 0) {
    ctx.print("Nothing to rewind yet: no prompts in this conversation.");
    return;
  }
  const recent = points.slice(-20).reverse();
  const point = await ctx.dialogs.choose(
    "Rewind to just before which prompt?",
    recent.map((p) => ({ value: p, label: `${p.number}. ${firstLine(p.text, 60)}`, ...(p.files.length > 0 ? { hint: `${p.files.length} file(s) changed` } : {}) })),
  );
  if (!point) return;
  const how = await ctx.dialogs.choose("Restore what?", [
    { value: "both", label: "Code and conversation" },
    { value: "conversation", label: "Conversation only" },
    { value: "code", label: "Code only" },
    { value: "summarize-from", label: "Summarize from here", hint: "this prompt and everything after it become a summary" },
    { value: "summarize-to", label: "Summarize up to here", hint: "everything before this prompt becomes a summary" },
    { value: "never", label: "Never mind" },
  ]);
  if (!how || how === "never") return;
  if (how === "summarize-from" || how === "summarize-to") {
    await summarizePart(ctx, path, point, how === "summarize-from" ? "from" : "to");
    return;
  }
  if (how !== "conversation") {
    const code = rewindCode(path, point);
    const names = [...code.restored, ...code.removed].map((f) => relative(ctx.cwd, f));
    ctx.print(names.length > 0 ? `Restored ${names.length} file(s): ${names.join(", ")}` : "No files changed by hone's file tools since that prompt.");
  }
  if (how !== "code") {
    rewindConversation(path, point);
    await ctx.switchSession({ resume: ctx.run().session.id });
    ctx.setInput(point.text);
    ctx.print(`Rewound the conversation to before prompt ${point.number}; its text is back in the prompt box.`);
  }
}

/** The rewind menu's targeted summaries: the part from `point` on, or the part before it. */
async function summarizePart(ctx: ReplContext, path: string, point: RewindPoint, part: "from" | "to"): Promise<void> {
  const conversation = ctx.conversation();
  const history = conversation.history;
  const at = messagesBefore(path, point);
  // The transcript and the live conversation agree unless something was appended meanwhile: check the
  // cut lands on this prompt before summarising anything.
  const lands = history[at]?.role === "user" && isTurnStart(history, at);
  if (!lands) {
    ctx.print(`Could not find prompt ${point.number} in the conversation as it stands; nothing was summarised.`);
    return;
  }
  if (part === "to" && at === 0) {
    ctx.print("Nothing comes before the first prompt, so there is nothing to summarise up to it.");
    return;
  }
  const range = part === "from" ? { from: at, to: history.length } : { from: 0, to: at };
  ctx.print(part === "from" ? `Summarising prompt ${point.number} and everything after it…` : `Summarising everything before prompt ${point.number}…`);
  const outcome = await conversation.compact({ range }, ctx.signal);
  ctx.print(outcome.text);
  ctx.refreshStatus();
}

function exportConversation(args: string, ctx: ReplContext): void {
  const text = exportText(ctx.conversation().history);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  const path = resolve(ctx.cwd, args || `hone-conversation-${stamp}.txt`);
  writeFileSync(path, text);
  ctx.print(`Exported the conversation to ${relative(ctx.cwd, path) || path}`);
}

export const SESSION_COMMANDS: ReplCommand[] = [
  { name: "help", description: "Show keys and every command", run: (_a, ctx) => help(ctx) },
  {
    name: "clear",
    description: "Start a new conversation (the old one stays saved)",
    run: async (_a, ctx) => {
      await ctx.switchSession({});
      ctx.print("Started a new conversation.");
    },
  },
  { name: "compact", description: "Summarise the conversation to free context", argumentHint: "[instructions]", run: (args, ctx) => builtin("compact", args, ctx) },
  { name: "context", description: "Show what fills the context window", run: (_a, ctx) => builtin("context", "", ctx) },
  { name: "cost", description: "Show tokens and cost of this session", run: (_a, ctx) => builtin("cost", "", ctx) },
  { name: "resume", description: "Switch to a saved session of this folder", argumentHint: "[session id]", run: resume },
  { name: "rewind", description: "Go back to before an earlier prompt (code, conversation or both)", run: (_a, ctx) => rewind(ctx) },
  { name: "export", description: "Write the conversation to a text file", argumentHint: "[file]", run: (args, ctx) => exportConversation(args, ctx) },
  { name: "exit", description: "Leave hone", run: (_a, ctx) => ctx.exit() },
];
