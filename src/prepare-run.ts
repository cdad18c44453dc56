// Everything between parsed flags and the first request: settings (with their `env` block applied),
// instruction files, the session (new, continued, resumed or forked), file history and the run setup.
// Errors surface as typed exceptions; app.ts turns them into messages and exit codes.
import { join } from "node:path";
import type { RunOptions } from "./cli.ts";
import { createFileHistory } from "./file-history.ts";
import { createInstructionTracker, loadInstructions, renderInstructions } from "./instructions.ts";
import { createLogger } from "./log.ts";
import { buildRunSetup, resolveCwd, type RunSetup, type RunSettings } from "./run-config.ts";
import { cleanupOldSessions, openSession, type Session } from "./session.ts";
import { DEFAULT_CLEANUP_DAYS, loadSettings, type LoadedSettings } from "./settings.ts";

export interface PreparedRun {
  session: Session;
  setup: RunSetup;
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
    model: settings.model,
    maxTokens: settings.maxTokens,
    defaultMode: settings.permissions?.defaultMode,
    bypassDisabled: settings.permissions?.disableBypassPermissionsMode === "disable",
    rules: loaded.rules.map((r) => ({ rule: r.rule, kind: r.kind, where: r.source.line ? `${r.source.file}:${r.source.line}` : r.source.file })),
    instructions,
  };
}

export function prepareRun(options: RunOptions, writeErr: (line: string) => void): PreparedRun {
  const cwd = resolveCwd(options.cwd);
  const loaded = loadSettings({ cwd, env: process.env, cliSettings: options.settings, settingSources: options.settingSources });
  const log = createLogger(loaded.settings.logLevel ?? "warn", (line) => writeErr(line.replace(/\n$/, "")));
  for (const warning of loaded.warnings) log.warn(warning);
  applyEnvironment(loaded);
  const env = process.env;

  const instructions = loadInstructions({ cwd, env });
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
  try {
    for (const warning of session.warnings) log.warn(warning);
    const setup = buildRunSetup(options, {
      cwd,
      env,
      place: session,
      restored: session,
      settings: runSettings(loaded, renderInstructions(instructions.files)),
    });
    for (const warning of setup.warnings) log.warn(warning);
    const state = setup.agent.session;
    state.instructions = createInstructionTracker(cwd, instructions.files.map((f) => f.path), env);
    if (options.persistSession) {
      state.fileHistory = createFileHistory(join(session.folder, "file-history"));
      cleanupOldSessions(env, loaded.settings.cleanupPeriodDays ?? DEFAULT_CLEANUP_DAYS);
    }
    return { session, setup };
  } catch (error) {
    session.close();
    throw error;
  }
}
