// The shape of hone's settings: one camelCase object that settings.json files, TOML config files,
// --settings and HONE_* variables all map onto. Each file is checked against FILE_SCHEMA on its own
// (every key optional, nothing defaulted) so an error names the file that has it; the merged result
// then goes through SETTINGS_SCHEMA, which fills the documented defaults.
import { z } from "zod";
import { LOG_LEVELS } from "./log.ts";
import { PERMISSION_MODES } from "./permission-modes.ts";
import { NOTIF_CHANNELS } from "./terminal-signals.ts";
import { EFFORT_LEVELS } from "./provider.ts";

/** Transcript retention when cleanupPeriodDays is unset; consumers apply it. */
export const DEFAULT_CLEANUP_DAYS = 30;

const int = (what: string) => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` });
const positiveInt = int("a positive integer").min(1, { error: "expected a positive integer" });
const str = z.string();
const bool = z.boolean();

const permissions = z.object({
  allow: z.array(str).optional(),
  ask: z.array(str).optional(),
  deny: z.array(str).optional(),
  additionalDirectories: z.array(str).optional(),
  defaultMode: z.enum([...PERMISSION_MODES, "manual"]).optional(),
  disableBypassPermissionsMode: z.literal("disable").optional(),
});

const memory = z.object({
  memoryDir: str.optional(),
  autoDream: bool.optional(),
  dreamIntervalHours: z.number().positive({ error: "expected a positive number of hours" }).optional(),
  dreamSessionThreshold: positiveInt.optional(),
});

const kairos = z.object({
  enabled: bool.optional(),
  tickIntervalSecs: positiveInt.optional(),
  blockingBudgetSecs: positiveInt.optional(),
  /** PushNotification runs this shell command with HONE_NOTIFY_TITLE and HONE_NOTIFY_MESSAGE set. */
  notifyCommand: str.optional(),
});

const ultraplan = z.object({
  enabled: bool.optional(),
  pollIntervalSecs: positiveInt.optional(),
  maxDurationSecs: positiveInt.optional(),
  model: str.optional(),
});

const webSearch = z.object({
  /** A SearXNG-compatible JSON search endpoint for WebSearch when the provider has no search of its own. */
  url: str.optional(),
});

const modelLimit = z.object({ contextWindow: positiveInt.optional(), maxOutputTokens: positiveInt.optional() });

const undercover = z.object({
  enabled: z.union([bool, z.literal("auto")]).optional(),
  internalHosts: z.array(str).optional(),
  codenames: z.array(str).optional(),
  modelNames: z.array(str).optional(),
  internalUrls: z.array(str).optional(),
  attribution: bool.optional(),
});

const sandbox = z.object({
  enabled: bool.optional(),
  autoAllowBashIfSandboxed: bool.optional(),
  allowUnsandboxedCommands: bool.optional(),
  excludedCommands: z.array(str).optional(),
  failIfUnavailable: bool.optional(),
  bwrapPath: str.optional(),
  network: z.object({ allowedDomains: z.array(str).optional() }).optional(),
  filesystem: z.object({ allowWrite: z.array(str).optional(), denyRead: z.array(str).optional() }).optional(),
});

/** Hooks are only checked for shape here (event → list of objects); the hooks module validates fully. */
const usd = z.number({ error: "expected an amount in USD" }).positive({ error: "expected a positive amount in USD" });
const managedAgents = z.object({
  managerModel: str.optional(),
  executorModel: str.optional(),
  maxConcurrent: positiveInt.optional(),
  budget: z
    .object({ perExecutorUsd: usd.optional(), perExecutorTokens: positiveInt.optional(), totalUsd: usd.optional(), totalTokens: positiveInt.optional() })
    .optional(),
});

const hooks = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));

/** Tables whose own keys are known, used to spot unknown nested keys. */
export const NESTED_SCHEMAS = { permissions, memory, kairos, ultraplan, sandbox, undercover, webSearch } as const;

export const FILE_SCHEMA = z.object({
  permissions: permissions.optional(),
  env: z.record(z.string(), str).optional(),
  hooks: hooks.optional(),
  disableAllHooks: bool.optional(),
  sandbox: sandbox.optional(),
  model: str.optional(),
  /** anthropic, openai, openrouter, ollama, lmstudio, llamacpp or vllm (checked when a run starts). */
  provider: str.optional(),
  /** A context window and output cap per model id, over the model table's (a local server's smaller context). */
  modelLimits: z.record(z.string(), modelLimit).optional(),
  webSearch: webSearch.optional(),
  maxTokens: positiveInt.optional(),
  cleanupPeriodDays: int("an integer of at least 1").min(1, { error: "must be at least 1" }).optional(),
  bashTimeoutSecs: int("a whole number of seconds").min(1, { error: "must be between 1 and 600" }).max(600, { error: "must be between 1 and 600" }).optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  memory: memory.optional(),
  kairos: kairos.optional(),
  ultraplan: ultraplan.optional(),
  /** Undercover mode (undercover-config.ts): checks outgoing git and gh text in public repositories. */
  undercover: undercover.optional(),
  /** Plugins by "name@marketplace" (or bare name): true loads it. */
  enabledPlugins: z.record(z.string(), bool).optional(),
  enableAllProjectMcpServers: bool.optional(),
  enabledMcpjsonServers: z.array(str).optional(),
  disabledMcpjsonServers: z.array(str).optional(),
  /** Refuse `!`cmd`` blocks in skills and commands instead of running them. */
  disableSkillShellExecution: bool.optional(),
  /** hone's own: `$1` means the first argument (commands written before Claude Code made `$0` the first). */
  legacyPositionalArguments: bool.optional(),
  /** false: no automatic compaction (/compact still works). */
  autoCompactEnabled: bool.optional(),
  /** Compact as if the model's window were this many tokens (only ever smaller). */
  autoCompactWindow: int("a number of tokens of at least 10000").min(10_000, { error: "must be at least 10000" }).optional(),
  /** The output style by name (output-styles.ts): Default, Explanatory, Learning or a custom one. */
  outputStyle: str.optional(),
  editorMode: z.enum(["normal", "vim"]).optional(),
  /** A manager model delegating to budgeted executor models (orchestration-modes.ts). */
  managedAgents: managedAgents.optional(),
  /** How the interactive session notifies (a permission ask, a long turn done): terminal-signals.ts. */
  preferredNotifChannel: z.enum(NOTIF_CHANNELS).optional(),
  effortLevel: z.enum(EFFORT_LEVELS).optional(),
  /** The interactive status line: a shell command reading the session's state as JSON on stdin. */
  statusLine: z.object({ type: z.literal("command"), command: str, padding: int("a whole number of columns").min(0).optional() }).optional(),
});

export type SettingsFile = z.infer<typeof FILE_SCHEMA>;

export const SETTINGS_DEFAULTS = {
  memory: { dreamIntervalHours: 24, dreamSessionThreshold: 5 },
  kairos: { tickIntervalSecs: 60, blockingBudgetSecs: 15 },
  ultraplan: { pollIntervalSecs: 3, maxDurationSecs: 1800 },
} as const;

export const SETTINGS_SCHEMA = FILE_SCHEMA.extend({
  memory: memory.extend({
    dreamIntervalHours: memory.shape.dreamIntervalHours.default(SETTINGS_DEFAULTS.memory.dreamIntervalHours),
    dreamSessionThreshold: memory.shape.dreamSessionThreshold.default(SETTINGS_DEFAULTS.memory.dreamSessionThreshold),
  }).default({ ...SETTINGS_DEFAULTS.memory }),
  kairos: kairos.extend({
    tickIntervalSecs: kairos.shape.tickIntervalSecs.default(SETTINGS_DEFAULTS.kairos.tickIntervalSecs),
    blockingBudgetSecs: kairos.shape.blockingBudgetSecs.default(SETTINGS_DEFAULTS.kairos.blockingBudgetSecs),
  }).default({ ...SETTINGS_DEFAULTS.kairos }),
  ultraplan: ultraplan.extend({
    pollIntervalSecs: ultraplan.shape.pollIntervalSecs.default(SETTINGS_DEFAULTS.ultraplan.pollIntervalSecs),
    maxDurationSecs: ultraplan.shape.maxDurationSecs.default(SETTINGS_DEFAULTS.ultraplan.maxDurationSecs),
  }).default({ ...SETTINGS_DEFAULTS.ultraplan }),
});

/** The merged settings every consumer reads. memory/kairos/ultraplan always exist with their defaults. */
export type Settings = z.infer<typeof SETTINGS_SCHEMA>;

/**
 * Claude Code keys (compat §4.2) that hone accepts but does not act on yet. They are listed for
 * `hone doctor` instead of warned about, so a shared ~/.claude/settings.json stays quiet.
 */
export const IGNORED_KEYS: ReadonlySet<string> = new Set([
  "$schema", "apiKeyHelper", "theme", "spinnerTipsEnabled", "spinnerVerbs",
  "spinnerTipsOverride", "includeCoAuthoredBy", "attribution", "extraKnownMarketplaces",
  "allowedMcpServers",
  "deniedMcpServers", "useEnterpriseMcpConfigOnly", "alwaysThinkingEnabled",
  "forceLoginMethod", "forceLoginOrgUUID", "awsAuthRefresh", "awsCredentialExport", "gcpAuthRefresh",
  "otelHeadersHelper", "companyAnnouncements", "verbose", "respectGitignore",
  "fileSuggestion", "language", "autoUpdatesChannel", "autoUpdates", "plansDirectory",
  "autoMemoryEnabled", "claudeMdExcludes", "skillOverrides",
  "respondToBashCommands", "agent", "fallbackModel", "availableModels", "ignorePatterns",
  "feedbackSurveyState", "allowManagedHooksOnly", "allowManagedPermissionRulesOnly",
  "allowManagedMcpServersOnly", "strictKnownMarketplaces", "requiredMinimumVersion", "disableSideloadFlags",
  "permissions.disableAutoMode", "sandbox.ignoreViolations", "sandbox.enableWeakerNestedSandbox", "sandbox.socatPath",
  "sandbox.ripgrep", "sandbox.credentials",
]);
