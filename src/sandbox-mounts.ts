// What the sandbox mounts where, as bubblewrap arguments: the whole machine read-only, a private /tmp,
// the writable roots, then read-only re-binds of the files hone, Claude Code, git and the shell would
// later run code from, so a sandboxed command cannot plant something that runs outside it.
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, type Stats } from "node:fs";
import { dirname, join } from "node:path";

/** Paths in every writable root that must stay read-only (besides .git, handled on its own). */
const PROJECT_PROTECTED: ReadonlyArray<MountPoint> = [
  { path: ".hone", kind: "dir" },
  { path: ".claude", kind: "dir" },
  { path: ".mcp.json", kind: "file" },
  { path: ".hone.toml", kind: "file" },
];
/** Shell start-up files and user config in $HOME, protected when $HOME lies inside a writable root. */
const HOME_PROTECTED: ReadonlyArray<MountPoint> = [
  ...[".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile"].map((p) => ({ path: p, kind: "file" as const })),
  ...[".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout", ".gitconfig"].map((p) => ({ path: p, kind: "file" as const })),
  { path: ".hone", kind: "dir" },
  { path: ".claude", kind: "dir" },
];

export interface MountPoint {
  path: string;
  kind: "dir" | "file";
}

export interface MountLayout {
  /** Real paths that get the project protections (project dir, additional dirs, allowWrite). */
  roots: string[];
  /** The per-session TMPDIR, writable. */
  tmpDir: string;
  /** Read-only inside: proxy socket and the empty sources below. */
  runDir: string;
  emptyDir: string;
  emptyFile: string;
  home: string;
  /** Extra absolute paths to keep read-only (missing ones as directories). */
  protect: string[];
  denyRead: string[];
  /** Unix sockets to cover (a socket reaches outside the sandbox even on a read-only mount). */
  hideSockets: string[];
  /** Files under /tmp that must stay visible (the hone binary that runs the network bridge). */
  readable: string[];
}

export interface MountPlan {
  args: string[];
  /** Mount points bwrap creates on the host for protected paths that did not exist. */
  created: MountPoint[];
  /** Protected paths that are symlinks: the link itself cannot be mounted over, so it is checked after. */
  symlinks: Array<{ path: string; target: string }>;
}

export function isInside(path: string, root: string): boolean {
  if (root === "/") return path.startsWith("/");
  return path === root || path.startsWith(`${root}/`);
}

function depth(path: string): number {
  return path.split("/").filter(Boolean).length;
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The mounts that do not depend on what exists at call time: computed once per sandbox. */
export function baseArgs(layout: MountLayout): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  // As root (no user namespace) these stay writable under bwrap's fresh /proc: kernel-wide settings.
  for (const p of ["/proc/sys", "/proc/sysrq-trigger"]) if (existsSync(p)) args.push("--ro-bind", p, p);
  // Parents before children, so a root under /tmp lands on the private tmpfs rather than under it.
  const writable = [{ path: "/tmp", tmpfs: true }, ...[...layout.roots, layout.tmpDir].map((path) => ({ path, tmpfs: false }))];
  writable.sort((a, b) => depth(a.path) - depth(b.path));
  for (const w of writable) args.push(...(w.tmpfs ? ["--tmpfs", w.path] : ["--bind", w.path, w.path]));
  args.push("--ro-bind", layout.runDir, layout.runDir);
  for (const p of layout.readable) args.push("--ro-bind", p, p);
  for (const p of layout.hideSockets) args.push("--ro-bind", "/dev/null", p);
  return args;
}

function protectedTargets(layout: MountLayout): MountPoint[] {
  const targets: MountPoint[] = [];
  for (const root of layout.roots) {
    const git = join(root, ".git");
    const st = lstatOrUndefined(git);
    // A missing .git is kept from being created (a fresh one could carry hooks); a .git file (worktree,
    // submodule) is protected whole, since rewriting it could point git at another hooks folder.
    if (st?.isDirectory()) targets.push({ path: join(git, "hooks"), kind: "dir" }, { path: join(git, "config"), kind: "file" });
    else targets.push({ path: git, kind: st ? "file" : "dir" });
    for (const p of PROJECT_PROTECTED) targets.push({ path: join(root, p.path), kind: p.kind });
  }
  for (const p of HOME_PROTECTED) targets.push({ path: join(layout.home, p.path), kind: p.kind });
  for (const path of layout.protect) targets.push({ path, kind: "dir" });
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.path) && seen.add(t.path) && layout.roots.some((r) => isInside(t.path, r)));
}

/** Deepest writable root holding `path`. */
function rootOf(path: string, roots: string[]): string | undefined {
  let best: string | undefined;
  for (const r of roots) if (isInside(path, r) && (best === undefined || r.length > best.length)) best = r;
  return best;
}

/**
 * The per-call mounts: protections (as they exist now) and hidden paths. `pending` holds mount points
 * created for commands still running: they count as missing, so they are shared and removed only once.
 */
export function planMounts(layout: MountLayout, pending: ReadonlyMap<string, unknown> = new Map()): MountPlan {
  const pins = new Set<string>();
  const protections: string[] = [];
  const created: MountPoint[] = [];
  const symlinks: MountPlan["symlinks"] = [];
  for (const target of protectedTargets(layout)) {
    const root = rootOf(target.path, layout.roots);
    if (root === undefined || target.path === root) continue;
    let point = target;
    const st = pending.has(target.path) ? undefined : lstatOrUndefined(target.path);
    if (!st) {
      // bwrap creates the mount point on the host; make that a single entry, removed again after the command.
      while (!existsSync(dirname(point.path)) && dirname(point.path) !== root) point = { path: dirname(point.path), kind: "dir" };
      protections.push("--ro-bind", point.kind === "dir" ? layout.emptyDir : layout.emptyFile, point.path);
      created.push(point);
    } else if (st.isSymbolicLink()) {
      symlinks.push({ path: target.path, target: readlinkSync(target.path) });
      // A link cannot be a mount point: keep its target read-only when that is writable, check the link after.
      const real = realOrUndefined(target.path);
      if (real && layout.roots.some((r) => isInside(real, r))) protections.push("--ro-bind", real, real);
    } else {
      protections.push("--ro-bind", target.path, target.path);
    }
    // A folder between the root and the protected path could be renamed away and rebuilt; binding it
    // onto itself makes it a mount point, which cannot be renamed or removed.
    for (let dir = dirname(point.path); dir !== root && isInside(dir, root); dir = dirname(dir)) {
      if (lstatOrUndefined(dir)?.isDirectory()) pins.add(dir);
    }
  }
  const args: string[] = [];
  for (const dir of [...pins].sort((a, b) => depth(a) - depth(b))) args.push("--bind", dir, dir);
  args.push(...protections);
  for (const path of layout.denyRead) {
    const st = lstatOrUndefined(path);
    if (!st) continue;
    args.push("--ro-bind", st.isDirectory() ? layout.emptyDir : "/dev/null", path);
  }
  return { args, created, symlinks };
}

/** Unix sockets under `dirs` (bounded walk, symlinked folders not followed), except under `skip`. */
export function findSockets(dirs: string[], skip: string[], maxDepth = 4, maxEntries = 5000): string[] {
  const found: string[] = [];
  let budget = maxEntries;
  const walk = (dir: string, level: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (--budget < 0) return;
      const path = join(dir, entry.name);
      if (skip.some((s) => isInside(path, s))) continue;
      if (entry.isSocket()) found.push(path);
      else if (entry.isDirectory() && level < maxDepth) walk(path, level + 1);
    }
  };
  for (const dir of dirs) {
    const st = lstatOrUndefined(dir);
    if (st?.isSocket()) found.push(dir);
    else if (st?.isDirectory()) walk(dir, 1);
  }
  return [...new Set(found)];
}
