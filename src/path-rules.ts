// Read(...) and Edit(...) rule specifiers as absolute globs, with gitignore-style anchoring:
// `//abs` from the filesystem root, `~/x` from home, `/x` from the rule's settings source, anything else
// from the working directory; a bare name matches at any depth, and a pattern naming a directory also
// covers everything inside it. Symlinks are resolved by the caller and both paths are checked.
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { Minimatch } from "minimatch";
import type { RuleKind } from "./permission-rules.ts";

export interface PathMatcher {
  matches(absPath: string): boolean;
  /** The globs tried, for explanations. */
  readonly globs: readonly string[];
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.replace(/\\/g, "/").replace(/^([A-Za-z]):/, (_, d: string) => `/${d.toLowerCase()}`);
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The absolute globs one specifier stands for. */
export function pathGlobs(specifier: string, ctx: { cwd: string; home: string; anchor: string; kind: RuleKind }): string[] {
  let spec = toPosix(specifier.trim());
  const dirOnly = spec.endsWith("/");
  let base: string;
  if (spec.startsWith("//")) base = spec.slice(1);
  else if (spec === "~" || spec.startsWith("~/")) base = `${trimSlash(toPosix(ctx.home))}${spec.slice(1)}`;
  else if (spec.startsWith("/")) base = `${trimSlash(toPosix(ctx.anchor))}${spec}`;
  else {
    spec = spec.replace(/^(\.\/)+/, "");
    const segments = spec.replace(/\/+$/, "").split("/");
    const cwd = trimSlash(toPosix(ctx.cwd));
    // A bare name (`.env`) matches at any depth; a one-segment directory pattern (`src/**`) does too
    // for deny and ask, where matching more is the safe side.
    const anyDepth = segments.length === 1 || (ctx.kind !== "allow" && segments.length === 2 && segments[1] === "**");
    if (anyDepth && ctx.kind !== "allow") base = `/**/${spec}`;
    else if (anyDepth && segments.length === 1) base = `${cwd}/**/${spec}`;
    else base = `${cwd}/${spec}`;
  }
  base = base.replace(/\/+$/, "");
  if (base === "") base = "/";
  const inside = base === "/" ? "/**" : `${base}/**`;
  return dirOnly ? [inside] : [base, inside];
}

export function pathMatcher(specifier: string, ctx: { cwd: string; home: string; anchor: string; kind: RuleKind }): PathMatcher {
  const globs = pathGlobs(specifier, ctx);
  const compiled = globs.map((g) => new Minimatch(g, { dot: true, nocomment: true, nonegate: true }));
  return { globs, matches: (absPath) => compiled.some((m) => m.match(toPosix(absPath))) };
}

/** The path with symlinks resolved; for a path that does not exist yet, its deepest existing parent is. */
export function resolveReal(absPath: string): string {
  const rest: string[] = [];
  let current = resolve(absPath);
  for (;;) {
    try {
      if (existsSync(current) || current === dirname(current)) {
        const real = realpathSync(current);
        return rest.length === 0 ? real : join(real, ...rest.reverse());
      }
    } catch {
      // A dangling link or unreadable entry: keep walking up.
    }
    const parent = dirname(current);
    if (parent === current) return resolve(absPath);
    rest.push(basename(current));
    current = parent;
  }
}

/** Both spellings of a path that rules must consider: as given, and with symlinks resolved. */
export function pathVariants(absPath: string): string[] {
  const given = resolve(absPath);
  const real = resolveReal(given);
  return real === given ? [given] : [given, real];
}

export function isInside(path: string, dir: string): boolean {
  if (path === dir) return true;
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return path.startsWith(prefix);
}

const PROTECTED_DIRS = new Set([".git", ".claude", ".hone", ".vscode", ".idea", ".husky"]);
const PROTECTED_FILES = new Set([
  ".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin",
  ".gitconfig", ".gitmodules", ".mcp.json", ".claude.json", ".npmrc", ".envrc",
]);

/** Files whose change runs code or changes hone's own configuration: never auto-approved by a mode. */
export function protectedReason(absPath: string): string | undefined {
  const parts = toPosix(absPath).split("/");
  const dir = parts.slice(0, -1).find((p) => PROTECTED_DIRS.has(p));
  if (dir) return `it is inside a ${dir} directory`;
  const name = parts[parts.length - 1] ?? "";
  if (PROTECTED_DIRS.has(name)) return `it is a ${name} directory`;
  if (PROTECTED_FILES.has(name)) return `${name} is a configuration file that can run code`;
  return undefined;
}
