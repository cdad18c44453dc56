// The one-line install: `bun run release` builds a GitHub-releases-shaped folder for this machine, a local
// HTTP server serves it, and `curl … | sh` installs from it (checksums, versions, PATH edits, fallbacks).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { tempProject } from "../support/run-hone.ts";

const ROOT = resolve(import.meta.dir, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

function hostTarget(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = process.platform === "linux" && report?.header?.glibcVersionRuntime === undefined;
  return `${process.platform}-${process.arch}${musl ? "-musl" : ""}`;
}
const HOST = hostTarget();
const ASSET = `hone-${HOST}`;

const work = tempProject("hone-release-");
// Every release copy and install holds a ~100 MB binary: removed after the run, not left in /tmp.
const cleanupDirs: string[] = [work];
const srv = join(work, "srv");
let server: ReturnType<typeof Bun.serve> | undefined;
let baseUrl = "";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const proc = Bun.spawn(argv, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A fresh user: HOME, an install dir inside it, and a private TMPDIR to prove temp files are cleaned up. */
function freshUser(): { home: string; bin: string; tmp: string } {
  const home = tempProject("hone-user-");
  cleanupDirs.push(home);
  const tmp = join(home, "tmp");
  mkdirSync(tmp);
  return { home, bin: join(home, "bin"), tmp };
}

type User = ReturnType<typeof freshUser>;

/** `curl -fsSL <release>/latest/download/install.sh | sh -s -- args`, the documented one-liner. */
function curlPipeSh(release: string, user: User, args: string[], innerPath?: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  const shell = innerPath ? 'PATH="$INNER_PATH" sh' : "sh";
  const script = `curl -fsSL "$HONE_RELEASE_URL/latest/download/install.sh" | ${shell} -s -- "$@"`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: user.home,
    TMPDIR: user.tmp,
    HONE_INSTALL_DIR: user.bin,
    HONE_RELEASE_URL: `${baseUrl}/${release}`,
    ...extraEnv,
  };
  if (innerPath) env.INNER_PATH = innerPath;
  return run(["sh", "-c", script, "sh", ...args], env, user.home);
}

function versionOf(binary: string): string {
  return Bun.spawnSync([binary, "--version"]).stdout.toString().trim();
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function countLines(file: string, line: string): number {
  return readFileSync(file, "utf8").split("\n").filter((l) => l === line).length;
}

/** Nothing left behind by a refused install: no hone, no staged temp file, an empty TMPDIR. */
function expectNothingInstalled(user: User): void {
  expect(existsSync(join(user.bin, "hone"))).toBe(false);
  expect(existsSync(user.bin) ? readdirSync(user.bin) : []).toEqual([]);
  expect(readdirSync(user.tmp)).toEqual([]);
}

/** A copy of the latest release folder under another name, for doctored variants. */
function copyRelease(name: string): string {
  const dir = join(srv, name, "latest", "download");
  cpSync(join(srv, "good", "latest", "download"), dir, { recursive: true });
  return dir;
}

const PROFILE_LINE = 'export PATH="$HOME/bin:$PATH"';

beforeAll(async () => {
  const built = await run(["bun", "run", "release", "--targets", HOST, "--out", join(srv, "good")], { ...process.env } as Record<string, string>, ROOT);
  if (built.code !== 0) throw new Error(`bun run release failed: ${built.stderr}`);
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const file = resolve(srv, `.${decodeURIComponent(new URL(request.url).pathname)}`);
      if (!file.startsWith(srv + sep) || !existsSync(file) || !statSync(file).isFile()) return new Response("not found", { status: 404 });
      return new Response(Bun.file(file));
    },
  });
  baseUrl = `http://127.0.0.1:${server.port}`;
}, 60_000);

afterAll(() => {
  server?.stop(true);
  for (const dir of cleanupDirs) rmSync(dir, { recursive: true, force: true });
});

describe("release folder", () => {
  test("has the GitHub download layout with a SHA256SUMS entry and install.sh in each folder", () => {
    for (const folder of [join(srv, "good", "download", `v${VERSION}`), join(srv, "good", "latest", "download")]) {
      expect(readdirSync(folder).sort()).toEqual(["SHA256SUMS", "install.sh", ASSET].sort());
      expect(readFileSync(join(folder, "SHA256SUMS"), "utf8")).toBe(`${sha256(join(folder, ASSET))}  ${ASSET}\n`);
      expect(readFileSync(join(folder, "install.sh"), "utf8")).toBe(readFileSync(join(ROOT, "install.sh"), "utf8"));
      expect(statSync(join(folder, ASSET)).mode & 0o111).not.toBe(0);
    }
  });

  test("install.sh is valid POSIX sh (and dash when installed)", () => {
    for (const shell of ["sh", "dash"]) {
      if (shell === "dash" && !Bun.which("dash")) continue;
      const check = Bun.spawnSync([shell, "-n", join(ROOT, "install.sh")]);
      expect(check.exitCode, check.stderr.toString()).toBe(0);
    }
  });
});

describe("curl | sh", () => {
  test("installs the verified latest binary and adds the PATH line to profiles exactly once", async () => {
    const user = freshUser();
    // A .bashrc without a trailing newline: the user's last line must stay intact.
    writeFileSync(join(user.home, ".bashrc"), "alias ll='ls -l'");
    for (let round = 0; round < 2; round++) {
      const result = await curlPipeSh("good", user, []);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Verified SHA-256 of ${ASSET}`);
      expect(result.stdout).toContain(`Installed ${join(user.bin, "hone")} (${VERSION} (hone))`);
    }
    expect(versionOf(join(user.bin, "hone"))).toBe(`${VERSION} (hone)`);
    expect(readdirSync(user.bin)).toEqual(["hone"]);
    expect(readdirSync(user.tmp)).toEqual([]);
    expect(countLines(join(user.home, ".profile"), PROFILE_LINE)).toBe(1);
    expect(readFileSync(join(user.home, ".bashrc"), "utf8")).toBe(`alias ll='ls -l'\n${PROFILE_LINE}\n`);
    expect(existsSync(join(user.home, ".zshrc"))).toBe(false);
    // The line really puts hone on PATH for a login shell.
    const login = await run(["sh", "-c", '. "$HOME/.profile"; command -v hone'], { HOME: user.home, PATH: "/usr/bin:/bin" }, user.home);
    expect(login.stdout.trim()).toBe(join(user.bin, "hone"));
  }, 30_000);

  test("--no-modify-path leaves profiles untouched and only prints the hint", async () => {
    const user = freshUser();
    writeFileSync(join(user.home, ".profile"), "# mine\n");
    const result = await curlPipeSh("good", user, ["--no-modify-path"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Add it to your PATH:  ${PROFILE_LINE}`);
    expect(readFileSync(join(user.home, ".profile"), "utf8")).toBe("# mine\n");
    expect(existsSync(join(user.home, ".bashrc"))).toBe(false);
    expect(versionOf(join(user.bin, "hone"))).toBe(`${VERSION} (hone)`);
  }, 30_000);

  test("a zsh user gets the line in a new ~/.zshrc, since zsh never reads ~/.profile", async () => {
    const user = freshUser();
    const result = await curlPipeSh("good", user, [], undefined, { SHELL: "/bin/zsh" });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(user.home, ".zshrc"), "utf8")).toBe(`${PROFILE_LINE}\n`);
    expect(countLines(join(user.home, ".profile"), PROFILE_LINE)).toBe(1);
    expect(existsSync(join(user.home, ".bashrc"))).toBe(false);
  }, 30_000);

  test("a tampered binary is refused and an existing hone is left as it was", async () => {
    const dir = copyRelease("tampered");
    const binary = readFileSync(join(dir, ASSET));
    const middle = Math.floor(binary.length / 2);
    binary[middle] = (binary[middle] ?? 0) ^ 0xff;
    writeFileSync(join(dir, ASSET), binary);
    const user = freshUser();
    mkdirSync(user.bin);
    writeFileSync(join(user.bin, "hone"), "previous install\n");
    const result = await curlPipeSh("tampered", user, ["--no-modify-path"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`checksum mismatch for ${ASSET}`);
    expect(result.stdout).not.toContain("Installed");
    expect(readFileSync(join(user.bin, "hone"), "utf8")).toBe("previous install\n");
    expect(readdirSync(user.bin)).toEqual(["hone"]);
    expect(readdirSync(user.tmp)).toEqual([]);
  }, 30_000);

  test("a binary missing from SHA256SUMS is refused", async () => {
    const dir = copyRelease("unlisted");
    writeFileSync(join(dir, "SHA256SUMS"), `${"0".repeat(64)}  hone-some-other-target\n`);
    const user = freshUser();
    const result = await curlPipeSh("unlisted", user, []);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`no entry for ${ASSET}`);
    expectNothingInstalled(user);
    expect(existsSync(join(user.home, ".profile"))).toBe(false);
  }, 30_000);

  test("--version installs that release's folder, with or without a leading v", async () => {
    // A second published version whose "binary" is a tiny script, so the test can see which folder was used.
    const older = join(srv, "good", "download", "v9.9.9");
    mkdirSync(older, { recursive: true });
    writeFileSync(join(older, ASSET), '#!/bin/sh\necho "9.9.9 (hone)"\n', { mode: 0o755 });
    writeFileSync(join(older, "SHA256SUMS"), `${sha256(join(older, ASSET))}  ${ASSET}\n`);
    const user = freshUser();
    const picked = await curlPipeSh("good", user, ["--version", "9.9.9", "--no-modify-path"]);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.stdout).toContain("/download/v9.9.9");
    expect(versionOf(join(user.bin, "hone"))).toBe("9.9.9 (hone)");
    const current = await curlPipeSh("good", user, [`--version=v${VERSION}`, "--no-modify-path"]);
    expect(current.code, current.stderr).toBe(0);
    expect(versionOf(join(user.bin, "hone"))).toBe(`${VERSION} (hone)`);
  }, 30_000);

  test("a version that was never released fails clearly and installs nothing", async () => {
    const user = freshUser();
    const result = await curlPipeSh("good", user, ["--version", "7.7.7"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("could not download release v7.7.7");
    expectNothingInstalled(user);
  }, 30_000);

  test("falls back to wget and shasum when curl and sha256sum are missing", async () => {
    if (!Bun.which("wget") || !Bun.which("shasum")) return;
    // A PATH holding every usual command except curl and sha256sum.
    const farm = join(work, "no-curl-bin");
    mkdirSync(farm, { recursive: true });
    for (const dir of (process.env.PATH ?? "").split(":")) {
      if (!dir || !existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (name === "curl" || name === "sha256sum" || existsSync(join(farm, name))) continue;
        symlinkSync(join(dir, name), join(farm, name));
      }
    }
    const user = freshUser();
    const result = await curlPipeSh("good", user, ["--no-modify-path"], farm);
    expect(result.code, result.stderr).toBe(0);
    expect(versionOf(join(user.bin, "hone"))).toBe(`${VERSION} (hone)`);
  }, 30_000);
});

describe("install.sh in a checkout", () => {
  test("--from-release downloads the release instead of building", async () => {
    const user = freshUser();
    const env = { PATH: process.env.PATH ?? "", HOME: user.home, TMPDIR: user.tmp, HONE_INSTALL_DIR: user.bin, HONE_RELEASE_URL: `${baseUrl}/good` };
    const result = await run(["sh", join(ROOT, "install.sh"), "--from-release", "--no-modify-path"], env, user.home);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Downloading the latest hone (${ASSET})`);
    expect(versionOf(join(user.bin, "hone"))).toBe(`${VERSION} (hone)`);
  }, 30_000);

  test("an unknown option is an error and installs nothing", async () => {
    const user = freshUser();
    const env = { PATH: process.env.PATH ?? "", HOME: user.home, TMPDIR: user.tmp, HONE_INSTALL_DIR: user.bin };
    const result = await run(["sh", join(ROOT, "install.sh"), "--frobnicate"], env, user.home);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown option: --frobnicate");
    expectNothingInstalled(user);
  });
});
