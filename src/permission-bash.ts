// The permission decision for a Bash call. The command is parsed into every simple command it would
// run (chains, pipes, substitutions, wrappers, `bash -c` strings); a deny rule matching any of them
// denies the whole, one that could match once variables expand asks, and the call is allowed only when
// every part is allowed: by an allow rule, as a read-only command inside the working directories, by
// acceptEdits for file commands there, or by the mode. Redirection targets are writes and need
// permission to write, whatever the command.
import { analyzeBash, formText, type CommandUse, type PathUse } from "./bash-analysis.ts";
import { byRule, insideAny, pathRuleFor, pathRules, rulesOf, type Decision, type PermissionContext, type ToolCall } from "./permission-context.ts";
import { commandPatterns, ruleNamesTool, type PermissionRule, type RuleKind } from "./permission-rules.ts";
import { pathVariants, protectedReason } from "./path-rules.ts";
import { isExcluded } from "./sandbox.ts";
import { covers, literalText, overlaps, show, type Pattern } from "./pattern.ts";

interface Hit {
  rule: PermissionRule;
  /** True when it matches for sure; false when it only could, depending on run-time values. */
  certain: boolean;
  what: string;
}

function commandRules(ctx: PermissionContext, kind: RuleKind): PermissionRule[] {
  return rulesOf(ctx, kind).filter((r) => r.specifier !== undefined && ruleNamesTool(r, "Bash"));
}

/** The form with its program named by basename (`/usr/bin/rm` → `rm`), when the first word has a slash. */
function byBasename(form: Pattern[]): Pattern[] | undefined {
  const [first, ...rest] = form;
  if (!first) return undefined;
  let cut = -1;
  first.forEach((part, i) => {
    if (typeof part === "string" && part.includes("/")) cut = i;
  });
  if (cut < 0) return undefined;
  const part = first[cut] as string;
  const tail = part.slice(part.lastIndexOf("/") + 1);
  const name: Pattern = [...(tail === "" ? [] : [tail]), ...first.slice(cut + 1)];
  return name.length === 0 ? undefined : [name, ...rest];
}

function commandHit(use: CommandUse, rules: PermissionRule[]): Hit | undefined {
  let possible: Hit | undefined;
  const forms = use.denyForms.flatMap((form) => [form, byBasename(form)].filter((f): f is Pattern[] => f !== undefined));
  for (const form of forms) {
    const text = formText(form);
    for (const rule of rules) {
      for (const pattern of commandPatterns(rule.specifier ?? "")) {
        if (covers(pattern, text)) return { rule, certain: true, what: `the command "${show(text)}"` };
        if (!possible && overlaps(pattern, text)) possible = { rule, certain: false, what: `the command "${show(text)}"` };
      }
    }
  }
  return possible;
}

function pathHit(uses: PathUse[], ctx: PermissionContext, kind: "deny" | "ask", access: "read" | "write"): Hit | undefined {
  const first = pathRules(ctx, kind, access)[0];
  if (!first) return undefined;
  const verb = access === "read" ? "reading" : "writing";
  for (const use of uses) {
    const literal = literalText(use.path);
    if (literal === undefined) return { rule: first, certain: false, what: `${verb} "${show(use.path)}", a path only known when the command runs,` };
    const rule = pathRuleFor(ctx, kind, access, pathVariants(literal));
    if (rule) return { rule, certain: true, what: `${verb} ${literal}` };
  }
  return undefined;
}

/** The first deny (or ask) rule any part of the command runs into. */
function findHit(uses: CommandUse[], ctx: PermissionContext, kind: "deny" | "ask"): Hit | undefined {
  const commands = commandRules(ctx, kind);
  let possible: Hit | undefined;
  for (const use of uses) {
    const hits = [commandHit(use, commands), pathHit(use.reads, ctx, kind, "read"), pathHit(use.writes, ctx, kind, "write")];
    const certain = hits.find((h) => h?.certain);
    if (certain) return certain;
    possible ??= hits.find((h) => h !== undefined);
  }
  return possible;
}

/**
 * The folder a path is certainly inside. The analysis starts a path with a wildcard when a variable
 * could put it anywhere; wildcards after a literal `/...` prefix are names chosen inside a known folder
 * (globs), so everything up to the last `/` before the first wildcard is that folder.
 */
function knownFolder(path: Pattern): string | undefined {
  const literal = literalText(path);
  if (literal !== undefined) return literal;
  const first = path[0];
  if (typeof first !== "string" || !first.startsWith("/")) return undefined;
  const prefix = path.slice(0, path.findIndex((p) => typeof p !== "string")).join("");
  const cut = prefix.lastIndexOf("/");
  return cut <= 0 ? undefined : prefix.slice(0, cut);
}

function insideDirs(path: Pattern, dirs: readonly string[]): boolean {
  const folder = knownFolder(path);
  return folder !== undefined && insideAny(pathVariants(folder), dirs);
}

function writeAllowed(use: PathUse, ctx: PermissionContext): boolean {
  const literal = literalText(use.path);
  if (literal === undefined) return false;
  const variants = pathVariants(literal);
  if (pathRuleFor(ctx, "allow", "write", variants)) return true;
  if (ctx.mode !== "acceptEdits") return false;
  return insideAny(variants, ctx.workingDirs) && !variants.some((v) => protectedReason(v) !== undefined);
}

function readAllowed(use: PathUse, ctx: PermissionContext): boolean {
  if (insideDirs(use.path, [...ctx.workingDirs, ...ctx.readableDirs])) return true;
  const literal = literalText(use.path);
  if (literal === undefined) return false;
  return pathRuleFor(ctx, "allow", "read", pathVariants(literal)) !== undefined;
}

function allowingRule(use: CommandUse, ctx: PermissionContext): PermissionRule | undefined {
  const text = formText(use.allowForm);
  return commandRules(ctx, "allow").find((r) => commandPatterns(r.specifier ?? "").some((p) => covers(p, text)));
}

/** Why one simple command is not allowed, or undefined when it is. */
function refusal(use: CommandUse, ctx: PermissionContext): string | undefined {
  const text = show(formText(use.allowForm));
  const byAllowRule = allowingRule(use, ctx) !== undefined;
  const redirects = use.writes.filter((w) => w.via === "redirect");
  const badRedirect = redirects.find((w) => !writeAllowed(w, ctx));
  if (ctx.mode === "plan" && (!use.readOnly || use.writes.length > 0)) return `"${text}" can change things, which plan mode does not allow`;
  if (badRedirect) return `"${text}" writes to ${show(badRedirect.path)}, which needs permission to edit`;
  if (byAllowRule) return undefined;
  const badRead = use.reads.find((r) => !readAllowed(r, ctx));
  if (use.readOnly && !badRead) return undefined;
  if (use.readOnly && badRead) return `"${text}" reads ${show(badRead.path)}, outside the working directories`;
  if (ctx.mode === "acceptEdits" && use.fileEdit && !badRead && use.writes.every((w) => writeAllowed(w, ctx))) return undefined;
  return `"${text}" is not allowed by any rule and is not a read-only command`;
}

function suggestion(use: CommandUse): string | undefined {
  const words = use.allowForm.map((w) => literalText(w));
  if (words.some((w) => w === undefined) || words.length === 0) return undefined;
  return `Bash(${words.join(" ")})`;
}

export function decideBash(call: ToolCall, ctx: PermissionContext): Decision {
  const command = typeof call.input.command === "string" ? call.input.command : "";
  const analysis = analyzeBash(command, { cwd: call.shellCwd ?? ctx.cwd, home: ctx.home });
  const uses = analysis.commands;
  const denied = findHit(uses, ctx, "deny");
  if (denied?.certain) return byRule("deny", denied.rule, `Running ${denied.what}`);
  if (denied) {
    return { behavior: "ask", forced: true, rule: denied.rule, reason: `Running ${denied.what} needs approval: it could match the deny rule ${denied.rule.text}` };
  }
  const asked = findHit(uses, ctx, "ask");
  if (asked) return byRule("ask", asked.rule, `Running ${asked.what}`);
  const scopedRules = ctx.rules.some((r) => r.kind !== "allow" && r.specifier !== undefined && ruleNamesTool(r, "Bash"));
  if (!analysis.ok) {
    if (ctx.mode === "bypassPermissions" && !scopedRules) return { behavior: "allow", reason: "Allowed: bypassPermissions mode" };
    return { behavior: ctx.mode === "plan" ? "deny" : "ask", forced: true, reason: `hone could not analyse this command (${analysis.reason}), so it needs approval` };
  }
  if (ctx.mode === "bypassPermissions") return { behavior: "allow", reason: "Allowed: bypassPermissions mode" };
  const sandboxed = ctx.sandbox?.active === true && call.input.dangerouslyDisableSandbox !== true && !isExcluded(command, ctx.sandbox.excludedCommands ?? []);
  if (sandboxed && ctx.sandbox?.autoAllow && ctx.mode !== "plan") return { behavior: "allow", reason: "Allowed: runs inside the sandbox (autoAllowBashIfSandboxed)" };
  const refusals = uses.filter((u) => !u.transparent).map((u) => ({ use: u, why: refusal(u, ctx) })).filter((r) => r.why !== undefined);
  if (refusals.length === 0) {
    const rule = uses.map((u) => (u.transparent ? undefined : allowingRule(u, ctx))).find((r) => r !== undefined);
    if (rule) return byRule("allow", rule, uses.length === 1 ? `Running "${show(formText(uses[0]!.allowForm))}"` : "Every part of the command");
    return { behavior: "allow", reason: uses.length === 0 ? "Allowed: the command runs nothing" : "Allowed: every part of the command is read-only or allowed by the mode" };
  }
  const first = refusals[0]!;
  const suggestions = refusals.map((r) => suggestion(r.use)).filter((s): s is string => s !== undefined);
  return { behavior: ctx.mode === "plan" ? "deny" : "ask", reason: `Needs approval: ${first.why}`, ...(suggestions.length > 0 ? { suggestions } : {}) };
}
