// Permission asks answered by the program driving hone instead of a person: the SDK host over the
// control channel (`--permission-prompt-tool stdio`: a `can_use_tool` request per ask), or an MCP tool
// (`--permission-prompt-tool mcp__server__tool`). Both answer with Claude Code's reply shape:
// {behavior: "allow", updatedInput?, updatedPermissions?} or {behavior: "deny", message, interrupt?}.
import type { Decision, PermissionContext } from "./permission-context.ts";
import { makeRule, parseRuleText, type RuleKind } from "./permission-rules.ts";
import { parsePermissionMode, type AskAnswer, type Asker } from "./permissions.ts";
import type { SessionState } from "./session-state.ts";
import type { Json } from "./stream-json.ts";
import { textOf, type Tool } from "./tool.ts";
import { isPlain } from "./settings-parse.ts";

export interface HostAskOptions {
  permissions: () => PermissionContext;
  /** The running turn's signal: an interrupt withdraws the ask. */
  signal: () => AbortSignal | undefined;
  /** A deny with `interrupt: true` stops the turn. */
  interrupt: () => void;
}

/** Claude Code's PermissionUpdate for "allow this from now on in this session". */
export function permissionSuggestions(decision: Decision): Json[] {
  const rules = (decision.suggestions ?? []).flatMap((text) => {
    const parsed = parseRuleText(text);
    return parsed ? [{ toolName: parsed.tool, ...(parsed.specifier === undefined ? {} : { ruleContent: parsed.specifier }) }] : [];
  });
  return rules.length > 0 ? [{ type: "addRules", rules, behavior: "allow", destination: "session" }] : [];
}

/** Applies the host's `updatedPermissions` (addRules, setMode) to this run; nothing is written to files. */
export function applyPermissionUpdates(updates: unknown, context: PermissionContext): void {
  if (!Array.isArray(updates)) return;
  for (const update of updates) {
    if (!isPlain(update)) continue;
    if (update.type === "setMode" && typeof update.mode === "string") {
      const mode = parsePermissionMode(update.mode);
      if (mode && mode !== "bypassPermissions") context.mode = mode;
      continue;
    }
    if (update.type !== "addRules" || !Array.isArray(update.rules)) continue;
    const kind: RuleKind = update.behavior === "deny" ? "deny" : update.behavior === "ask" ? "ask" : "allow";
    for (const rule of update.rules) {
      if (!isPlain(rule) || typeof rule.toolName !== "string") continue;
      const text = typeof rule.ruleContent === "string" && rule.ruleContent !== "" ? `${rule.toolName}(${rule.ruleContent})` : rule.toolName;
      const made = makeRule(text, kind, { file: "the SDK host", scope: "session" }, context.cwd);
      if (made) context.rules = [...context.rules, made];
    }
  }
}

/** Reads a reply payload into the answer the authorizer expects. */
export function answerFrom(reply: unknown, who: string, options: HostAskOptions): AskAnswer {
  if (!isPlain(reply)) return { allow: false, message: `${who} gave no answer` };
  if (reply.behavior === "allow") {
    applyPermissionUpdates(reply.updatedPermissions, options.permissions());
    return { allow: true, ...(isPlain(reply.updatedInput) ? { input: reply.updatedInput } : {}) };
  }
  if (reply.behavior === "deny") {
    if (reply.interrupt === true) options.interrupt();
    return { allow: false, message: typeof reply.message === "string" && reply.message !== "" ? reply.message : `Denied by ${who}` };
  }
  return { allow: false, message: `${who} answered with an unknown behavior ${JSON.stringify(reply.behavior)}; the call was denied` };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `--permission-prompt-tool stdio`: every ask becomes a `can_use_tool` control request. */
export function stdioAsker(request: (body: Json, signal?: AbortSignal) => Promise<Json>, options: HostAskOptions): Asker {
  return async ({ tool, input, toolUseId, decision }) => {
    try {
      const reply = await request(
        {
          subtype: "can_use_tool",
          tool_name: tool,
          input,
          tool_use_id: toolUseId,
          permission_suggestions: permissionSuggestions(decision),
          decision_reason: decision.reason,
        },
        options.signal(),
      );
      return answerFrom(reply, "the SDK host", options);
    } catch (error) {
      return { allow: false, message: `Permission to use ${tool} was not granted: ${errorText(error)}` };
    }
  };
}

/** `--permission-prompt-tool mcp__server__tool`: the MCP tool gets {tool_name, input, tool_use_id} and answers in JSON text. */
export function mcpToolAsker(find: () => { tool: Tool | undefined; session: SessionState; projectDir: string }, name: string, options: HostAskOptions): Asker {
  return async ({ tool, input, toolUseId }) => {
    const { tool: prompter, session, projectDir } = find();
    if (!prompter) return { allow: false, message: `The permission prompt tool ${name} is not available (is its MCP server connected?)` };
    const signal = options.signal() ?? new AbortController().signal;
    try {
      const result = await prompter.run({ tool_name: tool, input, tool_use_id: toolUseId }, { projectDir, session, signal, toolUseId: `${toolUseId}-permission` });
      const text = textOf(result.content).trim();
      if (result.isError) return { allow: false, message: `The permission prompt tool ${name} failed: ${text}` };
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        return { allow: false, message: `The permission prompt tool ${name} did not answer with JSON ({"behavior": "allow" | "deny", ...}): ${text.slice(0, 200)}` };
      }
      return answerFrom(reply, `the permission prompt tool ${name}`, options);
    } catch (error) {
      return { allow: false, message: `The permission prompt tool ${name} failed: ${errorText(error)}` };
    }
  };
}
