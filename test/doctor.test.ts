import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { projectDir, type Env } from "../src/config-dir.ts";
import { doctorCommand } from "../src/doctor.ts";
import { SUBCOMMANDS } from "../src/subcommands.ts";
import { trustDirectory } from "../src/trust.ts";
import { VERSION } from "../src/version.ts";

function fixture() {
  const root = mkdtempSync(join(tmpdir(), "hone-doctor-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  const bin = join(root, "bin");
  for (const dir of [home, cwd, bin]) mkdirSync(dir, { recursive: true });
  const write = (path: string, content: string) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  return { root, home, cwd, bin, write };
}

async function doctor(cwd: string, env: Env, args: string[] = []) {
  let out = "";
  let err = "";
  const code = await doctorCommand(args, { cwd, env, out: (t) => (out += t), err: (t) => (err += t) });
  const line = (label: string) => out.split("\n").filter((l) => l.includes(` ${label}: `) || l.startsWith(`${label}:`));
  return { code, out, err, line };
}

/** A fake program on a private PATH that prints a version, so the test does not depend on the machine. */
function fakeTool(bin: string, name: string, output: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\necho "${output}"\n`);
  chmodSync(path, 0o755);
}

describe("hone doctor", () => {
  test("a healthy setup passes: version, binary, settings, key source (never the key), model, tools, folders", async () => {
    const f = fixture();
    fakeTool(f.bin, "rg", "ripgrep 99.1.0");
    fakeTool(f.bin, "bwrap", "bubblewrap 0.11.0");
    const settings = f.write("home/.claude/settings.json", JSON.stringify({ model: "opus", theme: "dark" }));
    const secret = "sk-ant-secret-value-123";
    const r = await doctor(f.cwd, { HOME: f.home, PATH: f.bin, ANTHROPIC_API_KEY: secret });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(secret);
    expect(r.line("version")).toEqual([`ok      version: hone ${VERSION}`]);
    expect(r.line("binary")).toEqual([`ok      binary: ${process.execPath}`]);
    expect(r.out).toContain(`ok      settings (user): ${settings} loaded\n`);
    expect(r.out).toContain(`missing settings (project): ${join(f.cwd, ".hone.toml")} (optional)\n`);
    expect(r.line("ignored keys")).toEqual([`ok      ignored keys: theme (${settings}) — accepted, not used by hone yet`]);
    expect(r.line("API key")).toEqual(["ok      API key: ANTHROPIC_API_KEY (from environment)"]);
    expect(r.line("model")).toEqual(['ok      model: claude-opus-4-6 (alias "opus") from settings']);
    expect(r.line("ripgrep")).toEqual([`ok      ripgrep: ripgrep 99.1.0 (${join(f.bin, "rg")})`]);
    expect(r.line("bubblewrap")[0]).toStartWith("ok      bubblewrap: bubblewrap 0.11.0");
    expect(r.line("session dir")[0]).toContain(`${projectDir({ HOME: f.home }, f.cwd)} (not created yet; nearest existing parent ${f.home}) is writable`);
    expect(r.line("temp dir")[0]).toStartWith("ok      temp dir: ");
    expect(r.out).toEndWith("All required checks passed.\n");
  });

  test("no API key fails; optional tools missing do not; the model falls back to the default alias", async () => {
    const f = fixture();
    const r = await doctor(f.cwd, { HOME: f.home, PATH: f.bin });
    expect(r.code).toBe(1);
    expect(r.line("API key")[0]).toStartWith("missing API key: set ANTHROPIC_API_KEY");
    expect(r.line("ripgrep")[0]).toStartWith("missing ripgrep: rg not found on PATH (optional");
    expect(r.line("bubblewrap")[0]).toStartWith("missing bubblewrap: bwrap not found on PATH (optional");
    expect(r.line("model")).toEqual(['ok      model: claude-sonnet-4-6 (alias "sonnet") from default']);
    expect(r.out).toEndWith("1 problem found.\n");
  });

  test("the settings env block supplies the key and HONE_MODEL; ANTHROPIC_MODEL applies when nothing else does", async () => {
    const f = fixture();
    const env = { HOME: f.home, PATH: f.bin };
    f.write("project/.claude/settings.local.json", JSON.stringify({ env: { ANTHROPIC_AUTH_TOKEN: "tok-hidden", HONE_MODEL: "haiku" } }));
    const untrusted = await doctor(f.cwd, env);
    expect(untrusted.code).toBe(1);
    expect(untrusted.line("workspace trust")[0]).toContain("not trusted");
    await trustDirectory(f.cwd, env);
    const r = await doctor(f.cwd, env);
    expect(r.line("workspace trust")[0]).toContain("is trusted");
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("tok-hidden");
    expect(r.line("API key")).toEqual(["ok      API key: ANTHROPIC_AUTH_TOKEN (from settings env)"]);
    expect(r.line("model")).toEqual(['ok      model: claude-haiku-4-5 (alias "haiku") from HONE_MODEL']);
    const plain = await doctor(f.root, { ...env, ANTHROPIC_API_KEY: "k", ANTHROPIC_MODEL: "claude-custom-1" });
    expect(plain.line("model")).toEqual(["ok      model: claude-custom-1 from ANTHROPIC_MODEL"]);
  });

  test("every broken settings file and bad variable is reported, and checking continues past them", async () => {
    const f = fixture();
    const broken = f.write("home/.hone/settings.json", '{ "model": "x", }');
    f.write("project/.hone.toml", "[api]\nmax_tokens = -3\n");
    const good = f.write("project/.claude/settings.json", JSON.stringify({ model: "opus", permissions: { allow: ["Read"] }, nonsense: 1 }));
    const before = readFileSync(broken);
    const r = await doctor(f.cwd, { HOME: f.home, PATH: f.bin, ANTHROPIC_API_KEY: "k", HONE_BASH_TIMEOUT: "forever" });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`error   settings (user): ${broken}:1:17: trailing commas are not allowed\n`);
    expect(r.out).toContain(`error   settings (project): ${join(f.cwd, ".hone.toml")}:2:1: api.max_tokens: expected a positive integer, got -3\n`);
    expect(r.out).toContain('error   settings (environment): environment: HONE_BASH_TIMEOUT: expected whole seconds from 1 to 600, got "forever"\n');
    expect(r.out).toContain(`ok      settings (project): ${good} loaded\n`);
    expect(r.out).toContain(`warn    settings: ${good}:1:`);
    expect(r.line("model")).toEqual(['ok      model: claude-opus-4-6 (alias "opus") from settings']);
    expect(r.out).toEndWith("3 problems found.\n");
    expect(readFileSync(broken).equals(before)).toBe(true);
  });

  test("an unwritable session folder is an error", async () => {
    const f = fixture();
    // HONE_CONFIG_DIR under a regular file can never be created.
    const blocker = f.write("blocker", "not a folder");
    const r = await doctor(f.cwd, { HOME: f.home, PATH: f.bin, ANTHROPIC_API_KEY: "k", HONE_CONFIG_DIR: join(blocker, "hone") });
    expect(r.code).toBe(1);
    expect(r.line("session dir")[0]).toStartWith("error   session dir: ");
    expect(r.line("session dir")[0]).toEndWith("is not writable");
  });

  test("is registered as a subcommand and rejects arguments", async () => {
    const f = fixture();
    expect(SUBCOMMANDS.doctor?.summary).toBeTruthy();
    const code = await SUBCOMMANDS.doctor?.run(["--fix"], { cwd: f.cwd, env: { HOME: f.home }, out: () => {}, err: () => {} });
    expect(code).toBe(2);
    const r = await doctor(f.cwd, { HOME: f.home }, ["extra"]);
    expect(r.err).toContain("takes no arguments");
  });
});

test("extensions: counts what loads, names each file that does not, and lists MCP servers without starting them", async () => {
  const f = fixture();
  f.write("home/.claude/skills/good/SKILL.md", "---\ndescription: fine\n---\nbody\n");
  f.write("home/.claude/skills/broken/SKILL.md", "---\nname: x\nnot a field line\n---\nbody\n");
  f.write("home/.claude/commands/hello.md", "Say hello\n");
  f.write("project/.mcp.json", JSON.stringify({ mcpServers: { proj: { command: "never-run-me" } } }));
  f.write("home/.hone/mcp.json", JSON.stringify({ mcpServers: { mine: { type: "http", url: "http://127.0.0.1:1/mcp" } } }));
  const r = await doctor(f.cwd, { HOME: f.home, PATH: f.bin, ANTHROPIC_API_KEY: "k" });
  expect(r.line("extensions")[0]).toContain("1 skill, 1 command, 0 agents, 0 plugins");
  expect(r.out).toContain(`${join(f.home, ".claude/skills/broken/SKILL.md")}:3`);
  const mcp = r.line("MCP servers").join("\n");
  expect(mcp).toContain("mine (user)");
  expect(mcp).toContain("proj");
  expect(mcp).toContain("hone trust");
});
