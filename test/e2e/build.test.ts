// The build output: one self-contained file with the version stamped in and skills/ embedded.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { requireBinary, runHone, tempProject } from "../support/run-hone.ts";

const root = resolve(import.meta.dir, "../..");

test("dist/hone reports the package version", async () => {
  const run = await runHone(["--version"], { cwd: tempProject() });
  expect(run.stdout.trim()).toBe(`${pkg.version} (hone)`);
});

test("every file under skills/ is embedded in the binary", () => {
  const binary = readFileSync(requireBinary());
  const files = readdirSync(join(root, "skills"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  expect(files.length).toBeGreaterThan(0);
  for (const entry of files) {
    const content = readFileSync(join(entry.parentPath, entry.name));
    expect(binary.includes(content)).toBe(true);
  }
});

test("the binary does not read a .env file or bunfig.toml from the directory it runs in", async () => {
  const dir = tempProject();
  await Bun.write(join(dir, ".env"), "ANTHROPIC_API_KEY=from-dotenv\n");
  await Bun.write(join(dir, "bunfig.toml"), 'preload = ["./nope.ts"]\n');
  const run = await runHone(["-p", "hi"], { cwd: dir, env: { ANTHROPIC_API_KEY: undefined } });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain("No Anthropic API key is set");
});
