// The sandbox through the real binary: on by default where bubblewrap works, Bash commands cannot write
// outside the project or reach the network, a refusal is explained to the model, allowed domains go
// through hone's proxy (the bridge inside the sandbox is the compiled binary itself), and
// dangerouslyDisableSandbox is an ordinary permission question.
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const withApi = scriptedApi();
let web: Server | undefined;
afterEach(() => {
  web?.close();
  web = undefined;
});

async function startWeb(): Promise<number> {
  web = createServer((_req, res) => res.end("hello from the web"));
  await new Promise<void>((resolve) => web!.listen(0, "127.0.0.1", resolve));
  return (web.address() as AddressInfo).port;
}

function userSettings(home: string, settings: object): void {
  mkdirSync(join(home, ".claude"), { recursive: true });
  writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify(settings));
}

const toolResults = (body: unknown): string => JSON.stringify(body);

test("by default commands run sandboxed: writes outside the project and network access fail, and the model is told why", async () => {
  const dir = tempProject();
  const outside = tempProject("hone-outside-");
  const home = tempHome();
  const port = await startWeb();
  const server = await withApi(
    reply(
      toolUse("Bash", { command: "echo inside > inside.txt" }),
      toolUse("Bash", { command: `echo outside > ${join(outside, "x.txt")}` }),
      toolUse("Bash", { command: `curl -sS --max-time 5 http://127.0.0.1:${port}/` }),
      toolUse("Bash", { command: "mkdir -p .git/hooks && echo hook > .git/hooks/pre-commit" }),
    ),
    reply(text("done")),
  );
  const run = await runHone(["-p", "go", "--allowedTools", "Bash"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(0);
  expect(readFileSync(join(dir, "inside.txt"), "utf8")).toBe("inside\n");
  expect(existsSync(join(outside, "x.txt"))).toBe(false);
  expect(existsSync(join(dir, ".git", "hooks", "pre-commit"))).toBe(false);
  const results = toolResults(server.requests[1]!.body.messages!.at(-1));
  expect(results).not.toContain("hello from the web");
  expect(results).toContain("sandbox");
  expect(results).toContain("dangerouslyDisableSandbox");
});

test("allowed domains go through the proxy; other hosts get a 403 naming the rule", async () => {
  const dir = tempProject();
  const home = tempHome();
  const port = await startWeb();
  userSettings(home, { sandbox: { network: { allowedDomains: ["127.0.0.1"] } } });
  const server = await withApi(
    // --noproxy '': the sandbox exempts loopback hosts from the proxy (for servers started inside it).
    reply(
      toolUse("Bash", { command: `curl -sS --noproxy '' --max-time 5 http://127.0.0.1:${port}/` }),
      toolUse("Bash", { command: `curl -sS --noproxy '' --max-time 5 http://localhost:${port}/` }),
    ),
    reply(text("done")),
  );
  const run = await runHone(["-p", "go", "--allowedTools", "Bash"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(0);
  const [allowed, blocked] = (server.requests[1]!.body.messages!.at(-1)!.content as Array<{ content: string }>).map((c) => c.content);
  expect(allowed).toContain("hello from the web");
  expect(blocked).not.toContain("hello from the web");
  expect(blocked).toContain("localhost");
});

test("dangerouslyDisableSandbox needs permission: denied in -p without a rule, runs unsandboxed with one", async () => {
  const dir = tempProject();
  const outside = tempProject("hone-outside-");
  const home = tempHome();
  userSettings(home, { sandbox: { enabled: true } });
  const command = `echo out > ${join(outside, "x.txt")}`;
  // Explicitly enabled: sandboxed commands need no rule, but leaving the sandbox does.
  let server = await withApi(reply(toolUse("Bash", { command: "echo ok > ok.txt" }), toolUse("Bash", { command, dangerouslyDisableSandbox: true })), reply(text("done")));
  let run = await runHone(["-p", "go", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(existsSync(join(dir, "ok.txt"))).toBe(true);
  expect(existsSync(join(outside, "x.txt"))).toBe(false);
  expect(run.json().permission_denials).toHaveLength(1);
  server = await withApi(reply(toolUse("Bash", { command, dangerouslyDisableSandbox: true })), reply(text("done")));
  run = await runHone(["-p", "go", "--allowedTools", `Bash(echo *)`, `Edit(//${outside}/**)`], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(run.code).toBe(0);
  expect(readFileSync(join(outside, "x.txt"), "utf8")).toBe("out\n");
});

test("sandbox.enabled: false runs commands unconfined", async () => {
  const dir = tempProject();
  const outside = tempProject("hone-outside-");
  const home = tempHome();
  userSettings(home, { sandbox: { enabled: false } });
  const server = await withApi(reply(toolUse("Bash", { command: `echo out > ${join(outside, "x.txt")}` })), reply(text("done")));
  await runHone(["-p", "go", "--allowedTools", "Bash"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(readFileSync(join(outside, "x.txt"), "utf8")).toBe("out\n");
});

test("a Read deny rule hides the file inside the sandbox too, even from programs hone cannot analyse", async () => {
  const dir = tempProject();
  const home = tempHome();
  writeFileSync(join(dir, ".env"), "TOKEN=hidden-value\n");
  userSettings(home, { permissions: { deny: ["Read(.env)"] } });
  const server = await withApi(reply(toolUse("Bash", { command: "grep -r TOKEN . ; python3 -c \"print(open('.env').read())\"" })), reply(text("done")));
  await runHone(["-p", "go", "--allowedTools", "Bash"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
  expect(JSON.stringify(server.requests[1]!.body.messages)).not.toContain("hidden-value");
  expect(readFileSync(join(dir, ".env"), "utf8")).toBe("TOKEN=hidden-value\n");
});
