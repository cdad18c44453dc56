// Real git repositories and a real shell for the undercover gate tests: a command goes through
// checkCommand, and what the gate lets through (as is or rewritten) runs in bash, so the tests can read
// what actually landed in the repository's history. A fake `gh` on PATH records its arguments.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { undercoverConfig, type UndercoverConfig, type UndercoverSettings } from "../../src/undercover-config.ts";
import { checkCommand, type GateDecision } from "../../src/undercover.ts";
import { git, makeRepo, tempDir } from "./git-repo.ts";

export const SETTINGS: UndercoverSettings = { enabled: true, codenames: ["Falcon"], internalHosts: ["git.corp.example"], internalUrls: ["https://wiki.corp.example/"] };
export const ON = undercoverConfig(SETTINGS, {});
export const CO_AUTHOR = "Co-Authored-By: Claude <noreply@anthropic.com>";

const IDENTITY = { GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "test@example.com", GIT_EDITOR: "true" };

/** A fake gh that writes each argument it got, NUL-terminated, to $GH_LOG. */
export function fakeGh(): { bin: string; log: string; args: () => string[] } {
  const bin = tempDir("hone-fake-gh-");
  const log = join(bin, "args");
  writeFileSync(join(bin, "gh"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > "${log}"\n`);
  chmodSync(join(bin, "gh"), 0o755);
  return { bin, log, args: () => readFileSync(log, "utf8").split("\0").slice(0, -1) };
}

export function sh(cwd: string, command: string, path?: string): { code: number; out: string } {
  const env = { ...process.env, ...IDENTITY, ...(path ? { PATH: `${path}:${process.env.PATH}` } : {}) };
  const r = spawnSync("bash", ["-c", command], { cwd, env, encoding: "utf8" });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

export interface Gated {
  decision: GateDecision;
  /** The command that ran (undefined when blocked). */
  ran?: string;
  code?: number;
  out?: string;
}

/** Checks a command and runs what the gate allows, the way the Bash tool would. */
export async function gated(cwd: string, command: string, config: UndercoverConfig = ON, path?: string): Promise<Gated> {
  const decision = await checkCommand(command, { config, cwd });
  if (decision.action === "block") return { decision };
  const ran = decision.action === "rewrite" ? decision.command : command;
  return { decision, ran, ...sh(cwd, ran, path) };
}

export function reason(g: Gated): string {
  return g.decision.action === "block" ? g.decision.reason : `not blocked: ${g.decision.action}`;
}

/** Every commit message of HEAD's history, newest first, joined. */
export function history(repo: string, ref = "HEAD"): string {
  return git(repo, "log", "--format=%B%x00", ref);
}

export function headMessage(repo: string): string {
  return git(repo, "log", "-1", "--format=%B").replace(/\n+$/, "");
}

/** A repository with a first commit and one staged change ready to commit. */
export function stagedRepo(): string {
  const repo = makeRepo();
  writeFileSync(join(repo, "a.txt"), "alpha two\n");
  git(repo, "add", "a.txt");
  return repo;
}

/** A bare repository as `origin` with main pushed and tracked. */
export function withOrigin(repo: string): string {
  const bare = tempDir("hone-bare-");
  git(bare, "init", "--quiet", "--bare", "--initial-branch=main");
  git(repo, "remote", "add", "origin", bare);
  git(repo, "push", "--quiet", "-u", "origin", "main");
  return bare;
}

export function write(repo: string, path: string, text: string): void {
  mkdirSync(join(repo, path, ".."), { recursive: true });
  writeFileSync(join(repo, path), text);
}
