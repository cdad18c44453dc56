// Turns the path a model gave a file tool into an absolute path, and explains a missing file with the
// names it most likely meant (models often get the case, the extension or one letter wrong).
import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, dirname, extname, isAbsolute, join, resolve } from "node:path";

export interface ResolvedPath {
  /** Absolute, normalised path (symlinks not resolved). */
  absolute: string;
  /** True when the model gave a relative path (resolved against the project directory). */
  relative: boolean;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The path with symlinks resolved; undefined when it does not exist (or cannot be read). */
export function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The path with symlinks resolved, or just made absolute when it does not exist (or cannot be read). */
export function realPathOr(path: string): string {
  const absolute = resolve(path);
  return realPathOf(absolute) ?? absolute;
}

/** The nearest folder, from `start` upwards, that contains `name`. */
export function findUp(start: string, name: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function resolveToolPath(filePath: string, projectDir: string): ResolvedPath {
  if (filePath === "~" || filePath.startsWith("~/") || filePath.startsWith("~\\")) {
    return { absolute: resolve(homedir(), filePath.slice(2)), relative: false };
  }
  if (isAbsolute(filePath)) return { absolute: resolve(filePath), relative: false };
  return { absolute: resolve(projectDir, filePath), relative: true };
}

/** Levenshtein distance, stopping early once it exceeds `max` (returns max + 1 then). */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

function stem(name: string): string {
  const ext = extname(name);
  return ext && ext !== name ? name.slice(0, -ext.length) : name;
}

/** Names in the same folder that the model plausibly meant, best first (at most 5). */
export function nearMisses(absolute: string, max = 5): string[] {
  const dir = dirname(absolute);
  const wanted = basename(absolute);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const lower = wanted.toLowerCase();
  const wantedStem = stem(wanted).toLowerCase();
  // Short names tolerate one typo; longer ones two.
  const allowed = wanted.length <= 4 ? 1 : 2;
  const ranked: Array<{ name: string; rank: number }> = [];
  for (const name of entries) {
    if (name === wanted) continue;
    const candidate = name.toLowerCase();
    if (candidate === lower) ranked.push({ name, rank: 0 });
    else if (stem(name).toLowerCase() === wantedStem) ranked.push({ name, rank: 1 });
    else {
      const distance = editDistance(lower, candidate, allowed);
      if (distance <= allowed) ranked.push({ name, rank: 1 + distance });
    }
  }
  ranked.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  return ranked.slice(0, max).map((r) => join(dir, r.name));
}

function nearestExistingAncestor(path: string): string {
  let current = dirname(path);
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/** The message for a path that does not exist, with suggestions. */
export function missingFileMessage(resolved: ResolvedPath, projectDir: string): string {
  const { absolute } = resolved;
  const parts = [`File does not exist: ${absolute}`];
  const dir = dirname(absolute);
  const dirExists = isDirectory(dir);
  if (!dirExists) {
    parts.push(
      `The folder ${dir} does not exist either (nearest existing folder: ${nearestExistingAncestor(absolute)}).`,
    );
  } else {
    const similar = nearMisses(absolute);
    if (similar.length > 0) parts.push(`Did you mean:\n${similar.map((p) => `  ${p}`).join("\n")}`);
  }
  if (resolved.relative) parts.push(`Relative paths are resolved against the project directory ${projectDir}.`);
  return parts.join("\n");
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a program up on the given PATH (a runtime's own lookup may ignore a PATH passed in env). */
export function findOnPath(names: string[], envPath: string): string | undefined {
  for (const dir of envPath.split(delimiter)) {
    if (!dir) continue;
    const hit = names.map((name) => join(dir, name)).find(isExecutableFile);
    if (hit) return hit;
  }
  return undefined;
}
