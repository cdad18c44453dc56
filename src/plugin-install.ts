// Finds the folders of plugins enabled in settings (`enabledPlugins: {"name@marketplace": true}`) where
// Claude Code installs them: `~/.claude/plugins/installed_plugins.json` maps each id to its install path
// (version 1: one entry per id; version 2: a list of entries, project-scoped ones with `projectPath`),
// under `~/.claude/plugins/cache/<marketplace>/<name>/<version>/`. hone's own `~/.hone/plugins/<name>`
// is looked at last. An enabled plugin found nowhere gives one warning.
import { statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { claudeHome, honeHome, type Env } from "./config-dir.ts";
import { listEntries } from "./extension-files.ts";
import type { LoadWarning } from "./extension-types.ts";
import { isDirectory } from "./paths.ts";
import { readJson } from "./plugins.ts";
import { isPlain } from "./settings-parse.ts";

export function claudePluginsDir(env: Env): string {
  return join(claudeHome(env), "plugins");
}

export function installedPluginsFile(env: Env): string {
  return join(claudePluginsDir(env), "installed_plugins.json");
}

interface InstallEntry {
  installPath: string;
  projectPath?: string;
}


function entriesOf(value: unknown): InstallEntry[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((e) => {
    if (!isPlain(e) || typeof e.installPath !== "string") return [];
    return [{ installPath: e.installPath, ...(typeof e.projectPath === "string" ? { projectPath: e.projectPath } : {}) }];
  });
}

const inside = (dir: string, parent: string) => {
  const rel = relative(resolve(parent), resolve(dir));
  return !rel.startsWith("..") && !rel.startsWith("/");
};

/** The id's install entries, those for this project first, then user-wide ones, then the rest. */
function installEntries(installed: unknown, id: string, cwd: string): InstallEntry[] {
  if (!isPlain(installed) || !isPlain(installed.plugins)) return [];
  const plugins = installed.plugins;
  const keys = id.includes("@") ? [id] : Object.keys(plugins).filter((k) => k.split("@")[0] === id);
  const all = keys.flatMap((k) => entriesOf(plugins[k]));
  const rank = (e: InstallEntry) => (e.projectPath === undefined ? 1 : inside(cwd, e.projectPath) ? 0 : 2);
  return all.sort((a, b) => rank(a) - rank(b));
}

function newestDir(dir: string): string | undefined {
  const dirs = listEntries(dir).filter((e) => e.kind === "dir");
  const time = (path: string) => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return 0;
    }
  };
  return dirs.sort((a, b) => time(b.path) - time(a.path))[0]?.path;
}

/** The folder of an installed plugin id (`name@marketplace` or a bare name), or the places looked in. */
export function findInstalledPlugin(id: string, installed: unknown, cwd: string, env: Env): { root: string } | { looked: string[] } {
  const [name = id, marketplace] = id.split("@");
  const looked: string[] = [];
  for (const entry of installEntries(installed, id, cwd)) {
    if (isDirectory(entry.installPath)) return { root: entry.installPath };
    looked.push(entry.installPath);
  }
  const cacheRoot = join(claudePluginsDir(env), "cache");
  const cacheDirs = marketplace === undefined ? listEntries(cacheRoot).map((m) => join(m.path, name)) : [join(cacheRoot, marketplace, name)];
  for (const dir of cacheDirs) {
    const version = newestDir(dir);
    if (version) return { root: version };
  }
  looked.push(marketplace === undefined ? join(cacheRoot, "*", name) : join(cacheRoot, marketplace, name));
  const own = join(honeHome(env), "plugins", name);
  if (isDirectory(own)) return { root: own };
  looked.push(own);
  return { looked };
}

/** Folders of the plugins set to true in `enabledPlugins`, in the settings' order. */
export function enabledPluginRoots(enabled: Record<string, unknown>, cwd: string, env: Env, warnings: LoadWarning[]): string[] {
  const ids = Object.entries(enabled).filter(([, on]) => on === true).map(([id]) => id);
  if (ids.length === 0) return [];
  const file = installedPluginsFile(env);
  const installed = readJson(file, warnings, true)?.data;
  const roots: string[] = [];
  for (const id of ids) {
    const found = findInstalledPlugin(id, installed, cwd, env);
    if ("root" in found) roots.push(found.root);
    else warnings.push({ file, message: `plugin "${id}" is enabled in settings (enabledPlugins) but is not installed; looked in ${found.looked.join(", ")}` });
  }
  return roots;
}
