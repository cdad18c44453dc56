// The status line: the §15.3 input JSON, and real shell commands run through createStatusLine
// (stdin JSON, output lines, throttling, a slow run superseded, failures reported once).
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ledger } from "../src/cost.ts";
import { createStatusLine, modelDisplayName, statusLineInput, statusLines, type StatusInfo } from "../src/status-line.ts";
import { VERSION } from "../src/version.ts";

const usage = (input: number, output: number, create = 0, read = 0) => ({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: create, cache_read_input_tokens: read });

function info(extra: Partial<StatusInfo> = {}): StatusInfo {
  const ledger: Ledger = new Map([["claude-sonnet-4-5", usage(1000, 500, 200, 3000)]]);
  return { sessionId: "s-1", transcriptPath: "/t/s-1.jsonl", cwd: "/p/sub", projectDir: "/p", model: "claude-sonnet-4-5", ledger, durationMs: 9000, apiDurationMs: 4000, linesAdded: 12, linesRemoved: 3, ...extra };
}

describe("statusLineInput", () => {
  test("every documented field, current_usage null before the first reply, no vim or agent unless set", () => {
    const json = statusLineInput(info());
    expect(json).toMatchObject({
      hook_event_name: "Status",
      session_id: "s-1",
      transcript_path: "/t/s-1.jsonl",
      cwd: "/p/sub",
      model: { id: "claude-sonnet-4-5", display_name: "Sonnet 4.5" },
      workspace: { current_dir: "/p/sub", project_dir: "/p", added_dirs: [] },
      version: VERSION,
      output_style: { name: "default" },
      cost: { total_duration_ms: 9000, total_api_duration_ms: 4000, total_lines_added: 12, total_lines_removed: 3 },
      context_window: { total_input_tokens: 4200, total_output_tokens: 500, context_window_size: 200_000, used_percentage: 0, remaining_percentage: 100, current_usage: null },
      exceeds_200k_tokens: false,
    });
    // 1000 in at $3/M, 500 out at $15/M, 200 cache writes at $3.75/M, 3000 cache reads at $0.30/M.
    expect((json.cost as { total_cost_usd: number }).total_cost_usd).toBeCloseTo(0.003 + 0.0075 + 0.00075 + 0.0009, 8);
    expect(json).not.toHaveProperty("vim");
    expect(json).not.toHaveProperty("agent");
  });

  test("the latest reply sets current_usage and the percentages; vim, agent and the style when set", () => {
    const json = statusLineInput(info({ lastUsage: usage(10_000, 800, 20_000, 20_000), vimMode: "NORMAL", agentName: "reviewer", outputStyle: "Explanatory", addedDirs: ["/extra"] }));
    expect(json.context_window).toMatchObject({ used_percentage: 25, remaining_percentage: 75, current_usage: usage(10_000, 800, 20_000, 20_000) });
    expect(json.vim).toEqual({ mode: "NORMAL" });
    expect(json.agent).toEqual({ name: "reviewer" });
    expect(json.output_style).toEqual({ name: "Explanatory" });
    expect((json.workspace as { added_dirs: string[] }).added_dirs).toEqual(["/extra"]);
    const big = statusLineInput(info({ lastUsage: usage(5, 1, 0, 210_000) }));
    expect(big.exceeds_200k_tokens).toBe(true);
    expect((big.context_window as { used_percentage: number }).used_percentage).toBe(100);
  });

  test("display names for current, dated, older and unknown model ids", () => {
    expect(modelDisplayName("claude-opus-4-6")).toBe("Opus 4.6");
    expect(modelDisplayName("claude-sonnet-4-5-20250929")).toBe("Sonnet 4.5");
    expect(modelDisplayName("claude-opus-4-20250514")).toBe("Opus 4");
    expect(modelDisplayName("claude-3-7-sonnet-latest")).toBe("Sonnet 3.7");
    expect(modelDisplayName("my-proxy-model")).toBe("my-proxy-model");
  });
});

test("statusLines keeps colours, drops trailing blank lines and CRs, caps count and width, pads", () => {
  expect(statusLines("\x1b[31mred\x1b[0m\r\nsecond\n\n  \n\x1b[0m\n")).toEqual(["\x1b[31mred\x1b[0m", "second"]);
  expect(statusLines("a\n\nb\n", 2)).toEqual(["  a", "  ", "  b"]);
  expect(statusLines(Array.from({ length: 50 }, (_, i) => `l${i}`).join("\n"))).toHaveLength(10);
  expect(statusLines("x".repeat(5000))[0]!.length).toBe(500);
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hone-status-"));
}

const env = { PATH: process.env.PATH, HOME: process.env.HOME };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await Bun.sleep(25);
  }
  throw new Error(`gave up waiting for ${what}`);
}

function collector() {
  const seen: string[][] = [];
  const errors: string[] = [];
  let wake: (() => void) | undefined;
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  return {
    seen,
    errors,
    next,
    onLines: (lines: string[]) => {
      seen.push(lines);
      wake?.();
    },
    onError: (message: string) => {
      errors.push(message);
      wake?.();
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("createStatusLine", () => {
  test("the command gets the JSON on stdin and its lines come back with colours", async () => {
    const dir = tempDir();
    const c = collector();
    const line = createStatusLine({ command: `cat > "${dir}/in.json"; printf '\\033[32m%s\\033[0m\\nline two\\n\\n\\n' "$HONE_PROJECT_DIR"`, cwd: dir, env, debounceMs: 10, onLines: c.onLines, onError: c.onError });
    const got = c.next();
    line.update(statusLineInput(info()));
    await got;
    line.stop();
    expect(c.seen).toEqual([[`\x1b[32m${dir}\x1b[0m`, "line two"]]);
    const input = JSON.parse(readFileSync(join(dir, "in.json"), "utf8")) as Record<string, unknown>;
    expect(input.hook_event_name).toBe("Status");
    expect(input.session_id).toBe("s-1");
    expect(input.model).toEqual({ id: "claude-sonnet-4-5", display_name: "Sonnet 4.5" });
  });

  test("many updates in one window: one run, with the newest input", async () => {
    const dir = tempDir();
    const c = collector();
    const command = `echo run >> "${dir}/count"; sed 's/.*"session_id":"\\([^"]*\\)".*/\\1/'`;
    const line = createStatusLine({ command, cwd: dir, env, debounceMs: 50, onLines: c.onLines, onError: c.onError });
    const got = c.next();
    for (let i = 0; i < 40; i++) line.update(statusLineInput(info({ sessionId: `s${i}` })));
    await got;
    expect(c.seen).toEqual([["s39"]]);
    expect(readFileSync(join(dir, "count"), "utf8")).toBe("run\n");
    // The same output again is not reported a second time (no redraw for nothing).
    line.update(statusLineInput(info({ sessionId: "s39" })));
    await until(() => readFileSync(join(dir, "count"), "utf8") === "run\nrun\n", "the second run");
    const third = c.next();
    line.update(statusLineInput(info({ sessionId: "s40" })));
    await third;
    line.stop();
    expect(c.seen).toEqual([["s39"], ["s40"]]);
  });

  test("a slow run is killed when a newer one starts; its output never shows", async () => {
    const dir = tempDir();
    const c = collector();
    // Input with "slow" in it records its pid and sleeps; anything else answers at once.
    const command = `if grep -q slow; then echo $$ > "${dir}/slow.pid"; sleep 30; echo slow; else echo fast; fi`;
    const line = createStatusLine({ command, cwd: dir, env, debounceMs: 10, onLines: c.onLines, onError: c.onError });
    line.update(statusLineInput(info({ sessionId: "slow" })));
    await until(() => existsSync(join(dir, "slow.pid")) && readFileSync(join(dir, "slow.pid"), "utf8").trim() !== "", "the slow run");
    const pid = Number(readFileSync(join(dir, "slow.pid"), "utf8"));
    const got = c.next();
    line.update(statusLineInput(info({ sessionId: "quick" })));
    await got;
    await until(() => !alive(pid), "the slow run to be killed");
    line.stop();
    expect(c.seen).toEqual([["fast"]]);
    expect(c.errors).toEqual([]);
  });

  test("stop() kills a running command", async () => {
    const dir = tempDir();
    const c = collector();
    const line = createStatusLine({ command: `echo $$ > "${dir}/pid"; sleep 30; echo late`, cwd: dir, env, debounceMs: 10, onLines: c.onLines, onError: c.onError });
    line.update(statusLineInput(info()));
    await until(() => existsSync(join(dir, "pid")) && readFileSync(join(dir, "pid"), "utf8").trim() !== "", "the run");
    const pid = Number(readFileSync(join(dir, "pid"), "utf8"));
    line.stop();
    await until(() => !alive(pid), "the run to be killed");
    line.update(statusLineInput(info()));
    expect(c.seen).toEqual([]);
    expect(c.errors).toEqual([]);
  });

  test("a failing command is reported once per run of failures and the last good lines stay", async () => {
    const dir = tempDir();
    const c = collector();
    const command = `x=$(cat); echo x >> "${dir}/count"; case "$x" in *'"bad'*) echo "no such thing" >&2; exit 3;; esac; echo "$x" | sed 's/.*"session_id":"\\([^"]*\\)".*/\\1/'`;
    const line = createStatusLine({ command, cwd: dir, env, debounceMs: 10, onLines: c.onLines, onError: c.onError });
    const runs = () => (existsSync(join(dir, "count")) ? readFileSync(join(dir, "count"), "utf8").length / 2 : 0);
    let got = c.next();
    line.update(statusLineInput(info({ sessionId: "good-1" })));
    await got;
    got = c.next();
    line.update(statusLineInput(info({ sessionId: "bad-1" })));
    await got;
    for (const n of [3, 4]) {
      line.update(statusLineInput(info({ sessionId: `bad-${n}` })));
      await until(() => runs() === n, `failing run ${n}`);
    }
    got = c.next();
    line.update(statusLineInput(info({ sessionId: "good-2" })));
    await got;
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]).toContain("exit code 3: no such thing");
    expect(c.seen).toEqual([["good-1"], ["good-2"]]);
    got = c.next();
    line.update(statusLineInput(info({ sessionId: "bad-again" })));
    await got;
    line.stop();
    expect(c.errors).toHaveLength(2);
  });

  test("a command that takes too long is a timeout", async () => {
    const dir = tempDir();
    const c = collector();
    const line = createStatusLine({ command: "sleep 30", cwd: dir, env, debounceMs: 10, timeoutMs: 200, onLines: c.onLines, onError: c.onError });
    const got = c.next();
    line.update(statusLineInput(info()));
    await got;
    line.stop();
    expect(c.errors).toEqual(["status line command failed: no answer within 200 ms"]);
  });
});
