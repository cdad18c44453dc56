// Permission rules as data: `Tool` or `Tool(specifier)` strings from settings files and flags, parsed
// once into what each rule applies to (a tool name or name glob, and a command, path, domain or name
// specifier) together with where it came from, so every decision can name the rule behind it.
import { fromGlob, WILD, type Pattern } from "./pattern.ts";

export type RuleKind = "allow" | "ask" | "deny";
export type RuleScope = "user" | "project" | "local" | "cli" | "managed" | "flag" | "session";

export interface RuleSource {
  /** A settings file, or a flag name such as --allowedTools. */
  file: string;
  line?: number;
  scope: RuleScope;
}

/** How a rule's specifier is read, by the tool it names. */
export type SpecifierKind = "command" | "read" | "edit" | "domain" | "name" | "none";

export interface PermissionRule {
  text: string;
  kind: RuleKind;
  /** Tool name as written, `*` wildcards allowed (`mcp__github__*`, `*`). */
  tool: string;
  /** The specifier between the parentheses; undefined (or `*`) means every use of the tool. */
  specifier?: string;
  source: RuleSource;
  /** Directory a `/path` specifier is anchored at (depends on the file the rule came from). */
  anchor: string;
}

export class RuleError extends Error {
  override name = "RuleError";
}

export const TOOL_ALIASES: Record<string, string> = { Task: "Agent" };
export const READ_TOOLS: ReadonlySet<string> = new Set(["Read", "Grep", "Glob", "LS", "NotebookRead"]);
export const EDIT_TOOLS: ReadonlySet<string> = new Set(["Edit", "Write", "MultiEdit", "NotebookEdit"]);

const SPECIFIER_KINDS: Record<string, SpecifierKind> = {
  Bash: "command",
  Read: "read",
  Edit: "edit",
  WebFetch: "domain",
  Skill: "name",
  Agent: "name",
};

/** The specifier kind a rule naming `tool` has; Write(...) and Glob(...) rules are read as Edit/Read. */
export function specifierKind(tool: string): SpecifierKind {
  const name = TOOL_ALIASES[tool] ?? tool;
  const direct = SPECIFIER_KINDS[name];
  if (direct) return direct;
  if (EDIT_TOOLS.has(name)) return "edit";
  if (READ_TOOLS.has(name)) return "read";
  return "none";
}

/** Splits `Tool(spec)`; the specifier runs to the last `)`, so specifiers may contain parentheses. */
export function parseRuleText(text: string): { tool: string; specifier?: string } | undefined {
  const trimmed = text.trim();
  const open = trimmed.indexOf("(");
  if (open < 0) return /^[A-Za-z_*][\w*-]*$/.test(trimmed) ? { tool: trimmed } : undefined;
  if (!trimmed.endsWith(")")) return undefined;
  const tool = trimmed.slice(0, open);
  if (!/^[A-Za-z_*][\w*-]*$/.test(tool)) return undefined;
  const specifier = trimmed.slice(open + 1, -1).trim();
  return { tool, specifier: specifier === "" || specifier === "*" ? undefined : specifier };
}

export function makeRule(text: string, kind: RuleKind, source: RuleSource, anchor: string): PermissionRule | undefined {
  const parsed = parseRuleText(text);
  if (!parsed) return undefined;
  const tool = TOOL_ALIASES[parsed.tool] ?? parsed.tool;
  return { text: text.trim(), kind, tool, ...(parsed.specifier === undefined ? {} : { specifier: parsed.specifier }), source, anchor };
}

/**
 * Splits flag values into rule strings: commas and whitespace separate rules, except inside
 * parentheses, so `"Bash(npm run test:*) Read"` is two rules and the space in the first stays.
 */
export function splitRuleList(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    let depth = 0;
    let current = "";
    for (const ch of value) {
      if (ch === "(") depth++;
      if (ch === ")") depth = Math.max(0, depth - 1);
      if (depth === 0 && (ch === "," || /\s/.test(ch))) {
        if (current.trim() !== "") out.push(current.trim());
        current = "";
        continue;
      }
      current += ch;
    }
    if (current.trim() !== "") out.push(current.trim());
  }
  return out;
}

/** Tool names Claude Code setups and SDK hosts pass; rules naming them are accepted even before hone has the tool. */
export const CLAUDE_CODE_TOOLS: ReadonlySet<string> = new Set([
  "Agent", "Task", "Bash", "BashOutput", "KillShell", "KillBash", "Glob", "Grep", "LS", "Read", "Edit", "MultiEdit", "Write",
  "NotebookEdit", "NotebookRead", "WebFetch", "WebSearch", "TodoWrite", "ExitPlanMode", "SlashCommand", "Skill", "TaskOutput",
  "TaskStop", "SendMessage", "EnterWorktree", "ExitWorktree", "Monitor", "AskUserQuestion", "ListMcpResourcesTool", "ReadMcpResourceTool",
]);

/** Rules from --allowedTools / --disallowedTools; a malformed rule or unknown tool is a usage error naming the flag. */
export function rulesFromFlag(values: string[], kind: RuleKind, flag: string, cwd: string, known: ReadonlySet<string>): PermissionRule[] {
  return splitRuleList(values).map((text) => {
    const rule = makeRule(text, kind, { file: flag, scope: "flag" }, cwd);
    if (!rule) throw new RuleError(`${flag}: "${text}" is not a permission rule (expected Tool or Tool(specifier))`);
    const name = rule.tool;
    if (!name.includes("*") && !name.startsWith("mcp__") && !known.has(name) && !CLAUDE_CODE_TOOLS.has(name)) {
      throw new RuleError(`${flag}: unknown tool "${name}". Known tools: ${[...known].join(", ")}`);
    }
    return rule;
  });
}

/** Whether a rule's tool part names this tool (`*` wildcards; `mcp__server` covers the server's tools). */
export function ruleNamesTool(rule: PermissionRule, tool: string): boolean {
  const name = TOOL_ALIASES[tool] ?? tool;
  if (rule.tool === name) return true;
  if (rule.tool.startsWith("mcp__") && !rule.tool.slice(5).includes("__") && !rule.tool.includes("*")) {
    return name.startsWith(`${rule.tool}__`);
  }
  if (!rule.tool.includes("*")) return false;
  // Allow rules may only glob after a literal server prefix; a broad allow glob grants nothing.
  if (rule.kind === "allow" && !/^mcp__[^*_]+(?:_[^*_]+)*__/.test(rule.tool)) return false;
  const regex = new RegExp(`^${rule.tool.split("*").map(escapeRegex).join(".*")}$`);
  return regex.test(name);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A Bash specifier as patterns (any one matching is a match). `prefix:*` and a trailing ` *` mean the
 * prefix alone or followed by a space and anything; other `*` match any characters.
 */
export function commandPatterns(specifier: string): Pattern[] {
  const spec = specifier.trim().replace(/\s+/g, " ");
  const tail = spec.endsWith(":*") ? spec.slice(0, -2) : spec.endsWith(" *") ? spec.slice(0, -2) : undefined;
  if (tail === undefined) return [fromGlob(spec)];
  const prefix = tail.trimEnd();
  return [fromGlob(prefix), [...fromGlob(`${prefix} `), WILD]];
}
