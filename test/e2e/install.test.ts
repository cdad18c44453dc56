// install.sh from a source checkout: builds and installs a working binary into HONE_INSTALL_DIR.
import { expect, test } from "bun:test";
import { existsSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempProject } from "../support/run-hone.ts";

test("install.sh builds and installs a runnable hone with a PATH hint", async () => {
  const target = tempProject("hone-install-");
  const root = resolve(import.meta.dir, "../..");
  // Build into a private file so the dist/hone other tests are running is never replaced under them.
  const outfile = join(target, "built-hone");
  const proc = Bun.spawn(["sh", "install.sh"], {
    cwd: root,
    env: { ...process.env, HONE_INSTALL_DIR: join(target, "bin"), HONE_OUTFILE: outfile, PATH: process.env.PATH ?? "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(code, err).toBe(0);
  const installed = join(target, "bin", "hone");
  expect(existsSync(installed)).toBe(true);
  expect(statSync(installed).mode & 0o111).not.toBe(0);
  expect(out).toContain(`Installed hone to ${installed}`);
  expect(out).toContain("Add it to your PATH");
  const version = Bun.spawnSync([installed, "--version"]);
  expect(version.stdout.toString()).toMatch(/\(hone\)/);
  // Two ~100 MB binaries: not worth keeping in /tmp after a passing run.
  rmSync(target, { recursive: true, force: true });
}, 120_000);
