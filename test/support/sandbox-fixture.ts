// A real bubblewrap sandbox around fresh folders: the project and HOME live under /var/tmp (read-only
// inside, unlike /tmp which becomes a private tmpfs), the session temp dir under the system temp dir.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, setSelfCommand, type Sandbox } from "../../src/sandbox.ts";
import { runCommand, type CommandResult } from "../../src/shell.ts";

/**
 * The bridge stand-in bundled into one file in the temp dir: the sandbox keeps files the bridge command
 * names visible even under /tmp, but not the source tree they would import (a checkout may live there).
 */
export function bundledBridge(): string {
  const out = join(mkdtempSync(join(tmpdir(), "hone-bridge-bundle-")), "bridge.js");
  const built = Bun.spawnSync([process.execPath, "build", join(import.meta.dir, "sandbox-bridge-main.ts"), "--target=bun", "--outfile", out]);
  if (built.exitCode !== 0) throw new Error(`bundling the bridge failed: ${built.stderr.toString()}`);
  return out;
}

export const BRIDGE_SCRIPT = bundledBridge();
setSelfCommand([process.execPath, BRIDGE_SCRIPT]);

export interface SandboxFixture {
  base: string;
  project: string;
  home: string;
  sandbox: Sandbox;
  run(command: string, opts?: { timeoutMs?: number; cwd?: string }): Promise<CommandResult>;
  close(): Promise<void>;
}

export async function sandboxFixture(
  opts: { allowedDomains?: string[]; denyRead?: (f: { project: string; home: string }) => string[]; homeIsProject?: boolean } = {},
): Promise<SandboxFixture> {
  const base = realpathSync(mkdtempSync("/var/tmp/hone-sbx-test-"));
  const project = join(base, "project");
  const home = opts.homeIsProject ? project : join(base, "home");
  mkdirSync(project);
  mkdirSync(home, { recursive: true });
  const sessionParent = mkdtempSync(join(tmpdir(), "hone-sbx-session-"));
  const sessionTmp = join(sessionParent, "sandbox");
  const sandbox = await createSandbox({
    writableRoots: [project],
    tmpDir: sessionTmp,
    home,
    allowedDomains: opts.allowedDomains ?? [],
    denyRead: opts.denyRead?.({ project, home }) ?? [],
    allowUnsandboxed: true,
    bwrap: "/usr/bin/bwrap",
  });
  return {
    base,
    project,
    home,
    sandbox,
    run: (command, o = {}) =>
      runCommand({
        command,
        cwd: o.cwd ?? project,
        timeoutMs: o.timeoutMs ?? 20_000,
        signal: new AbortController().signal,
        outputFile: () => join(base, `out-${Date.now()}.txt`),
        sandbox,
      }),
    async close() {
      await sandbox.close();
      rmSync(base, { recursive: true, force: true });
      rmSync(sessionParent, { recursive: true, force: true });
    },
  };
}

/** Pids of live (non-zombie) processes whose command line contains `needle`. */
export function processesMatching(needle: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (cmdline.includes(needle) && state !== "Z" && Number(pid) !== process.pid) found.push(Number(pid));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}
