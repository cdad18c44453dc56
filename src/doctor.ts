// `hone doctor`: checks the install and configuration and says, line by line, what is fine, what is
// missing and what is broken. Exits 1 only when something hone needs is missing or broken (no API
// credentials, a settings error, nowhere writable for sessions or temp files); optional helpers
// (ripgrep, bubblewrap) are reported but never fail the check. It reads, it never repairs.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { credentialsFromEnv } from "./anthropic.ts";
import { projectDir, type Env } from "./config-dir.ts";
import { chooseModel, resolveModel } from "./models.ts";
import { inspectSettings, type SettingsReport } from "./settings.ts";
import { isTrusted } from "./trust.ts";
import type { CommandIO } from "./subcommands.ts";
import { VERSION } from "./version.ts";
import { findOnPath } from "./paths.ts";
import { extensionChecks } from "./doctor-extensions.ts";

type Mark = "ok" | "missing" | "error" | "warn";

interface Check {
  mark: Mark;
  label: string;
  detail: string;
  /** A missing or broken required item: makes doctor exit 1. */
  required?: boolean;
}

function versionOf(name: string, label: string, env: Env, whyOptional: string): Check {
  const path = findOnPath([name], env.PATH ?? "");
  if (!path) return { mark: "missing", label, detail: `${name} not found on PATH (optional: ${whyOptional})` };
  const result = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 5000, env: { PATH: env.PATH ?? "" } });
  const first = (result.stdout ?? "").split("\n")[0]?.trim();
  if (result.status !== 0 || !first) {
    return { mark: "error", label, detail: `${path} --version failed (optional: ${whyOptional})` };
  }
  return { mark: "ok", label, detail: `${first} (${path})` };
}

function settingsChecks(report: SettingsReport): Check[] {
  const checks: Check[] = report.files.map((file) => {
    const label = `settings (${file.scope})`;
    if (file.status === "error") return { mark: "error", label, detail: file.error ?? file.path, required: true };
    if (file.status === "missing") return { mark: "missing", label, detail: `${file.path} (optional)` };
    return { mark: "ok", label, detail: `${file.path} loaded` };
  });
  // Errors that belong to no file (bad HONE_* variables) still need a line.
  for (const error of report.errors) {
    if (error.file === "environment") checks.push({ mark: "error", label: "settings (environment)", detail: error.message, required: true });
  }
  for (const warning of report.loaded.warnings) checks.push({ mark: "warn", label: "settings", detail: warning });
  const ignored = report.loaded.ignoredKeys;
  checks.push({
    mark: "ok",
    label: "ignored keys",
    detail: ignored.length === 0 ? "none" : ignored.map((k) => `${k.key} (${k.file})`).join(", ") + " — accepted, not used by hone yet",
  });
  return checks;
}

function credentialCheck(report: SettingsReport, processEnv: Env): Check {
  const credentials = credentialsFromEnv(report.loaded.env);
  const label = "API key";
  if (credentials.source === "none") {
    return { mark: "missing", label, detail: "set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN for a bearer token)", required: true };
  }
  const settingsEnv = report.loaded.settings.env ?? {};
  const from = settingsEnv[credentials.source] !== undefined ? "settings env" : "environment";
  // Only the variable's name and where it came from: the key itself is never printed.
  const shadowed = from === "settings env" && processEnv[credentials.source] !== undefined ? ", overriding the environment" : "";
  return { mark: "ok", label, detail: `${credentials.source} (from ${from}${shadowed})` };
}

function modelCheck(report: SettingsReport): Check {
  const env = report.loaded.env;
  const { name, source } = chooseModel({ settings: report.loaded.settings.model }, env);
  const id = resolveModel(name, env);
  return { mark: "ok", label: "model", detail: `${id}${id === name ? "" : ` (alias "${name}")`} from ${source}` };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sessionDirCheck(env: Env, cwd: string): Check {
  const dir = projectDir(env, cwd);
  const label = "session dir";
  let existing = dir;
  while (!pathExists(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const ok = writable(existing);
  const where = existing === dir ? dir : `${dir} (not created yet; nearest existing parent ${existing})`;
  return ok
    ? { mark: "ok", label, detail: `${where} is writable` }
    : { mark: "error", label, detail: `${where} is not writable`, required: true };
}

function pathExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Creates and removes a scratch folder: the only sure test that temp files can be written. */
function tempDirCheck(): Check {
  const dir = tmpdir();
  try {
    rmSync(mkdtempSync(join(dir, "hone-doctor-")), { recursive: true, force: true });
    return { mark: "ok", label: "temp dir", detail: `${dir} is writable` };
  } catch (error) {
    return { mark: "error", label: "temp dir", detail: `${dir} is not writable (${(error as Error).message})`, required: true };
  }
}

export function runChecks(io: Pick<CommandIO, "cwd" | "env">): Check[] {
  let trusted = false;
  let trustCheck: Check;
  try {
    trusted = isTrusted(io.cwd, io.env);
    const skipped = trusted ? "" : "; its project hooks, env and allow rules are not applied (hone trust)";
    trustCheck = { mark: "ok", label: "workspace trust", detail: `${io.cwd} is ${trusted ? "trusted" : "not trusted"}${skipped}` };
  } catch (error) {
    trustCheck = { mark: "error", label: "workspace trust", detail: (error as Error).message, required: true };
  }
  const report = inspectSettings({ cwd: io.cwd, env: io.env, trusted });
  const env = report.loaded.env;
  return [
    { mark: "ok", label: "version", detail: `hone ${VERSION}` },
    { mark: "ok", label: "binary", detail: process.execPath },
    trustCheck,
    ...settingsChecks(report),
    credentialCheck(report, io.env),
    modelCheck(report),
    versionOf("rg", "ripgrep", env, "Grep falls back to a built-in search"),
    versionOf("bwrap", "bubblewrap", env, "needed only for the Bash sandbox on Linux"),
    sessionDirCheck(io.env, io.cwd),
    tempDirCheck(),
    ...extensionChecks(io.cwd, env, report.loaded.settings, trusted),
  ];
}

export async function doctorCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.length > 0) {
    io.err(`hone doctor takes no arguments (got ${args.join(" ")})\n`);
    return 2;
  }
  const checks = runChecks(io);
  for (const check of checks) io.out(`${check.mark.padEnd(8)}${check.label}: ${check.detail}\n`);
  const problems = checks.filter((c) => c.required && c.mark !== "ok");
  io.out(problems.length === 0 ? "\nAll required checks passed.\n" : `\n${problems.length} problem${problems.length === 1 ? "" : "s"} found.\n`);
  return problems.length === 0 ? 0 : 1;
}
