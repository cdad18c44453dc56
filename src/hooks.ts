// Hook configuration, compatible with Claude Code's settings `hooks` key: validation of each settings
// layer's raw value into a flat list of commands, and the matcher rules that pick which of them run
// for one firing. Running them is hook-runner.ts; reading their results is hook-outcome.ts.
import { formatKeyPath, isPlain, type KeyPath } from "./settings-parse.ts";

export const HOOK_EVENTS = [
  "PreToolUse", "PostToolUse", "PostToolUseFailure", "UserPromptSubmit", "Notification", "Stop",
  "SubagentStop", "PreCompact", "SessionStart", "SessionEnd",
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Events Claude Code has that hone never fires: named in the warning so the user knows why nothing runs. */
const UNSUPPORTED_EVENTS: ReadonlySet<string> = new Set([
  "PermissionRequest", "PostToolBatch", "PermissionDenied", "SubagentStart", "UserPromptExpansion", "Setup",
  "InstructionsLoaded", "StopFailure", "PostCompact", "ConfigChange", "CwdChanged", "DirectoryAdded",
  "FileChanged", "WorktreeCreate", "WorktreeRemove", "TaskCreated", "TaskCompleted", "TeammateIdle",
  "Elicitation", "ElicitationResult", "MessageDisplay",
]);

/** Claude Code's classic per-command default. */
export const DEFAULT_HOOK_TIMEOUT_SEC = 60;

export interface HookSource {
  file: string;
  /** user | project | local | cli | managed | plugin */
  scope: string;
}

/** A hook answered by the program driving hone (an SDK host's callback) instead of a shell command. */
export type HookCallback = (input: Record<string, unknown>, signal?: AbortSignal) => Promise<Record<string, unknown>>;

export interface HookCommand {
  event: HookEvent;
  /** As written ("" when omitted). */
  matcher: string;
  /** The shell command; for a callback hook, a label naming it (`callback:<id>`). */
  command: string;
  callback?: HookCallback;
  timeoutSec: number;
  source: HookSource;
}

export function isHookEvent(name: string): name is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

/** Handler keys that change when or how a hook runs: ignoring them would run it where the user did not mean to. */
const UNSUPPORTED_HANDLER_KEYS = ["args", "async", "asyncRewake", "if", "once"] as const;
const KNOWN_HANDLER_KEYS: ReadonlySet<string> = new Set(["type", "command", "timeout", "shell", "statusMessage", ...UNSUPPORTED_HANDLER_KEYS]);

type Matcher = (target: string) => boolean;
const SIMPLE_MATCHER = /^[A-Za-z0-9_\- ,|]*$/;
const compiled = new Map<string, Matcher>();

/** Builds the test for a matcher, or returns the regex error message. */
export function compileMatcher(matcher: string): Matcher | string {
  const cached = compiled.get(matcher);
  if (cached) return cached;
  const text = matcher.trim();
  let test: Matcher;
  if (text === "" || text === "*") {
    test = () => true;
  } else if (SIMPLE_MATCHER.test(text)) {
    // Plain names: exact, case-sensitive, so `mcp__memory` does not match `mcp__memory__create`.
    const names = new Set(text.split(/[|,]/).map((n) => n.trim()).filter((n) => n !== ""));
    test = (target) => names.has(target);
  } else {
    let regex: RegExp;
    try {
      regex = new RegExp(text);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    test = (target) => regex.test(target);
  }
  compiled.set(matcher, test);
  return test;
}

/**
 * The hooks for one firing. `target` is the tool name for tool events, and the trigger, source,
 * notification type, agent type or end reason for the others; with no target every hook of the
 * event runs whatever its matcher says (events such as UserPromptSubmit and Stop have no matcher).
 * The same command text selected twice (e.g. from two files with different matchers) runs once.
 */
export function hooksFor(hooks: HookCommand[], event: HookEvent, target?: string): HookCommand[] {
  const seen = new Set<string>();
  const out: HookCommand[] = [];
  for (const hook of hooks) {
    if (hook.event !== event || seen.has(hook.command)) continue;
    if (target !== undefined) {
      const test = compileMatcher(hook.matcher);
      if (typeof test === "string" || !test(target)) continue;
    }
    seen.add(hook.command);
    out.push(hook);
  }
  return out;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (isPlain(value)) return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One handler object, or the reason it is skipped. */
function readHandler(raw: unknown, warn: (problem: string, sub?: KeyPath) => void): { command: string; timeoutSec: number } | undefined {
  if (!isPlain(raw)) {
    warn(`expected an object like {"type": "command", "command": "..."}, got ${describe(raw)}; skipped`);
    return undefined;
  }
  if (raw.type !== "command") {
    const what = raw.type === undefined ? "is missing" : `${describe(raw.type)} is not supported`;
    warn(`hook type ${what} (hone runs only "command" hooks); skipped`, ["type"]);
    return undefined;
  }
  const command = raw.command;
  if (typeof command !== "string" || command.trim() === "") {
    warn(`expected a non-empty command string, got ${describe(command)}; skipped`, ["command"]);
    return undefined;
  }
  let timeoutSec = DEFAULT_HOOK_TIMEOUT_SEC;
  if (raw.timeout !== undefined) {
    if (typeof raw.timeout !== "number" || !Number.isFinite(raw.timeout) || raw.timeout <= 0) {
      warn(`expected a positive number of seconds, got ${describe(raw.timeout)}; hook skipped`, ["timeout"]);
      return undefined;
    }
    timeoutSec = raw.timeout;
  }
  for (const key of UNSUPPORTED_HANDLER_KEYS) {
    if (raw[key] === undefined) continue;
    warn(`"${key}" is not supported by hone, so the hook would not run as configured; skipped`, [key]);
    return undefined;
  }
  if (raw.shell !== undefined && raw.shell !== "bash") {
    warn(`shell ${describe(raw.shell)} is not supported (hone runs hooks with the user's POSIX shell); skipped`, ["shell"]);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_HANDLER_KEYS.has(key)) warn(`unknown key "${key}" ignored`, [key]);
  }
  return { command, timeoutSec };
}

/** Reads one layer's matcher groups for one event into `out`. */
function readEvent(event: HookEvent, groups: unknown, source: HookSource, out: HookCommand[], warn: (path: KeyPath, problem: string) => void): void {
  if (!Array.isArray(groups)) {
    warn([event], `expected a list of {"matcher": ..., "hooks": [...]} groups, got ${describe(groups)}; skipped`);
    return;
  }
  groups.forEach((group, g) => {
    const at: KeyPath = [event, g];
    if (!isPlain(group)) {
      warn(at, `expected an object with "matcher" and "hooks", got ${describe(group)}; skipped`);
      return;
    }
    const matcher = group.matcher ?? "";
    if (typeof matcher !== "string") {
      warn([...at, "matcher"], `expected a string, got ${describe(matcher)}; group skipped`);
      return;
    }
    const test = compileMatcher(matcher);
    if (typeof test === "string") {
      warn([...at, "matcher"], `invalid regular expression ${JSON.stringify(matcher)} (${test}); group skipped`);
      return;
    }
    if (!Array.isArray(group.hooks)) {
      warn([...at, "hooks"], `expected a list of hook commands, got ${describe(group.hooks)}; group skipped`);
      return;
    }
    group.hooks.forEach((raw, h) => {
      const handler = readHandler(raw, (problem, sub = []) => warn([...at, "hooks", h, ...sub], problem));
      if (!handler) return;
      const duplicate = out.some((o) => o.event === event && o.matcher === matcher && o.command === handler.command);
      if (!duplicate) out.push({ event, matcher, ...handler, source });
    });
  });
}

/**
 * Validates each settings layer's raw `hooks` value. Problems become warnings naming the file and key
 * and skip only the affected hook, group or event. The same command for the same event and matcher
 * is kept once (the first layer's copy).
 */
export function parseHooks(layers: { hooks: unknown; source: HookSource }[]): { hooks: HookCommand[]; warnings: string[] } {
  const hooks: HookCommand[] = [];
  const warnings: string[] = [];
  for (const { hooks: raw, source } of layers) {
    if (raw === undefined || raw === null) continue;
    const warn = (path: KeyPath, problem: string) => warnings.push(`${source.file}: ${formatKeyPath(["hooks", ...path])}: ${problem}`);
    if (!isPlain(raw)) {
      warn([], `expected an object of event names, got ${describe(raw)}; ignored`);
      continue;
    }
    for (const [event, groups] of Object.entries(raw)) {
      if (isHookEvent(event)) {
        readEvent(event, groups, source, hooks, warn);
        continue;
      }
      const why = UNSUPPORTED_EVENTS.has(event) ? "is a Claude Code event hone does not fire" : "is not a hook event";
      warn([event], `"${event}" ${why} (supported: ${HOOK_EVENTS.join(", ")}); ignored`);
    }
  }
  return { hooks, warnings };
}
