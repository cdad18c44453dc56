// KAIROS pull request watching: what `gh pr view --json` says about a pull request, the subscriptions
// SubscribePR records, and the changes between two looks at one. gh is run by name from the PATH of the
// environment given (tests put a fake gh first), with an argument array, never through a shell.
import { spawn } from "node:child_process";
import { z } from "zod";
import type { Env } from "./config-dir.ts";

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Why the program could not be started (not installed, not executable). */
  spawnError?: string;
}

/** Runs a program with arguments (no shell); a non-zero exit is a result, not a rejection. */
export type ProgramRunner = (program: string, args: readonly string[], opts: { cwd: string; env: Env }) => Promise<ProgramResult>;

/** gh talks to the network: a poll that hangs must not hold a tick forever. */
const PROGRAM_TIMEOUT_MS = 30_000;

export const runProgram: ProgramRunner = (program, args, opts) =>
  new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(opts.env)) if (value !== undefined) env[key] = value;
    const child = spawn(program, [...args], { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), PROGRAM_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: "", stderr: "", spawnError: error.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });

export const PR_FIELDS = "number,title,state,updatedAt,reviewDecision,statusCheckRollup";

export interface CheckCounts {
  passed: number;
  failed: number;
  pending: number;
}

export interface PrState {
  number: number;
  title: string;
  /** OPEN, CLOSED or MERGED. */
  state: string;
  updatedAt: string;
  /** APPROVED, CHANGES_REQUESTED, REVIEW_REQUIRED, or "" when there is none. */
  reviewDecision: string;
  checks: CheckCounts;
}

const rollupItem = z.looseObject({ status: z.string().nullish(), conclusion: z.string().nullish(), state: z.string().nullish() });
const ghPr = z.looseObject({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  updatedAt: z.string(),
  reviewDecision: z.string().nullish(),
  statusCheckRollup: z.array(rollupItem).nullish(),
});

const PASSED = new Set(["SUCCESS", "NEUTRAL", "SKIPPED"]);
const FAILED = new Set(["FAILURE", "ERROR", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE", "STALE"]);

/** Check runs carry status + conclusion, commit statuses carry state; both come in one rollup. */
export function countChecks(items: ReadonlyArray<z.infer<typeof rollupItem>>): CheckCounts {
  const counts: CheckCounts = { passed: 0, failed: 0, pending: 0 };
  for (const item of items) {
    const verdict = (item.conclusion || item.state || "").toUpperCase();
    const done = item.status === undefined || item.status === null || item.status.toUpperCase() === "COMPLETED";
    if (done && PASSED.has(verdict)) counts.passed++;
    else if (done && FAILED.has(verdict)) counts.failed++;
    else counts.pending++;
  }
  return counts;
}

/** gh's JSON as a PrState, or undefined when it is not what `gh pr view --json` prints. */
export function parsePr(json: string): PrState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = ghPr.safeParse(value);
  if (!parsed.success) return undefined;
  const pr = parsed.data;
  return { number: pr.number, title: pr.title, state: pr.state, updatedAt: pr.updatedAt, reviewDecision: pr.reviewDecision ?? "", checks: countChecks(pr.statusCheckRollup ?? []) };
}

export type PrLook = { ok: true; pr: PrState } | { ok: false; error: string };

/** One `gh pr view`; the error is written for the model (and the daily log). */
export async function fetchPr(run: ProgramRunner, ref: string, cwd: string, env: Env): Promise<PrLook> {
  const result = await run("gh", ["pr", "view", ref, "--json", PR_FIELDS], { cwd, env });
  if (result.spawnError) return { ok: false, error: `could not run gh (the GitHub CLI): ${result.spawnError}` };
  if (result.code !== 0) return { ok: false, error: `gh pr view ${ref} failed: ${(result.stderr || result.stdout).trim() || `exit code ${result.code}`}` };
  const pr = parsePr(result.stdout);
  return pr ? { ok: true, pr } : { ok: false, error: `gh pr view ${ref} printed something that is not a pull request's JSON` };
}

export function checksText(c: CheckCounts): string {
  const parts = [c.passed > 0 ? `${c.passed} passed` : "", c.failed > 0 ? `${c.failed} failed` : "", c.pending > 0 ? `${c.pending} pending` : ""].filter((p) => p !== "");
  return parts.length === 0 ? "no checks" : parts.join(", ");
}

export function prTitle(pr: PrState): string {
  return `PR #${pr.number} "${pr.title}"`;
}

/** One line describing a pull request, for SubscribePR's answer and the first tick. */
export function prSummary(pr: PrState): string {
  return `${prTitle(pr)}: ${pr.state}, review ${pr.reviewDecision || "none"}, checks: ${checksText(pr.checks)}`;
}

/** What differs between two looks at the same pull request (empty when nothing does). */
export function prChanges(before: PrState, after: PrState): string[] {
  const changes: string[] = [];
  if (before.state !== after.state) changes.push(`state ${before.state} → ${after.state}`);
  if (before.reviewDecision !== after.reviewDecision) changes.push(`review ${before.reviewDecision || "none"} → ${after.reviewDecision || "none"}`);
  const [was, now] = [checksText(before.checks), checksText(after.checks)];
  if (was !== now) changes.push(`checks ${was} → ${now}`);
  if (before.title !== after.title) changes.push(`retitled from "${before.title}"`);
  if (changes.length === 0 && before.updatedAt !== after.updatedAt) changes.push(`new activity (updated ${after.updatedAt})`);
  return changes;
}

interface Subscription {
  ref: string;
  last?: PrState;
  lastError?: string;
}

/** The pull requests a KAIROS session watches, by the reference the model gave (number or URL). */
export class PrSubscriptions {
  private readonly entries = new Map<string, Subscription>();

  add(ref: string, pr: PrState): void {
    this.entries.set(ref, { ref, last: pr });
  }

  has(ref: string): boolean {
    return this.entries.has(ref);
  }

  refs(): string[] {
    return [...this.entries.keys()];
  }

  /** Asks gh about every subscription and returns one line per pull request that changed. */
  async poll(run: ProgramRunner, cwd: string, env: Env): Promise<string[]> {
    const lines: string[] = [];
    for (const entry of this.entries.values()) {
      const look = await fetchPr(run, entry.ref, cwd, env);
      const line = this.record(entry, look);
      if (line) lines.push(line);
    }
    return lines;
  }

  /** Stores a look and says what is new; an error is reported once, not at every tick. */
  private record(entry: Subscription, look: PrLook): string | undefined {
    if (!look.ok) {
      if (entry.lastError === look.error) return undefined;
      entry.lastError = look.error;
      return `PR ${entry.ref}: ${look.error}`;
    }
    const recovered = entry.lastError !== undefined;
    delete entry.lastError;
    const before = entry.last;
    entry.last = look.pr;
    const changes = before ? prChanges(before, look.pr) : [];
    if (changes.length > 0) return `${prTitle(look.pr)}: ${changes.join("; ")}`;
    return recovered ? `${prSummary(look.pr)} (gh answers again)` : undefined;
  }
}
