import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryCommand } from "../src/memory-command.ts";
import { SUBCOMMANDS } from "../src/subcommands.ts";
import { captureIO as io } from "./support/command-io.ts";

function setup() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-memory-")));
  const home = join(root, "home");
  const project = join(root, "proj");
  mkdirSync(join(home, ".hone"), { recursive: true });
  mkdirSync(project, { recursive: true });
  return { root, home, project };
}

describe("hone memory", () => {
  test("lists files in order with scope, size, importer, warnings and total", async () => {
    const { home, project } = setup();
    writeFileSync(join(home, ".hone", "HONE.md"), "user rules");
    writeFileSync(join(project, "CLAUDE.md"), "see @guide.md and @missing.md");
    writeFileSync(join(project, "guide.md"), "guide");
    writeFileSync(join(project, "CLAUDE.local.md"), "mine");
    const c = io(project, home);
    expect(await memoryCommand([], c)).toBe(0);
    expect(c.stderr).toBe("");
    const lines = c.stdout.split("\n");
    expect(lines[0]).toBe(`Instruction files loaded for ${project} (in prompt order):`);
    expect(lines.slice(1, 5)).toEqual([
      `  1. user    10 B  ${join(home, ".hone", "HONE.md")}`,
      `  2. project 29 B  ${join(project, "CLAUDE.md")}`,
      `  3. import   5 B  ${join(project, "guide.md")}  (imported from ${join(project, "CLAUDE.md")})`,
      `  4. local    4 B  ${join(project, "CLAUDE.local.md")}`,
    ]);
    expect(c.stdout).toContain(
      `Warnings:\n  - ${join(project, "CLAUDE.md")}:1: imported file @missing.md not found (${join(project, "missing.md")})\n`,
    );
    expect(c.stdout).toContain("\nTotal: 48 bytes in 4 files.\n");
    expect(c.stdout.endsWith("\n")).toBe(true);
  });

  test("says so when nothing is found", async () => {
    const { home, project } = setup();
    const c = io(project, home);
    expect(await memoryCommand([], c)).toBe(0);
    expect(c.stdout).toStartWith(`No instruction files found for ${project}.\n`);
    expect(c.stdout).toContain("Total: 0 bytes in 0 files.");
  });

  test("unexpected arguments are an error; --help is not", async () => {
    const { home, project } = setup();
    const bad = io(project, home);
    expect(await memoryCommand(["edit"], bad)).toBe(1);
    expect(bad.stderr).toContain("hone memory takes no arguments (got: edit)");
    expect(bad.stdout).toBe("");
    const help = io(project, home);
    expect(await memoryCommand(["--help"], help)).toBe(0);
    expect(help.stdout).toStartWith("Usage: hone memory");
  });

  test("is registered as a subcommand", async () => {
    const { home, project } = setup();
    writeFileSync(join(project, "AGENTS.md"), "agents");
    const c = io(project, home);
    expect(await SUBCOMMANDS.memory?.run([], c)).toBe(0);
    expect(c.stdout).toContain(`project 6 B  ${join(project, "AGENTS.md")}`);
  });
});
