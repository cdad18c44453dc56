// Whether this run's shell commands are sandboxed, from the `sandbox` settings and what the machine
// can do: explicitly enabled, on by default wherever bubblewrap works, or off when settings say so.
// Only an explicit `enabled: true` (or autoAllowBashIfSandboxed) lets sandboxed commands skip asking;
// a sandbox that is merely on by default is an extra wall, not a permission.
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { UsageError } from "./cli.ts";
import { honeHome } from "./config-dir.ts";
import type { Logger } from "./log.ts";
import { pathGlobs } from "./path-rules.ts";
import { findUp, isDirectory } from "./paths.ts";
import { parseRuleText } from "./permission-rules.ts";
import type { SandboxPolicy } from "./permission-context.ts";
import { createSandbox, probeSandbox, type Sandbox } from "./sandbox.ts";
import { scratchRoot } from "./session-state.ts";
import type { Settings } from "./settings.ts";

export interface StartedSandbox {
  policy?: SandboxPolicy;
  instance?: Sandbox;
  /** A sandbox that is only on by default starts at the first shell command: probing bubblewrap costs a process start. */
  start?: () => Promise<Sandbox | undefined>;
  stop(): Promise<void>;
}

const NONE: StartedSandbox = { stop: async () => undefined };

function absolutePaths(paths: string[] | undefined, cwd: string, home: string): string[] {
  return (paths ?? []).map((p) => (p === "~" || p.startsWith("~/") ? join(home, p.slice(1)) : isAbsolute(p) ? p : resolve(cwd, p)));
}

/** The enclosing repository's .git folder when the project is a subfolder of it (commits write there). */
function enclosingGitDir(cwd: string): string | undefined {
  const root = findUp(cwd, ".git");
  if (root === undefined || root === cwd) return undefined;
  const git = join(root, ".git");
  return isDirectory(git) ? git : undefined;
}

/** Existing files and folders that Read deny rules name literally (no wildcards), for the sandbox to hide. */
export function deniedReadPaths(rules: { rule: string; kind: string; source: { anchor: string } }[], cwd: string, home: string): string[] {
  const out: string[] = [];
  for (const { rule, kind, source } of rules) {
    const parsed = kind === "deny" ? parseRuleText(rule) : undefined;
    const spec = parsed?.specifier;
    if (parsed?.tool !== "Read" || spec === undefined || /[*?[\]]/.test(spec)) continue;
    const bare = !spec.replace(/^\.\//, "").includes("/");
    const path = bare ? join(cwd, spec.replace(/^\.\//, "")) : pathGlobs(spec, { cwd, home, anchor: source.anchor, kind: "deny" })[0];
    if (path && existsSync(path)) out.push(path);
  }
  return out;
}

interface SandboxOptions {
  cwd: string;
  directories: string[];
  home: string;
  sessionId: string;
  log: Logger;
  env?: Record<string, string | undefined>;
  /** Existing files Read deny rules name, hidden inside the sandbox too (cat, grep -r, scripts). */
  denyRead?: string[];
}

export async function startSandbox(
  settings: Settings["sandbox"],
  opts: SandboxOptions,
): Promise<StartedSandbox> {
  if (settings?.enabled === false) return NONE;
  // Auto-allowing needs a sandbox that certainly works, so it is started (and checked) now.
  if (settings?.enabled === true || settings?.autoAllowBashIfSandboxed === true) {
    const instance = await create(settings, opts, true);
    if (!instance) return NONE;
    const policy: SandboxPolicy = { active: true, autoAllow: settings.autoAllowBashIfSandboxed ?? true, excludedCommands: settings.excludedCommands ?? [] };
    return { policy, instance, stop: () => instance.close() };
  }
  let pending: Promise<Sandbox | undefined> | undefined;
  return { start: () => (pending ??= create(settings, opts, false)), stop: async () => (await pending)?.close() };
}

async function create(settings: Settings["sandbox"], opts: SandboxOptions, explicit: boolean): Promise<Sandbox | undefined> {
  const probe = await probeSandbox(settings?.bwrapPath);
  if (!probe.ok) {
    if (explicit && settings?.failIfUnavailable) throw new UsageError(`the sandbox is required (sandbox.failIfUnavailable) but unavailable: ${probe.reason}`);
    if (explicit) opts.log.warn(`sandbox.enabled is set but the sandbox is unavailable (${probe.reason}); shell commands run unsandboxed and need approval as usual`);
    return undefined;
  }
  const env = opts.env ?? process.env;
  const gitDir = enclosingGitDir(opts.cwd);
  return await createSandbox({
    writableRoots: [opts.cwd, ...opts.directories, ...(gitDir ? [gitDir] : [])],
    tmpDir: join(scratchRoot(), opts.sessionId, "sandbox"),
    home: opts.home,
    allowedDomains: settings?.network?.allowedDomains ?? [],
    allowWrite: absolutePaths(settings?.filesystem?.allowWrite, opts.cwd, opts.home),
    denyRead: [...absolutePaths(settings?.filesystem?.denyRead, opts.cwd, opts.home), ...(opts.denyRead ?? [])],
    allowUnsandboxed: settings?.allowUnsandboxedCommands !== false,
    bwrap: probe.bwrap,
    excludedCommands: settings?.excludedCommands ?? [],
    protect: [honeHome(env), ...(gitDir ? [join(gitDir, "hooks"), join(gitDir, "config")] : [])],
  });
}
