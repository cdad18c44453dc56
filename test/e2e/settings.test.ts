// Settings and instruction files through the real binary: layers and precedence, the env block, rules,
// malformed files reported with file:line:col and left untouched, CLAUDE.md/AGENTS.md in the prompt.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { scriptedApi } from "../support/api-fixture.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();

function write(path: string, content: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

function systemText(body: { system?: unknown }): string {
  const system = body.system;
  if (typeof system === "string") return system;
  return (system as Array<{ text: string }>).map((b) => b.text).join("\n");
}

test("a malformed settings file: file:line:col on stderr, exit 1, no request, file byte-for-byte unchanged", async () => {
  const dir = tempProject();
  const home = tempHome();
  const server = await withApi(reply(text("unused")));
  const path = join(dir, ".hone", "settings.json");
  const broken = '{\n  "model": "opus",\n  "permissions": { "allow": ["Read",] }\n}\n';
  write(path, broken);
  const run = await runHone(["-p", "hi"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`${path.replace(/[.]/g, "\\.")}:3:\\d+:`));
  expect(server.requests).toHaveLength(0);
  expect(readFileSync(path, "utf8")).toBe(broken);
});

test("a wrong type names the key path; TOML errors carry their line too", async () => {
  const dir = tempProject();
  const home = tempHome();
  const server = await withApi();
  const json = join(home, ".hone", "settings.json");
  const content = '{\n  "cleanupPeriodDays": "soon"\n}\n';
  write(json, content);
  const run = await runHone(["-p", "hi"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`${json}:2:`);
  expect(run.stderr).toContain("cleanupPeriodDays");
  expect(readFileSync(json, "utf8")).toBe(content);
  write(json, "{}\n");
  const toml = join(dir, ".hone.toml");
  write(toml, "[api]\nmodel = \"opus\"\nmax_tokens = = 3\n");
  const bad = await runHone(["-p", "hi"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain(`${toml}:3:`);
  expect(server.requests).toHaveLength(0);
});

test("layers: ~/.claude < ~/.hone < config.toml < project < .hone.toml < local < --settings < --model", async () => {
  const dir = tempProject();
  const home = tempHome();
  const server = await withApi(reply(text("1")), reply(text("2")), reply(text("3")), reply(text("4")), reply(text("5")));
  const env = { HOME: home };
  write(join(home, ".claude", "settings.json"), JSON.stringify({ model: "claude-from-claude-dir" }));
  await runHone(["-p", "x"], { cwd: dir, apiUrl: server.url, env });
  expect(server.requests[0]!.body.model).toBe("claude-from-claude-dir");
  write(join(home, ".hone", "settings.json"), JSON.stringify({ model: "claude-from-hone-user" }));
  write(join(dir, ".claude", "settings.json"), JSON.stringify({ model: "claude-from-claude-project" }));
  await runHone(["-p", "x"], { cwd: dir, apiUrl: server.url, env });
  expect(server.requests[1]!.body.model).toBe("claude-from-claude-project");
  write(join(dir, ".hone.toml"), '[api]\nmodel = "claude-from-toml"\n');
  await runHone(["-p", "x"], { cwd: dir, apiUrl: server.url, env });
  expect(server.requests[2]!.body.model).toBe("claude-from-toml");
  write(join(dir, ".hone", "settings.local.json"), JSON.stringify({ model: "claude-from-local" }));
  await runHone(["-p", "x", "--settings", '{"model":"claude-from-flag"}'], { cwd: dir, apiUrl: server.url, env });
  expect(server.requests[3]!.body.model).toBe("claude-from-flag");
  await runHone(["-p", "x", "--settings", '{"model":"claude-from-flag"}', "--model", "claude-from-model-flag"], { cwd: dir, apiUrl: server.url, env });
  expect(server.requests[4]!.body.model).toBe("claude-from-model-flag");
});

test("the env block reaches Bash; settings rules allow and withhold tools; unknown keys warn once", async () => {
  const dir = tempProject();
  const home = tempHome();
  write(join(dir, ".claude", "settings.json"), JSON.stringify({ env: { HONE_TEST_GREETING: "hello from settings" }, permissions: { allow: ["Bash"], deny: ["Write"] }, frobnicate: 1 }));
  const server = await withApi(reply(toolUse("Bash", { command: "echo $HONE_TEST_GREETING" })), reply(text("done")));
  // Project env and allow rules apply only in a trusted folder (test/e2e/trust.test.ts covers the untrusted case).
  const run = await runHone(["-p", "greet", "--trust"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(0);
  expect(JSON.stringify(server.requests[1]!.body.messages)).toContain("hello from settings");
  const tools = (server.requests[0]!.body.tools ?? []).map((t) => t.name);
  expect(tools).toContain("Bash");
  expect(tools).not.toContain("Write");
  expect(run.stderr.match(/frobnicate/g)).toHaveLength(1);
});

test("a deny pattern keeps the tool but refuses the matching calls, naming the rule", async () => {
  const dir = tempProject();
  const home = tempHome();
  const settings = join(home, ".hone", "settings.json");
  write(settings, JSON.stringify({ permissions: { deny: ["Bash(rm:*)"] } }));
  write(join(dir, "victim.txt"), "x");
  const server = await withApi(reply(toolUse("Bash", { command: "ls && rm victim.txt" }), toolUse("Bash", { command: "echo kept > kept.txt" })), reply(text("ok")));
  const run = await runHone(["-p", "hi", "--allowedTools", "Bash"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(0);
  expect((server.requests[0]!.body.tools ?? []).map((t) => t.name)).toContain("Bash");
  expect(existsSync(join(dir, "victim.txt"))).toBe(true);
  expect(existsSync(join(dir, "kept.txt"))).toBe(true);
  expect(JSON.stringify(server.requests[1]!.body.messages)).toContain(`Bash(rm:*) (${settings}:1)`);
});

test("HONE_BASH_TIMEOUT sets the default Bash timeout", async () => {
  const dir = tempProject();
  const server = await withApi(reply(toolUse("Bash", { command: "sleep 5" })), reply(text("ok")));
  const run = await runHone(["-p", "wait", "--allowedTools", "Bash"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome(), HONE_BASH_TIMEOUT: "1" } });
  expect(run.code).toBe(0);
  expect(JSON.stringify(server.requests[1]!.body.messages)).toContain("timed out after 1000 ms");
});

test("CLAUDE.md, AGENTS.md and ~/.claude/CLAUDE.md reach the system prompt, outermost first; a subfolder's file arrives with a Read there", async () => {
  const dir = tempProject();
  const home = tempHome();
  write(join(home, ".claude", "CLAUDE.md"), "User rule: answer in English.\n");
  write(join(dir, "CLAUDE.md"), "Project rule: run the tests with make check.\n@docs/style.md\n");
  write(join(dir, "docs", "style.md"), "Style rule: two-space indents.\n");
  write(join(dir, "AGENTS.md"), "Agents rule: keep commits small.\n");
  write(join(dir, "pkg", "CLAUDE.md"), "Package rule: never touch generated.ts.\n");
  write(join(dir, "pkg", "index.ts"), "export const x = 1;\n");
  const server = await withApi(reply(toolUse("Read", { file_path: join(dir, "pkg", "index.ts") })), reply(text("ok")));
  const run = await runHone(["-p", "look"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(0);
  const system = systemText(server.requests[0]!.body);
  const order = ["User rule", "Project rule", "Style rule", "Agents rule"].map((s) => system.indexOf(s));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(system).not.toContain("Package rule");
  const afterRead = JSON.stringify(server.requests[1]!.body.messages);
  expect(afterRead).toContain("Package rule: never touch generated.ts.");
  expect(afterRead).toContain("system-reminder");
});

test("hone doctor and hone memory run as subcommands", async () => {
  const dir = tempProject();
  const home = tempHome();
  write(join(dir, "CLAUDE.md"), "Project rule.\n");
  const memory = await runHone(["memory"], { cwd: dir, env: { HOME: home } });
  expect(memory.code).toBe(0);
  expect(memory.stdout).toContain(join(dir, "CLAUDE.md"));
  const doctor = await runHone(["doctor"], { cwd: dir, env: { HOME: home } });
  expect(doctor.stdout).toContain("ANTHROPIC_API_KEY");
  expect(doctor.code).toBe(0);
  const noKey = await runHone(["doctor"], { cwd: dir, env: { HOME: home, ANTHROPIC_API_KEY: undefined } });
  expect(noKey.code).toBe(1);
});
