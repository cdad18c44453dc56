// REPL commands that show where things stand: /status, /version, /config, /doctor, /hooks, /memory,
// /agents, /skills, /mcp, /permissions, /diff. Most share their listing with the `hone <name>`
// subcommand of the same name.
import { spawnSync } from "node:child_process";
import type { ReplCommand, ReplContext } from "./repl-commands.ts";
import { isAbsolute, relative } from "node:path";
import { makeRule, type PermissionRule, type RuleKind } from "./permission-rules.ts";
import { isTrusted } from "./trust.ts";
import { localSettingsPath } from "./settings-write.ts";
import type { CommandIO } from "./subcommands.ts";
import { SUBCOMMANDS } from "./subcommands.ts";
import { VERSION } from "./version.ts";
import { builtFeatures, notBuiltIn } from "./features.ts";

/** Runs a `hone <name>` subcommand with its output going into the scrollback. */
async function subcommand(name: string, args: string[], ctx: ReplContext): Promise<number> {
  const io: CommandIO = { cwd: ctx.cwd, env: ctx.env, out: (text) => ctx.print(text.replace(/\n$/, "")), err: (text) => ctx.print(text.replace(/\n$/, "")) };
  return await SUBCOMMANDS[name]!.run(args, io);
}

function words(args: string): string[] {
  return (args.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, "$2"));
}

function status(ctx: ReplContext): void {
  const run = ctx.run();
  const { setup, session } = run;
  const servers = run.extensions.mcp?.status() ?? [];
  const provider = setup.provider;
  const key = provider.id === "anthropic" ? (setup.credentials.source === "none" ? "none (set ANTHROPIC_API_KEY)" : setup.credentials.source) : (provider.keySource ?? (provider.profile?.keyRequired ? `none (set ${provider.profile.keyEnv[0]})` : "none needed"));
  ctx.print([
    `hone ${VERSION}`,
    `  Session:          ${session.id}${session.transcriptPath ? "" : " (not saved)"}`,
    `  Folder:           ${ctx.cwd}`,
    `  Model:            ${setup.agent.model}`,
    `  Provider:         ${provider.profile ? `${provider.profile.label} at ${provider.baseURL}` : "Anthropic"}`,
    `  Permission mode:  ${setup.permissions.mode}`,
    `  Output style:     ${run.styles.current.name}`,
    `  API:              ${ctx.env.ANTHROPIC_BASE_URL || "https://api.anthropic.com"} (key: ${key})`,
    `  Working dirs:     ${setup.permissions.workingDirs.join(", ")}`,
    `  MCP servers:      ${servers.length === 0 ? "none" : servers.map((s) => `${s.name} (${s.state}${s.state === "connected" ? `, ${s.toolCount} tools` : ""})`).join(", ")}`,
    `  Settings files:   ${run.settingsFiles.filter((f) => f.status === "loaded").map((f) => f.path).join(", ") || "none"}`,
  ]);
}

function config(ctx: ReplContext): void {
  const run = ctx.run();
  const s = run.settings;
  const row = (name: string, value: unknown) => `  ${name.padEnd(26)}${value === undefined ? "(not set)" : typeof value === "string" ? value : JSON.stringify(value)}`;
  ctx.print([
    "Settings in effect (edit the files below, or use /model, /output-style, /vim, /permissions):",
    row("model", s.model),
    row("permissions.defaultMode", s.permissions?.defaultMode),
    row("outputStyle", s.outputStyle),
    row("editorMode", s.editorMode),
    row("preferredNotifChannel", s.preferredNotifChannel),
    row("autoCompactEnabled", s.autoCompactEnabled),
    row("statusLine", s.statusLine?.command),
    row("cleanupPeriodDays", s.cleanupPeriodDays),
    "Files, lowest precedence first:",
    ...run.settingsFiles.map((f) => `  ${f.status === "loaded" ? "✓" : "·"} ${f.scope.padEnd(8)} ${f.path}`),
  ]);
}

async function permissions(args: string, ctx: ReplContext): Promise<void> {
  const [verb, ...rules] = words(args);
  if (verb === "allow" || verb === "ask" || verb === "deny") {
    if (rules.length === 0) {
      ctx.print(`/permissions ${verb} needs a rule, e.g. /permissions ${verb} "Bash(npm test)"`);
      return;
    }
    const code = await subcommand("permissions", [verb, ...rules], ctx);
    if (code !== 0) return;
    // Also in force for the rest of this session, not only from the next start.
    const context = ctx.run().setup.permissions;
    for (const text of rules) {
      const made = makeRule(text, verb as RuleKind, { file: localSettingsPath(ctx.cwd), scope: "local" }, context.cwd);
      if (made) context.rules = [...context.rules, made];
    }
    if (!ctx.options.trust && !isTrusted(ctx.cwd, ctx.env)) {
      ctx.print(`This folder is not trusted: the rule is in force for this session, but later sessions apply ${relative(ctx.cwd, localSettingsPath(ctx.cwd))} only after "hone trust".`);
    }
    return;
  }
  if (verb !== undefined) {
    await subcommand("permissions", words(args), ctx);
    return;
  }
  sessionRules(ctx);
}

/** The rules in force in this session (settings, flags, rules added since), not only the files'. */
function sessionRules(ctx: ReplContext): void {
  const context = ctx.run().setup.permissions;
  const where = (rule: PermissionRule): string => {
    const file = isAbsolute(rule.source.file) ? relative(ctx.cwd, rule.source.file) || rule.source.file : rule.source.file;
    return `${file.startsWith("..") ? rule.source.file : file}${rule.source.line ? `:${rule.source.line}` : ""}`;
  };
  const width = Math.max(12, ...context.rules.map((r) => r.text.length)) + 2;
  const lines = context.rules.length === 0 ? ["No permission rules are in force in this session."] : ["Permission rules in force in this session:"];
  for (const kind of ["deny", "ask", "allow"] as const) {
    for (const rule of context.rules.filter((r) => r.kind === kind)) lines.push(`  ${kind.padEnd(6)} ${rule.text.padEnd(width)}${where(rule)}`);
  }
  lines.push(`Working directories: ${context.workingDirs.join(", ")}`);
  lines.push('Add one with /permissions allow|ask|deny "<rule>"; "hone permissions check" explains a decision.');
  lines.push(`Permission mode now: ${context.mode} (Shift+Tab cycles it).`);
  ctx.print(lines);
}

function diff(ctx: ReplContext): void {
  const git = (args: string[]) => spawnSync("git", args, { cwd: ctx.cwd, encoding: "utf8", maxBuffer: 32 * 1024 * 1024 });
  const inside = git(["rev-parse", "--is-inside-work-tree"]);
  if (inside.status !== 0) {
    ctx.print("/diff shows uncommitted changes, but this folder is not in a git repository.");
    return;
  }
  const color = ctx.color ? "--color=always" : "--color=never";
  const stat = git(["diff", "HEAD", "--stat", color]);
  const body = git(["diff", "HEAD", color]);
  const untracked = git(["ls-files", "--others", "--exclude-standard"]).stdout.trim();
  if (stat.stdout.trim() === "" && untracked === "") {
    ctx.print("No uncommitted changes.");
    return;
  }
  const lines = body.stdout.replace(/\n$/, "").split("\n");
  const shown = lines.length > 400 ? [...lines.slice(0, 400), `… ${lines.length - 400} more lines (git diff HEAD shows them all)`] : lines;
  ctx.print([...stat.stdout.replace(/\n$/, "").split("\n"), ...(untracked ? ["Untracked files:", ...untracked.split("\n").map((f) => `  ${f}`)] : []), "", ...(stat.stdout.trim() ? shown : [])]);
}

export const INFO_COMMANDS: ReplCommand[] = [
  { name: "status", description: "Show the session, model, mode, API and MCP servers", run: (_a, ctx) => status(ctx) },
  { name: "version", description: "Show hone's version", run: (_a, ctx) => ctx.print(`${VERSION} (hone)`) },
  { name: "config", description: "Show the settings in effect and their files", run: (_a, ctx) => config(ctx) },
  { name: "doctor", description: "Check the install, settings, key and folders", run: (_a, ctx) => doctor(ctx) },
  { name: "hooks", description: "List the hooks configured here", run: async (_a, ctx) => void (await subcommand("hooks", [], ctx)) },
  { name: "memory", description: "List the instruction files (CLAUDE.md, AGENTS.md) in use", run: async (_a, ctx) => void (await subcommand("memory", [], ctx)) },
  { name: "agents", description: "List the sub-agents available here", run: async (_a, ctx) => void (await subcommand("agents", [], ctx)) },
  { name: "skills", description: "List the skills and markdown commands available here", run: async (_a, ctx) => void (await subcommand("skills", [], ctx)) },
  { name: "mcp", description: "Show the MCP servers and their state", run: (_a, ctx) => mcp(ctx) },
  { name: "permissions", description: "List permission rules, or add one", argumentHint: "[allow|ask|deny <rule>]", run: permissions },
  { name: "diff", description: "Show uncommitted changes (git diff)", run: (_a, ctx) => diff(ctx) },
  { name: "buddy", description: "Show your companion (/buddy pet to pet it)", argumentHint: "[pet]", run: buddy },
];

/** The session's MCP servers as they run now (--mcp-config ones included), or undefined for none. */
function mcpLines(ctx: ReplContext): string[] | undefined {
  const servers = ctx.run().extensions.mcp?.status() ?? [];
  if (servers.length === 0) return undefined;
  return servers.map((s) => `  ${s.name.padEnd(20)} ${s.state.padEnd(10)} ${s.scope.padEnd(8)} ${s.toolCount} tools, ${s.promptCount} prompts, ${s.resourceCount} resources${s.error ? `\n    ${s.error}` : ""}`);
}

function mcp(ctx: ReplContext): void {
  const lines = mcpLines(ctx);
  ctx.print(lines ? ["MCP servers:", ...lines] : "No MCP servers configured here. Add one with: hone mcp add <name> -- <command> [args...]");
}

/** The companion's card or a pet; a build without the "buddy" feature says so. */
async function buddy(args: string, ctx: ReplContext): Promise<void> {
  const companion = ctx.buddy?.();
  if (companion) return companion.command(args);
  ctx.print(builtFeatures().includes("buddy") ? "Your companion is still hatching; try again in a moment." : notBuiltIn("buddy", "/buddy"));
}

/** `hone doctor`, then what only the running session knows: its servers, --mcp-config ones included. */
async function doctor(ctx: ReplContext): Promise<void> {
  await subcommand("doctor", [], ctx);
  const lines = mcpLines(ctx);
  if (lines) ctx.print(["MCP servers in this session:", ...lines]);
}
