// Everything between parsed flags and the first request: workspace trust, settings (with their `env`
// block applied), instruction files, the session (new, continued, resumed or forked), hooks, the
// sandbox, file history and the run setup. Errors surface as typed exceptions; app.ts turns them into
// messages and exit codes.
import type { Tool } from "./tool.ts";
import type { PluginDef } from "./extension-types.ts";
import { formatWarning } from "./extensions.ts";
import { undercoverConfig } from "./undercover-config.ts";
import type { Scheduler } from "./scheduler.ts";
import { loadMemoryIndex, memoryDir } from "./memory-dir.ts";
import type { SessionState } from "./session-state.ts";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { RunOptions } from "./cli.ts";
import { homeDir } from "./config-dir.ts";
import { createFileHistory } from "./file-history.ts";
import { createHookDispatcher, type HookDispatcher } from "./hook-runner.ts";
import { parseHooks } from "./hooks.ts";
import { createInstructionTracker, loadInstructions, renderInstructions } from "./instructions.ts";
import { createLogger, type Logger } from "./log.ts";
import { readableUnder } from "./permission-context.ts";
import { promptStyle, resolveOutputStyle, type OutputStyle } from "./output-styles.ts";
import { buildRunSetup, ModelNeeded, resolveCwd, type RunSetup, type RunSettings } from "./run-config.ts";
import { deniedReadPaths, startSandbox } from "./sandbox-setup.ts";
import { cleanupOldSessions, openSession, type Session } from "./session.ts";
import { scratchRoot } from "./session-state.ts";
import { DEFAULT_CLEANUP_DAYS, loadSettings, type LoadedSettings } from "./settings.ts";
import { isTrusted } from "./trust.ts";
import { setupExtensions, type ExtensionSetup } from "./extensions-setup.ts";
import type { InvocationSetup } from "./skill-invocation.ts";
import { AgentsJsonError } from "./agent-files.ts";
import { UsageError } from "./cli.ts";
import { McpConfigError } from "./mcp-config.ts";
import { RuleError, type Asker } from "./permissions.ts";
import { SessionError, SessionWriteError } from "./session.ts";
import { SessionNotFoundError } from "./session-store.ts";
import { SettingsError } from "./settings.ts";
import { TrustFileError } from "./trust.ts";

/**
 * What kind of problem stopped a run from being prepared: the caller's input (flags, rules, agent or
 * MCP JSON), a session to resume that does not exist, or a file that cannot be read or written.
 * Undefined for anything else, which is a bug to rethrow. The CLI and the server map these to exit
 * codes and HTTP statuses.
 */
export function setupProblem(error: unknown): "input" | "no_session" | "files" | undefined {
  if (error instanceof UsageError || error instanceof RuleError || error instanceof SessionError || error instanceof AgentsJsonError || error instanceof McpConfigError) return "input";
  if (error instanceof SessionNotFoundError) return "no_session";
  if (error instanceof SettingsError || error instanceof SessionWriteError || error instanceof TrustFileError) return "files";
  return undefined;
}

export interface PreparedRun {
  session: Session;
  setup: RunSetup;
  hooks?: HookDispatcher;
  extensions: ExtensionSetup;
  /** What `/name args` prompts and the Skill tool expand with. */
  invocation: InvocationSetup;
  /** The merged settings (the REPL reads statusLine, editorMode and the like). */
  settings: LoadedSettings["settings"];
  /** The settings files looked at, loaded or missing (/config, /status). */
  settingsFiles: LoadedSettings["files"];
  /** The output style in use and every style found. */
  styles: { current: OutputStyle; all: OutputStyle[] };
  /** Stops the sandbox proxy and removes its temp folder. */
  close(): Promise<void>;
}

/** Where log lines go: --debug-file appends them to a file (created if needed), otherwise stderr. */
function logWriter(file: string | undefined, writeErr: (line: string) => void): (line: string) => void {
  if (file === undefined) return (line) => writeErr(line.replace(/\n$/, ""));
  const path = resolve(file);
  let failed = false;
  return (line) => {
    if (failed) return;
    try {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, line.endsWith("\n") ? line : `${line}\n`);
    } catch (error) {
      // Said once, not on every line.
      failed = true;
      writeErr(`hone: cannot write the debug file ${path}: ${(error as Error).message}`);
    }
  };
}

async function loadStructuredOutput(schema: string, cwd: string) {
  const { createStructuredOutput, parseJsonSchemaOption, MAX_STRUCTURED_OUTPUT_RETRIES } = await import("./structured-output.ts");
  return { ...createStructuredOutput(parseJsonSchemaOption(schema, cwd)), maxRetries: MAX_STRUCTURED_OUTPUT_RETRIES };
}

/** Settings `env` reaches every child process (Bash, hooks, MCP servers) by being part of ours. */
function applyEnvironment(loaded: LoadedSettings): void {
  for (const [key, value] of Object.entries(loaded.settings.env ?? {})) process.env[key] = value;
  const secs = loaded.settings.bashTimeoutSecs;
  if (secs !== undefined && process.env.BASH_DEFAULT_TIMEOUT_MS === undefined) process.env.BASH_DEFAULT_TIMEOUT_MS = String(secs * 1000);
}

function runSettings(loaded: LoadedSettings, instructions: string): RunSettings {
  const { settings } = loaded;
  return {
    // A manager model is the main agent's model, unless settings name one outright.
    model: settings.model ?? settings.managedAgents?.managerModel,
    ...(settings.provider ? { provider: settings.provider } : {}),
    ...(settings.modelLimits ? { modelLimits: settings.modelLimits } : {}),
    maxTokens: settings.maxTokens,
    defaultMode: settings.permissions?.defaultMode,
    bypassDisabled: settings.permissions?.disableBypassPermissionsMode === "disable",
    rules: loaded.rules,
    directories: loaded.directories.map((d) => d.path),
    instructions,
    compact: { autoCompactEnabled: settings.autoCompactEnabled, autoCompactWindow: settings.autoCompactWindow },
    ...(settings.managedAgents ? { managed: settings.managedAgents } : {}),
    undercover: undercoverConfig(settings.undercover, process.env),
  };
}

/** One notice listing what an untrusted folder's settings would have done. */
function reportUntrusted(loaded: LoadedSettings, cwd: string, log: Logger): void {
  if (loaded.untrusted.length === 0) return;
  const items = loaded.untrusted.map((u) => `${u.key} (${u.file})`);
  log.warn(`${cwd} is not a trusted folder, so these project settings were not applied: ${items.join(", ")}. Run "hone trust" there to trust it, or pass --trust for this run.`);
}

function hookDispatcher(loaded: LoadedSettings, plugins: ExtensionSetup["hookLayers"], cwd: string, session: Session, mode: () => string, log: Logger, always: boolean): HookDispatcher | undefined {
  const disabled = loaded.settings.disableAllHooks === true;
  const { hooks, warnings } = disabled ? { hooks: [], warnings: [] } : parseHooks([...loaded.hookLayers, ...plugins]);
  for (const warning of warnings) log.warn(warning);
  if (hooks.length === 0 && !always) return undefined;
  return createHookDispatcher({
    hooks,
    cwd,
    projectDir: cwd,
    env: process.env,
    base: () => ({ session_id: session.id, transcript_path: session.transcriptPath, cwd, permission_mode: mode() }),
  });
}

/** What the program driving hone adds: who answers permission asks (an SDK host, an HTTP client). */
export interface RunHost {
  ask?: Asker;
  /** Tools only this kind of run offers (KAIROS's). */
  extraTools?: Tool[];
  /** Keep a hook dispatcher even without configured hooks, so callbacks can be registered later. */
  hookCallbacks?: boolean;
}

/** Restores the project's durable scheduled prompts; each firing becomes a notice the next turn takes. */
async function startSchedulerFor(cwd: string, state: SessionState, log: Logger): Promise<Scheduler> {
  // Loaded only by sessions that keep running: a -p run has no use for cron.
  const { startProjectScheduler } = await import("./scheduler.ts");
  const { scheduler, warnings } = startProjectScheduler(cwd, {
    onFire: (job) =>
      new Promise<void>((delivered) => {
        state.tasks.post({ id: job.id, kind: "cron", description: `cron ${job.cron}`, status: "completed", result: job.prompt, delivered });
      }),
    onError: (message) => log.warn(message),
  });
  for (const warning of warnings) log.warn(warning);
  state.scheduler = scheduler;
  return scheduler;
}

export async function prepareRun(options: RunOptions, writeErr: (line: string) => void, host: RunHost = {}): Promise<PreparedRun> {
  const cwd = resolveCwd(options.cwd);
  const longLived = !options.print || options.inputFormat === "stream-json";
  const env0 = process.env;
  const trusted = options.trust || isTrusted(cwd, env0);
  const loaded = loadSettings({ cwd, env: env0, cliSettings: options.settings, settingSources: options.settingSources, trusted });
  const log = createLogger(options.debug || options.debugFile ? "debug" : (loaded.settings.logLevel ?? "warn"), logWriter(options.debugFile, writeErr));
  for (const warning of loaded.warnings) log.warn(warning);
  reportUntrusted(loaded, cwd, log);
  applyEnvironment(loaded);
  const env = process.env;

  const instructions = loadInstructions({ cwd, env });
  const memory = memoryDir(loaded.settings, env);
  const memoryIndex = loadMemoryIndex(memory);
  for (const warning of memoryIndex.warnings) log.warn(warning);
  for (const warning of instructions.warnings) log.warn(warning);

  const session = openSession({
    env,
    cwd,
    persist: options.persistSession,
    sessionId: options.sessionId,
    resume: options.resume,
    continueLatest: options.continueLatest,
    fork: options.forkSession,
    entrypoint: "cli",
  });
  let stopSandbox = async (): Promise<void> => undefined;
  let settleModelIO = async (): Promise<void> => undefined;
  let stopLsp = async (): Promise<void> => undefined;
  let extensions: ExtensionSetup | undefined;
  try {
    for (const warning of session.warnings) log.warn(warning);
    log.debug(`session ${session.id} in ${cwd} (transcript: ${session.transcriptPath ?? "not saved"})`);
    const settings = runSettings(loaded, renderInstructions(instructions.files));
    const directories = [...(settings.directories ?? []), ...options.addDirs.map((d) => resolve(cwd, d))];
    extensions = await setupExtensions({ options, cwd, env, trusted, settings: loaded.settings, directories, log });
    const lsp = await languageServers(cwd, env, extensions.plugins, trusted, log);
    stopLsp = async () => lsp?.service.close();
    const style = resolveOutputStyle(loaded.settings.outputStyle, { cwd, env, plugins: extensions.plugins });
    for (const warning of style.warnings) log.warn(warning);
    let mode = (): string => "default";
    const hooks = hookDispatcher(loaded, extensions.hookLayers, cwd, session, () => mode(), log, host.hookCallbacks === true);
    const home = homeDir(env);
    const denyRead = deniedReadPaths(settings.rules, cwd, home);
    const sandbox = await startSandbox(loaded.settings.sandbox, { cwd, directories, home, sessionId: session.id, log, denyRead });
    stopSandbox = sandbox.stop;
    const structuredOutput = options.jsonSchema === undefined ? undefined : await loadStructuredOutput(options.jsonSchema, cwd);
    const model = await modelIO(options, log);
    settleModelIO = model.settle;
    const searchBackend = await searchBackendFor(loaded.settings.webSearch?.url, env);
    const loadedExtensions = extensions;
    const setup = await withServerModel(options, (runOptions) => buildRunSetup(
      { ...runOptions, addDirs: directories },
      {
        ...(model.fetch ? { modelFetch: model.fetch } : {}),
        ...(searchBackend ? { searchBackend } : {}),
        cwd,
        env,
        place: session,
        restored: session,
        settings: { ...settings, directories: [], outputStyle: promptStyle(style.style) },
        ...(hooks ? { hooks } : {}),
        ...(sandbox.policy ? { sandbox: sandbox.policy } : {}),
        readableDirs: [session.folder, join(scratchRoot(), session.id), memory],
        ...(memoryIndex.text ? { memoryIndex: memoryIndex.text } : {}),
        notify: (text) => writeErr(`hone: ${text}`),
        ...(host.ask ? { ask: host.ask } : {}),
        extraTools: [...loadedExtensions.tools(() => invocation), ...(lsp ? [lsp.tool] : []), ...(host.extraTools ?? [])],
        agentDefs: loadedExtensions.agents,
        longLived,
        promptSections: loadedExtensions.promptSections,
        ...(structuredOutput ? { structuredOutput } : {}),
      },
    ));
    const invocation: InvocationSetup = {
      agent: setup.agent,
      permissions: setup.permissions,
      env,
      trusted,
      disableShell: loaded.settings.disableSkillShellExecution === true,
      legacyPositional: loaded.settings.legacyPositionalArguments === true,
      pluginRoots: new Map(extensions.plugins.map((p) => [p.name, p.root])),
      warn: (text) => log.warn(text),
    };
    // Read at each firing: the mode can change during the run (set_permission_mode, ExitPlanMode).
    mode = () => setup.permissions.mode;
    for (const warning of setup.warnings) log.warn(warning);
    log.debug(`model ${setup.agent.model}, permission mode ${setup.permissions.mode}, tools: ${setup.agent.tools.map((t) => t.name).join(", ")}`);
    setup.memory = { dir: memory, autoDream: loaded.settings.memory?.autoDream !== false, settings: loaded.settings.memory };
    const effort = options.effort ?? loaded.settings.effortLevel;
    if (effort) setup.agent.effort = effort;
    const state = setup.agent.session;
    if (lsp) state.lsp = lsp.service;
    if (sandbox.instance) state.sandbox = sandbox.instance;
    const start = sandbox.start;
    if (start) {
      state.prepareSandbox = async () => {
        const instance = await start();
        if (instance) state.sandbox = instance;
      };
    }
    const readable = readableUnder(setup.permissions);
    if (readable) state.canRead = readable;
    state.instructions = createInstructionTracker(cwd, instructions.files.map((f) => f.path), env);
    if (options.persistSession) {
      state.fileHistory = createFileHistory(join(session.folder, "file-history"));
      cleanupOldSessions(env, loaded.settings.cleanupPeriodDays ?? DEFAULT_CLEANUP_DAYS);
    }
    // Scheduled prompts fire only where hone keeps running; a due one waits for the next turn boundary.
    const scheduler = longLived ? await startSchedulerFor(cwd, state, log) : undefined;
    const opened = extensions;
    const close = async (): Promise<void> => {
      scheduler?.stop();
      await Promise.all([stopSandbox(), opened.close(), settleModelIO(), stopLsp()]);
    };
    return { session, setup, ...(hooks ? { hooks } : {}), extensions, invocation, close, settings: loaded.settings, settingsFiles: loaded.files, styles: { current: style.style, all: style.styles } };
  } catch (error) {
    await Promise.all([stopSandbox(), extensions?.close(), stopLsp()]);
    session.close();
    throw error;
  }
}

/**
 * --record / --replay: the fetch every model request goes through, and what to wait for before exit
 * (a recording's last exchange is written when its body ends). Loaded only when asked for.
 */
async function modelIO(options: RunOptions, log: Logger): Promise<{ fetch?: typeof fetch; settle: () => Promise<void> }> {
  const none = { settle: async () => undefined };
  if (options.record === undefined && options.replay === undefined) return none;
  const { recordingFetch, replayFetch, RecordingError } = await import("./record-replay.ts");
  if (options.replay !== undefined) {
    try {
      return { fetch: replayFetch(resolve(options.replay), { onMismatch: (m) => log.warn(m) }) as unknown as typeof fetch, settle: none.settle };
    } catch (error) {
      if (error instanceof RecordingError) throw new UsageError(`--replay: ${error.message}`);
      throw error;
    }
  }
  const recorder = recordingFetch(resolve(options.record!), fetch, { onError: (m) => log.warn(`--record: ${m}`) });
  return { fetch: recorder as unknown as typeof fetch, settle: () => recorder.settled() };
}

/** WebSearch's backend when the provider has none: the webSearch.url setting, else HONE_SEARCH_URL. */
async function searchBackendFor(url: string | undefined, env: NodeJS.ProcessEnv): Promise<SessionState["webSearch"]> {
  if (!url && !env.HONE_SEARCH_URL) return undefined;
  const { searxngBackend, searchBackendFromEnv } = await import("./web-search-searxng.ts");
  return url ? searxngBackend(url) : searchBackendFromEnv(env);
}

/**
 * A local provider with no model named: the server says which it serves. One model is used; more
 * are listed in the error so the user can pick.
 */
async function withServerModel(options: RunOptions, build: (options: RunOptions) => RunSetup): Promise<RunSetup> {
  try {
    return build(options);
  } catch (error) {
    if (!(error instanceof ModelNeeded)) throw error;
    const { choice } = error;
    const label = choice.profile?.label ?? choice.id;
    const { serverModels } = await import("./local-servers.ts");
    const models = await serverModels(choice.baseURL ?? "", choice.apiKey ? { apiKey: choice.apiKey } : {});
    if (models === undefined) throw new UsageError(`${label} does not answer at ${choice.baseURL}: start it, or point hone at it (${choice.profile?.baseURLEnv.join(" or ")}), and name a model with --model`);
    if (models.length === 1) return build({ ...options, model: `${choice.id}/${models[0]}` });
    if (models.length === 0) throw new UsageError(`${label} at ${choice.baseURL} serves no models yet: load or pull one, then name it with --model`);
    throw new UsageError(`${label} serves several models; name one with --model: ${models.slice(0, 20).join(", ")}`);
  }
}

/**
 * Language servers for the LSP tool and post-edit errors: configured (.lsp.json, plugins) or found on
 * PATH for the project's file types. The service and tool load only when some server is there; a
 * server itself starts on first use. An untrusted folder's own servers are not run.
 */
async function languageServers(cwd: string, env: NodeJS.ProcessEnv, plugins: PluginDef[], trusted: boolean, log: Logger) {
  const [{ loadLspConfigs }, { lspAvailable }] = await Promise.all([import("./lsp-config.ts"), import("./lsp-detect.ts")]);
  const { configs, warnings } = loadLspConfigs({ root: cwd, env, plugins, includeProject: trusted });
  for (const warning of warnings) log.warn(formatWarning(warning));
  if (!lspAvailable({ root: cwd, configs, env, trusted })) return undefined;
  const [{ createLspService }, { lspTool }] = await Promise.all([import("./lsp-service.ts"), import("./tools/lsp.ts")]);
  return { service: createLspService({ root: cwd, configs, env, trusted, onWarning: (m) => log.warn(m) }), tool: lspTool as Tool };
}
