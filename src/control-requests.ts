// The host's control requests in stream-json mode: initialize (hook callbacks, system prompt, output
// schema), interrupt, set_permission_mode, set_model, mcp_status and get_context_usage. Each returns
// the `control_response` to write; an unsupported subtype gets an error reply naming it.
import { errorReply, successReply, type ControlChannel } from "./control.ts";
import { contextFigures, type Conversation, type ConversationOptions } from "./conversation.ts";
import { DEFAULT_HOOK_TIMEOUT_SEC, isHookEvent, type HookCommand, type HookEvent } from "./hooks.ts";
import { MODELS } from "./models.ts";
import { agentModel } from "./provider-select.ts";
import { parsePermissionMode, PERMISSION_MODES } from "./permissions.ts";
import type { PreparedRun } from "./prepare-run.ts";
import type { TurnSlot } from "./stream-session.ts";
import type { InitInfo, Json } from "./stream-json.ts";
import { isPlain } from "./settings-parse.ts";

export interface ControlContext {
  prepared: PreparedRun;
  conversation: Conversation;
  /** Read at each turn, so initialize can set the structured output. */
  conversationOptions: ConversationOptions;
  slot: TurnSlot;
  channel: ControlChannel;
  allowBypass: boolean;
  initialModel: string;
  /** The init message's lists; initialize adds the host's agents to them. */
  inventory?: Pick<InitInfo, "slashCommands" | "agents">;
  warn: (text: string) => void;
}

/** `hooks: {Event: [{matcher, hookCallbackIds, timeout}]}` → hooks answered by `hook_callback` requests. */
export function callbackHooks(raw: unknown, channel: ControlChannel, warn: (text: string) => void): HookCommand[] {
  if (!isPlain(raw)) return [];
  const hooks: HookCommand[] = [];
  for (const [event, matchers] of Object.entries(raw)) {
    if (!isHookEvent(event)) {
      warn(`the SDK host registered ${event} hooks, an event hone does not fire; they will not run`);
      continue;
    }
    if (!Array.isArray(matchers)) continue;
    for (const entry of matchers) {
      if (!isPlain(entry) || !Array.isArray(entry.hookCallbackIds)) continue;
      const timeoutSec = typeof entry.timeout === "number" && entry.timeout > 0 ? entry.timeout : DEFAULT_HOOK_TIMEOUT_SEC;
      for (const id of entry.hookCallbackIds) {
        if (typeof id !== "string") continue;
        hooks.push(callbackHook(event, typeof entry.matcher === "string" ? entry.matcher : "", id, timeoutSec, channel));
      }
    }
  }
  return hooks;
}

function callbackHook(event: HookEvent, matcher: string, id: string, timeoutSec: number, channel: ControlChannel): HookCommand {
  return {
    event,
    matcher,
    command: `callback:${id}`,
    timeoutSec,
    source: { file: "the SDK host", scope: "sdk" },
    callback: (input, signal) =>
      channel.request({ subtype: "hook_callback", callback_id: id, input, ...(typeof input.tool_use_id === "string" ? { tool_use_id: input.tool_use_id } : {}) }, signal),
  };
}

async function initialize(request: Json, ctx: ControlContext): Promise<Json> {
  const { setup, hooks } = ctx.prepared;
  const callbacks = callbackHooks(request.hooks, ctx.channel, ctx.warn);
  if (callbacks.length > 0) {
    if (!hooks?.register) throw new Error("hooks are disabled in this run, so the host's hook callbacks cannot be registered");
    hooks.register(callbacks);
  }
  const replace = Array.isArray(request.systemPrompt) ? request.systemPrompt.filter((s): s is string => typeof s === "string").join("\n\n") : typeof request.systemPrompt === "string" ? request.systemPrompt : undefined;
  const append = typeof request.appendSystemPrompt === "string" ? [request.appendSystemPrompt] : [];
  if (replace !== undefined || append.length > 0) setup.setSystemPrompt({ ...(replace !== undefined ? { replace } : {}), append });
  if (isPlain(request.agents) && ctx.inventory) {
    // Listed like --agents definitions; running them is the Agent tool's job.
    ctx.inventory.agents = [...new Set([...(ctx.inventory.agents ?? []), ...Object.keys(request.agents)])];
  }
  if (isPlain(request.jsonSchema)) {
    const { createStructuredOutput, MAX_STRUCTURED_OUTPUT_RETRIES } = await import("./structured-output.ts");
    const output = createStructuredOutput(request.jsonSchema);
    setup.agent.tools = [...setup.agent.tools.filter((t) => t.name !== output.tool.name), output.tool];
    ctx.conversationOptions.structured = { value: output.value, reminder: output.reminder, maxRetries: MAX_STRUCTURED_OUTPUT_RETRIES };
  }
  return {
    commands: (ctx.inventory?.slashCommands ?? []).map((name) => ({ name, description: "", argumentHint: "" })),
    output_style: "default",
    available_output_styles: ["default"],
    models: MODELS.map((m) => ({ value: m.id, displayName: m.id, description: "" })),
    account: {},
    pid: process.pid,
  };
}

function setPermissionMode(request: Json, ctx: ControlContext): Json {
  const mode = typeof request.mode === "string" ? parsePermissionMode(request.mode) : undefined;
  if (!mode) throw new Error(`set_permission_mode needs a mode (${PERMISSION_MODES.join(", ")}), got ${JSON.stringify(request.mode)}`);
  const { setup, session } = ctx.prepared;
  if (mode === "bypassPermissions" && setup.permissions.mode !== "bypassPermissions" && !ctx.allowBypass) {
    throw new Error("bypassPermissions can only be chosen in a run started with --allow-dangerously-skip-permissions or --dangerously-skip-permissions");
  }
  setup.permissions.mode = mode;
  session.recordPermissionMode(mode);
  return { mode };
}

function setModel(request: Json, ctx: ControlContext): Json {
  const agent = ctx.prepared.setup.agent;
  const wanted = request.model;
  if (wanted !== undefined && wanted !== null && typeof wanted !== "string") throw new Error("set_model: model must be a string or null");
  agent.model = wanted === undefined || wanted === null || wanted === "default" ? ctx.initialModel : agentModel(agent, wanted, process.env);
  return { model: agent.model };
}


export async function handleControlRequest(id: string, request: unknown, ctx: ControlContext): Promise<Json> {
  if (!isPlain(request) || typeof request.subtype !== "string") return errorReply(id, "a control_request needs request.subtype");
  try {
    switch (request.subtype) {
      case "initialize":
        return successReply(id, await initialize(request, ctx));
      case "interrupt":
        ctx.slot.current?.abort();
        return successReply(id);
      case "set_permission_mode":
        return successReply(id, setPermissionMode(request, ctx));
      case "set_model":
        return successReply(id, setModel(request, ctx));
      case "mcp_status":
        return successReply(id, { mcpServers: (ctx.prepared.extensions.mcp?.status() ?? []).map((s) => ({ name: s.name, status: s.state, ...(s.error ? { error: s.error } : {}) })) });
      case "get_context_usage":
        return successReply(id, await contextFigures(ctx.prepared.setup, ctx.conversation.history));
      default:
        return errorReply(id, `hone does not support the control request "${request.subtype}"`);
    }
  } catch (error) {
    return errorReply(id, error instanceof Error ? error.message : String(error));
  }
}
