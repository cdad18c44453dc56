// `hone permissions`: the rules in force here with the file and line each comes from, warnings for rules
// that can never match, and `hone permissions check "Bash(rm -rf build)"`, which prints the decision a
// call would get and the rule that made it.
import { resolve } from "node:path";
import { homeDir } from "./config-dir.ts";
import { decide } from "./permission-engine.ts";
import { where, type Decision } from "./permission-context.ts";
import { parsePermissionMode, PERMISSION_MODES, type PermissionMode } from "./permission-modes.ts";
import { parseRuleText } from "./permission-rules.ts";
import { buildPermissions, type PermissionSetup } from "./permissions.ts";
import { loadSettings, SettingsError } from "./settings.ts";
import { localSettingsPath, rememberRules } from "./settings-write.ts";
import type { CommandIO } from "./subcommands.ts";
import { builtinTools } from "./tools/index.ts";
import { isTrusted, TrustFileError } from "./trust.ts";

const USAGE = `usage: hone permissions [list] [--json] [--mode <mode>] [--add-dir <dir>] [--trust]
       hone permissions check "<Tool>(<command, path, url or name>)" [--json] [--mode <mode>]
       hone permissions allow|ask|deny "<rule>"...   add rules to .hone/settings.local.json
Lists the permission rules in force in this folder and where each comes from, or shows the decision
a tool call would get and the rule that made it.`;

interface Flags {
  json: boolean;
  mode?: PermissionMode;
  addDirs: string[];
  trust: boolean;
  rest: string[];
}

function parseFlags(args: string[]): Flags | string {
  const flags: Flags = { json: false, addDirs: [], trust: false, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") flags.json = true;
    else if (arg === "--trust") flags.trust = true;
    else if (arg === "--mode" || arg === "--permission-mode") {
      const mode = parsePermissionMode(args[++i] ?? "");
      if (!mode) return `--mode must be one of ${PERMISSION_MODES.join(", ")}`;
      flags.mode = mode;
    } else if (arg === "--add-dir") {
      const dir = args[++i];
      if (!dir) return "--add-dir needs a folder";
      flags.addDirs.push(dir);
    } else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else flags.rest.push(arg);
  }
  return flags;
}

function load(io: CommandIO, flags: Flags): { setup: PermissionSetup; trusted: boolean; untrusted: string[]; warnings: string[] } {
  const trusted = flags.trust || isTrusted(io.cwd, io.env);
  const loaded = loadSettings({ cwd: io.cwd, env: io.env, trusted });
  const fromSettings = loaded.settings.permissions?.defaultMode;
  const mode = flags.mode ?? (fromSettings ? parsePermissionMode(fromSettings) : undefined) ?? "default";
  const setup = buildPermissions({
    mode,
    cwd: io.cwd,
    home: homeDir(io.env),
    settingsRules: loaded.rules,
    allowedTools: [],
    disallowedTools: [],
    directories: [...loaded.directories.map((d) => d.path), ...flags.addDirs.map((d) => resolve(io.cwd, d))],
    readableDirs: [],
    knownTools: new Set(builtinTools().map((t) => t.name)),
  });
  return { setup, trusted, untrusted: loaded.untrusted.map((u) => `${u.key} (${u.file})`), warnings: [...loaded.warnings, ...setup.warnings] };
}

/** The tool input a `Tool(content)` argument stands for. */
export function callFromText(text: string, cwd: string): { tool: string; input: Record<string, unknown> } | undefined {
  const parsed = parseRuleText(text);
  if (!parsed) return undefined;
  const tool = parsed.tool;
  const content = parsed.specifier ?? "";
  if (tool === "Bash") return { tool, input: { command: content } };
  if (["Read", "Write", "Edit", "MultiEdit"].includes(tool)) return { tool, input: { file_path: resolve(cwd, content || ".") } };
  if (tool === "NotebookEdit") return { tool, input: { notebook_path: resolve(cwd, content) } };
  if (tool === "Grep" || tool === "Glob") return { tool, input: { pattern: "*", path: resolve(cwd, content || ".") } };
  if (tool === "WebFetch") return { tool, input: { url: content.startsWith("domain:") ? `https://${content.slice(7)}/` : content } };
  if (tool === "Skill") {
    const [skill = "", ...args] = content.split(" ");
    return { tool, input: { skill, args: args.join(" ") } };
  }
  if (tool === "Agent" || tool === "Task") return { tool: "Agent", input: { subagent_type: content } };
  return { tool, input: {} };
}

function describe(decision: Decision): Record<string, unknown> {
  const rule = decision.rule;
  return {
    decision: decision.behavior,
    reason: decision.reason,
    ...(rule ? { rule: { text: rule.text, kind: rule.kind, file: rule.source.file, line: rule.source.line ?? null, scope: rule.source.scope } } : {}),
    ...(decision.suggestions ? { suggestions: decision.suggestions } : {}),
  };
}

function check(io: CommandIO, flags: Flags): number {
  const text = flags.rest.slice(1).join(" ");
  const call = callFromText(text, io.cwd);
  if (!call) {
    io.err(`hone permissions check: "${text}" is not a tool call; write it like "Bash(npm test)" or "Read(src/a.ts)"`);
    return 2;
  }
  const { setup } = load(io, flags);
  const readOnly = builtinTools().find((t) => t.name === call.tool)?.readOnly ?? false;
  const decision = decide({ tool: call.tool, input: call.input, readOnly }, setup.context);
  if (flags.json) {
    io.out(JSON.stringify({ call: text, mode: setup.context.mode, ...describe(decision) }, null, 2));
    return 0;
  }
  io.out(`${decision.behavior}: ${decision.reason}`);
  if (decision.rule) io.out(`rule: ${decision.rule.text} (${decision.rule.kind}) from ${where(decision.rule)} [${decision.rule.source.scope}]`);
  else io.out(`rule: none; decided by the ${setup.context.mode} mode`);
  if (decision.suggestions?.length) io.out(`to allow it: ${decision.suggestions.join(", ")}`);
  return 0;
}

function list(io: CommandIO, flags: Flags): number {
  const { setup, trusted, untrusted, warnings } = load(io, flags);
  const { context } = setup;
  if (flags.json) {
    const rules = context.rules.map((r) => ({ rule: r.text, kind: r.kind, file: r.source.file, line: r.source.line ?? null, scope: r.source.scope }));
    io.out(JSON.stringify({ mode: context.mode, trusted, workingDirectories: context.workingDirs, rules, untrusted, warnings }, null, 2));
    return 0;
  }
  io.out(`Mode: ${context.mode}`);
  io.out(`Folder trusted: ${trusted ? "yes" : "no (project hooks, env and allow rules are not applied; see: hone trust)"}`);
  io.out(`Working directories: ${context.workingDirs.join(", ")}`);
  io.out(context.rules.length === 0 ? "Rules: none" : "Rules (checked deny, then ask, then allow):");
  for (const kind of ["deny", "ask", "allow"] as const) {
    for (const rule of context.rules.filter((r) => r.kind === kind)) io.out(`  ${kind.padEnd(5)}  ${rule.text}  ${where(rule)}`);
  }
  if (untrusted.length > 0) io.out(`Not applied (untrusted folder): ${untrusted.join(", ")}`);
  for (const warning of warnings) io.out(`warning: ${warning}`);
  return 0;
}

async function add(io: CommandIO, kind: "allow" | "ask" | "deny", rules: string[]): Promise<number> {
  const bad = rules.find((r) => !parseRuleText(r));
  if (rules.length === 0 || bad !== undefined) {
    io.err(`hone permissions ${kind}: ${bad === undefined ? "give at least one rule" : `"${bad}" is not a permission rule (expected Tool or Tool(specifier))`}`);
    return 2;
  }
  try {
    const added = await rememberRules(io.cwd, rules, kind);
    io.out(added.length === 0 ? `Already in ${localSettingsPath(io.cwd)}.` : `Added to permissions.${kind} in ${localSettingsPath(io.cwd)}: ${added.join(", ")}`);
    return 0;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.err(`hone permissions: ${error.message}`);
    return 1;
  }
}

export async function permissionsCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  const flags = parseFlags(args);
  if (typeof flags === "string") {
    io.err(`hone permissions: ${flags}\n${USAGE}`);
    return 2;
  }
  const sub = flags.rest[0] ?? "list";
  if (sub === "allow" || sub === "ask" || sub === "deny") return await add(io, sub, flags.rest.slice(1));
  if (sub !== "check" && sub !== "list") {
    io.err(`hone permissions: unknown subcommand "${sub}"\n${USAGE}`);
    return 2;
  }
  try {
    return sub === "check" ? check(io, flags) : list(io, flags);
  } catch (error) {
    if (!(error instanceof SettingsError || error instanceof TrustFileError)) throw error;
    io.err(`hone permissions: ${error.message}`);
    return 1;
  }
}
