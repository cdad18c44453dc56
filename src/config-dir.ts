// Where hone keeps its own files (~/.hone, or HONE_CONFIG_DIR) and where Claude Code keeps its files
// (~/.claude, or CLAUDE_CONFIG_DIR), which hone also reads for compatibility. The one place that decides.
import { homedir } from "node:os";
import { join } from "node:path";

export type Env = Record<string, string | undefined>;

/** An on/off variable: set, and not "", "0" or "false". */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** The first of these variables that holds a positive number. */
export function envNumber(env: Env, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = Number(env[name]);
    if (env[name] !== undefined && Number.isFinite(value) && value > 0) return value;
  }
  return undefined;
}

export function homeDir(env: Env): string {
  return env.HOME || homedir();
}

export function honeHome(env: Env): string {
  return env.HONE_CONFIG_DIR || join(homeDir(env), ".hone");
}

export function claudeHome(env: Env): string {
  return env.CLAUDE_CONFIG_DIR || join(homeDir(env), ".claude");
}

/** Claude Code's folder name for a project: the absolute cwd with every non-alphanumeric character as '-'. */
export function encodeProjectDir(cwd: string): string {
  const encoded = cwd.replace(/[^A-Za-z0-9]/g, "-");
  if (encoded.length <= 200) return encoded;
  // Long paths keep a readable prefix plus a hash so two deep folders never collide.
  let hash = 0;
  for (let i = 0; i < cwd.length; i++) hash = (Math.imul(hash, 31) + cwd.charCodeAt(i)) >>> 0;
  return `${encoded.slice(0, 200)}-${hash.toString(36)}`;
}

export function projectsDir(env: Env): string {
  return join(honeHome(env), "projects");
}

export function projectDir(env: Env, cwd: string): string {
  return join(projectsDir(env), encodeProjectDir(cwd));
}
