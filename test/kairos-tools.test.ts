// The KAIROS-only tools: SendUserFile's outbox, PushNotification's command and bell, SubscribePR with
// a fake gh first on PATH.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createKairosContext } from "../src/kairos-context.ts";
import { dailyLogPath, outboxDir } from "../src/kairos-log.ts";
import { createPushNotificationTool } from "../src/tools/push-notification.ts";
import { createSendUserFileTool } from "../src/tools/send-user-file.ts";
import { createSubscribePrTool, prRef } from "../src/tools/subscribe-pr.ts";
import { kairosWorld, writePr } from "./support/kairos-fixture.ts";
import { harness } from "./support/tool-harness.ts";

test("SendUserFile copies into the outbox under a timestamped name, logs it and says where it is", async () => {
  const world = kairosWorld();
  const h = harness();
  writeFileSync(join(h.dir, "report.md"), "# Findings\n");
  const tool = createSendUserFileTool(world.kairos);
  const sent = await h.call(tool, { path: "report.md", message: "what I found overnight" });
  const dest = join(outboxDir(world.env), "20260501-090000-report.md");
  expect(sent.isError).toBeFalsy();
  expect(sent.text).toBe(`Delivered to the user: ${dest}`);
  expect(readFileSync(dest, "utf8")).toBe("# Findings\n");
  expect(world.printed).toEqual([`file for you: ${dest} (what I found overnight)`]);
  expect(readFileSync(dailyLogPath(world.env, world.clock.now()), "utf8")).toContain(`- 09:00:00 sent file: ${join(h.dir, "report.md")} → ${dest} (what I found overnight)`);

  // The same second again: a new name, the first copy untouched.
  writeFileSync(join(h.dir, "report.md"), "# Revised\n");
  await h.call(tool, { path: join(h.dir, "report.md") });
  expect(readdirSync(outboxDir(world.env)).sort()).toEqual(["20260501-090000-2-report.md", "20260501-090000-report.md"]);
  expect(readFileSync(dest, "utf8")).toBe("# Findings\n");

  const missing = await h.call(tool, { path: "nope.txt" });
  expect(missing.isError).toBe(true);
  expect(missing.text).toContain("does not exist");
  const folder = await h.call(tool, { path: "." });
  expect(folder.text).toContain("not a regular file");
});

test("PushNotification runs the configured command with the title and message in the environment only", async () => {
  const h = harness();
  const out = join(h.dir, "notified.txt");
  const base = kairosWorld();
  const kairos = createKairosContext({ ...base.kairos, env: { ...base.env, OUT: out }, notifyCommand: `printf '%s|%s' "$HONE_NOTIFY_TITLE" "$HONE_NOTIFY_MESSAGE" > "$OUT"` });
  const tool = createPushNotificationTool(kairos);
  const title = `Build $(touch ${join(h.dir, "pwned")}) "done"`;
  const message = "it's `green`; $HOME stays literal";
  const result = await h.call(tool, { title, message });
  expect(result.isError).toBeFalsy();
  expect(readFileSync(out, "utf8")).toBe(`${title}|${message}`);
  expect(existsSync(join(h.dir, "pwned"))).toBe(false);
  expect(base.bells).toBe(0);

  const failing = createPushNotificationTool(createKairosContext({ ...base.kairos, notifyCommand: "echo nope >&2; exit 3" }));
  const failed = await h.call(failing, { title: "t", message: "m" });
  expect(failed.isError).toBe(true);
  expect(failed.text).toContain("exit code 3: nope");
});

test("PushNotification without a command rings the bell and prints the line", async () => {
  const world = kairosWorld();
  const h = harness();
  const result = await h.call(createPushNotificationTool(world.kairos), { title: "Tests", message: "All green." });
  expect(result.isError).toBeFalsy();
  expect(world.bells).toBe(1);
  expect(world.printed).toEqual(["notification: Tests: All green."]);
  expect(readFileSync(dailyLogPath(world.env, world.clock.now()), "utf8")).toContain("- 09:00:00 notification: Tests: All green.");
});

test("SubscribePR validates through gh and records the subscription; an unknown PR is an error from gh", async () => {
  const world = kairosWorld();
  const h = harness();
  const tool = createSubscribePrTool(world.kairos);
  writePr(world, "12", { number: 12, title: "Add caching", state: "OPEN", reviewDecision: "APPROVED", statusCheckRollup: [{ status: "COMPLETED", conclusion: "FAILURE" }] });
  const ok = await h.call(tool, { pr: "#12" });
  expect(ok.text).toBe('Subscribed to PR #12 "Add caching": OPEN, review APPROVED, checks: 1 failed. Ticks will report its changes.');
  expect(world.kairos.subscriptions.refs()).toEqual(["12"]);
  expect((await h.call(tool, { pr: 12 })).text).toStartWith("Still subscribed");

  const unknown = await h.call(tool, { pr: 99 });
  expect(unknown.isError).toBe(true);
  expect(unknown.text).toContain("Could not resolve to a PullRequest with the number of 99");
  expect(world.kairos.subscriptions.refs()).toEqual(["12"]);

  const noGh = createSubscribePrTool(createKairosContext({ ...world.kairos, env: { ...world.env, PATH: "/nonexistent" } }));
  const missing = await h.call(noGh, { pr: 12 });
  expect(missing.text).toContain("could not run gh");
  expect(prRef("https://github.com/o/r/pull/5")).toBe("https://github.com/o/r/pull/5");
});

test("a subscription's gh failure is reported once, and again when gh answers", async () => {
  const world = kairosWorld();
  writePr(world, "3", { number: 3, title: "X", state: "OPEN" });
  const h = harness();
  await h.call(createSubscribePrTool(world.kairos), { pr: 3 });
  const poll = () => world.kairos.subscriptions.poll(world.kairos.run, h.dir, world.env);
  expect(await poll()).toEqual([]);
  writeFileSync(join(world.ghState, "pr-3.json"), "garbage");
  expect(await poll()).toEqual(["PR 3: gh pr view 3 printed something that is not a pull request's JSON"]);
  expect(await poll()).toEqual([]);
  writePr(world, "3", { number: 3, title: "X", state: "CLOSED" });
  expect(await poll()).toEqual(['PR #3 "X": state OPEN → CLOSED']);
});
