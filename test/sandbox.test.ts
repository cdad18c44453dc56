import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { explainSandboxFailure, isExcluded, probeSandbox } from "../src/sandbox.ts";
import { groupAlive } from "../src/shell.ts";
import { processesMatching, sandboxFixture, type SandboxFixture } from "./support/sandbox-fixture.ts";

describe("probeSandbox", () => {
  test("runs bwrap once and caches the answer", async () => {
    const first = probeSandbox("/usr/bin/bwrap");
    expect(probeSandbox("/usr/bin/bwrap")).toBe(first);
    expect(await first).toEqual({ ok: true, bwrap: "/usr/bin/bwrap" });
    expect(await probeSandbox("bwrap")).toEqual({ ok: true, bwrap: "/usr/bin/bwrap" });
  });

  test("explains a missing or broken bwrap", async () => {
    const missing = await probeSandbox("no-such-bwrap-binary");
    expect(missing).toMatchObject({ ok: false, reason: expect.stringContaining("not installed") });
    const broken = await probeSandbox("/bin/false");
    expect(broken.ok).toBe(false);
  });
});

describe("sandboxed filesystem", () => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture();
  });
  afterAll(() => f.close());

  test("writes in the project and TMPDIR; not elsewhere, not in HOME", async () => {
    const outsideTmp = mkdtempSync(join(tmpdir(), "hone-sbx-outside-"));
    const outsideVar = mkdtempSync("/var/tmp/hone-sbx-outside-");
    const r = await f.run(
      `echo p > inproject && echo t > "$TMPDIR/intmp" && echo "$HONE_SANDBOX $TMPDIR"; ` +
        `echo x > ${outsideTmp}/a; echo x > ${outsideVar}/b; echo x > ${f.home}/c; echo x > /etc/hone-sbx-test`,
    );
    expect(r.output.split("\n")[0]).toBe(`1 ${f.sandbox.tmpDir}`);
    expect(readFileSync(join(f.project, "inproject"), "utf8")).toBe("p\n");
    expect(readFileSync(join(f.sandbox.tmpDir, "intmp"), "utf8")).toBe("t\n");
    for (const p of [`${outsideTmp}/a`, `${outsideVar}/b`, `${f.home}/c`, "/etc/hone-sbx-test"]) expect(existsSync(p)).toBe(false);
    expect(r.output).toContain("Read-only file system");
    expect(r.exitCode).not.toBe(0);
    expect(f.sandbox.explainFailure(r.output, r.exitCode)).toContain("dangerouslyDisableSandbox: true");
    rmSync(outsideTmp, { recursive: true });
    rmSync(outsideVar, { recursive: true });
  });

  test("carries the working directory through the marker in TMPDIR", async () => {
    mkdirSync(join(f.project, "sub"));
    const r = await f.run("cd sub && pwd");
    expect(r.cwd).toBe(join(f.project, "sub"));
  });

  test("a missing .git cannot be created (it could carry hooks) and is not left behind", async () => {
    const r = await f.run("git init -q . || echo init-failed; mkdir -p .git/hooks || echo mkdir-failed");
    expect(r.output).toContain("init-failed");
    expect(r.output).toContain("mkdir-failed");
    expect(existsSync(join(f.project, ".git"))).toBe(false);
  });

  test("existing .git/hooks and .git/config stay read-only, even via renaming .git; git still commits", async () => {
    execFileSync("git", ["init", "-q", f.project]);
    const config = readFileSync(join(f.project, ".git", "config"), "utf8");
    const r = await f.run(
      "echo evil > .git/hooks/pre-commit; echo '[core]' >> .git/config; mv .git .git-old; rm -rf .git/hooks; " +
        "echo hi > a && git add a && git -c user.name=t -c user.email=t@t commit -qm m && git log --format=%s",
    );
    expect(r.output).toContain("Read-only file system");
    expect(r.output).toContain("busy");
    expect(r.output.trim().split("\n").at(-1)).toBe("m");
    expect(existsSync(join(f.project, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(readFileSync(join(f.project, ".git", "config"), "utf8")).toBe(config);
    expect(existsSync(join(f.project, ".git-old"))).toBe(false);
  });

  test("missing .claude, .hone, .mcp.json cannot be created and leave nothing on disk", async () => {
    const r = await f.run(
      "mkdir -p .claude; echo '{}' > .claude/settings.json; mkdir .hone/x; echo '{}' > .mcp.json; ls -d .claude",
    );
    expect(r.output).toContain("Read-only file system");
    expect(r.output).toContain(".claude"); // the empty, read-only mount point is visible inside
    for (const p of [".claude", ".hone", ".mcp.json", ".hone.toml"]) expect(existsSync(join(f.project, p))).toBe(false);
  });

  test("existing .claude and .hone are read-only", async () => {
    mkdirSync(join(f.project, ".claude"));
    writeFileSync(join(f.project, ".claude", "settings.json"), "{}");
    mkdirSync(join(f.project, ".hone"));
    const r = await f.run("echo x > .claude/settings.json; touch .hone/settings.json; mv .claude c2");
    expect(r.exitCode).not.toBe(0);
    expect(readFileSync(join(f.project, ".claude", "settings.json"), "utf8")).toBe("{}");
    expect(existsSync(join(f.project, ".hone", "settings.json"))).toBe(false);
    expect(existsSync(join(f.project, "c2"))).toBe(false);
    rmSync(join(f.project, ".claude"), { recursive: true });
    rmSync(join(f.project, ".hone"), { recursive: true });
  });

  test("a protected symlink keeps its target read-only and is put back when replaced", async () => {
    // One link into the project (a writable target), one outside it.
    writeFileSync(join(f.project, "real-mcp.json"), "{}");
    symlinkSync("real-mcp.json", join(f.project, ".mcp.json"));
    const outside = join(f.base, "real-claude");
    mkdirSync(outside);
    symlinkSync(outside, join(f.project, ".claude"));
    const r = await f.run(
      "echo evil > .mcp.json; echo evil > real-mcp.json; touch .claude/x; " +
        "rm -f .mcp.json && echo '{\"evil\":1}' > .mcp.json && rm .claude && mkdir .claude",
    );
    expect(readFileSync(join(f.project, "real-mcp.json"), "utf8")).toBe("{}");
    expect(readlinkSync(join(f.project, ".mcp.json"))).toBe("real-mcp.json");
    expect(readlinkSync(join(f.project, ".claude"))).toBe(outside);
    expect(existsSync(join(outside, "x"))).toBe(false);
    expect(r.sandboxNote).toContain(".mcp.json is protected");
    expect(r.sandboxNote).toContain(".claude is protected");
    for (const p of [".mcp.json", ".claude", "real-mcp.json"]) rmSync(join(f.project, p), { recursive: true });
  });

  test("a timeout kills every process inside the sandbox", async () => {
    const started = Date.now();
    const r = await f.run("sleep 31.25 & (sleep 32.25; touch late) & echo ready; sleep 33.25", { timeoutMs: 800 });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(r.timedOut).toBe(true);
    expect(r.output).toContain("ready");
    expect(groupAlive(r.pid ?? 0)).toBe(false);
    for (const needle of ["sleep 31.25", "sleep 32.25", "sleep 33.25"]) expect(processesMatching(needle)).toEqual([]);
  });
});

describe("protected paths when HOME is the project, and denyRead", () => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture({
      homeIsProject: true,
      denyRead: ({ project }) => [join(project, "secret.txt"), join(project, "private")],
    });
  });
  afterAll(() => f.close());

  test("shell start-up files, existing or not, stay untouched", async () => {
    writeFileSync(join(f.home, ".bashrc"), "# mine\n");
    const h = f.home;
    const r = await f.run(`echo evil >> ${h}/.bashrc; echo evil > ${h}/.zshrc; echo evil > ${h}/.profile; echo ok > fine`);
    expect(readFileSync(join(f.home, ".bashrc"), "utf8")).toBe("# mine\n");
    expect(existsSync(join(f.home, ".zshrc"))).toBe(false);
    expect(existsSync(join(f.home, ".profile"))).toBe(false);
    expect(readFileSync(join(f.home, "fine"), "utf8")).toBe("ok\n");
    expect(r.output).toContain("Read-only file system");
  });

  test("denied paths read as empty", async () => {
    writeFileSync(join(f.project, "secret.txt"), "TOP-SECRET");
    mkdirSync(join(f.project, "private"));
    writeFileSync(join(f.project, "private", "key"), "KEY");
    const r = await f.run("cat secret.txt; ls private; cat private/key; echo end");
    expect(r.output).not.toContain("TOP-SECRET");
    expect(r.output).not.toContain("KEY");
    expect(r.output).toContain("end");
  });
});

describe("network off", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((s) => s.end("HTTP/1.0 200 OK\r\n\r\nreached\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  test("cannot reach a server on the host's loopback, and says why", async () => {
    const f = await sandboxFixture();
    try {
      const r = await f.run(`curl -sS --max-time 5 http://127.0.0.1:${port}/`);
      expect(r.output).not.toContain("reached");
      expect(r.exitCode).not.toBe(0);
      expect(f.sandbox.explainFailure(r.output, r.exitCode)).toContain("no network access");
      const dns = await f.run("curl -sS --max-time 5 https://example.com/");
      expect(dns.exitCode).not.toBe(0);
    } finally {
      await f.close();
    }
  });
});

describe("host Unix sockets", () => {
  test("sockets under /run are covered (a socket reaches outside even when read-only)", async () => {
    const path = `/run/hone-sbx-test-${process.pid}.sock`;
    const server = createServer((s) => s.end("HTTP/1.0 200 OK\r\n\r\nreached\n"));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const f = await sandboxFixture();
    try {
      // Control: the same request from outside the sandbox gets through (async: the server is in this process).
      const outside = await promisify(execFile)("curl", ["-sS", "--unix-socket", path, "http://x/"], { encoding: "utf8" });
      expect(outside.stdout).toContain("reached");
      const r = await f.run(`curl -sS --max-time 5 --unix-socket ${path} http://x/`);
      expect(r.output).not.toContain("reached");
      expect(r.exitCode).not.toBe(0);
    } finally {
      await f.close();
      server.close();
    }
  });
});

describe("explainSandboxFailure and isExcluded", () => {
  const info = { writable: ["/p", "/t"], allowedDomains: ["example.com"] };
  test("names the blocked resource and the escape hatch", () => {
    expect(explainSandboxFailure("touch: cannot touch 'x': Read-only file system", 1, info)).toContain("/p, /t");
    expect(explainSandboxFailure("curl: (6) Could not resolve host: a.b", 6, info)).toContain("hone's proxy");
    expect(explainSandboxFailure("curl: (6) Could not resolve host: a.b", 6, { ...info, allowedDomains: [] })).toContain(
      "no network access",
    );
    expect(explainSandboxFailure("curl: (56) CONNECT tunnel failed, response 403", 56, info)).toContain("allowlist");
    expect(explainSandboxFailure("bwrap: Can't mount tmpfs", 1, info)).toContain("could not start");
    expect(explainSandboxFailure("Cannot connect to the Docker daemon at unix:///var/run/docker.sock.", 1, info)).toContain(
      "Unix sockets",
    );
    for (const out of ["Read-only file system", "Network is unreachable"]) {
      expect(explainSandboxFailure(out, 1, info)).toContain("dangerouslyDisableSandbox: true");
    }
    expect(explainSandboxFailure("Read-only file system", 0, info)).toBeUndefined();
    // curl exits 0 on the proxy's 403 page, which is unambiguous.
    expect(explainSandboxFailure("hone sandbox: network access to x.io is blocked (allowed domains: a)", 0, info)).toContain(
      "x.io is not on the network allowlist",
    );
    expect(explainSandboxFailure("error: tests failed", 1, info)).toBeUndefined();
  });

  test("isExcluded checks the program name", () => {
    expect(isExcluded("docker ps -a", ["docker"])).toBe(true);
    expect(isExcluded("DOCKER_HOST=x /usr/bin/docker run", ["docker"])).toBe(true);
    expect(isExcluded("dockerd", ["docker"])).toBe(false);
    expect(isExcluded("echo docker", ["docker"])).toBe(false);
    expect(isExcluded("docker ps", [])).toBe(false);
    // Chained or substituted commands stay inside: exclusion must not carry other programs out.
    for (const chained of ["docker ps; rm -rf x", "docker ps && curl x", "docker ps | sh", "docker run $(curl x)", "docker ps &"]) {
      expect(isExcluded(chained, ["docker"])).toBe(false);
    }
  });
});
