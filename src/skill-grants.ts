// A skill's or command's `allowed-tools` pre-approve those tools while it runs (Claude Code's current
// meaning: no prompt for them, other tools unchanged). The grant is a set of session allow rules added
// to the permission context and removed at the next user message. Deny and ask rules still win, and
// the mode still applies (plan mode stays read-only).
import type { PermissionContext } from "./permission-context.ts";
import { makeRule, splitRuleList, type PermissionRule } from "./permission-rules.ts";

const GRANT_PREFIX = "allowed-tools of ";

function isGrant(rule: PermissionRule): boolean {
  return rule.source.scope === "session" && rule.source.file.startsWith(GRANT_PREFIX);
}

/** Adds the skill's allowed-tools as allow rules; returns the texts that are not rules (for a warning). */
export function grantSkillTools(context: PermissionContext, skill: { name: string; path: string }, allowedTools: string[]): string[] {
  const source = { file: `${GRANT_PREFIX}/${skill.name}${skill.path ? ` (${skill.path})` : ""}`, scope: "session" as const };
  const rules: PermissionRule[] = [];
  const invalid: string[] = [];
  for (const text of splitRuleList(allowedTools)) {
    const rule = makeRule(text, "allow", source, context.cwd);
    if (rule) rules.push(rule);
    else invalid.push(text);
  }
  if (rules.length > 0) context.rules = [...context.rules, ...rules];
  return invalid;
}

/** Drops every skill grant: called when a new user message starts a turn. */
export function clearSkillGrants(context: PermissionContext): void {
  if (context.rules.some(isGrant)) context.rules = context.rules.filter((r) => !isGrant(r));
}
