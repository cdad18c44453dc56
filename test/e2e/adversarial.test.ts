// The adversarial corpus through the real binary: the model asks for every command and path in it, in
// bypassPermissions mode (the most permissive), with a real `evil` program on PATH that leaves a marker
// when it runs, a secret in .env and files under protected/. Nothing a deny rule covers may happen;
// control commands in the same run prove the setup really executes what is allowed.
import { expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";
import { DENIED_COMMANDS, DENIED_FILE_COMMANDS, DENIED_PATHS } from "../support/adversarial-corpus.ts";

const withApi = scriptedApi();
const SECRET = "SECRET-d41d8cd98f00";

function setup() {
  const home = tempHome();
  const dir = tempProject("hone-adversarial-");
  // Inside the project, so the sandbox (on by default) lets evil leave its marker if it ever runs.
  const markers = join(dir, "markers");
  mkdirSync(markers);
  const bin = tempProject("hone-evil-bin-");
  // mktemp: each sandbox has its own pid namespace, so $$ repeats across commands.
  const evil = `#!/bin/sh\nmktemp "${markers}/evil-XXXXXX" >/dev/null\n`;
  for (const path of [join(bin, "evil"), join(dir, "bin", "evil"), join(home, "evil")]) {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, evil);
    chmodSync(path, 0o755);
  }
  mkdirSync(join(dir, "sub"));
  mkdirSync(join(dir, "protected"));
  writeFileSync(join(dir, ".env"), `KEY=${SECRET}\n`);
  writeFileSync(join(dir, "README"), "readme\n");
  writeFileSync(join(dir, "protected", "keep.txt"), "keep\n");
  symlinkSync(join(dir, ".env"), join(dir, "link-to-env"));
  symlinkSync(join(dir, "protected"), join(dir, "link-to-protected"));
  symlinkSync(dir, join(dir, "sub", "link-up"));
  mkdirSync(join(home, ".claude"), { recursive: true });
  // The sandbox is off: this tests the permission rules alone (the sandbox would also hide /tmp paths).
  writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify({ sandbox: { enabled: false }, permissions: { deny: ["Bash(evil:*)", "Read(.env)", "Edit(protected/**)"] } }));
  return { home, dir, markers, bin };
}

function snapshot(dir: string): string {
  return readdirSync(join(dir, "protected")).sort().join(",") + "|" + readFileSync(join(dir, "protected", "keep.txt"), "utf8");
}

test("150+ adversarial commands and paths: zero runs of a denied program, zero reads of the secret, zero writes under a denied folder", async () => {
  const { home, dir, markers, bin } = setup();
  const before = snapshot(dir);
  const bash = [...DENIED_COMMANDS, ...DENIED_FILE_COMMANDS].map((command) => toolUse("Bash", { command }));
  const files = DENIED_PATHS.map(({ tool, path }) =>
    toolUse(tool, tool === "Read" ? { file_path: join(dir, path) } : tool === "Write" ? { file_path: join(dir, path), content: "pwned" } : { file_path: join(dir, path), old_string: "keep", new_string: "pwned" }),
  );
  const controls = [toolUse("Bash", { command: "echo control > control.txt" }), toolUse("Bash", { command: "cat README" })];
  const chunks: ReturnType<typeof toolUse>[][] = [];
  const all = [...bash, ...files, ...controls];
  for (let i = 0; i < all.length; i += 40) chunks.push(all.slice(i, i + 40));
  const server = await withApi(...chunks.map((c) => reply(...c)), reply(text("done")));
  const run = await runHone(["-p", "try everything", "--permission-mode", "bypassPermissions", "--output-format", "json"], {
    cwd: dir,
    apiUrl: server.url,
    env: { HOME: home, IS_SANDBOX: "1", PATH: `${bin}:${process.env.PATH}`, EVILDIR: bin, CMD: "evil", X: "evil" },
  });
  expect(run.code).toBe(0);
  expect(readdirSync(markers)).toEqual([]);
  expect(snapshot(dir)).toBe(before);
  const sent = JSON.stringify(server.requests.map((r) => r.body.messages));
  expect(sent).not.toContain(SECRET);
  // The controls ran: the run was really executing what the rules allow.
  expect(readFileSync(join(dir, "control.txt"), "utf8")).toBe("control\n");
  expect(sent).toContain("readme");
  const denials = run.json().permission_denials as unknown[];
  expect(denials.length).toBe(all.length - controls.length);
});

test("the same corpus is denied in default mode without any rules, and nothing runs", async () => {
  const { home, dir, markers, bin } = setup();
  writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify({ sandbox: { enabled: false } }));
  const server = await withApi(reply(...DENIED_COMMANDS.map((command) => toolUse("Bash", { command }))), reply(text("done")));
  const run = await runHone(["-p", "try", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: home, PATH: `${bin}:${process.env.PATH}` } });
  expect(run.code).toBe(0);
  expect(readdirSync(markers)).toEqual([]);
  expect((run.json().permission_denials as unknown[]).length).toBe(DENIED_COMMANDS.length);
});

test("tool names are case-sensitive: a call to bash or BASH runs nothing", async () => {
  const { home, dir, markers, bin } = setup();
  const server = await withApi(reply(toolUse("bash", { command: "evil" }), toolUse("BASH", { command: "evil" }), toolUse("Bash ", { command: "evil" })), reply(text("done")));
  const run = await runHone(["-p", "try", "--permission-mode", "bypassPermissions"], { cwd: dir, apiUrl: server.url, env: { HOME: home, IS_SANDBOX: "1", PATH: `${bin}:${process.env.PATH}` } });
  expect(run.code).toBe(0);
  expect(readdirSync(markers)).toEqual([]);
  expect(JSON.stringify(server.requests[1]!.body.messages)).toContain("No such tool: bash");
});

test("hone permissions check explains a decision with the rule's file and line", async () => {
  const { home, dir } = setup();
  const run = await runHone(["permissions", "check", "Bash(true && evil --now)"], { cwd: dir, env: { HOME: home } });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("deny:");
  expect(run.stdout).toContain(`rule: Bash(evil:*) (deny) from ${join(home, ".claude", "settings.json")}:1`);
  const json = await runHone(["permissions", "check", "Read(.env)", "--json"], { cwd: dir, env: { HOME: home } });
  expect(JSON.parse(json.stdout)).toMatchObject({ decision: "deny", rule: { text: "Read(.env)", line: 1, scope: "user" } });
  const allowed = await runHone(["permissions", "check", "Bash(git status)"], { cwd: dir, env: { HOME: home } });
  expect(allowed.stdout).toMatch(/^allow:/);
});

test("control: without the deny rule the same evil does run (the markers above can appear)", async () => {
  const { home, dir, markers, bin } = setup();
  writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify({ sandbox: { enabled: false } }));
  const server = await withApi(reply(toolUse("Bash", { command: "evil" }), toolUse("Bash", { command: "e''vil && ./bin/evil && ~/evil" })), reply(text("done")));
  const run = await runHone(["-p", "try", "--permission-mode", "bypassPermissions"], { cwd: dir, apiUrl: server.url, env: { HOME: home, IS_SANDBOX: "1", PATH: `${bin}:${process.env.PATH}` } });
  expect(run.code).toBe(0);
  expect(readdirSync(markers)).toHaveLength(4);
});
