// Workspace trust: which project folders may make hone run their code (project hooks, MCP servers,
// `!` commands in project slash commands, apiKeyHelper) and loosen its rules (allow rules, env,
// defaultMode, sandbox settings). Stored in ~/.hone/trust.json; a folder is trusted when it or a parent
// is listed, or when Claude Code's own trust dialog was accepted for it (~/.claude.json).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { claudeHome, homeDir, honeHome, type Env } from "./config-dir.ts";
import { atomicWrite } from "./file-io.ts";
import { isInside } from "./path-rules.ts";
import { realPathOr } from "./paths.ts";

export interface TrustEntry {
  path: string;
  trustedAt: string;
}

interface TrustFile {
  version: 1;
  trusted: TrustEntry[];
}

export function trustFilePath(env: Env): string {
  return join(honeHome(env), "trust.json");
}

export class TrustFileError extends Error {
  override name = "TrustFileError";
}

/** The stored entries; a damaged file is an error (it is never silently reset). */
export function readTrust(env: Env): TrustEntry[] {
  const path = trustFilePath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TrustFileError(`${path}: not valid JSON (${(error as Error).message}); fix or delete it`);
  }
  const list = (data as Partial<TrustFile> | null)?.trusted;
  if (!Array.isArray(list)) throw new TrustFileError(`${path}: expected {"version":1,"trusted":[...]}`);
  return list.filter((e): e is TrustEntry => typeof e?.path === "string");
}

/** Claude Code records an accepted trust dialog per project in ~/.claude.json; honour it. */
function trustedByClaudeCode(dir: string, env: Env): boolean {
  const file = env.CLAUDE_CONFIG_DIR ? join(claudeHome(env), ".claude.json") : join(homeDir(env), ".claude.json");
  try {
    const projects = (JSON.parse(readFileSync(file, "utf8")) as { projects?: Record<string, { hasTrustDialogAccepted?: boolean }> }).projects ?? {};
    for (let current = dir; ; current = dirname(current)) {
      if (projects[current]?.hasTrustDialogAccepted === true) return true;
      if (dirname(current) === current) return false;
    }
  } catch {
    return false;
  }
}

export function isTrusted(dir: string, env: Env): boolean {
  const target = realPathOr(dir);
  if (readTrust(env).some((e) => isInside(target, e.path))) return true;
  return trustedByClaudeCode(target, env);
}

async function writeTrust(env: Env, entries: TrustEntry[]): Promise<void> {
  const file: TrustFile = { version: 1, trusted: entries };
  await atomicWrite(trustFilePath(env), new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`), 0o600);
}

export async function trustDirectory(dir: string, env: Env): Promise<string> {
  const path = realPathOr(dir);
  const entries = readTrust(env);
  if (!entries.some((e) => e.path === path)) await writeTrust(env, [...entries, { path, trustedAt: new Date().toISOString() }]);
  return path;
}

/** Removes the entry for exactly this folder; returns whether there was one. */
export async function revokeTrust(dir: string, env: Env): Promise<boolean> {
  const path = realPathOr(dir);
  const entries = readTrust(env);
  const kept = entries.filter((e) => e.path !== path);
  if (kept.length === entries.length) return false;
  await writeTrust(env, kept);
  return true;
}
