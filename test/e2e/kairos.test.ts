// KAIROS (`hone --kairos`, feature "proactive") through the binary: a tick reports a new file, the model
// acts on it, the action is printed and logged in the daily log, Ctrl+C stops it cleanly. The default
// build refuses the flag. (Ticks, the blocking budget and idle ticks in detail: test/kairos*.test.ts.)
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { servedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { honeEnv, requireBinary, requireFullBinary, runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const serve = servedApi();
const lastText = (req: LoggedRequest): string => JSON.stringify(req.body.messages?.at(-1)?.content ?? "");

test("the default build has none of KAIROS and refuses --kairos, saying how to build with it", async () => {
  const prompt = Buffer.from("# KAIROS proactive mode", "utf8");
  expect(readFileSync(requireBinary()).includes(prompt)).toBe(false);
  expect(readFileSync(requireFullBinary()).includes(prompt)).toBe(true);
  const run = await runHone(["--kairos"], { cwd: tempProject() });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('--kairos needs the "proactive" feature');
});

test("a new file shows up in a tick, the model reads it, and the action is printed and logged", async () => {
  const home = tempHome();
  const dir = tempProject("hone-kairos-");
  mkdirSync(join(dir, ".hone"), { recursive: true });
  writeFileSync(join(dir, ".hone", "settings.json"), JSON.stringify({ kairos: { tickIntervalSecs: 1 } }));
  const api = await serve({
    steps: [],
    fallback: (req) => {
      const last = lastText(req);
      if (last.includes("tool_result")) return reply(text("Read the new file; it is a note."));
      if (last.includes("new.txt")) return reply(toolUse("Read", { file_path: join(dir, "new.txt") }));
      return reply(text("Nothing to do."));
    },
  });
  const proc = Bun.spawn([requireFullBinary(), "--kairos"], { cwd: dir, env: honeEnv(api.url, { HOME: home }), stdout: "pipe", stderr: "pipe" });
  let out = "";
  const reader = (async () => {
    for await (const chunk of proc.stdout) out += new TextDecoder().decode(chunk);
  })();
  for (let i = 0; i < 200 && api.requests.length === 0; i++) await Bun.sleep(50);
  expect(api.requests.length).toBeGreaterThan(0);
  expect(lastText(api.requests[0]!)).toContain("<tick");
  writeFileSync(join(dir, "new.txt"), "a note\n");
  for (let i = 0; i < 200 && !out.includes("Read(new.txt)"); i++) await Bun.sleep(50);
  proc.kill("SIGINT");
  expect(await proc.exited).toBe(0);
  await reader;
  expect(out).toContain("Read(new.txt)");
  const logs = join(home, ".hone", "kairos");
  expect(existsSync(logs)).toBe(true);
  const daily = readdirSync(logs).filter((f) => /^\d{4}-\d{2}-\d{2}\.md$/.test(f));
  expect(daily.length).toBeGreaterThan(0);
  expect(daily.map((f) => readFileSync(join(logs, f), "utf8")).join("\n")).toContain("Read(new.txt)");
  // Idle ticks before the file were dropped from the conversation: the request that acted has no earlier ticks.
  const acting = api.requests.find((r) => lastText(r).includes("new.txt") && !lastText(r).includes("tool_result"))!;
  expect(JSON.stringify(acting.body.messages).split("<tick").length - 1).toBe(1);
}, 30_000);

test("kairos.enabled in settings makes a session without -p a KAIROS session; the default build warns and starts a normal one", async () => {
  const home = tempHome();
  const dir = tempProject("hone-kairos-");
  mkdirSync(join(dir, ".hone"), { recursive: true });
  writeFileSync(join(dir, ".hone", "settings.json"), JSON.stringify({ kairos: { enabled: true, tickIntervalSecs: 1 } }));
  const api = await serve({ steps: [], fallback: reply(text("Nothing to do.")) });
  const proc = Bun.spawn([requireFullBinary()], { cwd: dir, env: honeEnv(api.url, { HOME: home }), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  for (let i = 0; i < 200 && api.requests.length === 0; i++) await Bun.sleep(50);
  proc.kill("SIGINT");
  expect(await proc.exited).toBe(0);
  expect(lastText(api.requests[0]!)).toContain("<tick");

  const plain = await runHone([], { cwd: dir, env: { HOME: home } });
  expect(plain.stderr).toContain('kairos.enabled in your settings needs the "proactive" feature');
  expect(plain.stderr).toContain("needs a terminal");
  expect(plain.code).toBe(2);
}, 30_000);
