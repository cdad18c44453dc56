import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HoneBackgroundShell } from "../../src/background-shells.ts";
import { createSandbox } from "../../src/sandbox.ts";
import { runCommand } from "../../src/shell.ts";
import { bashTool, resolveTimeout } from "../../src/tools/bash.ts";
import { processesMatching } from "../support/sandbox-fixture.ts";
import { harness, type Harness } from "../support/tool-harness.ts";

/** Gone or a zombie (init in containers may reap late). */
function processGone(pid: number): boolean {
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return stat === "" || stat.startsWith("Z");
  } catch {
    return true; // ps exits 1 when no such process
  }
}

async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("Bash", () => {
  test("merges stdout and stderr in order", async () => {
    const h = harness();
    const r = await h.call(bashTool, { command: "echo a; echo b >&2; echo c" });
    expect(r.text).toBe("a\nb\nc");
    expect(r.isError).toBeFalsy();
    expect(r.structured).toMatchObject({ stdout: "a\nb\nc", stderr: "", interrupted: false, isImage: false, exitCode: 0 });
  });

  test("reports exit codes; exit 1 of grep-like commands is not an error", async () => {
    const h = harness();
    const failed = await h.call(bashTool, { command: "echo oops; exit 3" });
    expect(failed.isError).toBe(true);
    expect(failed.text).toBe("oops\nExit code 3");

    const plainFalse = await h.call(bashTool, { command: "false" });
    expect(plainFalse.isError).toBe(true);
    expect(plainFalse.text).toBe("(no output)\nExit code 1");

    const noMatch = await h.call(bashTool, { command: "grep needle /dev/null" });
    expect(noMatch.isError).toBeFalsy();
    expect(noMatch.text).toContain("Exit code 1");

    writeFileSync(join(h.dir, "x"), "1\n");
    writeFileSync(join(h.dir, "y"), "2\n");
    const gitDiff = await h.call(bashTool, { command: "git diff --no-index x y" });
    expect(gitDiff.isError).toBeFalsy();
    expect(gitDiff.text).toContain("Exit code 1");

    const missing = await h.call(bashTool, { command: "grep needle /no/such/file" });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain("Exit code 2");

    const ok = await h.call(bashTool, { command: "true" });
    expect(ok.text).toBe("(no output)");
    expect(ok.isError).toBeFalsy();
  });

  test("carries the working directory across calls, even through exit", async () => {
    const h = harness();
    mkdirSync(join(h.dir, "sub", "deeper"), { recursive: true });
    await h.call(bashTool, { command: "cd sub" });
    expect((await h.call(bashTool, { command: "pwd" })).text).toBe(join(h.dir, "sub"));
    await h.call(bashTool, { command: "cd deeper && exit 0" });
    expect(h.state.cwd).toBe(join(h.dir, "sub", "deeper"));
    expect((await h.call(bashTool, { command: "pwd" })).text).toBe(join(h.dir, "sub", "deeper"));
  });

  test("resets the working directory when it was removed", async () => {
    const h = harness();
    mkdirSync(join(h.dir, "gone"));
    await h.call(bashTool, { command: "cd gone" });
    rmSync(join(h.dir, "gone"), { recursive: true });
    const r = await h.call(bashTool, { command: "pwd" });
    expect(r.text.split("\n")[0]).toBe(h.dir);
    expect(r.text).toContain(`Shell cwd was reset to ${h.dir}`);
    expect(h.state.cwd).toBe(h.dir);
  });

  test("does not persist exported variables; sets HONE and CLAUDECODE", async () => {
    const h = harness();
    await h.call(bashTool, { command: "export HONE_TEST_VAR=leaked" });
    expect((await h.call(bashTool, { command: 'echo "[$HONE_TEST_VAR]"' })).text).toBe("[]");
    expect((await h.call(bashTool, { command: 'echo "$HONE $CLAUDECODE"' })).text).toBe("1 1");
  });

  test("stdin is /dev/null, so reading input ends at once", async () => {
    const h = harness();
    const r = await h.call(bashTool, { command: "cat; echo done", timeout: 5000 });
    expect(r.text).toBe("done");
  });

  test("timeout kills the whole process group, grandchildren included", async () => {
    const h = harness();
    const started = Date.now();
    const r = await h.call(bashTool, {
      command: "echo $$ > pids; sleep 30 & echo $! >> pids; (sleep 2; touch marker) & echo $! >> pids; echo ready; sleep 60",
      timeout: 700,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.isError).toBe(true);
    expect(r.text).toContain("ready");
    expect(r.text).toContain("timed out after 700 ms");
    expect((r.structured as { interrupted: boolean }).interrupted).toBe(true);
    const pids = readFileSync(join(h.dir, "pids"), "utf8").trim().split("\n").map(Number);
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(processGone(pid)).toBe(true);
    await Bun.sleep(2500);
    expect(existsSync(join(h.dir, "marker"))).toBe(false);
  });

  test("abort signal kills the command and returns what it printed", async () => {
    const h = harness();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    const started = Date.now();
    const r = await h.call(bashTool, { command: "echo $$; echo started; sleep 30" }, controller.signal);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.isError).toBe(true);
    expect(r.text).toContain("started");
    expect(r.text).toContain("interrupted");
    const pid = Number(r.text.split("\n")[0]);
    expect(pid).toBeGreaterThan(0);
    expect(processGone(pid)).toBe(true);
  });

  test("clamps timeouts to the maximum", async () => {
    expect(resolveTimeout(undefined)).toBe(120_000);
    expect(resolveTimeout(10_000_000)).toBe(600_000);
    expect(resolveTimeout(5000)).toBe(5000);
    await withEnv({ BASH_DEFAULT_TIMEOUT_MS: "30000" }, async () => expect(resolveTimeout(undefined)).toBe(30_000));
    const h = harness();
    const started = Date.now();
    const r = await withEnv({ BASH_MAX_TIMEOUT_MS: "400", BASH_DEFAULT_TIMEOUT_MS: "300" }, () =>
      h.call(bashTool, { command: "sleep 5", timeout: 10_000_000 }),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.text).toContain("timed out after 400 ms");
  });

  test("long output keeps the tail and spills the full text to a file", async () => {
    const h = harness();
    const r = await withEnv({ BASH_MAX_OUTPUT_LENGTH: "1000" }, () => h.call(bashTool, { command: "seq 1 5000" }));
    const path = /Full output: (\S+)\]/.exec(r.text)?.[1] ?? "";
    expect(path.startsWith(h.state.spillDir)).toBe(true);
    const shown = r.text.slice(r.text.indexOf("]\n\n") + 3).split("\n");
    expect(shown.at(-1)).toBe("5000");
    expect(shown.length).toBeLessThan(300);
    expect(Number(shown[0])).toBeGreaterThan(4000);
    expect(r.text.length).toBeLessThan(1400);
    const full = readFileSync(path, "utf8").trim().split("\n");
    expect(full).toHaveLength(5000);
    expect(full[0]).toBe("1");
  });

  test("huge output stays bounded in memory and goes to the spill file", async () => {
    const h = harness();
    const result = await runCommand({
      command: "yes | head -c 20000000",
      cwd: h.dir,
      timeoutMs: 60_000,
      signal: new AbortController().signal,
      outputFile: () => join(h.dir, "spill.txt"),
      memoryChars: 1_000_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.buffer.peak).toBeLessThan(1_500_000);
    expect(result.output.length).toBeLessThanOrEqual(1_000_000);
    expect(result.output.endsWith("y\ny\n")).toBe(true);
    expect(result.buffer.total).toBe(20_000_000);
    expect(statSync(join(h.dir, "spill.txt")).size).toBe(20_000_000);

    const r = await h.call(bashTool, { command: "yes | head -c 12000000" });
    expect(r.text.length).toBeLessThan(40_000);
    const path = (r.structured as { fullOutputPath?: string }).fullOutputPath ?? "";
    expect(statSync(path).size).toBe(12_000_000);
    expect(r.text).toContain(`Full output: ${path}`);
  });

  test("decodes invalid UTF-8 leniently and strips colour codes", async () => {
    const h = harness();
    const r = await h.call(bashTool, { command: "printf '\\377ok\\n'; printf '\\033[31mred\\033[0m\\n'" });
    expect(r.text).toBe("\uFFFDok\nred");
  });

  test("rejects a missing command through the schema", async () => {
    const h = harness();
    const r = await h.call(bashTool, { timeout: 10 });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("command");
  });
});

describe("Bash in hone's sandbox", () => {
  async function sandboxed(opts: { allowUnsandboxed?: boolean; excludedCommands?: string[] } = {}): Promise<Harness> {
    const h = harness();
    h.state.sandbox = await createSandbox({
      writableRoots: [h.dir],
      tmpDir: join(h.dir, ".sandbox-tmp"),
      home: h.dir,
      allowedDomains: [],
      allowUnsandboxed: opts.allowUnsandboxed ?? true,
      excludedCommands: opts.excludedCommands ?? [],
      bwrap: "/usr/bin/bwrap",
    });
    return h;
  }
  const outside = "/var/tmp/hone-bash-sandbox-probe";

  test("confines the command and explains a failure it caused", async () => {
    const h = await sandboxed();
    const r = await h.call(bashTool, { command: `echo "[$HONE_SANDBOX]"; touch inside && touch ${outside}` });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("[1]");
    expect(r.text).toContain("Read-only file system");
    expect(r.text).toContain("ran in hone's sandbox");
    expect(r.text).toContain("dangerouslyDisableSandbox: true");
    expect(existsSync(join(h.dir, "inside"))).toBe(true);
    expect(existsSync(outside)).toBe(false);
    await h.state.sandbox?.close();
  });

  test("dangerouslyDisableSandbox runs unconfined only when the settings allow it", async () => {
    const h = await sandboxed();
    const free = await h.call(bashTool, { command: 'echo "[$HONE_SANDBOX]"', dangerouslyDisableSandbox: true });
    expect(free.text).toBe("[]");
    await h.state.sandbox?.close();

    const strict = await sandboxed({ allowUnsandboxed: false });
    const kept = await strict.call(bashTool, { command: 'echo "[$HONE_SANDBOX]"', dangerouslyDisableSandbox: true });
    expect(kept.text).toContain("[1]");
    expect(kept.text).toContain("dangerouslyDisableSandbox was ignored");
    await strict.state.sandbox?.close();
  });

  test("excluded commands run outside", async () => {
    const h = await sandboxed({ excludedCommands: ["printenv"] });
    expect((await h.call(bashTool, { command: "printenv HONE_SANDBOX" })).text).toContain("(no output)");
    expect((await h.call(bashTool, { command: "env | grep HONE_SANDBOX=" })).text).toBe("HONE_SANDBOX=1");
    await h.state.sandbox?.close();
  });

  test("background commands are confined, explained, and killed with everything inside", async () => {
    const h = await sandboxed();
    const r = await h.call(bashTool, { command: `echo "[$HONE_SANDBOX]"; touch ${outside}`, run_in_background: true });
    const id = (r.structured as { backgroundTaskId: string }).backgroundTaskId;
    const shell = h.state.shells.get(id) as HoneBackgroundShell;
    await shell.done;
    expect(shell.output()).toContain("[1]");
    expect(shell.output()).toContain("ran in hone's sandbox");
    expect(readFileSync(shell.logPath, "utf8")).toContain("ran in hone's sandbox");
    expect(existsSync(outside)).toBe(false);

    const long = await h.call(bashTool, { command: "sleep 41.75 & sleep 42.75", run_in_background: true });
    const longShell = h.state.shells.get((long.structured as { backgroundTaskId: string }).backgroundTaskId);
    await Bun.sleep(300);
    expect(processesMatching("sleep 42.75").length).toBeGreaterThan(0);
    await longShell?.kill();
    expect(processesMatching("sleep 41.75")).toEqual([]);
    expect(processesMatching("sleep 42.75")).toEqual([]);
    await h.state.sandbox?.close();
  });
});
