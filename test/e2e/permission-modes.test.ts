// Permission modes and working directories through the binary: plan (read-only plus ExitPlanMode,
// which -p cannot approve), dontAsk (asks become reported denials), --add-dir, and reads outside the
// working directories.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();

test("plan mode: reads run, edits and commands are refused, ExitPlanMode is offered and -p cannot approve it", async () => {
  const dir = tempProject();
  writeFileSync(join(dir, "a.txt"), "alpha\n");
  const server = await withApi(
    reply(toolUse("Read", { file_path: join(dir, "a.txt") }), toolUse("Write", { file_path: join(dir, "b.txt"), content: "b" }), toolUse("Bash", { command: "touch c.txt" })),
    reply(toolUse("ExitPlanMode", { plan: "1. change a.txt" })),
    reply(text("Plan: change a.txt")),
  );
  const run = await runHone(["-p", "plan it", "--permission-mode", "plan", "--allowedTools", "Write", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
  expect(run.code).toBe(0);
  expect((server.requests[0]!.body.tools ?? []).map((t) => t.name)).toContain("ExitPlanMode");
  expect(existsSync(join(dir, "b.txt"))).toBe(false);
  expect(existsSync(join(dir, "c.txt"))).toBe(false);
  const first = JSON.stringify(server.requests[1]!.body.messages!.at(-1));
  expect(first).toContain("alpha");
  expect(first).toContain("plan mode");
  expect(JSON.stringify(server.requests[2]!.body.messages!.at(-1))).toContain("cannot ask the user");
  const result = run.json();
  expect((result.permission_denials as Array<{ tool_name: string }>).map((d) => d.tool_name)).toEqual(["Write", "Bash", "ExitPlanMode"]);
  expect(result.result).toBe("Plan: change a.txt");
});

test("outside plan mode ExitPlanMode is not offered", async () => {
  const dir = tempProject();
  const server = await withApi(reply(text("hi")));
  await runHone(["-p", "hi"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
  expect((server.requests[0]!.body.tools ?? []).map((t) => t.name)).not.toContain("ExitPlanMode");
});

test("dontAsk: anything not allowed beforehand is denied and reported; allowed rules still run", async () => {
  const dir = tempProject();
  const server = await withApi(reply(toolUse("Bash", { command: "npm --version > v.txt" }), toolUse("Bash", { command: "echo ok > ok.txt" })), reply(text("done")));
  const run = await runHone(["-p", "go", "--permission-mode", "dontAsk", "--allowedTools", "Bash(echo *)", "Edit(ok.txt)", "--output-format", "json"], {
    cwd: dir,
    apiUrl: server.url,
    env: { HOME: tempHome() },
  });
  expect(run.code).toBe(0);
  expect(existsSync(join(dir, "v.txt"))).toBe(false);
  expect(readFileSync(join(dir, "ok.txt"), "utf8")).toBe("ok\n");
  expect(run.json().permission_denials).toHaveLength(1);
  expect(run.stderr).toContain("dontAsk");
});

test("reads outside the working directories are refused in -p until --add-dir (or additionalDirectories) adds them", async () => {
  const dir = tempProject();
  const other = tempProject("hone-other-");
  writeFileSync(join(other, "notes.txt"), "outside notes\n");
  const read = () => reply(toolUse("Read", { file_path: join(other, "notes.txt") }));
  let server = await withApi(read(), reply(text("done")));
  let run = await runHone(["-p", "read", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
  expect(JSON.stringify(server.requests[1]!.body.messages)).not.toContain("outside notes");
  expect(run.json().permission_denials).toHaveLength(1);
  server = await withApi(read(), reply(text("done")));
  run = await runHone(["-p", "--add-dir", other, "--output-format", "json", "read"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
  expect(JSON.stringify(server.requests[1]!.body.messages)).toContain("outside notes");
  expect(run.json().permission_denials).toHaveLength(0);
  const home = tempHome();
  mkdirSync(join(home, ".claude"), { recursive: true });
  writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify({ permissions: { additionalDirectories: [other] } }));
  server = await withApi(read(), reply(text("done")));
  await runHone(["-p", "read"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(JSON.stringify(server.requests[1]!.body.messages)).toContain("outside notes");
});
