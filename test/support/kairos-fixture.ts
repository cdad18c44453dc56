// For the KAIROS tests: a real conversation (run setup, session, scripted API) over a temp project,
// the KAIROS context with its own hone home and a fake `gh` first on PATH, and a hand-driven clock.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../../src/cli.ts";
import { createConversation, type Conversation } from "../../src/conversation.ts";
import { createKairosContext, kairosTools, type KairosContext } from "../../src/kairos-context.ts";
import { buildRunSetup, type RunSetup } from "../../src/run-config.ts";
import { openSession } from "../../src/session.ts";
import { fakeClock, type FakeClock } from "./cron-fixture.ts";
import { tempDir } from "./git-repo.ts";
import { eventually as pollFor } from "./hook-lab.ts";
import { startMockApi, type MockApi, type MockApiOptions } from "./mock-api.ts";

/** A `gh` that answers `gh pr view <ref> --json ...` from $FAKE_GH_STATE/pr-<ref>.json and logs its arguments. */
const FAKE_GH = `#!/bin/sh
echo "$*" >> "$FAKE_GH_STATE/calls.log"
if [ "$1" != "pr" ] || [ "$2" != "view" ]; then echo "fake gh: unexpected $*" >&2; exit 2; fi
f="$FAKE_GH_STATE/pr-$3.json"
if [ ! -f "$f" ]; then echo "GraphQL: Could not resolve to a PullRequest with the number of $3." >&2; exit 1; fi
cat "$f"
`;

export interface KairosWorld {
  home: string;
  /** Where the fake gh reads pull requests from (pr-<ref>.json) and logs calls (calls.log). */
  ghState: string;
  env: Record<string, string>;
  clock: FakeClock;
  kairos: KairosContext;
  printed: string[];
  bells: number;
}

export function kairosWorld(extra: Partial<KairosContext> = {}): KairosWorld {
  const home = tempDir("hone-kairos-home-");
  const bin = join(home, "bin");
  const ghState = join(home, "gh");
  mkdirSync(bin);
  mkdirSync(ghState);
  writeFileSync(join(bin, "gh"), FAKE_GH);
  chmodSync(join(bin, "gh"), 0o755);
  const env = { HOME: home, HONE_CONFIG_DIR: join(home, ".hone"), PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, FAKE_GH_STATE: ghState, IS_SANDBOX: "1" };
  const clock = fakeClock(new Date(2026, 4, 1, 9, 0, 0));
  const world: KairosWorld = { home, ghState, env, clock, printed: [], bells: 0, kairos: undefined as unknown as KairosContext };
  world.kairos = createKairosContext({ env, now: clock.now, print: (line) => void world.printed.push(line), bell: () => void world.bells++, ...extra });
  return world;
}

export interface PrJson {
  number: number;
  title: string;
  state: string;
  reviewDecision?: string;
  updatedAt?: string;
  statusCheckRollup?: Array<Record<string, string>>;
}

export function writePr(world: KairosWorld, ref: string, pr: PrJson): void {
  writeFileSync(join(world.ghState, `pr-${ref}.json`), JSON.stringify({ updatedAt: "2026-05-01T08:00:00Z", reviewDecision: "", statusCheckRollup: [], ...pr }));
}

export interface KairosRun {
  api: MockApi;
  setup: RunSetup;
  conversation: Conversation;
  close(): Promise<void>;
}

/** A conversation in `cwd` with the KAIROS tools, talking to a scripted API. */
export async function kairosConversation(world: KairosWorld, cwd: string, api: MockApiOptions): Promise<KairosRun> {
  const mock = await startMockApi(api);
  const env = { ...world.env, ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: mock.url };
  const session = openSession({ env, cwd, persist: false, continueLatest: false, fork: false, entrypoint: "sdk-ts" });
  const place = { id: session.id, folder: join(tempDir("hone-kairos-session-"), session.id) };
  const setup = buildRunSetup(parseArgs(["-p", "kairos", "--dangerously-skip-permissions"]), { cwd, env, place, extraTools: kairosTools(world.kairos) });
  const conversation = createConversation({ setup, session, emit: () => {}, notify: () => {}, chatty: false });
  return {
    api: mock,
    setup,
    conversation,
    async close() {
      await conversation.end();
      session.close();
      await mock.close();
    },
  };
}

/** Lets a test wait for the nth tick report. */
export function tickWaiter<T>() {
  const reports: T[] = [];
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  return {
    reports,
    onTick(report: T): void {
      reports.push(report);
      for (const w of waiting.filter((w) => reports.length >= w.n)) w.resolve();
    },
    until(n: number): Promise<T> {
      if (reports.length >= n) return Promise.resolve(reports[n - 1] as T);
      return new Promise((resolve) => waiting.push({ n, resolve: () => resolve(reports[n - 1] as T) }));
    },
  };
}

/** Waits (really) until a condition holds: for things outside the fake clock, like a process starting. */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  if ((await pollFor(() => (check() ? true : undefined), 20_000)) === undefined) throw new Error(`gave up waiting for ${what}`);
}
