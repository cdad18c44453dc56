// Turns parsed flags and the environment into everything a run needs: the provider, model, tools,
// permissions, system prompt and limits. Pure apart from reading the environment and the cwd.
import { UNDERCOVER_OFF, undercoverPromptSection, type UndercoverConfig } from "./undercover-config.ts";
import { withUndercover } from "./undercover-authorize.ts";
import { dirname, join, resolve } from "node:path";
import { cachingEnabled, createAnthropicProvider, credentialsFromEnv, parseCustomHeaders, type Credentials } from "./anthropic.ts";
import type { AgentConfig } from "./agent.ts";
import { UsageError, type RunOptions } from "./cli.ts";
import { chooseModel, modelInfo, resolveModel } from "./models.ts";
import { createOpenAIProvider } from "./openai.ts";
import { chooseProvider, missingCredentials, modelLimits, resolveModelFor, type LimitOverride, type ProviderChoice } from "./provider-select.ts";
import { sideRequest } from "./side-request.ts";
import type { Provider } from "./provider.ts";
import { findUp, isDirectory, realPathOr } from "./paths.ts";
import { decide } from "./permission-engine.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import type { PermissionContext, SandboxPolicy } from "./permission-context.ts";
import { buildPermissions, createAuthorizer, parsePermissionMode, type Asker, type PermissionMode, type SettingsRuleInput } from "./permissions.ts";
import type { RunControl } from "./tool-hooks.ts";
import type { ThinkingConfig } from "./provider.ts";
import { retryPolicy } from "./retry.ts";
import { createSessionState, scratchRoot } from "./session-state.ts";
import { buildSystemPrompt, type PromptStyle } from "./system-prompt.ts";
import type { Tool } from "./tool.ts";
import { builtinTools, cronTools, orchestrationTools, planningTools } from "./tools/index.ts";
import { askUserThroughHost } from "./sdk-questions.ts";
import { agentTypes } from "./agent-types.ts";
import { createAgentLauncher } from "./agent-launcher.ts";
import { noticeText } from "./tasks.ts";
import { coordinatorRequested, coordinatorSetup, managedPolicy, MANAGER_PROMPT, type ManagedAgents } from "./orchestration-modes.ts";
import type { AgentDef } from "./extension-types.ts";
import type { SessionMemory } from "./memory-session.ts";
import { VERSION } from "./version.ts";
import { envNumber, homeDir } from "./config-dir.ts";
import { createContextMeter, type CompactionSetup } from "./agent-compact.ts";
import { compactPolicy, type CompactSettings } from "./compact-policy.ts";
import type { SessionState } from "./session-state.ts";
import type { StructuredOutput } from "./structured-output.ts";
import type { StructuredOutputState } from "./conversation.ts";

type Env = Record<string, string | undefined>;

export interface RunSetup {
  agent: AgentConfig;
  credentials: Credentials;
  /** The provider, model and endpoint this run talks to. */
  provider: ProviderChoice;
  /** Why no request can be made yet (no key for a provider that needs one); undefined when one can. */
  missingKey?: string;
  permissions: PermissionContext;
  cwd: string;
  /** Settings rules that could only be applied approximately. */
  warnings: string[];
  /** Named parts of the system prompt, for /context. */
  promptParts: Array<{ label: string; text: string }>;
  /** --json-schema: the StructuredOutput tool's state, for the turn runner. */
  structured?: StructuredOutputState;
  /** Where the session's note goes when it ends, and whether a dream may follow (memory-session.ts). */
  memory?: SessionMemory;
  /** "coordinator": the main agent only orchestrates (recorded, so a resume restores it). */
  mode?: "coordinator";
  /** Rebuilds the system prompt with another replacement or appended text (an SDK host's initialize). */
  setSystemPrompt(change: { replace?: string; append?: string[]; style?: PromptStyle | null }): void;
}

export function resolveCwd(option: string | undefined): string {
  const cwd = resolve(option ?? process.cwd());
  if (!isDirectory(cwd)) throw new UsageError(`--cwd: ${cwd} is not a directory`);
  return cwd;
}

/** Thinking for a model: a token budget, or --thinking (adaptive/enabled without a budget, disabled). */
export function thinkingFor(model: string, budget: number | undefined, mode?: RunOptions["thinking"]): ThinkingConfig {
  const kind = modelInfo(model).thinking;
  if (mode === "disabled" || kind === "none") return undefined;
  if (!budget && mode !== undefined) return kind === "adaptive" ? { type: "adaptive" } : { type: "enabled", budget_tokens: DEFAULT_THINKING_BUDGET };
  if (!budget) return undefined;
  if (kind === "adaptive") return { type: "adaptive" };
  return { type: "enabled", budget_tokens: Math.max(1024, budget) };
}

const DEFAULT_THINKING_BUDGET = 16_000;

export function selectTools(all: Tool[], removed: ReadonlySet<string>): Tool[] {
  return all.filter((tool) => !removed.has(tool.name));
}

/** --tools: only the named built-in tools; a name hone does not have is an error. */
export function offeredBuiltins(builtins: Tool[], names: string[] | undefined): Tool[] {
  if (names === undefined) return builtins;
  const known = new Set(builtins.map((t) => t.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new UsageError(`--tools: no built-in tool named ${unknown.join(", ")} (built-in tools: ${[...known].join(", ")})`);
  return builtins.filter((t) => names.includes(t.name));
}

/** What a resumed session brings back; flags given on this run still win. */
export interface Restored {
  model?: string;
  permissionMode?: string;
  /** "coordinator": the session ran in coordinator mode. */
  mode?: string;
}

/** A resumed session keeps its mode, except plan and bypassPermissions, which must be asked for again. */
export function restoredMode(restored: Restored | undefined): PermissionMode | undefined {
  const mode = restored?.permissionMode === undefined ? undefined : parsePermissionMode(restored.permissionMode);
  return mode === "bypassPermissions" || mode === "plan" ? undefined : mode;
}

export interface SessionPlace {
  id: string;
  /** The session's folder; large tool outputs go to <folder>/tool-results. */
  folder: string;
  /** The JSONL file, named in the summary message so the model can look something up after compaction. */
  transcriptPath?: string;
}

/** What the settings files contribute to a run (already merged across layers). */
export interface RunSettings {
  model?: string;
  maxTokens?: number;
  defaultMode?: string;
  bypassDisabled?: boolean;
  rules: SettingsRuleInput[];
  /** permissions.additionalDirectories, absolute. */
  directories?: string[];
  instructions?: string;
  compact?: CompactSettings;
  /** The output style's part of the system prompt; undefined for Default. */
  outputStyle?: PromptStyle;
  /** managedAgents: a manager model and budgeted executors. */
  managed?: ManagedAgents;
  undercover?: UndercoverConfig;
  /** The `provider` setting. */
  provider?: string;
  /** `modelLimits`: a window and output cap per model id, over the model table's. */
  modelLimits?: Record<string, LimitOverride>;
}

export interface RunInputs {
  /** The working directory, already resolved and checked (resolveCwd). */
  cwd: string;
  /** --record / --replay: the fetch every model request goes through. */
  modelFetch?: typeof fetch;
  /** WebSearch's backend when the provider has no search of its own (HONE_SEARCH_URL, webSearch.url). */
  searchBackend?: SessionState["webSearch"];
  /** The environment with the settings `env` block applied. */
  env: Env;
  place: SessionPlace;
  restored?: Restored;
  settings?: RunSettings;
  hooks?: HookDispatcher;
  sandbox?: SandboxPolicy;
  /** Folders hone points the model at (session files): readable without asking. */
  readableDirs?: string[];
  /** Asks the user or the SDK host; absent in plain -p runs, where an ask is a denial. */
  ask?: Asker;
  notify?: (text: string) => void;
  /** --json-schema: the StructuredOutput tool (built by the caller, so plain runs do not load it). */
  structuredOutput?: StructuredOutput & { maxRetries: number };
  /** Tools from the user's extensions (Skill, MCP tools, ToolSearch, MCP resource tools). */
  extraTools?: Tool[];
  /** The memory's index for the system prompt (memory-dir.ts loadMemoryIndex); empty or absent: none. */
  memoryIndex?: string;
  /** hone keeps running after a turn (the REPL, stream-json): scheduled prompts can fire. */
  longLived?: boolean;
  /** Agent files (.claude/agents, plugins, --agents): sub-agent types besides the built-in ones. */
  agentDefs?: readonly AgentDef[];
  /**
   * System prompt sections from extensions (skill listing, MCP instructions), sized to the model's
   * window; `usable` says whether the model may invoke a skill (Skill tool offered, not denied).
   */
  promptSections?: (contextWindow: number, usable: (skill: string) => boolean) => string[];
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** --permission-mode (or --dangerously-skip-permissions) > resumed session > settings defaultMode > default. */
export function chooseMode(options: RunOptions, inputs: RunInputs): PermissionMode {
  const fromSettings = inputs.settings?.defaultMode === undefined ? undefined : parsePermissionMode(inputs.settings.defaultMode);
  const mode = options.permissionMode ?? restoredMode(inputs.restored) ?? fromSettings ?? "default";
  if (mode !== "bypassPermissions") return mode;
  if (inputs.settings?.bypassDisabled) throw new UsageError("bypassPermissions is disabled by settings (permissions.disableBypassPermissionsMode)");
  if (isRoot() && !inputs.env.IS_SANDBOX && !inputs.env.HONE_SANDBOX) {
    throw new UsageError("bypassPermissions (--dangerously-skip-permissions) is refused when running as root, unless inside a sandbox (set IS_SANDBOX=1 in a container)");
  }
  return mode;
}

export function buildRunSetup(options: RunOptions, inputs: RunInputs): RunSetup {
  const { env, place, restored, cwd } = inputs;
  const chosen = chooseModel({ flag: options.model, restored: restored?.model, settings: inputs.settings?.model }, env);
  const choice = chooseProvider({ flag: options.provider, model: chosen.name, modelIsDefault: chosen.source === "default", settings: inputs.settings?.provider, env });
  if (!choice.model) throw new ModelNeeded(choice);
  const model = choice.model;
  const info = modelLimits(choice, env, inputs.settings?.modelLimits);
  const credentials = credentialsFromEnv(env);
  const small = smallModelFor(choice, env, model);
  const provider = createProvider(choice, credentials, options, env, small, inputs.modelFetch);
  const search = provider.webSearch ?? inputs.searchBackend;
  const mode = chooseMode(options, inputs);
  // ExitPlanMode only means something to a run that starts in plan mode; others are not sent its schema.
  // --tools names every tool hone itself provides (Skill, ToolSearch, the MCP resource tools too); MCP servers' tools are not affected.
  const isMcp = (t: Tool) => t.name.startsWith("mcp__");
  const extra = inputs.extraTools ?? [];
  const types = agentTypes(inputs.agentDefs ?? []);
  // WebSearch is offered only where something can search: the provider, or a configured backend.
  const base = [...builtinTools().filter((t) => search || t.name !== "WebSearch"), ...orchestrationTools(types), ...planningTools(inputs.ask !== undefined, mode === "plan"), ...(inputs.longLived ? cronTools() : [])];
  const own = offeredBuiltins([...base, ...extra.filter((t) => !isMcp(t))], options.tools);
  const output = inputs.structuredOutput;
  const all = [...own, ...extra.filter(isMcp), ...(output ? [output.tool] : [])];
  const known = new Set(all.map((t) => t.name));
  const setup = buildPermissions({
    mode,
    cwd,
    home: homeDir(env),
    settingsRules: inputs.settings?.rules ?? [],
    allowedTools: options.allowedTools,
    disallowedTools: options.disallowedTools,
    directories: [...(inputs.settings?.directories ?? []), ...options.addDirs],
    readableDirs: inputs.readableDirs ?? [],
    knownTools: known,
    ...(inputs.sandbox ? { sandbox: inputs.sandbox } : {}),
  });
  const { context: permissions, warnings } = setup;
  const budget = options.maxThinkingTokens ?? envNumber(env, "MAX_THINKING_TOKENS");
  const thinking = thinkingFor(model, budget, options.thinking);
  let maxTokens = Math.min(info.maxOutputTokens, (inputs.settings?.maxTokens ?? envNumber(env, "HONE_MAX_TOKENS", "CLAUDE_CODE_MAX_OUTPUT_TOKENS") ?? 32_000));
  if (thinking?.type === "enabled" && thinking.budget_tokens >= maxTokens) {
    maxTokens = Math.min(info.maxOutputTokens, thinking.budget_tokens + 8192);
  }
  // A replayed run needs no key: the recording answers.
  const missingKey = options.replay !== undefined ? undefined : missingCredentials(choice, env);
  const tools = selectTools(all, setup.removedTools);
  // Coordinator mode: the main agent only orchestrates; its workers choose from the full tool set.
  const coordinator = coordinatorRequested(options.coordinator, env, restored?.mode) ? coordinatorSetup(tools, join(scratchRoot(), place.id, "scratchpad")) : undefined;
  const managed = inputs.settings?.managed;
  const extensionSections = inputs.promptSections?.(info.contextWindow, (skill) => tools.some((t) => t.name === "Skill") && decide({ tool: "Skill", input: { skill }, readOnly: true }, permissions).behavior !== "deny") ?? [];
  // The memory's index (MEMORY.md) comes right after the instruction files.
  const sections = [...(inputs.memoryIndex ? [inputs.memoryIndex] : []), ...extensionSections];
  const promptEnv = { cwd, platform: process.platform, date: new Date().toISOString().slice(0, 10), model, isGitRepo: findUp(cwd, ".git") !== undefined };
  const undercover = inputs.settings?.undercover;
  const undercoverNote = undercover ? undercoverPromptSection(undercover, cwd, env) : undefined;
  const modePrompts = [...(coordinator ? [coordinator.prompt] : []), ...(managed && !coordinator ? [MANAGER_PROMPT] : []), ...(undercoverNote ? [undercoverNote] : [])];
  const promptOptions = { replace: options.systemPrompt, append: [...options.appendSystemPrompt, ...modePrompts], instructions: inputs.settings?.instructions, sections, style: inputs.settings?.outputStyle };
  const system = buildSystemPrompt(promptEnv, promptOptions);
  const session = createSessionState(place.id, cwd, dirname(place.folder));
  session.permissionMode = () => permissions.mode;
  session.setPermissionMode = (next) => {
    permissions.mode = next;
  };
  session.addWorkingDirectory = (dir) => {
    const real = realPathOr(dir);
    if (permissions.workingDirs.includes(real)) return false;
    permissions.workingDirs = [...permissions.workingDirs, real];
    return true;
  };
  const control: RunControl = {};
  const compaction = compactionSetup(env, info, maxTokens, inputs, session, tools);
  const agent: AgentConfig = {
    provider,
    model,
    system,
    tools: coordinator?.tools ?? tools,
    maxTokens,
    thinking,
    maxTurns: options.maxTurns,
    retry: retryPolicy(env),
    session,
    projectDir: cwd,
    authorize: withUndercover(
      createAuthorizer({
        context: () => permissions,
        shellCwd: () => session.cwd,
        ...(inputs.hooks ? { hooks: inputs.hooks } : {}),
        ...(inputs.ask ? { ask: inputs.ask } : {}),
        ...(inputs.notify ? { notify: inputs.notify } : {}),
        stop: (reason) => Object.assign(control, { stopped: true, stopReason: reason }),
      }),
      { config: undercover ?? UNDERCOVER_OFF, cwd: () => session.cwd, home: homeDir(env), ...(inputs.notify ? { notify: inputs.notify } : {}) },
    ),
    ...(inputs.hooks ? { hooks: inputs.hooks } : {}),
    control,
    compaction,
    ...(options.fallbackModels.length > 0 ? { fallbackModels: options.fallbackModels.map((m) => resolveModelFor(choice.id, m, env, model, choice.profile?.smallModel)) } : {}),
    providerId: choice.id,
    smallModel: small,
  };
  attachSmallModel(agent);
  if (search) session.webSearch = search;
  const policy = coordinator?.policy ?? (managed ? managedPolicy(managed) : undefined);
  session.agents = createAgentLauncher({
    ...(policy ? { policy } : {}),
    ...(managed?.maxConcurrent ? { limit: managed.maxConcurrent } : {}),
    parent: () => ({ config: agent, tools, permissions: () => permissions, env, ...(inputs.settings?.instructions ? { instructions: inputs.settings.instructions } : {}), sessionId: place.id, ...(inputs.notify ? { notify: inputs.notify } : {}), ...(undercover ? { undercover } : {}) }),
    types,
    tasks: session.tasks,
    ...(place.transcriptPath ? { folder: place.folder } : {}),
    ...(inputs.ask ? { ask: inputs.ask } : {}),
    // Loaded when an agent first asks for isolation.
    worktrees: {
      create: async (name) => {
        const { createWorktree, sessionWorktreesDir } = await import("./worktree.ts");
        return createWorktree({ repoDir: session.worktree?.path ?? session.cwd, parentDir: sessionWorktreesDir(session), name });
      },
      finish: async (tree, message) => (await import("./worktree.ts")).finishWorktree(tree, { message }),
    },
  });
  // An SDK host or an MCP prompt tool answers AskUserQuestion like a permission ask (the REPL sets its own).
  if (inputs.ask) session.askUser = askUserThroughHost(inputs.ask);
  // Finished background work reaches the model before its next request.
  agent.inbox = () => {
    const notices = session.tasks.drain();
    return notices.length > 0 ? noticeText(notices) : undefined;
  };
  const promptParts = [
    ...(inputs.settings?.instructions ? [{ label: "Instruction files (CLAUDE.md)", text: inputs.settings.instructions }] : []),
    ...(inputs.memoryIndex ? [{ label: "Memory (MEMORY.md)", text: inputs.memoryIndex }] : []),
    ...extensionSections.map((text) => ({ label: text.startsWith("Instructions from the MCP server") ? "MCP server instructions" : "Skills and commands", text })),
  ];
  const setSystemPrompt = (change: { replace?: string; append?: string[]; style?: PromptStyle | null }): void => {
    // A style switch (/output-style) lasts for the rest of the session; null is Default.
    if (change.style !== undefined) promptOptions.style = change.style ?? undefined;
    agent.system = buildSystemPrompt(promptEnv, {
      ...promptOptions,
      ...(change.replace !== undefined ? { replace: change.replace } : {}),
      append: [...promptOptions.append, ...(change.append ?? [])],
    });
  };
  const structured = output ? { value: output.value, reminder: output.reminder, maxRetries: output.maxRetries } : undefined;
  return { agent, credentials, provider: choice, ...(missingKey ? { missingKey } : {}), permissions, cwd, warnings, promptParts, setSystemPrompt, ...(structured ? { structured } : {}), ...(coordinator ? { mode: "coordinator" as const } : {}) };
}

/** Tools that remember what they loaded (the Skill tool) hear about a compaction through this. */
interface ForgetsLoaded {
  forgetLoaded(sessionId: string): void;
}

function forgetsLoaded(tool: Tool): tool is Tool & ForgetsLoaded {
  return typeof (tool as Partial<ForgetsLoaded>).forgetLoaded === "function";
}

function compactionSetup(env: Env, info: { contextWindow: number }, maxTokens: number, inputs: RunInputs, session: SessionState, tools: Tool[]): CompactionSetup {
  return {
    policy: compactPolicy(info, maxTokens, env, inputs.settings?.compact),
    // Summaries only by default: clearing old outputs rewrites the cached prefix (BENCHMARKS.md).
    clearFirst: env.HONE_CLEAR_TOOL_RESULTS === "1",
    meter: createContextMeter(),
    ...(inputs.place.transcriptPath ? { transcriptPath: inputs.place.transcriptPath } : {}),
    instructions: () => session.instructions?.loaded?.(),
    onCompacted: () => {
      for (const tool of tools) if (forgetsLoaded(tool)) tool.forgetLoaded(session.id);
    },
  };
}

/** The provider has models but none was named, and the run must ask the server which (prepare-run.ts). */
export class ModelNeeded extends Error {
  override name = "ModelNeeded";
  constructor(readonly choice: ProviderChoice) {
    super(`${choice.profile?.label ?? choice.id}: no model named; pass --model`);
  }
}

/** The cheap model for side requests: HONE_SMALL_MODEL, then the provider's (Haiku for Anthropic), else the session's. */
export function smallModelFor(choice: ProviderChoice, env: Env, model: string): string {
  if (env.HONE_SMALL_MODEL) return env.HONE_SMALL_MODEL;
  if (choice.id === "anthropic") return env.ANTHROPIC_SMALL_FAST_MODEL || resolveModel("haiku", env);
  return choice.profile?.smallModel ?? model;
}

/** `small` runs the Anthropic provider's server-side web search. */
function createProvider(choice: ProviderChoice, credentials: Credentials, options: Pick<RunOptions, "betas" | "replay">, env: Env, small: string, modelFetch: typeof fetch | undefined): Provider {
  const idleTimeoutMs = envNumber(env, "HONE_STREAM_IDLE_TIMEOUT_MS") ?? 120_000;
  const requestTimeoutMs = envNumber(env, "API_TIMEOUT_MS") ?? 600_000;
  const userAgent = `hone/${VERSION}`;
  if (choice.profile) {
    return createOpenAIProvider({
      profile: choice.profile,
      baseURL: choice.baseURL ?? choice.profile.defaultBaseURL,
      ...(choice.apiKey ? { apiKey: choice.apiKey } : {}),
      idleTimeoutMs,
      requestTimeoutMs,
      headers: parseCustomHeaders(env.HONE_CUSTOM_HEADERS),
      userAgent,
      ...(modelFetch ? { fetch: modelFetch } : {}),
    });
  }
  // A replayed run has no key and needs none; the SDK refuses to start without some credential.
  const replaying = options.replay !== undefined && credentials.source === "none";
  return createAnthropicProvider({
    apiKey: replaying ? "replay" : credentials.apiKey,
    authToken: credentials.authToken,
    baseURL: env.ANTHROPIC_BASE_URL || undefined,
    caching: cachingEnabled(choice.model, env),
    idleTimeoutMs,
    requestTimeoutMs,
    headers: { ...parseCustomHeaders(env.ANTHROPIC_CUSTOM_HEADERS), ...(options.betas.length > 0 ? { "anthropic-beta": options.betas.join(",") } : {}) },
    userAgent,
    ...(modelFetch ? { fetch: modelFetch } : {}),
    searchModel: small,
  });
}

/**
 * Moves a prepared run onto another provider and model (the REPL's offer of a local server when no
 * Anthropic key is set): requests, side requests and compaction all follow, limits from the new model.
 */
export function switchProvider(setup: RunSetup, choice: ProviderChoice, env: Env, modelFetch?: typeof fetch): void {
  const { agent } = setup;
  const info = modelLimits(choice, env);
  const previous = agent.provider;
  agent.smallModel = smallModelFor(choice, env, choice.model);
  agent.provider = createProvider(choice, setup.credentials, { betas: [] }, env, agent.smallModel, modelFetch);
  agent.model = choice.model;
  agent.providerId = choice.id;
  agent.maxTokens = Math.min(agent.maxTokens, info.maxOutputTokens);
  agent.thinking = undefined;
  if (agent.compaction) agent.compaction.policy = compactPolicy(info, agent.maxTokens, env);
  // session.smallModel reads the agent's provider and small model at each call: nothing to re-attach.
  // Search that was the old provider's own goes with it; a configured backend (SearXNG) stays.
  if (agent.session.webSearch === previous.webSearch) {
    if (agent.provider.webSearch) agent.session.webSearch = agent.provider.webSearch;
    else delete agent.session.webSearch;
  }
  setup.provider = choice;
  delete setup.missingKey;
}

/** WebFetch's answers and other side requests: the agent's current provider and its small model. */
function attachSmallModel(agent: AgentConfig): void {
  agent.session.smallModel = (prompt, opts = {}) =>
    sideRequest({ provider: agent.provider, model: agent.smallModel ?? agent.model, retry: agent.retry }, prompt, { ...opts, maxTokens: opts.maxTokens ?? 1024, onUsage: (m) => agent.sideUsage?.(m) });
}
