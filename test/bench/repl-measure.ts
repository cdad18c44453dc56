// The measurements behind the interactive terminal's figures (issue 8), on the compiled binary in tmux
// against the scripted API, timed through repl-harness.ts. Each returns raw samples; repl-bench.ts turns
// them into the table. Every HOME and project lives under one scratch folder, removed by removeScratch().
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reply, startMockApi, text, type MockApi, type Step } from "../support/mock-api.ts";
import { HONE_BIN, honeEnv } from "../support/run-hone.ts";
import { END_MARK, markdownOf, writeLongSession } from "./repl-fixtures.ts";
import { findProcess, openPane, rssMB, type BenchPane } from "./repl-harness.ts";

const PROMPT_MARK = "❯ ";
const READY_MARK = "? for shortcuts";

let scratch: string | undefined;
const dir = (prefix: string): string => {
  scratch ??= realpathSync(mkdtempSync(join(tmpdir(), "hone-bench-repl-")));
  return mkdtempSync(join(scratch, prefix));
};
export function removeScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

interface Session {
  pane: BenchPane;
  api: MockApi;
  home: string;
  cwd: string;
}

async function withHone<T>(options: { args?: string[]; steps?: Step[]; fallback?: Step; home?: string; cwd?: string; width?: number; height?: number }, body: (s: Session) => Promise<T>): Promise<T> {
  const api = await startMockApi({ steps: options.steps ?? [], ...(options.fallback ? { fallback: options.fallback } : {}) });
  const home = options.home ?? dir("home-");
  const cwd = options.cwd ?? dir("project-");
  const pane = await openPane({ cwd, command: [HONE_BIN, ...(options.args ?? [])], env: honeEnv(api.url, { HOME: home }), width: options.width, height: options.height });
  try {
    return await body({ pane, api, home, cwd });
  } finally {
    await pane.close();
    await api.close();
  }
}

export interface LaunchFigures {
  /** Harness overhead: /bin/echo through the same gate and pipe. */
  echo: number[];
  version: number[];
  /** The prompt box drawn. */
  prompt: number[];
  /** The run prepared (settings, session): the footer replaces "starting…". */
  ready: number[];
}

async function timeToMark(command: string[], mark: string): Promise<number> {
  const cwd = dir("launch-");
  const pane = await openPane({ cwd, command, env: honeEnv(undefined, { HOME: cwd }) });
  try {
    const start = pane.launch();
    return (await pane.output.waitFor(mark)).at - start;
  } finally {
    await pane.close();
  }
}

export async function measureLaunch(runs: number): Promise<LaunchFigures> {
  const figures: LaunchFigures = { echo: [], version: [], prompt: [], ready: [] };
  // One untimed start of each warms the page cache.
  await timeToMark([HONE_BIN, "--version"], "(hone)");
  for (let i = 0; i < runs; i++) {
    figures.echo.push(await timeToMark(["/bin/echo", "bench-ready"], "bench-ready"));
    figures.version.push(await timeToMark([HONE_BIN, "--version"], "(hone)"));
    await withHone({}, async ({ pane }) => {
      const start = pane.launch();
      figures.prompt.push((await pane.output.waitFor(PROMPT_MARK)).at - start);
      figures.ready.push((await pane.output.waitFor(READY_MARK)).at - start);
    });
  }
  return figures;
}

export interface EchoFigures {
  messages: number;
  /** Resumed history drawn: launch to the "Resumed session" line. */
  resumeMs: number;
  latencies: number[];
  /** The same keys sent to `cat` (the tty's own echo): the harness's share of each figure. */
  baseline: number[];
}

const KEYS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * Types one key at a time, `gapMs` apart (a human's keys are tens of milliseconds apart, so each is timed
 * on its own), while `going()` holds and at most `count` keys; each is timed from its send to `echoOf`
 * (what the pane shows once the key is drawn, given all typed so far) appearing in the output.
 */
async function typeKeys(pane: BenchPane, options: { count: number; gapMs: number; echoOf: (typed: string) => string; going?: () => boolean }): Promise<number[]> {
  const latencies: number[] = [];
  let typed = "";
  for (let i = 0; i < options.count && (options.going?.() ?? true); i++) {
    const key = KEYS[i % KEYS.length]!;
    typed += key;
    const from = pane.output.length();
    const sent = pane.type(key);
    latencies.push((await pane.output.waitFor(options.echoOf(typed), { from, timeoutMs: 120_000 })).at - sent);
    await Bun.sleep(options.gapMs);
  }
  return latencies;
}

const inPromptBox = (typed: string): string => `${PROMPT_MARK}${typed}`;

export async function measureEcho(messages: number, keys: number): Promise<EchoFigures> {
  const home = dir("home-");
  const cwd = dir("echo-");
  const id = await writeLongSession(HONE_BIN, home, cwd, messages);
  const figures = await withHone({ args: ["--resume", id], home, cwd, height: 40 }, async ({ pane }) => {
    const start = pane.launch();
    const resumed = await pane.output.waitFor(`(${messages} messages)`, { timeoutMs: 60_000 });
    await pane.output.waitFor(READY_MARK, { from: resumed.end });
    await Bun.sleep(300); // let the scrollback write settle before the first key
    const latencies = await typeKeys(pane, { count: keys, gapMs: 25, echoOf: inPromptBox });
    return { resumeMs: resumed.at - start, latencies };
  });
  const catDir = dir("cat-");
  const pane = await openPane({ cwd: catDir, command: ["cat"], env: honeEnv(undefined, { HOME: catDir }) });
  try {
    pane.launch();
    await Bun.sleep(100);
    const baseline = await typeKeys(pane, { count: keys, gapMs: 25, echoOf: (typed) => typed.slice(-1) });
    return { messages, ...figures, baseline };
  } finally {
    await pane.close();
  }
}

export interface StreamFigures {
  bytes: number;
  paced: boolean;
  /** First to last write of the stream by the mock. */
  streamMs: number;
  /** Last write to the end of the answer on screen. */
  endLagMs: number;
  /** Per checkpoint: its write by the mock to its first appearance in the pane. */
  lags: number[];
  /** Keys typed every 100 ms while the answer streams: send to echo. */
  echoes: number[];
}

export const PACE_MS = 10;

export async function measureStream(bytes: number, paced: boolean): Promise<StreamFigures> {
  const { text: markdown, checkpoints } = markdownOf(bytes);
  const writes: Array<{ at: number; chars: number }> = [];
  let started: () => void = () => undefined;
  const streamStarted = new Promise<void>((resolve) => (started = resolve));
  const onWrite = (at: number, chars: number): void => {
    writes.push({ at, chars });
    started();
  };
  // Paced: 32 deltas of 32 characters (1 KB) every 10 ms, about 100 KB/s (some 25,000 tokens/s).
  const pace = paced ? { ms: PACE_MS, events: 32, onWrite } : { ms: 0, events: Number.MAX_SAFE_INTEGER, onWrite };
  const step: Step = { ...reply(text(markdown)), chunkSize: 32, pace };
  return withHone({ steps: [step] }, async ({ pane }) => {
    pane.launch();
    await pane.output.waitFor(READY_MARK);
    const from = pane.output.length();
    pane.type("write the long answer");
    pane.keys("Enter");
    await streamStarted;
    let streaming = true;
    // A key every 100 ms while the answer streams (at most 90: the prompt box stays one row).
    const typing = typeKeys(pane, { count: 90, gapMs: 100, echoOf: inPromptBox, going: () => streaming });
    const seen: number[] = [];
    let offset = from;
    for (const { mark } of checkpoints) {
      const hit = await pane.output.waitFor(mark, { from: offset, timeoutMs: 120_000 });
      seen.push(hit.at);
      offset = hit.end;
    }
    const end = await pane.output.waitFor(END_MARK, { from: offset, timeoutMs: 120_000 });
    streaming = false;
    const echoes = await typing;
    const sentAt = (chars: number): number => writes.find((w) => w.chars >= chars)!.at;
    const lags = checkpoints.map((c, i) => seen[i]! - sentAt(c.offset + c.mark.length));
    const last = writes.at(-1)!.at;
    return { bytes: markdown.length, paced, streamMs: last - writes[0]!.at, endLagMs: end.at - last, lags, echoes };
  });
}

const FRAME_END = "\x1b[?2026l";
const SPINNER_HINT = "esc to interrupt";

/** Waits for a frame that shows `answer` with no spinner below it: the turn is over. */
async function turnOver(pane: BenchPane, answer: string, from: number): Promise<number> {
  for (let offset = from; ; ) {
    const hit = await pane.output.waitFor(answer, { from: offset, timeoutMs: 30_000 });
    const frameEnd = await pane.output.waitFor(FRAME_END, { from: hit.end });
    if (!pane.output.text(hit.end).slice(0, frameEnd.index - hit.end).includes(SPINNER_HINT)) return frameEnd.at;
    offset = hit.end;
  }
}

export interface TurnFigures {
  /** VmRSS (MB) right after every 10th turn. */
  samples: Array<{ turn: number; mb: number }>;
  /** VmRSS (MB) after turns 1, 100, 200, ... 500, once the process sat idle for SETTLE_MS. */
  settled: Array<{ turn: number; mb: number }>;
  turns: number;
  /** The turns' own time (the idle waits left out). */
  turnsMs: number;
}

export const CHECKPOINTS = [1, 100, 200, 300, 350, 400, 450, 500];
// Bun collects garbage lazily: right after a turn, RSS still holds that turn's request buffers. After a
// couple of idle seconds it has settled (measured: it stops moving within about 1 s).
export const SETTLE_MS = 2000;

/** `onTurn` runs after each turn (investigations: signal the process, take a heap snapshot). */
export async function measureTurns(turns: number, onTurn?: (turn: number, pid: number) => Promise<void>): Promise<TurnFigures> {
  let answered = 0;
  const fallback: Step = () => reply(text(`Answer ${++answered}: noted, **nothing** to change.`));
  return withHone({ fallback }, async ({ pane }) => {
    pane.launch();
    await pane.output.waitFor(READY_MARK);
    const pid = findProcess(pane.pid(), "hone");
    if (pid === undefined) throw new Error("no hone process in the pane");
    const figures: TurnFigures = { samples: [], settled: [], turns, turnsMs: 0 };
    for (let turn = 1; turn <= turns; turn++) {
      const from = pane.output.length();
      const started = performance.now();
      pane.type(`turn ${turn}, a short question`);
      pane.keys("Enter");
      await turnOver(pane, `Answer ${turn}:`, from);
      figures.turnsMs += performance.now() - started;
      if (turn % 10 === 0) figures.samples.push({ turn, mb: rssMB(pid) });
      if (CHECKPOINTS.includes(turn)) {
        await Bun.sleep(SETTLE_MS);
        figures.settled.push({ turn, mb: rssMB(pid) });
      }
      await onTurn?.(turn, pid);
    }
    return figures;
  });
}
