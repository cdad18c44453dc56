import { afterEach, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killAllShells, startBackgroundShell, type HoneBackgroundShell } from "../../src/background-shells.ts";
import { bashOutputTool } from "../../src/tools/bash-output.ts";
import { bashTool } from "../../src/tools/bash.ts";
import { killShellTool } from "../../src/tools/kill-shell.ts";
import { harness as makeHarness, type Harness } from "../support/tool-harness.ts";

// Every harness is cleaned up even when a test fails half-way, so no shell outlives the run.
const harnesses: Harness[] = [];
function harness(): Harness {
  const h = makeHarness();
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => killAllShells(h.state)));
});

function processGone(pid: number): boolean {
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return stat === "" || stat.startsWith("Z");
  } catch {
    return true;
  }
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

async function startBg(h: Harness, command: string): Promise<HoneBackgroundShell> {
  const r = await h.call(bashTool, { command, run_in_background: true });
  const id = (r.structured as { backgroundTaskId: string }).backgroundTaskId;
  expect(r.text).toContain(id);
  return h.state.shells.get(id) as HoneBackgroundShell;
}

describe("background shells", () => {
  test("run_in_background returns at once with per-session ids", async () => {
    const h = harness();
    const started = Date.now();
    const first = await h.call(bashTool, { command: "sleep 30", run_in_background: true });
    const second = await h.call(bashTool, { command: "echo hi", run_in_background: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.isError).toBeFalsy();
    expect((first.structured as { backgroundTaskId: string }).backgroundTaskId).toBe("bash_1");
    expect((second.structured as { backgroundTaskId: string }).backgroundTaskId).toBe("bash_2");
    expect(h.state.shells.get("bash_1")?.status).toBe("running");
    await killAllShells(h.state);
    expect(h.state.shells.get("bash_1")?.status).toBe("killed");
  });

  test("BashOutput returns only new output, then the final status and exit code", async () => {
    const h = harness();
    const shell = await startBg(h, "echo alpha-line; while [ ! -f go ]; do sleep 0.05; done; echo omega-line; exit 4");
    await waitFor(() => shell.output().includes("alpha-line"));
    const first = await h.call(bashOutputTool, { bash_id: shell.id });
    expect(first.isError).toBeFalsy();
    expect(first.text).toContain("Shell bash_1: running");
    expect(first.text).toContain("alpha-line");
    expect(first.text).toContain(`Full log: ${shell.logPath}`);

    const nothing = await h.call(bashOutputTool, { bash_id: shell.id });
    expect(nothing.text).toContain("(no new output)");
    expect(nothing.text).not.toContain("alpha-line");

    writeFileSync(join(h.dir, "go"), "");
    await shell.done;
    const last = await h.call(bashOutputTool, { bash_id: shell.id });
    expect(last.text).toContain("failed (exit code 4)");
    expect(last.text).toContain("omega-line");
    expect(last.text).not.toContain("alpha-line");
    expect(last.structured).toMatchObject({ status: "failed", exitCode: 4, stdout: "omega-line" });
    expect(readFileSync(shell.logPath, "utf8")).toBe("alpha-line\nomega-line\n");
  });

  test("completed shells report exit code 0", async () => {
    const h = harness();
    const shell = await startBg(h, "echo hi");
    await shell.done;
    const r = await h.call(bashOutputTool, { bash_id: shell.id });
    expect(r.text).toBe(`Shell ${shell.id}: completed (exit code 0)\nhi\nFull log: ${shell.logPath}`);
  });

  test("filter keeps matching lines only", async () => {
    const h = harness();
    const shell = await startBg(h, "printf 'apple\\nbanana\\napricot\\n'");
    await shell.done;
    const r = await h.call(bashOutputTool, { bash_id: shell.id, filter: "^ap" });
    expect(r.text).toContain("apple\napricot");
    expect(r.text).not.toContain("banana");
    const again = await h.call(bashOutputTool, { bash_id: shell.id, filter: "an" });
    expect(again.text).toContain("(no new output)");

    const bad = await h.call(bashOutputTool, { bash_id: shell.id, filter: "(" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("Invalid filter");
  });

  test("filter never splits a line that is still being written", async () => {
    const h = harness();
    const shell = await startBg(h, "printf 'match-'; while [ ! -f go ]; do sleep 0.05; done; printf 'me\\n'");
    await waitFor(() => shell.output().includes("match-"));
    const early = await h.call(bashOutputTool, { bash_id: shell.id, filter: "match-me" });
    expect(early.text).toContain("(no new output)");
    writeFileSync(join(h.dir, "go"), "");
    await shell.done;
    const late = await h.call(bashOutputTool, { bash_id: shell.id, filter: "match-me" });
    expect(late.text).toContain("match-me");
  });

  test("unknown ids give an error listing the known ones", async () => {
    const h = harness();
    const none = await h.call(bashOutputTool, { bash_id: "bash_9" });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("No background shells have been started");
    const shell = await startBg(h, "true");
    await shell.done;
    const r = await h.call(killShellTool, { shell_id: "bash_9" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('"bash_9"');
    expect(r.text).toContain("Known shell ids: bash_1");
  });

  test("KillShell kills the process group; a second kill says it already ended", async () => {
    const h = harness();
    const shell = await startBg(h, "echo $$; sleep 30 & echo $!; sleep 30");
    await waitFor(() => shell.output().trim().split("\n").length === 2);
    const pids = shell.output().trim().split("\n").map(Number);
    const r = await h.call(killShellTool, { shell_id: shell.id });
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain(`Killed background shell ${shell.id}`);
    expect(shell.status).toBe("killed");
    for (const pid of pids) expect(processGone(pid)).toBe(true);
    const status = await h.call(bashOutputTool, { bash_id: shell.id });
    expect(status.text).toContain("killed");
    const again = await h.call(killShellTool, { shell_id: shell.id });
    expect(again.text).toContain("already finished");
  });

  test("killAllShells leaves no process behind", async () => {
    const h = harness();
    const a = await startBg(h, "echo $$; sleep 30");
    const b = await startBg(h, "sleep 30 & echo $!; echo $$; sleep 30");
    // A finished background shell and a foreground command that left a child running.
    const c = await startBg(h, "sleep 30 & echo $!");
    const fg = await h.call(bashTool, { command: "sleep 30 & echo $!" });
    expect(fg.text).toContain("still running");
    await waitFor(() => a.output().includes("\n") && b.output().trim().split("\n").length === 2);
    await c.done;
    expect(c.status).toBe("completed");
    const pids = [a, b, c].flatMap((s) => s.output().trim().split("\n").map(Number));
    pids.push(Number(fg.text.split("\n")[0]));
    expect(pids).toHaveLength(5);
    for (const pid of pids) expect(processGone(pid)).toBe(false);
    await killAllShells(h.state);
    for (const pid of pids) expect(processGone(pid)).toBe(true);
    expect(a.status).toBe("killed");
    expect(c.status).toBe("completed");
  });

  test("output kept in memory is bounded; the log has everything", async () => {
    const h = harness();
    const shell = startBackgroundShell(h.state, { command: "yes | head -c 2000000", cwd: h.dir, memoryChars: 100_000 });
    await shell.done;
    expect(shell.output().length).toBeLessThanOrEqual(100_000);
    expect(statSync(shell.logPath).size).toBe(2_000_000);
    const r = await h.call(bashOutputTool, { bash_id: shell.id });
    expect(r.text).toContain("characters of earlier output were never shown");
    expect(r.text).toContain("Full output:");
    expect(r.text.length).toBeLessThan(40_000);
  });
});
