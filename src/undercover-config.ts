// Undercover mode's configuration: the `undercover` settings section and HONE_UNDERCOVER, whether the
// mode is on for a repository (forced on or off, or "auto": on unless the repository's remote is on
// one of the configured internal hosts), and the built-in knowledge of which Claude model names and
// versions are public (hone's model table plus earlier releases), so any other one counts as unreleased.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { gitEnv } from "./git-run.ts";
import { MODELS } from "./models.ts";

/** The settings section as written (settings.json `undercover`, TOML `[undercover]`). */
export interface UndercoverSettings {
  enabled?: boolean | "auto";
  internalHosts?: string[];
  codenames?: string[];
  modelNames?: string[];
  internalUrls?: string[];
  /** true lets AI attribution lines through; by default they are removed. */
  attribution?: boolean;
}

export interface UndercoverConfig {
  mode: "on" | "off" | "auto";
  internalHosts: string[];
  codenames: string[];
  modelNames: string[];
  internalUrls: string[];
  allowAttribution: boolean;
}

export const UNDERCOVER_OFF: UndercoverConfig = { mode: "off", internalHosts: [], codenames: [], modelNames: [], internalUrls: [], allowAttribution: false };

const clean = (list: string[] | undefined): string[] => [...new Set((list ?? []).map((s) => s.trim()).filter((s) => s !== ""))];

/** The settings section and the environment: HONE_UNDERCOVER=1 forces the mode on, =0 off. */
export function undercoverConfig(settings: UndercoverSettings | undefined, env: Record<string, string | undefined> = process.env): UndercoverConfig {
  const flag = env.HONE_UNDERCOVER?.trim().toLowerCase();
  const forced = flag === "1" || flag === "true" || flag === "on" ? "on" : flag === "0" || flag === "false" || flag === "off" ? "off" : undefined;
  const fromSettings = settings === undefined ? "off" : settings.enabled === true ? "on" : settings.enabled === false ? "off" : "auto";
  return {
    mode: forced ?? fromSettings,
    internalHosts: clean(settings?.internalHosts).map((h) => h.toLowerCase()),
    codenames: clean(settings?.codenames),
    modelNames: clean(settings?.modelNames),
    internalUrls: clean(settings?.internalUrls),
    allowAttribution: settings?.attribution === true,
  };
}

/**
 * The host name of a git remote URL: `https://host/...`, `ssh://user@host:22/...`, `git://host/...`,
 * or the scp-like `user@host:path`. Undefined for local paths and `file://` URLs.
 */
export function remoteHost(url: string): string | undefined {
  const text = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]*)/i.exec(text);
  if (scheme) {
    if (scheme[1]?.toLowerCase() === "file") return undefined;
    const host = (scheme[2] ?? "").replace(/^\[|\]$/g, "").toLowerCase();
    return host === "" ? undefined : host;
  }
  // scp-like syntax: a colon before any slash, and not a Windows drive letter.
  const scp = /^(?:[^@/:]+@)?(\[[^\]]+\]|[^/:]+):(?!\/\/)/.exec(text);
  if (scp && !/^[a-z]$/i.test(scp[1] ?? "")) return (scp[1] ?? "").replace(/^\[|\]$/g, "").toLowerCase();
  return undefined;
}

/** Whether a host is one of the internal ones: exact names, or `*.example.com` / `.example.com` suffixes. */
export function isInternalHost(host: string, internalHosts: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return internalHosts.some((entry) => {
    const e = entry.toLowerCase().replace(/\.$/, "");
    if (e.startsWith("*.") || e.startsWith(".")) {
      const suffix = e.slice(e.indexOf("."));
      return name.endsWith(suffix) || name === suffix.slice(1);
    }
    return name === e;
  });
}

/** Runs git synchronously in cwd; undefined when it fails (no git, not a repository, no such key). */
function gitLine(args: readonly string[], cwd: string, env: Record<string, string | undefined>): string | undefined {
  if (!existsSync(cwd)) return undefined;
  const result = spawnSync("git", [...args], { cwd, env: gitEnv(env), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const out = result.status === 0 ? result.stdout.trim() : "";
  return out === "" ? undefined : out;
}

/**
 * The fetch URL of the repository's remote: the current branch's remote, else origin, else the only
 * one. Synchronous (three quick git calls) so the system prompt can be built from it.
 */
export function repositoryRemote(cwd: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const branch = gitLine(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd, env);
  const configured = branch === undefined ? undefined : gitLine(["config", "--get", `branch.${branch}.remote`], cwd, env);
  const names = [...(configured !== undefined && configured !== "." ? [configured] : []), "origin"];
  for (const name of names) {
    const url = remoteUrl(cwd, name, false, env);
    if (url !== undefined) return url;
  }
  const all = (gitLine(["remote"], cwd, env) ?? "").split("\n").filter((l) => l.trim() !== "");
  return all.length === 1 ? remoteUrl(cwd, all[0] ?? "", false, env) : undefined;
}

/** `git remote get-url [--push] <name>`, or undefined when there is no such remote. */
export function remoteUrl(cwd: string, name: string, push: boolean, env: Record<string, string | undefined> = process.env): string | undefined {
  return gitLine(["remote", "get-url", ...(push ? ["--push"] : []), "--", name], cwd, env);
}

/** Whether text sent to this remote is checked: "auto" is on unless the remote's host is internal. */
export function activeForRemote(config: UndercoverConfig, url: string | undefined): boolean {
  if (config.mode !== "auto") return config.mode === "on";
  const host = url === undefined ? undefined : remoteHost(url);
  // No remote, or a local one: nothing shows the repository is internal, so stay careful.
  return host === undefined || !isInternalHost(host, config.internalHosts);
}

/** Whether the mode is on for the repository at cwd. */
export function undercoverActive(config: UndercoverConfig, cwd: string, env: Record<string, string | undefined> = process.env): boolean {
  if (config.mode !== "auto") return config.mode === "on";
  return activeForRemote(config, repositoryRemote(cwd, env));
}

/** The system-prompt section for a session in cwd: the note when the mode is on there, else undefined. */
export function undercoverPromptSection(config: UndercoverConfig, cwd: string, env: Record<string, string | undefined> = process.env): string | undefined {
  return undercoverActive(config, cwd, env) ? undercoverPromptNote() : undefined;
}

/** The system-prompt note for a session where the mode is on; it names none of the configured terms. */
export function undercoverPromptNote(): string {
  return [
    "# Undercover mode",
    "This repository is public: commit messages, tag and merge messages, pull request and issue text, and code comments must read as an ordinary contributor's work.",
    "Leave out AI attribution (Co-Authored-By lines naming an AI, \"Generated with\" lines), internal project codenames, unreleased model names or versions, and links to internal systems.",
    "hone checks git and gh commands before they run: attribution lines are removed, and a command carrying anything else is refused with the reason.",
  ].join("\n");
}

// Model ids released before hone's table, which are public too.
const EARLIER_RELEASES = [
  "claude-1", "claude-2", "claude-2-0", "claude-2-1", "claude-instant-1", "claude-instant-1-2",
  "claude-3-opus", "claude-3-sonnet", "claude-3-haiku", "claude-3-5-sonnet", "claude-opus-4", "claude-sonnet-4",
];
/** Words after `claude-` that name a product, not a model (`claude-code-2.1` is a release of a tool). */
const PRODUCT_WORDS = new Set(["code", "cli", "sdk", "agent", "agents", "desktop", "app", "api", "action", "plugin", "plugins", "hub", "docs", "web", "extension", "vscode", "mcp", "config", "md", "dev", "bot", "skills", "hooks", "settings", "max", "pro", "team"]);

/** Lower case, dots as dashes, without a date, `-latest`, `-v2:0` or `@date` suffix. */
export function normalizeModelId(id: string): string {
  return id
    .toLowerCase()
    .replace(/@.*$/, "")
    .replace(/-v\d+(?::\d+)?$/, "")
    .replace(/-latest$/, "")
    .replace(/-\d{8}$/, "")
    .replace(/\./g, "-");
}

// Only Claude ids: the table also holds other vendors' models (gpt-5 would read as "Claude 5").
const KNOWN_IDS = new Set([...MODELS.map((m) => m.id).filter((id) => id.startsWith("claude-")), ...EARLIER_RELEASES].map(normalizeModelId));

/** Whether a `claude-...` id names a model that is not public (neither in the table nor an earlier release). */
export function isUnreleasedModelId(id: string): boolean {
  const norm = normalizeModelId(id);
  const segments = norm.split("-").slice(1);
  if (!segments.some((s) => /\d/.test(s))) return false;
  if (PRODUCT_WORDS.has(segments[0] ?? "")) return false;
  // A shorter name of a public model (`claude-3`, `claude-opus-4`) is public too.
  for (const known of KNOWN_IDS) if (known === norm || known.startsWith(`${norm}-`)) return false;
  return true;
}

export type ModelFamily = "opus" | "sonnet" | "haiku" | "claude";

/** Public versions per family ("4.6", "3.5", "4"), read from the known ids. */
function knownVersions(): Map<ModelFamily, string[]> {
  const out = new Map<ModelFamily, string[]>([["opus", []], ["sonnet", []], ["haiku", []], ["claude", []]]);
  for (const id of KNOWN_IDS) {
    const parts = id.split("-").slice(1);
    const family = parts.find((p) => p === "opus" || p === "sonnet" || p === "haiku") as ModelFamily | undefined;
    const digits = parts.filter((p) => /^\d+$/.test(p) && p !== "0");
    const zero = parts.filter((p) => /^\d+$/.test(p)).length > digits.length;
    const version = digits.join(".");
    if (version === "") continue;
    for (const key of family ? [family, "claude" as const] : ["claude" as const]) {
      const list = out.get(key) ?? [];
      list.push(version, ...(zero ? [`${version}.0`] : []));
    }
  }
  return out;
}

const VERSIONS = knownVersions();

function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** A family and version beyond anything public ("Opus 5", "Sonnet 4.7", "Claude 5"). */
export function isUnreleasedVersion(family: ModelFamily, version: string): boolean {
  const known = VERSIONS.get(family) ?? [];
  if (known.includes(version)) return false;
  const newest = [...known].sort(compareVersions).at(-1);
  return newest === undefined || compareVersions(version, newest) > 0;
}
