// The permission decision for one tool call: deny rules first, then ask rules, then allow rules, then
// the mode. Pure apart from resolving symlinks; every Decision says why in words and names the rule
// (with its file and line) that made it, which `hone permissions check` prints as is.
import { decideBash } from "./permission-bash.ts";
import { byRule, insideAny, pathRuleFor, rulesOf, wholeToolRule, type Decision, type PermissionContext, type ToolCall } from "./permission-context.ts";
import { commandPatterns, EDIT_TOOLS, READ_TOOLS, ruleNamesTool, specifierKind, type PermissionRule } from "./permission-rules.ts";
import { pathVariants, protectedReason } from "./path-rules.ts";
import { resolveToolPath } from "./paths.ts";
import { covers, fromGlob, type Pattern } from "./pattern.ts";

/** Tools that change nothing outside hone's own state. */
const HARMLESS = new Set(["TodoWrite", "BashOutput", "KillShell", "TaskOutput", "TaskStop", "SendMessage", "CronCreate", "CronDelete"]);

function hasAnswers(input: Record<string, unknown>): boolean {
  const answers = input.answers;
  return typeof answers === "object" && answers !== null && !Array.isArray(answers) && Object.keys(answers).length > 0;
}

/** The path a file tool call touches, when it has one. */
export function callPath(tool: string, input: Record<string, unknown>): string | undefined {
  for (const key of ["file_path", "notebook_path", "path"]) {
    const value = input[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return READ_TOOLS.has(tool) ? "." : undefined;
}

function decidePath(tool: string, input: Record<string, unknown>, ctx: PermissionContext): Decision {
  const raw = callPath(tool, input) ?? ".";
  // Resolved exactly as the file tools resolve it, so the check is about the file they will touch.
  const path = resolveToolPath(raw, ctx.cwd).absolute;
  const variants = pathVariants(path);
  const access = EDIT_TOOLS.has(tool) ? "write" : "read";
  const what = `${access === "write" ? "Writing" : "Reading"} ${path}`;
  for (const kind of ["deny", "ask"] as const) {
    const rule = pathRuleFor(ctx, kind, access, variants);
    if (rule) return byRule(kind, rule, what);
  }
  if (access === "write" && ctx.mode === "plan") return { behavior: "deny", reason: `${what} is not allowed in plan mode: only read-only tools run while planning` };
  const allow = pathRuleFor(ctx, "allow", access, variants);
  if (allow) return byRule("allow", allow, what);
  if (ctx.mode === "bypassPermissions") return { behavior: "allow", reason: `${what} is allowed: bypassPermissions mode` };
  const inside = insideAny(variants, ctx.workingDirs);
  const suggestion = `${access === "write" ? "Edit" : "Read"}(/${path})`;
  if (access === "read") {
    if (insideAny(variants, [...ctx.workingDirs, ...ctx.readableDirs])) return { behavior: "allow", reason: `${what} is allowed: inside the working directories` };
    return { behavior: "ask", reason: `${what} needs approval: it is outside the working directories (${ctx.workingDirs.join(", ")})`, suggestions: [suggestion] };
  }
  const guarded = variants.map(protectedReason).find((r) => r !== undefined);
  if (ctx.mode === "acceptEdits" && inside && !guarded) return { behavior: "allow", reason: `${what} is allowed: acceptEdits mode, inside the working directories` };
  const why = guarded ? `it is protected (${guarded})` : !inside ? "it is outside the working directories" : "edits need approval in this mode";
  return { behavior: "ask", reason: `${what} needs approval: ${why}`, suggestions: [suggestion] };
}

/** What a name rule (Skill, Agent) or domain rule (WebFetch) is matched against: the name, and name plus arguments. */
function specifierSubject(tool: string, input: Record<string, unknown>): { display: string; name: string; full: string } | undefined {
  const kind = specifierKind(tool);
  if (kind === "domain") {
    try {
      const host = new URL(String(input.url)).hostname.toLowerCase();
      return { display: `domain:${host}`, name: host, full: host };
    } catch {
      return undefined;
    }
  }
  if (kind !== "name") return undefined;
  const name = input.skill ?? input.subagent_type ?? input.name;
  if (typeof name !== "string") return undefined;
  const full = typeof input.args === "string" && input.args !== "" ? `${name} ${input.args}` : name;
  return { display: name, name, full };
}

function specifierMatches(rule: PermissionRule, subject: { name: string; full: string }): boolean {
  const spec = rule.specifier ?? "";
  if (specifierKind(rule.tool) === "domain") {
    const want = spec.replace(/^domain:/, "").toLowerCase();
    if (want === "*") return true;
    if (want.startsWith("*.")) return subject.name.endsWith(want.slice(1));
    return subject.name === want;
  }
  return covers(fromGlob(spec), [subject.name]) || commandPatterns(spec).some((p: Pattern) => covers(p, [subject.full]));
}

function decideOther(tool: string, input: Record<string, unknown>, readOnly: boolean, ctx: PermissionContext): Decision {
  const subject = specifierSubject(tool, input);
  const what = subject === undefined ? tool : `${tool}(${subject.display})`;
  if (subject !== undefined) {
    for (const kind of ["deny", "ask", "allow"] as const) {
      const rule = rulesOf(ctx, kind).find((r) => r.specifier !== undefined && ruleNamesTool(r, tool) && specifierMatches(r, subject));
      if (rule) return byRule(kind, rule, what);
    }
  }
  if (readOnly || HARMLESS.has(tool)) return { behavior: "allow", reason: `${tool} is allowed: it changes nothing` };
  if (ctx.mode === "bypassPermissions") return { behavior: "allow", reason: `${what} is allowed: bypassPermissions mode` };
  if (ctx.mode === "plan") return { behavior: "deny", reason: `${tool} is not available in plan mode: only read-only tools run while planning` };
  return { behavior: "ask", reason: `${what} needs approval`, suggestions: [subject === undefined ? tool : `${tool}(${subject.display})`] };
}

/** The decision before the mode's asks are resolved (dontAsk turns remaining asks into denials). */
export function decide(call: ToolCall, ctx: PermissionContext): Decision {
  const { tool } = call;
  const denied = wholeToolRule(ctx, "deny", tool);
  if (denied) return byRule("deny", denied, tool);
  // Nobody may be asked in dontAsk, unless a hook or the host already filled in the answers.
  if (tool === "AskUserQuestion" && ctx.mode === "dontAsk" && !hasAnswers(call.input)) {
    return { behavior: "deny", reason: "AskUserQuestion is not available in dontAsk mode: this run must not stop to ask the user, so decide yourself and state your assumptions" };
  }
  if (tool === "ExitPlanMode") {
    if (ctx.mode !== "plan") return { behavior: "deny", reason: "ExitPlanMode is only for leaving plan mode, and this session is not in plan mode" };
    return { behavior: "ask", forced: true, reason: "Leaving plan mode needs the user's approval of the plan" };
  }
  let decision: Decision;
  if (tool === "Bash") decision = decideBash(call, ctx);
  else if (READ_TOOLS.has(tool) || EDIT_TOOLS.has(tool)) decision = decidePath(tool, call.input, ctx);
  else decision = decideOther(tool, call.input, call.readOnly, ctx);
  if (decision.behavior === "deny") return decision;
  const asked = wholeToolRule(ctx, "ask", tool);
  if (asked && !(decision.behavior === "ask" && decision.forced)) return byRule("ask", asked, tool);
  if (decision.behavior === "ask" && !decision.forced) {
    const allowed = wholeToolRule(ctx, "allow", tool);
    if (allowed) return byRule("allow", allowed, tool);
  }
  if (decision.behavior === "ask" && ctx.mode === "dontAsk") {
    return { ...decision, behavior: "deny", reason: `${decision.reason}; dontAsk mode denies anything not allowed beforehand` };
  }
  return decision;
}
