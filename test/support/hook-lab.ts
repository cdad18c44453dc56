// A workbench for hook end-to-end tests: a private HOME whose ~/.claude/settings.json holds the hooks
// (user settings need no workspace trust), a project folder, and small sh scripts that append the JSON
// they get on stdin to a log, so tests can read back what each hook was given.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempProject } from "./run-hone.ts";
import { tempHome } from "./sessions.ts";

export type HookInput = Record<string, unknown>;
/** One settings group: { matcher?, hooks: [{ type: "command", command, timeout? }] }. */
export interface HookGroup {
  matcher?: string;
  hooks: Array<{ type: "command"; command: string; timeout?: number }>;
}

export interface HookLab {
  home: string;
  /** The project folder hone runs in. */
  dir: string;
  /** Where the scripts and their logs live (outside the project). */
  scripts: string;
  env: { HOME: string };
  settingsFile: string;
  /** Writes an executable sh script; returns its absolute path (the hook's command). */
  script(name: string, body: string): string;
  /** A script that appends its stdin JSON to the log `name` and then runs `then`. */
  recorder(name: string, then?: string): string;
  /** Writes the user settings file with these hooks (plus any other settings keys). */
  settings(hooks: Record<string, HookGroup[]>, extra?: Record<string, unknown>): void;
  /** The inputs the recorder `name` was given, in order. */
  inputs(name: string): HookInput[];
  logPath(name: string): string;
}

/** One group running `command` for `matcher` (all when omitted). */
export function group(command: string, matcher?: string, timeout?: number): HookGroup {
  return { ...(matcher === undefined ? {} : { matcher }), hooks: [{ type: "command", command, ...(timeout === undefined ? {} : { timeout }) }] };
}

export function hookLab(): HookLab {
  const home = tempHome();
  const dir = tempProject();
  const scripts = tempProject("hone-hook-scripts-");
  const settingsFile = join(home, ".claude", "settings.json");
  const logPath = (name: string) => join(scripts, `${name}.jsonl`);
  const script = (name: string, body: string): string => {
    const path = join(scripts, `${name}.sh`);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  return {
    home,
    dir,
    scripts,
    env: { HOME: home },
    settingsFile,
    script,
    recorder: (name, then = "exit 0") => script(name, `cat >> '${logPath(name)}'\n${then}`),
    settings(hooks, extra = {}) {
      mkdirSync(join(home, ".claude"), { recursive: true });
      writeFileSync(settingsFile, `${JSON.stringify({ ...extra, hooks }, null, 2)}\n`);
    },
    inputs(name) {
      const path = logPath(name);
      if (!existsSync(path)) return [];
      return readFileSync(path, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as HookInput);
    },
    logPath,
  };
}

/** Polls for something a detached hook writes after hone may already have exited. */
export async function eventually<T>(read: () => T | undefined, ms = 5000): Promise<T | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined || Date.now() > until) return value;
    await Bun.sleep(50);
  }
}

/** A single-quoted sh literal. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** printf of a JSON value as a hook's stdout. */
export function printJson(value: unknown): string {
  return `printf '%s\\n' ${shQuote(JSON.stringify(value))}`;
}
