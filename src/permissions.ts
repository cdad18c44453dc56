// Turns the rules of every source (settings files, --allowedTools/--disallowedTools, the mode) into the
// PermissionContext the engine decides with, and wraps the engine into the loop's Authorize function:
// PreToolUse hooks first, then the decision, then the ask, which a run without a prompt channel turns
// into a denial that says what was refused and how to allow it.
import { decide } from "./permission-engine.ts";
import type { Decision, PermissionContext, SandboxPolicy } from "./permission-context.ts";
import { lintRules } from "./permission-lint.ts";
import type { PermissionMode } from "./permission-modes.ts";
import { makeRule, ruleNamesTool, rulesFromFlag, type PermissionRule, type RuleKind, type RuleSource } from "./permission-rules.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import { realPathOr } from "./paths.ts";
import { hookToolInput } from "./tool-hooks.ts";
import type { Authorize, Verdict } from "./tool-runner.ts";

export { isPermissionMode, parsePermissionMode, PERMISSION_MODES, type PermissionMode } from "./permission-modes.ts";
export { RuleError } from "./permission-rules.ts";

export interface SettingsRuleInput {
  rule: string;
  kind: RuleKind;
  source: RuleSource & { anchor: string };
}

export interface PermissionInputs {
  mode: PermissionMode;
  cwd: string;
  home: string;
  settingsRules: SettingsRuleInput[];
  allowedTools: string[];
  disallowedTools: string[];
  /** --add-dir and permissions.additionalDirectories, absolute. */
  directories: string[];
  readableDirs: string[];
  knownTools: ReadonlySet<string>;
  sandbox?: SandboxPolicy;
}

export interface PermissionSetup {
  context: PermissionContext;
  /** Tools a bare-name deny rule removes from the model's list. */
  removedTools: Set<string>;
  warnings: string[];
}

export function buildPermissions(inputs: PermissionInputs): PermissionSetup {
  const warnings: string[] = [];
  const fromSettings: PermissionRule[] = [];
  const texts: { text: string; where: string }[] = [];
  for (const { rule, kind, source } of inputs.settingsRules) {
    const at = source.line === undefined ? source.file : `${source.file}:${source.line}`;
    const made = makeRule(rule, kind, { file: source.file, scope: source.scope, ...(source.line === undefined ? {} : { line: source.line }) }, source.anchor);
    if (made) fromSettings.push(made);
    else texts.push({ text: rule, where: at });
  }
  const rules = [
    ...fromSettings,
    ...rulesFromFlag(inputs.allowedTools, "allow", "--allowedTools", inputs.cwd, inputs.knownTools),
    ...rulesFromFlag(inputs.disallowedTools, "deny", "--disallowedTools", inputs.cwd, inputs.knownTools),
  ];
  warnings.push(...lintRules(texts, rules, inputs.knownTools));
  const removedTools = new Set<string>();
  for (const rule of rules) {
    if (rule.kind !== "deny" || rule.specifier !== undefined) continue;
    // `mcp__*`, `mcp__server` and `*` remove every tool they name.
    for (const name of inputs.knownTools) if (ruleNamesTool(rule, name)) removedTools.add(name);
  }
  const workingDirs = [...new Set([inputs.cwd, ...inputs.directories].map(realPathOr))];
  const context: PermissionContext = {
    mode: inputs.mode,
    rules,
    cwd: inputs.cwd,
    home: inputs.home,
    workingDirs,
    readableDirs: inputs.readableDirs.map(realPathOr),
    ...(inputs.sandbox ? { sandbox: inputs.sandbox } : {}),
  };
  return { context, removedTools, warnings };
}

export type AskAnswer = { allow: true; input?: unknown } | { allow: false; message: string };
/** Shows an ask to someone who can answer (the terminal UI, an SDK host); absent in plain -p runs. */
export type Asker = (request: { tool: string; input: unknown; toolUseId: string; decision: Decision }) => Promise<AskAnswer>;

export interface AuthorizerOptions {
  context: () => PermissionContext;
  shellCwd: () => string;
  hooks?: HookDispatcher;
  ask?: Asker;
  /** Messages for the user (hook notices, system messages). */
  notify?: (text: string) => void;
  /** A hook asked to stop the whole run (continue: false). */
  stop?: (reason: string | undefined) => void;
}

function headlessDenial(tool: string, decision: Decision, mode: PermissionMode): string {
  if (tool === "ExitPlanMode" && mode === "plan") {
    return "The plan was not approved: this run cannot ask the user, so it stays in plan mode. Give the plan as your final answer; the user can run it with another permission mode.";
  }
  if (mode === "dontAsk" || decision.behavior === "deny") return `Permission to use ${tool} was denied. ${decision.reason}.`;
  const narrow = decision.suggestions?.[0];
  const ways = [`--allowedTools ${tool}`, ...(narrow && narrow !== tool ? [`a narrower rule such as --allowedTools "${narrow}"`] : [])];
  return (
    `Permission to use ${tool} was not granted. ${decision.reason}. This run cannot ask for approval, so it was denied. ` +
    `To allow it: ${ways.join(", or ")}, a permissions.allow rule in settings, or --permission-mode acceptEdits/bypassPermissions.`
  );
}

export function createAuthorizer(options: AuthorizerOptions): Authorize {
  return async ({ tool, input, toolUseId, signal }): Promise<Verdict> => {
    let effective = input;
    let hookDecision: "allow" | "deny" | "ask" | undefined;
    let hookReason: string | undefined;
    if (options.hooks?.has("PreToolUse")) {
      const outcome = await options.hooks.fire("PreToolUse", { tool_name: tool.name, tool_input: hookToolInput(input, options.context().cwd), tool_use_id: toolUseId }, tool.name, signal);
      for (const notice of outcome.notices) options.notify?.(notice);
      if (outcome.stop) options.stop?.(outcome.stop.reason);
      if (outcome.block) return { allow: false, message: `Blocked by a PreToolUse hook: ${outcome.block.reason}` };
      if (outcome.permission) {
        hookDecision = outcome.permission.decision;
        hookReason = outcome.permission.reason;
        if (outcome.permission.updatedInput) effective = outcome.permission.updatedInput;
      }
    }
    const context = options.context();
    const record = (effective ?? {}) as Record<string, unknown>;
    const decision = decide({ tool: tool.name, input: record, readOnly: tool.readOnly, shellCwd: options.shellCwd() }, context);
    const changed = effective === input ? {} : { input: effective };
    if (hookDecision === "deny") return { allow: false, message: `Denied by a PreToolUse hook${hookReason ? `: ${hookReason}` : ""}` };
    if (decision.behavior === "deny") return { allow: false, message: headlessDenial(tool.name, decision, context.mode) };
    const mustAsk = hookDecision === "ask" || (decision.behavior === "ask" && (decision.forced || hookDecision !== "allow"));
    if (!mustAsk) return { allow: true, ...changed };
    if (options.hooks?.has("Notification")) {
      void options.hooks.fire("Notification", { message: `hone needs your permission to use ${tool.name}`, notification_type: "permission_prompt" }, "permission_prompt");
    }
    if (!options.ask || context.mode === "dontAsk") return { allow: false, message: headlessDenial(tool.name, decision, context.mode) };
    const answer = await options.ask({ tool: tool.name, input: effective, toolUseId, decision });
    if (!answer.allow) return answer;
    return { allow: true, ...(answer.input !== undefined ? { input: answer.input } : changed) };
  };
}
