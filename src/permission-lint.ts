// Warnings for permission rules that can never match or never take effect, so a typo such as
// `bash(rm:*)` or an allow shadowed by a broader deny is reported instead of silently doing nothing.
import { where } from "./permission-context.ts";
import { CLAUDE_CODE_TOOLS, commandPatterns, parseRuleText, ruleNamesTool, specifierKind, type PermissionRule } from "./permission-rules.ts";
import { covers } from "./pattern.ts";

const PATH_ALIASES: Record<string, string> = { Write: "Edit", MultiEdit: "Edit", NotebookEdit: "Edit", Glob: "Read", Grep: "Read", LS: "Read", NotebookRead: "Read" };

function unknownTool(rule: PermissionRule, known: ReadonlySet<string>): string | undefined {
  if (rule.tool.includes("*") || rule.tool.startsWith("mcp__") || known.has(rule.tool)) return undefined;
  if (CLAUDE_CODE_TOOLS.has(rule.tool)) return undefined;
  const near = [...known].find((k) => k.toLowerCase() === rule.tool.toLowerCase());
  return near ? `tool names are case-sensitive: did you mean ${near}?` : `there is no tool named ${rule.tool}`;
}

function specifierProblem(rule: PermissionRule): string | undefined {
  const spec = rule.specifier;
  if (spec === undefined) return undefined;
  const kind = specifierKind(rule.tool);
  if (kind === "none" && !rule.tool.startsWith("mcp__")) return `${rule.tool} takes no specifier, so "(${spec})" never matches`;
  if (rule.tool.startsWith("mcp__")) return "MCP rules take no specifier";
  const alias = PATH_ALIASES[rule.tool];
  if (alias) {
    return rule.kind === "allow"
      ? `path rules are written ${alias}(...); ${rule.text} grants nothing`
      : `path rules are written ${alias}(...); this rule is applied as ${alias}(${spec})`;
  }
  if (kind === "command" && spec.indexOf(":*") >= 0 && !spec.endsWith(":*")) return '":*" only means "followed by anything" at the end of a rule';
  if (kind === "domain" && !spec.startsWith("domain:")) return `WebFetch rules are written WebFetch(domain:example.com)`;
  return undefined;
}

function shadowedBy(rule: PermissionRule, denies: PermissionRule[]): PermissionRule | undefined {
  if (rule.kind !== "allow") return undefined;
  for (const deny of denies) {
    if (!ruleNamesTool(deny, rule.tool)) continue;
    if (deny.specifier === undefined) return deny;
    if (rule.specifier === undefined || specifierKind(rule.tool) !== "command") continue;
    const allowed = commandPatterns(rule.specifier);
    if (commandPatterns(deny.specifier).some((d) => allowed.every((a) => covers(d, a)))) return deny;
  }
  return undefined;
}

/** One warning per rule that is malformed, names no tool, can never match, or is overridden by a deny. */
export function lintRules(texts: { text: string; where: string }[], rules: PermissionRule[], known: ReadonlySet<string>): string[] {
  const warnings: string[] = [];
  for (const { text, where: at } of texts) if (!parseRuleText(text)) warnings.push(`${at}: "${text}" is not a permission rule (expected Tool or Tool(specifier)); ignored`);
  const denies = rules.filter((r) => r.kind === "deny");
  for (const rule of rules) {
    const problem = unknownTool(rule, known) ?? specifierProblem(rule);
    if (problem) warnings.push(`${where(rule)}: ${rule.kind} rule ${rule.text}: ${problem}`);
    const deny = shadowedBy(rule, denies);
    if (deny) warnings.push(`${where(rule)}: allow rule ${rule.text} never applies: the deny rule ${deny.text} (${where(deny)}) covers it`);
  }
  return warnings;
}
