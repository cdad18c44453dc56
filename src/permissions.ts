// Tool-level permission decisions for headless runs. The full rule system (patterns, settings files,
// interactive asks) builds on this; here a call is allowed by mode, by an --allowedTools name, or
// because the tool cannot change anything, and every denial says how to allow it.
import type { Tool } from "./tool.ts";
import type { Authorize, Verdict } from "./tool-runner.ts";

export const PERMISSION_MODES = ["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk"] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export function isPermissionMode(value: string): value is PermissionMode {
  return (PERMISSION_MODES as readonly string[]).includes(value);
}

/** Tools that change nothing outside hone's own state, so they never need a grant. */
const HARMLESS = new Set(["TodoWrite", "BashOutput", "KillShell"]);
const EDIT_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit"]);

export class RuleError extends Error {
  override name = "RuleError";
}

/**
 * Splits `--allowedTools "Read,Edit" "Bash(*)"` style values into tool names. Rules with a specifier
 * other than `*` need the pattern matcher, which this build does not have, so they are refused rather
 * than silently widened or ignored.
 */
export function parseToolNames(values: string[], known: ReadonlySet<string>, flag: string): string[] {
  const names: string[] = [];
  for (const value of values) {
    for (const part of value.split(/[,\s]+/)) {
      if (part === "") continue;
      const match = /^([A-Za-z_][\w-]*)(?:\((.*)\))?$/.exec(part);
      if (!match) throw new RuleError(`${flag}: "${part}" is not a tool rule`);
      const [, name = "", specifier] = match;
      if (specifier !== undefined && specifier !== "*" && specifier !== "") {
        throw new RuleError(`${flag}: "${part}" uses a rule pattern; this version of hone matches whole tools only (use "${name}")`);
      }
      if (!known.has(name) && !name.startsWith("mcp__")) {
        throw new RuleError(`${flag}: unknown tool "${name}". Known tools: ${[...known].join(", ")}`);
      }
      names.push(name);
    }
  }
  return names;
}

export interface PermissionConfig {
  mode: PermissionMode;
  allow: ReadonlySet<string>;
  deny: ReadonlySet<string>;
}

export function decide(tool: Tool, config: PermissionConfig): Verdict {
  const name = tool.name;
  if (config.deny.has(name)) return { allow: false, message: `Permission to use ${name} is denied by --disallowedTools.` };
  if (config.allow.has(name)) return { allow: true };
  if (tool.readOnly || HARMLESS.has(name)) return { allow: true };
  if (config.mode === "bypassPermissions") return { allow: true };
  if (config.mode === "acceptEdits" && EDIT_TOOLS.has(name)) return { allow: true };
  if (config.mode === "plan") {
    return { allow: false, message: `${name} is not available in plan mode: only read-only tools run while planning.` };
  }
  return {
    allow: false,
    message:
      `Permission to use ${name} was not granted. This run cannot ask for approval, ` +
      `so ${name} needs --allowedTools ${name} or --permission-mode acceptEdits/bypassPermissions.`,
  };
}

export function authorizer(config: PermissionConfig): Authorize {
  return async (tool) => decide(tool, config);
}

export interface SettingsRuleInput {
  rule: string;
  kind: "allow" | "ask" | "deny";
  where: string;
}

/**
 * Turns settings rules into whole-tool grants until rule patterns are matched. Erring on the safe
 * side: a pattern allow grants nothing, while a pattern deny or ask withholds the whole tool.
 */
export function toolRulesFromSettings(rules: SettingsRuleInput[], known: ReadonlySet<string>): { allow: string[]; deny: string[]; warnings: string[] } {
  const allow: string[] = [];
  const deny: string[] = [];
  const warnings: string[] = [];
  const patternAllows: string[] = [];
  for (const { rule, kind, where } of rules) {
    const match = /^([A-Za-z_][\w-]*)(?:\((.*)\))?$/.exec(rule.trim());
    const name = match?.[1];
    if (!match || !name) {
      warnings.push(`${where}: "${rule}" is not a permission rule; ignored`);
      continue;
    }
    if (!known.has(name) && !name.startsWith("mcp__")) continue;
    const whole = match[2] === undefined || match[2] === "" || match[2] === "*";
    if (kind === "allow") {
      if (whole) allow.push(name);
      else patternAllows.push(`${where}: ${rule}`);
      continue;
    }
    deny.push(name);
    if (kind === "ask") warnings.push(`${where}: ask rule "${rule}" cannot prompt in -p; ${name} is withheld`);
    else if (!whole) warnings.push(`${where}: deny rule "${rule}" is applied to all of ${name} until patterns are supported`);
  }
  // Shared Claude Code settings often hold dozens of these: one line, not one per rule.
  if (patternAllows.length > 0) {
    const n = patternAllows.length;
    warnings.push(`${n} allow rule${n === 1 ? "" : "s"} with a pattern grant nothing until rule patterns are supported (${patternAllows[0]}${n > 1 ? ", ..." : ""})`);
  }
  return { allow, deny, warnings };
}
