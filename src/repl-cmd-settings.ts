// REPL commands that change how the session runs: /model, /think, /effort, /plan, /output-style, /vim,
// /statusline, /add-dir. Changes apply at once; the ones users expect to stick are saved to settings.
import { realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { honeHome } from "./config-dir.ts";
import { MODELS, modelInfo, resolveModel } from "./models.ts";
import { agentModel } from "./provider-select.ts";
import { describeOutputStyles, findOutputStyle, promptStyle } from "./output-styles.ts";
import { EFFORT_LEVELS, type Effort } from "./provider.ts";
import type { ReplCommand, ReplContext } from "./repl-commands.ts";
import { thinkingFor } from "./run-config.ts";
import { localSettingsPath, setSetting } from "./settings-write.ts";

async function save(path: string, key: string[], value: unknown): Promise<string> {
  try {
    await setSetting(path, key, value);
    return ` (saved to ${path})`;
  } catch (error) {
    return ` (for this session only: could not save to ${path}: ${(error as Error).message})`;
  }
}

async function model(args: string, ctx: ReplContext): Promise<void> {
  const agent = ctx.run().setup.agent;
  let wanted = args;
  if (!wanted) {
    const choices = [
      ...["sonnet", "opus", "haiku"].map((alias) => ({ value: alias, label: alias, hint: resolveModel(alias, ctx.env) })),
      ...MODELS.map((m) => ({ value: m.id, label: m.id })),
    ];
    const picked = await ctx.dialogs.choose(`Model (now ${agent.model})`, choices);
    if (!picked) return;
    wanted = picked;
  }
  const id = agentModel(agent, wanted, ctx.env);
  agent.model = id;
  const info = modelInfo(id);
  if (agent.maxTokens > info.maxOutputTokens) agent.maxTokens = info.maxOutputTokens;
  const known = MODELS.some((m) => id === m.id || id.startsWith(`${m.id}-`));
  ctx.print(`Model set to ${id} for this session.${known ? "" : " (hone does not know this model's limits; it uses conservative defaults.)"}`);
  ctx.refreshStatus();
}

function think(args: string, ctx: ReplContext): void {
  const agent = ctx.run().setup.agent;
  const word = args.toLowerCase();
  const budget = /^\d+$/.test(word) ? Number(word) : undefined;
  if (word !== "" && word !== "on" && word !== "off" && budget === undefined) {
    ctx.print("Usage: /think [on | off | <token budget>] (no argument toggles it)");
    return;
  }
  const turnOn = word === "" ? agent.thinking === undefined : word !== "off";
  if (!turnOn) {
    agent.thinking = undefined;
    ctx.print("Extended thinking is off.");
    return;
  }
  const thinking = thinkingFor(agent.model, budget, "enabled");
  if (!thinking) {
    ctx.print(`${agent.model} does not support extended thinking.`);
    return;
  }
  agent.thinking = thinking;
  if (thinking.type === "enabled" && thinking.budget_tokens >= agent.maxTokens) agent.maxTokens = Math.min(modelInfo(agent.model).maxOutputTokens, thinking.budget_tokens + 8192);
  ctx.print(`Extended thinking is on${thinking.type === "enabled" ? ` (budget ${thinking.budget_tokens} tokens)` : " (the model sets its own budget)"}.`);
}

async function effort(args: string, ctx: ReplContext): Promise<void> {
  const agent = ctx.run().setup.agent;
  let level = args.toLowerCase();
  if (!level) {
    const picked = await ctx.dialogs.choose(`Effort (now ${agent.effort ?? "auto"})`, [
      { value: "auto", label: "auto", hint: "the model's default" },
      ...EFFORT_LEVELS.map((l) => ({ value: l, label: l })),
    ]);
    if (!picked) return;
    level = picked;
  }
  if (level === "auto") {
    delete agent.effort;
    ctx.print("Effort: auto (the model's default).");
    return;
  }
  if (!(EFFORT_LEVELS as readonly string[]).includes(level)) {
    ctx.print(`Unknown effort level "${args}". Choose one of: auto, ${EFFORT_LEVELS.join(", ")}.`);
    return;
  }
  agent.effort = level as Effort;
  ctx.print(`Effort set to ${level} for this session.`);
}

async function plan(args: string, ctx: ReplContext): Promise<void> {
  const run = ctx.run();
  run.setup.permissions.mode = "plan";
  run.session.recordPermissionMode("plan");
  ctx.refreshStatus();
  ctx.print("Plan mode on: hone reads and plans, and asks before changing anything.");
  if (args) await ctx.submit(args);
}

async function outputStyle(args: string, ctx: ReplContext): Promise<void> {
  const run = ctx.run();
  if (!args) {
    ctx.print(describeOutputStyles(run.styles.all, run.styles.current.name));
    return;
  }
  const found = findOutputStyle(args, run.styles.all);
  if (!found) {
    ctx.print(`No output style named "${args}". Available: ${run.styles.all.map((s) => s.name).join(", ")}`);
    return;
  }
  run.setup.setSystemPrompt({ style: promptStyle(found) ?? null });
  run.styles.current = found;
  const saved = await save(localSettingsPath(ctx.cwd), ["outputStyle"], found.name);
  ctx.print(`Output style set to ${found.name}${saved}.`);
  ctx.refreshStatus();
}

async function vim(ctx: ReplContext): Promise<void> {
  const on = ctx.toggleVim();
  const saved = await save(join(honeHome(ctx.env), "settings.json"), ["editorMode"], on ? "vim" : "normal");
  ctx.print(`Vim editing is ${on ? "on (Esc for normal mode, i to insert)" : "off"}${saved}.`);
}

async function statusline(args: string, ctx: ReplContext): Promise<void> {
  const file = join(honeHome(ctx.env), "settings.json");
  const wish = args || "Show the model, the current folder's name and git branch, and how much of the context window is used.";
  await ctx.submit(
    [
      `Set up a status line for hone. ${wish}`,
      "",
      `Write a small shell script (for example ${join(honeHome(ctx.env), "statusline.sh")}, made executable) and point the "statusLine" setting in ${file} at it:`,
      '"statusLine": { "type": "command", "command": "<path to the script>" }. Keep the file\'s other settings.',
      "hone runs the command after each update with JSON on stdin: session_id, cwd, model {id, display_name}, workspace {current_dir, project_dir},",
      "version, output_style {name}, cost {total_cost_usd, total_duration_ms, total_lines_added, total_lines_removed}, and context_window",
      "{context_window_size, used_percentage, remaining_percentage, current_usage}. The first lines it prints are shown under the prompt (ANSI colours allowed).",
      "Read the JSON with jq if it is installed, otherwise with a portable fallback.",
    ].join("\n"),
    `/statusline ${args}`.trim(),
  );
}

function addDir(args: string, ctx: ReplContext): void {
  const path = resolve(ctx.cwd, args.replace(/^~(?=\/|$)/, ctx.env.HOME ?? "~"));
  let real: string;
  try {
    if (!statSync(path).isDirectory()) throw new Error("not a directory");
    real = realpathSync(path);
  } catch {
    ctx.print(`/add-dir: ${path} is not a directory.`);
    return;
  }
  if (!ctx.run().setup.agent.session.addWorkingDirectory?.(real)) {
    ctx.print(`${real} is already a working directory.`);
    return;
  }
  ctx.refreshStatus();
  ctx.print(`Added ${real} as a working directory for this session: hone may read and edit files there.`);
}

export const SETTINGS_COMMANDS: ReplCommand[] = [
  { name: "model", description: "Show or change the model", argumentHint: "[name]", run: model },
  { name: "think", description: "Turn extended thinking on or off", argumentHint: "[on|off|budget]", run: think },
  { name: "effort", description: "Set how much effort the model puts in", argumentHint: `[auto|${EFFORT_LEVELS.join("|")}]`, run: effort },
  { name: "plan", description: "Switch to plan mode (and plan a task)", argumentHint: "[task]", run: plan },
  { name: "output-style", description: "Show or choose the output style", argumentHint: "[name]", run: outputStyle },
  { name: "vim", description: "Toggle vim editing in the prompt", run: (_a, ctx) => vim(ctx) },
  { name: "statusline", description: "Have hone set up a status line command", argumentHint: "[what to show]", run: statusline },
  { name: "add-dir", description: "Let hone work in another directory too", argumentHint: "<path>", requires: "a directory path", run: addDir },
];
