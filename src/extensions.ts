// Loads every user extension for a run: skills and markdown commands, sub-agent files and plugins, from
// the user folders (~/.hone, ~/.claude), the project (cwd and each parent up to the git root, closest
// first), --add-dir folders (skills only), --plugin-dir folders and plugins enabled in settings. Only
// file heads are read; problems come back as warnings and never stop the rest from loading.
import { dirname, join, resolve } from "node:path";
import { loadAgentFile, parseAgentsJson, scanAgents } from "./agent-files.ts";
import { claudeHome, honeHome, type Env } from "./config-dir.ts";
import { loadCommand, scanCommands } from "./custom-commands.ts";
import type { AgentDef, LoadWarning, PluginDef, SkillDef } from "./extension-types.ts";
import { findUp, isDirectory, realPathOr } from "./paths.ts";
import { enabledPluginRoots } from "./plugin-install.ts";
import { loadPlugin } from "./plugins.ts";
import { scanSkills, skillsAt, type ExtensionOrigin } from "./skills.ts";

export interface ExtensionOptions {
  cwd: string;
  env: Env;
  /** --add-dir folders (relative ones against cwd): their .hone/skills and .claude/skills load too. */
  addDirs?: string[];
  /** --plugin-dir folders, loaded before (and instead of same-named) enabled plugins. */
  pluginDirs?: string[];
  /** The merged settings' `enabledPlugins`: `{"name@marketplace": true}`. */
  enabledPlugins?: Record<string, unknown>;
  /** The --agents JSON; a malformed value throws AgentsJsonError (a usage error). */
  agentsJson?: string;
}

export interface Extensions {
  skills: SkillDef[];
  agents: AgentDef[];
  plugins: PluginDef[];
  warnings: LoadWarning[];
}

/** "file:line: message", or "file: message" when the line is unknown. */
export function formatWarning(w: LoadWarning): string {
  return `${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.message}`;
}

/** cwd and each parent up to the git root, closest first; only cwd outside a git repository. */
export function projectDirs(cwd: string): string[] {
  const start = resolve(cwd);
  const root = findUp(start, ".git");
  if (root === undefined) return [start];
  const dirs: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dir === root || dirname(dir) === dir) return dirs;
  }
}

interface Candidate<T> {
  def: T;
  /** The level it came from (user, one project folder, the --add-dir folders, one plugin, cli). */
  group: string;
}

/** Keeps the first definition of each name; a second one in the same group is reported with both files. */
function pickFirst<T extends { name: string; path: string }>(candidates: Candidate<T>[], what: (def: T) => string, warnings: LoadWarning[]): T[] {
  const winners = new Map<string, Candidate<T>>();
  for (const candidate of candidates) {
    const held = winners.get(candidate.def.name);
    if (!held) {
      winners.set(candidate.def.name, candidate);
      continue;
    }
    // A plugin may list a skill folder that its default skills/ folder already holds: one skill, no clash.
    if (held.def.path === candidate.def.path || realPathOr(held.def.path) === realPathOr(candidate.def.path)) continue;
    if (held.group === candidate.group && what(held.def) === what(candidate.def)) {
      const kind = what(candidate.def);
      warnings.push({ file: candidate.def.path, message: `${kind} "${candidate.def.name}" is also defined in ${held.def.path}; that one is used and this one is ignored` });
    }
  }
  return [...winners.values()].map((c) => c.def);
}

/** Scans each folder once, even when two settings paths lead to the same place through a symlink. */
class Roots {
  private seen = new Set<string>();
  fresh(dir: string): boolean {
    if (!isDirectory(dir)) return false;
    const real = realPathOr(dir);
    if (this.seen.has(real)) return false;
    this.seen.add(real);
    return true;
  }
}

function loadPlugins(options: ExtensionOptions, warnings: LoadWarning[]): PluginDef[] {
  const { cwd, env } = options;
  const explicit = (options.pluginDirs ?? []).map((d) => resolve(cwd, d));
  const enabled = options.enabledPlugins ? enabledPluginRoots(options.enabledPlugins, cwd, env, warnings) : [];
  const plugins: PluginDef[] = [];
  const byName = new Map<string, { plugin: PluginDef; explicit: boolean }>();
  const seen = new Set<string>();
  for (const [i, root] of [...explicit, ...enabled].entries()) {
    const real = realPathOr(root);
    if (seen.has(real)) continue;
    seen.add(real);
    const plugin = loadPlugin(root, env, warnings);
    if (!plugin) continue;
    const isExplicit = i < explicit.length;
    const held = byName.get(plugin.name);
    if (held) {
      // A --plugin-dir copy replaces the installed one quietly (that is how plugins are developed).
      if (held.explicit === isExplicit) warnings.push({ file: plugin.manifestPath, message: `plugin "${plugin.name}" is already loaded from ${held.plugin.root}; this copy is ignored` });
      continue;
    }
    byName.set(plugin.name, { plugin, explicit: isExplicit });
    plugins.push(plugin);
  }
  return plugins;
}

interface Level {
  /** Definitions of one level (user, one project folder, the --add-dir folders) share a group. */
  group: string;
  /** Folders holding skills/, commands/ and agents/ (.hone first, then .claude). */
  dirs: string[];
  origin: ExtensionOrigin;
}

type Scan<T> = (path: string, origin: ExtensionOrigin, warnings: LoadWarning[]) => T[];

function userLevel(env: Env): Level {
  return { group: "user", dirs: [honeHome(env), claudeHome(env)], origin: { scope: "user" } };
}

function projectLevels(dirs: string[], group?: string): Level[] {
  return dirs.map((d) => ({ group: group ?? `project:${d}`, dirs: [join(d, ".hone"), join(d, ".claude")], origin: { scope: "project" } }));
}

/** Adds the definitions in `<level dir>/<sub>` of each level, in order, scanning each folder once. */
function fromLevels<T>(levels: Level[], sub: string, scan: Scan<T>, out: Candidate<T>[], warnings: LoadWarning[]): void {
  const roots = new Roots();
  for (const level of levels) {
    for (const base of level.dirs) {
      const root = join(base, sub);
      if (roots.fresh(root)) for (const def of scan(root, level.origin, warnings)) out.push({ def, group: level.group });
    }
  }
}

/** Adds each plugin's definitions; a component path may name a folder or (commands, agents) one file. */
function fromPlugins<T>(plugins: PluginDef[], paths: (p: PluginDef) => string[], scan: Scan<T>, out: Candidate<T>[], warnings: LoadWarning[]): void {
  for (const plugin of plugins) {
    const origin: ExtensionOrigin = { scope: "plugin", plugin: plugin.name };
    for (const path of paths(plugin)) for (const def of scan(path, origin, warnings)) out.push({ def, group: `plugin:${plugin.name}` });
  }
}

function loadSkillsAndCommands(options: ExtensionOptions, plugins: PluginDef[], warnings: LoadWarning[]): SkillDef[] {
  const levels = [userLevel(options.env), ...projectLevels(projectDirs(options.cwd))];
  const addDirs = (options.addDirs ?? []).map((d) => resolve(options.cwd, d));
  // All --add-dir folders form one level, so a name defined in two of them is reported.
  const added: Level = { group: "add-dir", dirs: projectLevels(addDirs).flatMap((l) => l.dirs), origin: { scope: "project" } };
  const candidates: Candidate<SkillDef>[] = [];
  fromLevels([...levels, added], "skills", scanSkills, candidates, warnings);
  fromPlugins(plugins, (p) => p.skillDirs, skillsAt, candidates, warnings);
  fromLevels(levels, "commands", scanCommands, candidates, warnings);
  const commandsAt: Scan<SkillDef> = (path, origin, w) => (isDirectory(path) ? scanCommands(path, origin, w) : [loadCommand(path, [], origin, w)].filter((d) => d !== undefined));
  fromPlugins(plugins, (p) => p.commandDirs, commandsAt, candidates, warnings);
  return pickFirst(candidates, (d) => d.kind, warnings);
}

function loadAgents(options: ExtensionOptions, cli: AgentDef[], plugins: PluginDef[], warnings: LoadWarning[]): AgentDef[] {
  const candidates: Candidate<AgentDef>[] = cli.map((def) => ({ def, group: "cli" }));
  fromLevels([...projectLevels(projectDirs(options.cwd)), userLevel(options.env)], "agents", scanAgents, candidates, warnings);
  const agentsAt: Scan<AgentDef> = (path, origin, w) => (isDirectory(path) ? scanAgents(path, origin, w) : [loadAgentFile(path, [], origin, w)].filter((d) => d !== undefined));
  fromPlugins(plugins, (p) => p.agentDirs, agentsAt, candidates, warnings);
  return pickFirst(candidates, () => "agent", warnings);
}

/** Loads skills, commands, agents and plugins for a run in `cwd`. Throws AgentsJsonError for a bad agentsJson. */
export function loadExtensions(options: ExtensionOptions): Extensions {
  const warnings: LoadWarning[] = [];
  // Parse --agents first: a usage error should not wait for the folder scans.
  const cli = options.agentsJson === undefined ? [] : parseAgentsJson(options.agentsJson);
  const plugins = loadPlugins(options, warnings);
  const skills = loadSkillsAndCommands(options, plugins, warnings);
  const agents = loadAgents(options, cli, plugins, warnings);
  return { skills, agents, plugins, warnings };
}
