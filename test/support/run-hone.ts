// Runs the real compiled binary (dist/hone) the way a user or script would: a fresh temp project dir,
// a private HOME, the scripted API as ANTHROPIC_BASE_URL, and no terminal on stdin.
import { existsSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** HONE_BIN points the tests at another build (helpers building in parallel use their own). */
export const HONE_BIN = process.env.HONE_BIN ? resolve(process.env.HONE_BIN) : resolve(import.meta.dir, "../../dist/hone");

/** The build with every compile-time feature (`bun run build --features buddy,proactive`, as .ci/run does). */
export const HONE_FULL_BIN = process.env.HONE_FULL_BIN ? resolve(process.env.HONE_FULL_BIN) : resolve(import.meta.dir, "../../dist/full/hone");

export function requireFullBinary(): string {
  if (!existsSync(HONE_FULL_BIN)) throw new Error(`${HONE_FULL_BIN} is missing: run "HONE_OUTFILE=dist/full/hone bun run build --features buddy,proactive" before the feature tests`);
  return HONE_FULL_BIN;
}

export function requireBinary(): string {
  if (!existsSync(HONE_BIN)) throw new Error(`${HONE_BIN} is missing: run "bun run build" before the end-to-end tests`);
  return HONE_BIN;
}

export function tempProject(prefix = "hone-e2e-"): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  lines: () => Array<Record<string, unknown>>;
  json: () => Record<string, unknown>;
}

export interface RunOptions {
  cwd: string;
  apiUrl?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Called with the child process once it started (to send signals). */
  onSpawn?: (proc: ReturnType<typeof Bun.spawn>) => void;
  command?: string[];
}

/** The environment hone runs with in tests: the test HOME, a test key, the scripted API, fast retries. */
export function honeEnv(apiUrl: string | undefined, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: "C.UTF-8",
    ANTHROPIC_API_KEY: "sk-test-key",
    ANTHROPIC_BASE_URL: apiUrl,
    HONE_RETRY_BASE_MS: "20",
    // A test's sessions must not start background memory dreams against its scripted API (opt in: "1").
    HONE_AUTO_DREAM: "0",
    ...extra,
  })) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}

export async function runHone(args: string[], options: RunOptions): Promise<RunResult> {
  const env = honeEnv(options.apiUrl, options.env);
  const proc = Bun.spawn([...(options.command ?? [requireBinary()]), ...args], {
    cwd: options.cwd,
    env,
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  options.onSpawn?.(proc);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return {
    code,
    stdout,
    stderr,
    lines: () =>
      stdout
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    json: () => JSON.parse(stdout) as Record<string, unknown>,
  };
}
