// hone's OS sandbox for Bash on Linux, built on bubblewrap: every command and its children see the
// machine read-only except the working directories and a per-session TMPDIR, config and hook files stay
// read-only even there, and the network is off or limited to allowed domains through hone's proxy.
import { execFile } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readlinkSync, renameSync } from "node:fs";
import { rmdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { isDirectory, realPathOr } from "./paths.ts";
import { explainSandboxFailure } from "./sandbox-explain.ts";
import { baseArgs, findSockets, planMounts, type MountLayout, type MountPoint } from "./sandbox-mounts.ts";
import { bridgeCommand, selfCommand, startDomainProxy, type DomainProxy } from "./sandbox-proxy.ts";

export { explainSandboxFailure } from "./sandbox-explain.ts";
export { runSandboxBridge, selfCommand, setSelfCommand } from "./sandbox-proxy.ts";

export interface SandboxSettings {
  enabled?: boolean;
  autoAllowBashIfSandboxed?: boolean;
  allowUnsandboxedCommands?: boolean;
  excludedCommands?: string[];
  failIfUnavailable?: boolean;
  network?: { allowedDomains?: string[] };
  filesystem?: { allowWrite?: string[]; denyRead?: string[] };
}

export interface SpawnSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface WrappedSpawn {
  file: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Call once the command has exited: removes mount points bwrap had to create; returns a note if a protected symlink had to be put back. */
  after(): string | undefined;
}

export interface Sandbox {
  /** The per-session TMPDIR, writable inside the sandbox. */
  readonly tmpDir: string;
  readonly allowUnsandboxed: boolean;
  /** Program names that run outside the sandbox (first word of the command). */
  readonly excludedCommands: readonly string[];
  /** Rewrites a spawn to run confined: returns the program, args and env to spawn instead, and an after() to clean up mount points. */
  wrap(spawn: SpawnSpec): WrappedSpawn;
  explainFailure(output: string, exitCode: number | null): string | undefined;
  /** Stops the proxy, removes the temp dir. */
  close(): Promise<void>;
}

export type ProbeResult = { ok: true; bwrap: string } | { ok: false; reason: string };

/** Port the network bridge listens on inside the sandbox (its network namespace is private). */
export const BRIDGE_PORT = 3128;

/**
 * First-word check (after VAR=value prefixes): `docker ps` matches ["docker"]. A command that chains or
 * substitutes others (`docker ps; curl ...`) stays sandboxed, so exclusion never carries other programs out.
 */
export function isExcluded(command: string, excluded: readonly string[]): boolean {
  if (excluded.length === 0 || /[;&|`\n]|\$\(|[<>]\(/.test(command)) return false;
  const words = command.trim().split(/\s+/);
  while (words.length > 1 && /^\w+=/.test(words[0] ?? "")) words.shift();
  const first = words[0] ?? "";
  const name = first.slice(first.lastIndexOf("/") + 1);
  return excluded.some((e) => e === first || e === name);
}

function findOnPath(program: string): string | undefined {
  if (program.includes("/")) return program;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir || ".", program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Namespace flags shared by the probe and real commands. --cap-drop matters when hone runs as root. */
const ISOLATION = ["--unshare-pid", "--unshare-ipc", "--unshare-net", "--die-with-parent", "--cap-drop", "ALL"];

function probeReason(stderr: string, error: { code?: string | number | null; killed?: boolean; message: string }): string {
  const detail = stderr.trim().split("\n")[0] ?? "";
  if (error.code === "ENOENT") return "bubblewrap (bwrap) is not installed";
  if (error.killed) return "bwrap did not finish its start-up check within 5 seconds";
  if (/namespace|uid map|unshare|Operation not permitted|Permission denied/i.test(detail)) {
    const why = "unprivileged user namespaces disabled, or hone already runs inside a container or sandbox that forbids them";
    return `bwrap cannot create namespaces here (${why}): ${detail}`;
  }
  if (/proc/i.test(detail)) return `bwrap cannot mount /proc (hone probably runs inside another container or sandbox): ${detail}`;
  return `bwrap failed its start-up check: ${detail || error.message}`;
}

const probes = new Map<string, Promise<ProbeResult>>();

/** Runs bwrap once (cached per process) to see whether it works here. */
export function probeSandbox(bwrapPath = "bwrap"): Promise<ProbeResult> {
  let probe = probes.get(bwrapPath);
  if (!probe) probes.set(bwrapPath, (probe = runProbe(bwrapPath)));
  return probe;
}

async function runProbe(bwrapPath: string): Promise<ProbeResult> {
  if (process.platform !== "linux") return { ok: false, reason: `the sandbox needs Linux with bubblewrap (this is ${process.platform})` };
  if (process.env.HONE_SANDBOX === "1") return { ok: false, reason: "hone is already running inside hone's sandbox" };
  const bwrap = findOnPath(bwrapPath);
  if (!bwrap) return { ok: false, reason: "bubblewrap (bwrap) is not installed (e.g. apt install bubblewrap)" };
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", ...ISOLATION, "true"];
  return new Promise((resolve) => {
    execFile(bwrap, args, { timeout: 5000 }, (error, _stdout, stderr) => {
      resolve(error ? { ok: false, reason: probeReason(String(stderr), error) } : { ok: true, bwrap });
    });
  });
}

/** Removes a mount point bwrap created if nothing was put in it meanwhile. */
function removeIfEmpty(point: MountPoint): void {
  try {
    if (point.kind === "dir") rmdirSync(point.path);
    else if (statSync(point.path).size === 0) unlinkSync(point.path);
  } catch {
    // Not empty, already gone, or still a mount point in a running sandbox: leave it.
  }
}

/** Puts back a protected symlink the command replaced; the replacement is kept beside it. */
function restoreSymlink(link: { path: string; target: string }): string | undefined {
  try {
    if (readlinkSync(link.path) === link.target) return undefined;
  } catch {
    // Gone, or no longer a symlink.
  }
  let aside: string | undefined = `${link.path}.hone-sandbox-${Date.now()}`;
  try {
    renameSync(link.path, aside);
  } catch {
    aside = undefined; // Removed outright: nothing to move aside.
  }
  try {
    symlinkSync(link.target, link.path);
  } catch (error) {
    return `hone sandbox: ${link.path} (a protected symlink) was changed and could not be restored: ${(error as Error).message}`;
  }
  const kept = aside ? ` (the replacement is at ${aside})` : "";
  return `hone sandbox: ${link.path} is protected; the command changed it, so it was restored${kept}.`;
}

export async function createSandbox(opts: {
  writableRoots: string[];
  tmpDir: string;
  home: string;
  allowedDomains: string[];
  allowWrite?: string[];
  denyRead?: string[];
  allowUnsandboxed: boolean;
  bwrap: string;
  excludedCommands?: string[];
  /** More paths to keep read-only inside writable roots (e.g. a custom HONE_CONFIG_DIR). */
  protect?: string[];
}): Promise<Sandbox> {
  const base = opts.tmpDir;
  const tmp = join(base, "tmp");
  let runDir = join(base, "run");
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  // Unix socket paths are limited to 107 bytes; a deep TMPDIR gets a short folder of its own.
  let ownRunDir = false;
  if (join(runDir, "proxy.sock").length > 100) {
    runDir = mkdtempSync(join(tmpdir(), "hone-sbx-"));
    ownRunDir = true;
  }
  const emptyDir = join(runDir, "empty-dir");
  const emptyFile = join(runDir, "empty-file");
  mkdirSync(emptyDir, { recursive: true, mode: 0o555 });
  rmSync(join(runDir, "proxy.sock"), { force: true }); // left by a run that was killed
  writeFileSync(emptyFile, "", { mode: 0o444 });

  const roots = [...new Set([...opts.writableRoots, ...(opts.allowWrite ?? [])].filter(isDirectory).map(realPathOr))];
  const home = realPathOr(opts.home);
  const network = opts.allowedDomains.length > 0;
  const self = network ? selfCommand() : [];
  const env = process.env;
  const socketDirs = ["/run", "/var/run", env.XDG_RUNTIME_DIR, env.SSH_AUTH_SOCK, join(home, ".docker", "run")];
  const layout: MountLayout = {
    roots,
    tmpDir: realPathOr(tmp),
    runDir: realPathOr(runDir),
    emptyDir: realPathOr(emptyDir),
    emptyFile: realPathOr(emptyFile),
    home,
    protect: (opts.protect ?? []).map(realPathOr),
    denyRead: (opts.denyRead ?? []).map(realPathOr),
    hideSockets: findSockets(socketDirs.filter((d): d is string => !!d), ["/tmp", realPathOr(base), realPathOr(runDir)]),
    readable: self.filter((p) => p.startsWith("/tmp/")),
  };
  const proxy: DomainProxy | undefined = network
    ? await startDomainProxy(join(layout.runDir, "proxy.sock"), opts.allowedDomains)
    : undefined;
  const fixed = baseArgs(layout);
  const prefix = proxy ? bridgeCommand(proxy.socketPath, BRIDGE_PORT) : [];
  const netEnv: Record<string, string> = {};
  if (proxy) {
    const url = `http://127.0.0.1:${BRIDGE_PORT}`;
    for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"]) netEnv[name] = url;
    // Servers the command starts itself listen on the sandbox's own loopback.
    netEnv.NO_PROXY = netEnv.no_proxy = "localhost,127.0.0.1,::1";
    netEnv.NODE_USE_ENV_PROXY = "1";
  }
  // Several commands can share a mount point (a background shell and a foreground one): count users.
  const inUse = new Map<string, number>();
  const info = { writable: [...roots, layout.tmpDir], allowedDomains: opts.allowedDomains };

  return {
    tmpDir: layout.tmpDir,
    allowUnsandboxed: opts.allowUnsandboxed,
    excludedCommands: opts.excludedCommands ?? [],
    wrap(spawn) {
      const plan = planMounts(layout, inUse);
      for (const p of plan.created) inUse.set(p.path, (inUse.get(p.path) ?? 0) + 1);
      const args = [...fixed, ...plan.args, ...ISOLATION, "--chdir", spawn.cwd, "--", ...prefix, spawn.file, ...spawn.args];
      let done = false;
      return {
        file: opts.bwrap,
        args,
        env: { ...spawn.env, ...netEnv, TMPDIR: layout.tmpDir, HONE_SANDBOX: "1" },
        after() {
          if (done) return undefined;
          done = true;
          for (const p of plan.created) {
            const users = (inUse.get(p.path) ?? 1) - 1;
            if (users > 0) inUse.set(p.path, users);
            else {
              inUse.delete(p.path);
              removeIfEmpty(p);
            }
          }
          const notes = plan.symlinks.map(restoreSymlink).filter((n): n is string => n !== undefined);
          return notes.length > 0 ? notes.join("\n") : undefined;
        },
      };
    },
    explainFailure: (output, exitCode) => explainSandboxFailure(output, exitCode, info),
    async close() {
      await proxy?.close();
      for (const path of inUse.keys()) removeIfEmpty({ path, kind: isDirectory(path) ? "dir" : "file" });
      inUse.clear();
      rmSync(base, { recursive: true, force: true });
      if (ownRunDir) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

