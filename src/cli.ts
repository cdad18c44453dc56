// Command-line parsing: turns argv into a validated RunOptions, or a UsageError naming the bad flag.
// Every flag registered here is honoured; anything else is refused, never silently ignored.
import cac from "cac";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isDirectory, isFile } from "./paths.ts";
import { parsePermissionMode, PERMISSION_MODES, type PermissionMode } from "./permission-modes.ts";
import { SETTING_SOURCES, type SettingSource } from "./settings.ts";
import { EFFORT_LEVELS, type Effort } from "./provider.ts";

export type OutputFormat = "text" | "json" | "stream-json";

export interface RunOptions {
  print: boolean;
  prompt?: string;
  outputFormat: OutputFormat;
  verbose: boolean;
  model?: string;
  /** --provider: anthropic, openai, openrouter, ollama, lmstudio, llamacpp, vllm. */
  provider?: string;
  /** --record <dir>: every model request and response of the run saved there. */
  record?: string;
  /** --replay <dir>: the model's side of the run answered from a recording, without a network. */
  replay?: string;
  maxTurns?: number;
  systemPrompt?: string;
  appendSystemPrompt: string[];
  cwd?: string;
  allowedTools: string[];
  disallowedTools: string[];
  /** Undefined when not given, so a resumed session's mode can apply. */
  permissionMode?: PermissionMode;
  maxThinkingTokens?: number;
  /** --effort: the API's output_config.effort for this run (over the effortLevel setting). */
  effort?: Effort;
  continueLatest: boolean;
  resume?: string;
  sessionId?: string;
  forkSession: boolean;
  /** --coordinator: the main agent only orchestrates workers (orchestration-modes.ts). */
  coordinator: boolean;
  /** --kairos: the proactive session that acts on ticks (feature "proactive"). */
  kairos: boolean;
  /** --dream-now: consolidate the memory at once (the lock still applies). */
  dreamNow: boolean;
  /** --ultraplan "<task>": a detached planning run with a local approval page first. */
  ultraplan?: string;
  persistSession: boolean;
  settings?: string;
  settingSources?: SettingSource[];
  /** --add-dir: more working directories, as given (resolved against --cwd later). */
  addDirs: string[];
  /** --trust: apply this folder's project hooks, env and allow rules for this run without trusting it for good. */
  trust: boolean;
  /** --mcp-config: files or inline JSON with {"mcpServers": ...}. */
  mcpConfigs: string[];
  /** --strict-mcp-config: only the servers of --mcp-config. */
  strictMcpConfig: boolean;
  /** --plugin-dir: plugin folders loaded for this run. */
  pluginDirs: string[];
  /** --agents: sub-agent definitions as JSON. */
  agents?: string;
  /** --disable-slash-commands: no skills or markdown commands, for the user or the model. */
  disableSlashCommands: boolean;
  /** --input-format stream-json: NDJSON user and control messages on stdin (the Agent SDK transport). */
  inputFormat: "text" | "stream-json";
  includePartialMessages: boolean;
  replayUserMessages: boolean;
  includeHookEvents: boolean;
  /** `stdio` (control requests to the SDK host) or an MCP tool name. */
  permissionPromptTool?: string;
  maxBudgetUsd?: number;
  /** --json-schema as given (inline JSON or a file), parsed against the cwd by the run. */
  jsonSchema?: string;
  /** --fallback-model a,b: tried in order when the model stays overloaded. */
  fallbackModels: string[];
  /** --tools: the built-in tools offered (undefined: all of them). */
  tools?: string[];
  /** --betas: sent as the anthropic-beta header. */
  betas: string[];
  /** --thinking: adaptive (the model decides), enabled, or disabled (overrides the budget). */
  thinking?: "adaptive" | "enabled" | "disabled";
  /** --allow-dangerously-skip-permissions: bypassPermissions may be chosen later (set_permission_mode). */
  allowBypass: boolean;
  /** --debug [filter] / --debug-file <path>: debug logging to stderr or a file. */
  debug: boolean;
  debugFile?: string;
  help: boolean;
  version: boolean;
}


export class UsageError extends Error {
  override name = "UsageError";
}

const VARIADIC = new Set(["--allowedTools", "--allowed-tools", "--disallowedTools", "--disallowed-tools", "--add-dir", "--mcp-config", "--betas"]);
const RULE_LIKE = /^[A-Za-z_][\w-]*(\(.*\))?(,[A-Za-z_][\w-]*(\(.*\))?)*$/;

const SPELLINGS: Record<string, string> = { "--allowed-tools": "--allowedTools", "--disallowed-tools": "--disallowedTools" };

/** One spelling per flag, so values given under both spellings accumulate instead of replacing. */
function canonical(arg: string): string {
  const eq = arg.indexOf("=");
  const name = eq < 0 ? arg : arg.slice(0, eq);
  const spelled = SPELLINGS[name];
  return spelled ? spelled + (eq < 0 ? "" : arg.slice(eq)) : arg;
}

/**
 * cac declares switches to its parser under camelCase names, so a hyphenated switch such as
 * `--fork-session` would swallow the next argument as its value; spell those in camelCase first.
 */
function hyphenatedSwitches(cli: ReturnType<typeof buildCli>): Map<string, string> {
  const map = new Map<string, string>();
  for (const option of cli.globalCommand.options) {
    if (!option.isBoolean || option.negated) continue;
    for (const name of option.names) {
      const raw = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      if (raw !== `--${name}`) map.set(raw, `--${name}`);
    }
  }
  return map;
}

/** Whether `next` continues a variadic flag's values: rules for the tool flags, existing folders for --add-dir. */
function continues(flag: string, next: string): boolean {
  if (next.startsWith("-")) return false;
  if (flag === "--add-dir") return isDirectory(resolve(next));
  if (flag === "--mcp-config") return next.trimStart().startsWith("{") || isFile(resolve(next));
  if (flag === "--betas") return /^[a-z0-9][\w.-]*(,[a-z0-9][\w.-]*)*$/.test(next) && /\d{4}-\d{2}-\d{2}/.test(next);
  return RULE_LIKE.test(next);
}

/** `--allowedTools Read Edit` takes several values, as in Claude Code: repeat the flag for each one. */
function expandVariadic(argv: string[], switches: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = switches.get(argv[i]!) ?? canonical(argv[i]!);
    out.push(arg);
    if (!VARIADIC.has(arg)) continue;
    const first = argv[++i];
    if (first === undefined) break;
    out.push(first);
    while (i + 1 < argv.length && continues(arg, argv[i + 1]!)) out.push(arg, argv[++i]!);
  }
  return out;
}

function buildCli() {
  const cli = cac("hone");
  cli
    .option("-p, --print", "Run the task non-interactively, print the result and exit")
    .option("--output-format <format>", "text (default), json or stream-json (with -p)")
    .option("--verbose", "Turn-by-turn output (required for stream-json)")
    .option("--model <model>", "Model alias (sonnet, opus, haiku) or full model id")
    .option("--provider <name>", "Model provider: anthropic (default), openai, openrouter, ollama, lmstudio, llamacpp, vllm (or prefix the model: ollama/qwen3)")
    .option("--record <dir>", "Save every model request and response of this run in this folder")
    .option("--replay <dir>", "Answer the model's side of the run from a --record folder, without a network")
    .option("--max-turns <n>", "Stop after this many model turns")
    .option("--system-prompt <text>", "Replace hone's system prompt")
    .option("--system-prompt-file <path>", "Replace hone's system prompt with this file's text")
    .option("--append-system-prompt <text>", "Add text after the system prompt")
    .option("--append-system-prompt-file <path>", "Add this file's text after the system prompt")
    .option("--input-format <format>", "text (default) or stream-json: NDJSON user and control messages on stdin (with -p)")
    .option("--include-partial-messages", "With stream-json output: also emit the raw API stream events")
    .option("--replay-user-messages", "With stream-json input and output: echo the user messages read from stdin")
    .option("--include-hook-events", "With stream-json output: emit hook_started and hook_response events")
    .option("--permission-prompt-tool <tool>", "Who answers permission asks in -p: stdio (the SDK host) or an MCP tool (mcp__server__tool)")
    .option("--max-budget-usd <amount>", "Stop once the run has cost this many dollars")
    .option("--json-schema <schema>", "Final output as JSON matching this schema (inline JSON or a file); in the result's structured_output")
    .option("--fallback-model <models>", "Models to switch to, in order, when the model stays overloaded (comma separated)")
    .option("--tools <tools>", 'Built-in tools offered to the model: comma separated names, "" for none, "default" for all')
    .option("--betas <betas>", "Beta features sent in the anthropic-beta header (comma or space separated)")
    .option("--thinking <mode>", "adaptive, enabled or disabled")
    .option("--allow-dangerously-skip-permissions", "Allow switching to bypassPermissions later in the run (SDK set_permission_mode)")
    .option("--debug [filter]", "Debug logging on stderr")
    .option("--debug-file <path>", "Debug logging appended to this file")
    .option("--cwd <dir>", "Work in this directory")
    .option("--allowedTools, --allowed-tools <tools>", "Tools allowed without asking (names, comma or space separated)")
    .option("--disallowedTools, --disallowed-tools <tools>", "Tools removed from the model's tool list")
    .option("--permission-mode <mode>", `One of: ${PERMISSION_MODES.join(", ")}`)
    .option("--dangerously-skip-permissions", "Same as --permission-mode bypassPermissions (refused as root outside a sandbox)")
    .option("--add-dir <dirs>", "More working directories the tools may use (repeatable)")
    .option("--mcp-config <configs>", "MCP servers from JSON files or inline JSON ({\"mcpServers\": ...}), space separated")
    .option("--strict-mcp-config", "Use only the MCP servers from --mcp-config")
    .option("--plugin-dir <dir>", "Load the plugin in this folder for this run (repeatable)")
    .option("--agents <json>", 'Sub-agents as JSON: {"name": {"description": "...", "prompt": "...", "tools": [...]}}')
    .option("--disable-slash-commands", "Turn off skills and markdown slash commands")
    .option("--trust", "Apply this folder's project hooks, env and allow rules for this run (see: hone trust)")
    .option("--max-thinking-tokens <n>", "Enable extended thinking with this token budget (0 disables)")
    .option("--effort <level>", `How much effort the model puts in: ${EFFORT_LEVELS.join(", ")}`)
    .option("-c, --continue", "Continue the most recent session in this directory")
    .option("-r, --resume <id>", "Resume a session by id (or unique id prefix); see: hone sessions")
    .option("--session-id <uuid>", "Use this UUID as the session id")
    .option("--fork-session", "With --resume/--continue: continue in a copy under a new session id")
    .option("--coordinator", "Coordinator mode: the main agent only delegates to background workers (also HONE_COORDINATOR_MODE=1)")
    .option("--ultraplan <task>", "Plan the task in a detached planning run with a local approval page, then carry out the approved plan")
    .option("--dream-now", "Consolidate the memory folder now (autoDream), whatever the time and session gates say")
    .option("--kairos", "Proactive mode: a session that wakes on a timer, looks at what changed and acts (needs the proactive feature)")
    .option("--no-session-persistence", "Do not save this session to disk")
    .option("--settings <file-or-json>", "Extra settings layer: a JSON file path or inline JSON")
    .option("--setting-sources <list>", "Settings files to load: comma-separated user, project, local")
    .option("-v, --version", "Print the version")
    .option("-h, --help", "Show this help");
  cli.usage('[options]   (an interactive session)\n  $ hone -p "task" [options]   (one task, then exit)\n\nSubcommands: sessions, rewind, doctor, memory, permissions, hooks, trust, mcp, skills, agents, serve (hone <subcommand> --help)');
  return cli;
}

export function helpText(): string {
  const cli = buildCli();
  let text = "";
  const log = console.log;
  console.log = (...parts: unknown[]) => void (text += `${parts.join(" ")}\n`);
  try {
    cli.outputHelp();
  } finally {
    console.log = log;
  }
  return text;
}

function list(value: unknown): string[] {
  if (value === undefined || value === true) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function single(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new UsageError(`${flag} was given more than once`);
  if (value === true) throw new UsageError(`${flag} needs a value`);
  return String(value);
}

function effortLevel(value: string | undefined): Effort | undefined {
  if (value === undefined) return undefined;
  const level = EFFORT_LEVELS.find((l) => l === value);
  if (!level) throw new UsageError(`--effort must be one of ${EFFORT_LEVELS.join(", ")} (got "${value}")`);
  return level;
}

function nonNegativeInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return n;
}

function readTextFile(path: string | undefined, flag: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(resolve(path), "utf8");
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function commaList(values: string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

function budget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || value.trim() === "") throw new UsageError(`--max-budget-usd must be a positive number of dollars, got "${value}"`);
  return n;
}

function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

function settingSources(value: string | undefined): SettingSource[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const name of names) {
    if (!(SETTING_SOURCES as readonly string[]).includes(name)) throw new UsageError(`--setting-sources: unknown source "${name}" (use user, project, local)`);
  }
  return names as SettingSource[];
}

/** Flags that may be given an empty value (`--setting-sources=` from the SDKs: no settings files). */
const EMPTY_ALLOWED = new Set(["--setting-sources", "--tools", "--system-prompt", "--append-system-prompt"]);

/**
 * cac turns an empty value into the number 0, so `--flag=` and `--flag ""` are taken out first and
 * remembered; a flag that cannot be empty is left in place to fail as "needs a value".
 */
function takeEmptyValues(argv: string[]): { rest: string[]; empty: Set<string> } {
  const rest: string[] = [];
  const empty = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.endsWith("=") && EMPTY_ALLOWED.has(arg.slice(0, -1))) {
      empty.add(arg.slice(0, -1));
      continue;
    }
    if (EMPTY_ALLOWED.has(arg) && argv[i + 1] === "") {
      empty.add(arg);
      i++;
      continue;
    }
    rest.push(arg);
  }
  return { rest, empty };
}

export function parseArgs(input: string[]): RunOptions {
  const { rest: argv, empty } = takeEmptyValues(input);
  const given = (value: unknown, flag: string): unknown => (empty.has(flag) ? (value === undefined ? "" : [value, ""]) : value);
  const cli = buildCli();
  const known = new Set<string>(["--"]);
  for (const option of cli.globalCommand.options) for (const name of option.names) known.add(name);
  const parsed = cli.parse(["node", "hone", ...expandVariadic(argv, hyphenatedSwitches(cli))], { run: false });
  const o = parsed.options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!known.has(key)) throw new UsageError(`Unknown option: ${key.length === 1 ? "-" : "--"}${key}`);
  }

  const format = single(o.outputFormat, "--output-format") ?? "text";
  if (format !== "text" && format !== "json" && format !== "stream-json") {
    throw new UsageError(`--output-format must be text, json or stream-json, got "${format}"`);
  }
  const modeText = single(o.permissionMode, "--permission-mode");
  let mode = modeText === undefined ? undefined : parsePermissionMode(modeText);
  if (modeText !== undefined && mode === undefined) throw new UsageError(`--permission-mode must be one of ${PERMISSION_MODES.join(", ")}, got "${modeText}"`);
  if (o.dangerouslySkipPermissions === true) {
    if (mode !== undefined && mode !== "bypassPermissions") throw new UsageError(`--dangerously-skip-permissions contradicts --permission-mode ${modeText}`);
    mode = "bypassPermissions";
  }
  const maxTurns = nonNegativeInt(single(o.maxTurns, "--max-turns"), "--max-turns");
  const systemPromptText = single(given(o.systemPrompt, "--system-prompt"), "--system-prompt");
  const systemPromptFile = readTextFile(single(o.systemPromptFile, "--system-prompt-file"), "--system-prompt-file");
  if (systemPromptText !== undefined && systemPromptFile !== undefined) throw new UsageError("--system-prompt and --system-prompt-file cannot be used together");
  const appendFile = readTextFile(single(o.appendSystemPromptFile, "--append-system-prompt-file"), "--append-system-prompt-file");
  const toolsText = single(given(o.tools, "--tools"), "--tools");
  const debugFilter = o.debug;
  if (maxTurns === 0) throw new UsageError("--max-turns must be at least 1");

  const options: RunOptions = {
    print: o.print === true,
    prompt: parsed.args.length > 0 ? parsed.args.map(String).join(" ") : undefined,
    outputFormat: format,
    verbose: o.verbose === true,
    model: single(o.model, "--model"),
    provider: single(o.provider, "--provider"),
    record: single(o.record, "--record"),
    replay: single(o.replay, "--replay"),
    maxTurns,
    systemPrompt: systemPromptText ?? systemPromptFile,
    appendSystemPrompt: [...list(o.appendSystemPrompt), ...(appendFile === undefined ? [] : [appendFile])].filter((t) => t !== ""),
    cwd: single(o.cwd, "--cwd"),
    allowedTools: list(o.allowedTools),
    disallowedTools: list(o.disallowedTools),
    permissionMode: mode,
    maxThinkingTokens: nonNegativeInt(single(o.maxThinkingTokens, "--max-thinking-tokens"), "--max-thinking-tokens"),
    effort: effortLevel(single(o.effort, "--effort")),
    continueLatest: o.continue === true,
    resume: single(o.resume, "--resume"),
    sessionId: single(o.sessionId, "--session-id"),
    forkSession: o.forkSession === true,
    coordinator: o.coordinator === true,
    kairos: o.kairos === true,
    dreamNow: o.dreamNow === true,
    ultraplan: single(given(o.ultraplan, "--ultraplan"), "--ultraplan"),
    persistSession: o.sessionPersistence !== false,
    settings: single(o.settings, "--settings"),
    settingSources: settingSources(single(given(o.settingSources, "--setting-sources"), "--setting-sources")),
    addDirs: list(o.addDir),
    trust: o.trust === true,
    mcpConfigs: list(o.mcpConfig),
    strictMcpConfig: o.strictMcpConfig === true,
    pluginDirs: list(o.pluginDir),
    agents: single(o.agents, "--agents"),
    disableSlashCommands: o.disableSlashCommands === true,
    inputFormat: oneOf(single(o.inputFormat, "--input-format"), "--input-format", ["text", "stream-json"] as const) ?? "text",
    includePartialMessages: o.includePartialMessages === true,
    replayUserMessages: o.replayUserMessages === true,
    includeHookEvents: o.includeHookEvents === true,
    permissionPromptTool: single(o.permissionPromptTool, "--permission-prompt-tool"),
    maxBudgetUsd: budget(single(o.maxBudgetUsd, "--max-budget-usd")),
    jsonSchema: single(o.jsonSchema, "--json-schema"),
    fallbackModels: commaList(list(o.fallbackModel)),
    ...(toolsText === undefined ? {} : { tools: toolsText.trim() === "default" ? undefined : commaList([toolsText]) }),
    betas: commaList(list(o.betas)),
    thinking: oneOf(single(o.thinking, "--thinking"), "--thinking", ["adaptive", "enabled", "disabled"] as const),
    allowBypass: o.allowDangerouslySkipPermissions === true,
    debug: debugFilter !== undefined && debugFilter !== false,
    debugFile: single(o.debugFile, "--debug-file"),
    help: o.help === true,
    version: o.version === true,
  };
  // The Agent SDKs start the CLI with --input-format stream-json and no -p: that input implies print mode.
  if (options.inputFormat === "stream-json") options.print = true;
  if (options.resume !== undefined && options.continueLatest) throw new UsageError("--resume and --continue cannot be used together");
  if (options.forkSession && options.resume === undefined && !options.continueLatest) throw new UsageError("--fork-session needs --resume <id> or --continue");
  if (options.strictMcpConfig && options.mcpConfigs.length === 0) throw new UsageError("--strict-mcp-config needs --mcp-config <file-or-json>");
  if (options.outputFormat !== "text" && !options.print) throw new UsageError("--output-format only works with -p/--print");
  if (options.outputFormat === "stream-json" && !options.verbose) {
    throw new UsageError("When using --print, --output-format=stream-json requires --verbose");
  }
  const streamIn = options.inputFormat === "stream-json";
  if (streamIn && options.outputFormat !== "stream-json") throw new UsageError("--input-format=stream-json requires --output-format=stream-json");
  if (streamIn && options.prompt !== undefined) throw new UsageError("with --input-format=stream-json the prompts come from stdin; remove the prompt argument");
  if (options.includePartialMessages && options.outputFormat !== "stream-json") throw new UsageError("--include-partial-messages requires --print and --output-format=stream-json");
  if (options.includeHookEvents && options.outputFormat !== "stream-json") throw new UsageError("--include-hook-events requires --print and --output-format=stream-json");
  if (options.replayUserMessages && !streamIn) throw new UsageError("--replay-user-messages requires --input-format=stream-json and --output-format=stream-json");
  const promptTool = options.permissionPromptTool;
  if (promptTool !== undefined) {
    if (promptTool === "stdio" && !streamIn) throw new UsageError("--permission-prompt-tool stdio requires --input-format=stream-json (the answers come from the SDK host on stdin)");
    if (promptTool !== "stdio" && !/^mcp__[^_].*__.+$/.test(promptTool)) throw new UsageError(`--permission-prompt-tool must be stdio or an MCP tool name (mcp__server__tool), got "${promptTool}"`);
  }
  if (options.record !== undefined && options.replay !== undefined) throw new UsageError("--record and --replay cannot be used together");
  if (options.replay !== undefined && !isDirectory(resolve(options.replay))) throw new UsageError(`--replay: ${resolve(options.replay)} is not a folder (make one with --record)`);
  if (options.fallbackModels.length > 0 && options.model !== undefined && options.fallbackModels.includes(options.model)) {
    throw new UsageError("--fallback-model cannot be the same as --model");
  }
  return options;
}
