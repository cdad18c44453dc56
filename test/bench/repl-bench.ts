// The interactive terminal's part of `bun run bench` (issue 8): launch to a ready prompt, keystroke to
// echo with 2,000 messages in the scrollback, a 1 MB markdown answer streamed against its render, and
// memory over 500 turns, measured by repl-measure.ts. `replSection()` returns what bench.ts puts in
// BENCHMARKS.md. Run this file directly to measure only these, or one part:
//   bun test/bench/repl-bench.ts [launch|echo|stream|burst|turns]
// (BENCH_RUNS sets the launch runs, HONE_BIN another build). Not a test: nothing fails on slowness.
import { loadavg } from "node:os";
import {
  CHECKPOINTS,
  measureEcho,
  measureLaunch,
  measureStream,
  measureTurns,
  PACE_MS,
  removeScratch,
  SETTLE_MS,
  type EchoFigures,
  type LaunchFigures,
  type StreamFigures,
  type TurnFigures,
} from "./repl-measure.ts";

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Nearest-rank percentile (p in 0..1); the median of an even count is the mean of the middle two. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  if (p === 0.5 && sorted.length % 2 === 0) return (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const mb = (n: number): string => `${n.toFixed(1)} MB`;

export interface ReplFigures {
  launch: LaunchFigures;
  echo: EchoFigures;
  streams: StreamFigures[];
  turns: TurnFigures;
}

export async function measureRepl(runs: number): Promise<ReplFigures> {
  try {
    const launch = await measureLaunch(runs);
    const echo = await measureEcho(2000, 50);
    const streams = [await measureStream(1_000_000, true), await measureStream(1_000_000, false)];
    const turns = await measureTurns(500);
    return { launch, echo, streams, turns };
  } finally {
    removeScratch();
  }
}

const list = (values: readonly number[]): string =>
  values.length === 0 ? "none" : `median ${ms(median(values))}, p95 ${ms(percentile(values, 0.95))}, max ${ms(Math.max(...values))}`;
const verdict = (met: boolean): string => (met ? "met" : "**missed**");
const row = (cells: string[]): string => `| ${cells.join(" | ")} |`;

// The render keeps up when the end of the answer is on screen within a quarter second of the last chunk
// and a typical checkpoint within a tenth.
const keptUp = (s: StreamFigures): boolean => s.endLagMs < 250 && median(s.lags) < 100;

function streamRows(s: StreamFigures): string[] {
  const size = `${(s.bytes / 1e6).toFixed(1)} MB`;
  if (!s.paced) {
    const rate = s.bytes / 1024 / (s.endLagMs / 1000);
    return [
      row([
        `${size} of markdown arriving in one burst (render throughput)`,
        `all drawn ${ms(s.endLagMs)} after it was sent (${rate.toFixed(0)} KB/s); first checkpoint on screen after ${ms(s.lags[0] ?? Number.NaN)}; keys typed meanwhile (${s.echoes.length}): ${list(s.echoes)}`,
        "",
        "",
      ]),
    ];
  }
  const rate = s.bytes / 1024 / (s.streamMs / 1000);
  const tenth = Math.max(1, Math.ceil(s.lags.length / 10));
  return [
    row([
      `${size} of markdown streamed at ${rate.toFixed(0)} KB/s (1 KB every ${PACE_MS} ms, ${(s.streamMs / 1000).toFixed(1)} s): stream to screen`,
      `per checkpoint (${s.lags.length}): ${list(s.lags)}; first tenth ${ms(median(s.lags.slice(0, tenth)))}, last tenth ${ms(median(s.lags.slice(-tenth)))}; end of the answer ${ms(s.endLagMs)} after the last chunk`,
      "render keeps up with the stream",
      verdict(keptUp(s)),
    ]),
    row(["keystroke to echo while that answer streams", list(s.echoes), "< 16 ms", verdict(percentile(s.echoes, 0.95) < 16)]),
  ];
}

/** The table's rows for whichever parts were measured. */
/** The least-squares slope of y over x. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

export function replTable(f: Partial<ReplFigures>): string {
  const rows = ["| measurement | figure | target | result |", "|---|---|---|---|"];
  if (f.launch) {
    const l = f.launch;
    rows.push(
      row(["harness: `/bin/echo` through the launch gate", `median ${ms(median(l.echo))}`, "", ""]),
      row(["`hone --version` in the pane", `median ${ms(median(l.version))}`, "", ""]),
      row(["launch to the prompt box drawn", `median ${ms(median(l.prompt))}, p90 ${ms(percentile(l.prompt, 0.9))}`, "< 80 ms", verdict(median(l.prompt) < 80)]),
      row(['launch to the run prepared (the footer replaces "starting…")', `median ${ms(median(l.ready))}`, "", ""]),
    );
  }
  if (f.echo) {
    const e = f.echo;
    const count = e.messages.toLocaleString("en-US");
    rows.push(
      row([`keystroke to echo, ${count} messages resumed into the scrollback (${e.latencies.length} keys)`, list(e.latencies), "< 16 ms", verdict(percentile(e.latencies, 0.95) < 16)]),
      row(["harness: the same keys echoed by the tty (`cat`)", list(e.baseline), "", ""]),
      row([`launch to the ${count} resumed messages drawn`, ms(e.resumeMs), "", ""]),
    );
  }
  for (const stream of f.streams ?? []) rows.push(...streamRows(stream));
  if (f.turns) {
    const t = f.turns;
    const at = (turn: number): number => t.settled.find((r) => r.turn === turn)?.mb ?? Number.NaN;
    const growth = at(500) - at(300);
    // One sample swings by a few MB either way (the allocator, the collector's timing), so the trend is
    // the least-squares slope over every idle sample from turn 300 on, over those 200 turns.
    const trend = 200 * slope(t.settled.filter((r) => r.turn >= 300).map((r) => [r.turn, r.mb] as const));
    const peak = Math.max(...t.samples.map((r) => r.mb), ...t.settled.map((r) => r.mb));
    const signed = (n: number): string => `${n >= 0 ? "+" : ""}${mb(n)}`;
    rows.push(
      row([
        `RSS (VmRSS) after turns ${CHECKPOINTS.join(" / ")}, each after ${SETTLE_MS / 1000} s idle`,
        `${CHECKPOINTS.map((n) => mb(at(n))).join(" / ")}; 300 → 500: ${signed(growth)} end to end, trend ${signed(trend)}; peak (right after a turn, every 10th sampled) ${mb(peak)}; ${(t.turnsMs / t.turns).toFixed(1)} ms per turn`,
        "< 150 MB, not growing 300 → 500",
        `${verdict(peak < 150)}; ${trend < 1 ? "flat" : `grows ${mb(trend)}`}`,
      ]),
    );
  }
  return rows.join("\n");
}

/** The paragraph bench.ts adds to its section: how it was measured, then the table. */
export async function replSection(runs: number): Promise<string> {
  const load = loadavg()[0]!.toFixed(1);
  const table = replTable(await measureRepl(runs));
  return [
    `Interactive terminal (issue 8): the binary in tmux ${tmuxVersion()} (100 x 30; 40 rows for the resumed session) against the`,
    "scripted API. Times come from the pane's output as it arrives (tmux pipe-pane into a FIFO read by the bench,",
    "each chunk stamped on arrival), not from polling the screen: the launch starts when the bench opens a FIFO",
    "the pane's shell waits on before it execs the program, and keys go through one tmux control-mode client",
    "(no tmux process per key). The two harness rows show what that path adds. Checkpoints are numbered marks",
    "in the markdown, timed from the mock's write of the chunk that completes them to their first appearance.",
    `Launch rows: ${runs} runs, a fresh HOME and project each. Load average at the start: ${load}.`,
    "",
    table,
  ].join("\n");
}

function tmuxVersion(): string {
  return Bun.spawnSync(["tmux", "-V"]).stdout.toString().trim().replace(/^tmux /, "");
}

if (import.meta.main) {
  // `bun test/bench/repl-bench.ts [launch|echo|stream|burst|turns]` measures one part and prints its rows.
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const part = process.argv[2];
  try {
    if (part === "launch") console.log(replTable({ launch: await measureLaunch(runs) }));
    else if (part === "echo") console.log(replTable({ echo: await measureEcho(2000, 50) }));
    else if (part === "stream" || part === "burst") console.log(replTable({ streams: [await measureStream(1_000_000, part === "stream")] }));
    else if (part === "turns") console.log(replTable({ turns: await measureTurns(500) }));
    else console.log(await replSection(runs));
  } finally {
    removeScratch();
  }
}
