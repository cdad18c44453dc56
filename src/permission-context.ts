// What every permission decision works from (mode, rules, working directories, sandbox) and the
// helpers shared by the per-tool deciders: rule lookup, path-rule matching and the Decision shape.
import type { PermissionMode } from "./permission-modes.ts";
import { ruleNamesTool, specifierKind, type PermissionRule, type RuleKind } from "./permission-rules.ts";
import { isInside, pathMatcher, pathVariants, type PathMatcher } from "./path-rules.ts";

export type Behavior = "allow" | "ask" | "deny";

export interface Decision {
  behavior: Behavior;
  /** One sentence: why, for the user and the model. */
  reason: string;
  /** The rule that decided, when one did. */
  rule?: PermissionRule;
  /** An ask that comes from an ask rule or a possible deny: a hook's allow cannot skip it. */
  forced?: boolean;
  /** Rules that would allow this call next time ("yes, and remember"). */
  suggestions?: string[];
}

export interface SandboxPolicy {
  /** Commands run inside the OS sandbox unless the call opts out. */
  active: boolean;
  /** Sandboxed commands run without asking (deny and ask rules still apply). */
  autoAllow: boolean;
  /** Programs that run outside the sandbox (sandbox.excludedCommands). */
  excludedCommands?: readonly string[];
}

export interface PermissionContext {
  mode: PermissionMode;
  rules: readonly PermissionRule[];
  /** Where relative paths of file tools resolve (the project directory). */
  cwd: string;
  home: string;
  /** The project directory and additional directories, symlinks resolved. */
  workingDirs: readonly string[];
  /** Folders hone itself points the model at (large outputs, session files): readable, not writable. */
  readableDirs: readonly string[];
  sandbox?: SandboxPolicy;
}

const matcherCache = new WeakMap<PermissionRule, PathMatcher>();

export function rulePathMatcher(rule: PermissionRule, ctx: Pick<PermissionContext, "cwd" | "home">): PathMatcher {
  let matcher = matcherCache.get(rule);
  if (!matcher) {
    matcher = pathMatcher(rule.specifier ?? "**", { cwd: ctx.cwd, home: ctx.home, anchor: rule.anchor, kind: rule.kind });
    matcherCache.set(rule, matcher);
  }
  return matcher;
}

export function rulesOf(ctx: PermissionContext, kind: RuleKind): PermissionRule[] {
  return ctx.rules.filter((r) => r.kind === kind);
}

/** A rule naming the whole tool (no specifier). */
export function wholeToolRule(ctx: PermissionContext, kind: RuleKind, tool: string): PermissionRule | undefined {
  return rulesOf(ctx, kind).find((r) => r.specifier === undefined && ruleNamesTool(r, tool));
}

export function where(rule: PermissionRule): string {
  return rule.source.line === undefined ? rule.source.file : `${rule.source.file}:${rule.source.line}`;
}

export function byRule(behavior: Behavior, rule: PermissionRule, what: string): Decision {
  const verb = behavior === "allow" ? "allowed" : behavior === "deny" ? "denied" : "needs approval";
  return { behavior, rule, reason: `${what} is ${verb} by the rule ${rule.text} (${where(rule)})`, ...(behavior === "ask" ? { forced: true } : {}) };
}

/** Path rules of one kind that apply to reading (Read rules) or writing (Edit rules, and Read denies). */
export function pathRules(ctx: PermissionContext, kind: RuleKind, access: "read" | "write"): PermissionRule[] {
  return rulesOf(ctx, kind).filter((r) => {
    if (r.specifier === undefined) return false;
    // Write(...), Glob(...) and the like are accepted for deny and ask, but only Read/Edit allow.
    if (kind === "allow" && r.tool !== "Read" && r.tool !== "Edit") return false;
    const spec = specifierKind(r.tool);
    if (access === "read") return spec === "read" || (kind === "allow" && spec === "edit");
    return spec === "edit" || (kind !== "allow" && spec === "read");
  });
}

/** The first path rule of this kind for the path: deny and ask match either spelling (link or target), allow must match both. */
export function pathRuleFor(ctx: PermissionContext, kind: RuleKind, access: "read" | "write", variants: string[]): PermissionRule | undefined {
  const matches = (rule: PermissionRule) => {
    const matcher = rulePathMatcher(rule, ctx);
    return kind === "allow" ? variants.every((v) => matcher.matches(v)) : variants.some((v) => matcher.matches(v));
  };
  return pathRules(ctx, kind, access).find(matches);
}

export function insideAny(variants: string[], dirs: readonly string[]): boolean {
  return variants.every((v) => dirs.some((d) => isInside(v, d)));
}

export interface ToolCall {
  tool: string;
  input: Record<string, unknown>;
  /** The tool declares it cannot change anything. */
  readOnly: boolean;
  /** Where a shell command starts (the Bash tool's carried-over directory). */
  shellCwd?: string;
}

/** Whether no Read deny rule covers the path (or its symlink target); for filtering search results. */
export function readableUnder(ctx: PermissionContext): ((absPath: string) => boolean) | undefined {
  if (pathRules(ctx, "deny", "read").length === 0) return undefined;
  return (absPath) => pathRuleFor(ctx, "deny", "read", pathVariants(absPath)) === undefined;
}
