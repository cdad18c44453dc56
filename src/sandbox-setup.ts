// Whether this run's shell commands are sandboxed, from the `sandbox` settings and what the machine
// can do: explicitly enabled, on by default wherever bubblewrap works, or off when settings say so.
// Only an explicit `enabled: true` (or autoAllowBashIfSandboxed) lets sandboxed commands skip asking;
// a sandbox that is merely on by default is an extra wall, not a permission.
import { isAbsolute, join, resolve } from "node:path";
import { UsageError } from "./cli.ts";
import { honeHome } from "./config-dir.ts";
import type { Logger } from "./log.ts";
import type { SandboxPolicy } from "./permission-context.ts";
import { createSandbox, probeSandbox, type Sandbox } from "./sandbox.ts";
import { scratchRoot } from "./session-state.ts";
import type { Settings } from "./settings.ts";

export interface StartedSandbox {
  policy?: SandboxPolicy;
  instance?: Sandbox;
  stop(): Promise<void>;
}

const NONE: StartedSandbox = { stop: async () => undefined };

function absolutePaths(paths: string[] | undefined, cwd: string, home: string): string[] {
  return (paths ?? []).map((p) => (p === "~" || p.startsWith("~/") ? join(home, p.slice(1)) : isAbsolute(p) ? p : resolve(cwd, p)));
}

export async function startSandbox(
  settings: Settings["sandbox"],
  opts: { cwd: string; directories: string[]; home: string; sessionId: string; log: Logger; env?: Record<string, string | undefined> },
): Promise<StartedSandbox> {
  if (settings?.enabled === false) return NONE;
  const explicit = settings?.enabled === true;
  const probe = await probeSandbox(settings?.bwrapPath);
  if (!probe.ok) {
    if (explicit && settings?.failIfUnavailable) throw new UsageError(`the sandbox is required (sandbox.failIfUnavailable) but unavailable: ${probe.reason}`);
    if (explicit) opts.log.warn(`sandbox.enabled is set but the sandbox is unavailable (${probe.reason}); shell commands run unsandboxed and need approval as usual`);
    return NONE;
  }
  const env = opts.env ?? process.env;
  const instance = await createSandbox({
    writableRoots: [opts.cwd, ...opts.directories],
    tmpDir: join(scratchRoot(), opts.sessionId, "sandbox"),
    home: opts.home,
    allowedDomains: settings?.network?.allowedDomains ?? [],
    allowWrite: absolutePaths(settings?.filesystem?.allowWrite, opts.cwd, opts.home),
    denyRead: absolutePaths(settings?.filesystem?.denyRead, opts.cwd, opts.home),
    allowUnsandboxed: settings?.allowUnsandboxedCommands !== false,
    bwrap: probe.bwrap,
    excludedCommands: settings?.excludedCommands ?? [],
    protect: [honeHome(env)],
  });
  return {
    policy: { active: true, autoAllow: settings?.autoAllowBashIfSandboxed ?? explicit, excludedCommands: settings?.excludedCommands ?? [] },
    instance,
    stop: () => instance.close(),
  };
}
