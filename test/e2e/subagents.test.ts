// Sub-agents end to end: the compiled binary against the scripted API, whose routes answer each
// sub-agent's conversation by its prompt however the requests interleave. Parallel Explore agents
// (proved by a barrier that only opens once all three are waiting), a background agent's notice
// arriving at the next turn, SendMessage reaching a running agent, and an interrupted parent leaving
// no processes behind.
import { describe, expect, test } from "bun:test";
import { servedApi } from "../support/api-fixture.ts";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firstUserText, reply, text, toolUse, type LoggedRequest, type Outcome } from "../support/mock-api.ts";
import { systemText, toolNames, toolResultText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { projectFolder, readEntries, tempHome } from "../support/sessions.ts";

const serve = servedApi();

/** Resolves every waiter once `count` have arrived; a waiter left alone past `ms` gets false. */
function barrier(count: number, ms = 8000): () => Promise<boolean> {
  const waiting: Array<(open: boolean) => void> = [];
  return () =>
    new Promise<boolean>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === count) for (const w of waiting.splice(0)) w(true);
      else setTimeout(() => resolve(false), ms);
    });
}

const lastText = (request: LoggedRequest): string => {
  const content = request.body.messages?.at(-1)?.content;
  return typeof content === "string" ? content : (content ?? []).map((b) => String(b.text ?? b.content ?? "")).join("\n");
};

/** The agent id the Agent tool reported for a background start, read from the latest tool result. */
const startedId = (request: LoggedRequest): string => /Started background agent (a[0-9a-f]+)/.exec(JSON.stringify(request.body.messages))?.[1] ?? "none";

describe("sub-agents", () => {
  test("three Explore agents run at the same time, each with a fresh context and read-only tools, and the parent gets their reports", async () => {
    const home = tempHome();
    const dir = tempProject("hone-agents-");
    const allThere = barrier(3);
    const explorer = (name: string) => ({
      prompt: `EXPLORE-${name}`,
      steps: [async (): Promise<Outcome> => ((await allThere()) ? reply(text(`found ${name.toLowerCase()}`)) : reply(text("SEQUENTIAL: the other agents never arrived")))],
    });
    const server = await serve({
      steps: [
        reply(
          toolUse("Agent", { description: "find one", prompt: "EXPLORE-ONE where is the parser?", subagent_type: "Explore" }, "call_one"),
          toolUse("Agent", { description: "find two", prompt: "EXPLORE-TWO where is the lexer?", subagent_type: "Explore" }, "call_two"),
          toolUse("Agent", { description: "find three", prompt: "EXPLORE-THREE where are the tests?", subagent_type: "Explore" }, "call_three"),
        ),
        reply(text("All three reported.")),
      ],
      routes: [explorer("ONE"), explorer("TWO"), explorer("THREE")],
    });
    const run = await runHone(["-p", "map the code", "--output-format", "stream-json", "--verbose"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const main = server.requests.filter((r) => firstUserText(r.body).includes("map the code"));
    expect(main).toHaveLength(2);
    expect(toolResultText(main[1]!, "call_one")).toContain("found one");
    expect(toolResultText(main[1]!, "call_two")).toContain("found two");
    expect(toolResultText(main[1]!, "call_three")).toContain("found three");
    expect(JSON.stringify(main[1]!.body.messages)).not.toContain("SEQUENTIAL");

    const children = server.requests.filter((r) => firstUserText(r.body).startsWith("EXPLORE-"));
    expect(children).toHaveLength(3);
    for (const child of children) {
      // A fresh context: only its prompt; its own prompt; read-only tools and no way to start agents.
      expect(child.body.messages).toHaveLength(1);
      expect(systemText(child)).toContain("read-only explorer");
      const tools = toolNames(child);
      expect(tools).toContain("Grep");
      for (const writer of ["Bash", "Write", "Edit", "Agent", "SendMessage"]) expect(tools).not.toContain(writer);
    }
    expect(toolNames(main[0]!)).toContain("Agent");

    // stream-json: the sub-agents' messages are marked with the Agent call that started them.
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; parent_tool_use_id?: string | null; message?: { content?: Array<{ text?: string }> } });
    const marked = lines.filter((l) => l.type === "assistant" && l.parent_tool_use_id);
    expect(new Set(marked.map((l) => l.parent_tool_use_id))).toEqual(new Set(["call_one", "call_two", "call_three"]));
    expect(marked.find((l) => l.parent_tool_use_id === "call_two")?.message?.content?.[0]?.text).toBe("found two");

    // Their transcripts are stored beside the session's, as sidechains.
    const folder = projectFolder(home, dir);
    const session = readdirSync(folder).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");
    const logs = readdirSync(join(folder, session, "subagents"));
    expect(logs).toHaveLength(3);
    const entries = readEntries(join(folder, session, "subagents", logs[0]!));
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.every((e) => e.isSidechain === true && typeof e.agentId === "string")).toBe(true);
  }, 30_000);

  test("a background agent returns at once and its result reaches the model as a task notification at the next turn", async () => {
    const dir = tempProject("hone-agents-");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await serve({
      steps: [
        reply(toolUse("Agent", { description: "slow research", prompt: "BG-RESEARCH count the modules", run_in_background: true }, "bg_call")),
        (req) => {
          // The start came back before the agent did any work; now let it finish.
          expect(lastText(req)).toContain("Started background agent");
          release();
          return reply(text("I started it and will wait for its notice."));
        },
        (req) => reply(text(lastText(req).includes("<task-notification>") && lastText(req).includes("there are 7 modules") ? "Final: 7 modules." : "no notice")),
      ],
      routes: [{ prompt: "BG-RESEARCH", steps: [async () => (await held, reply(text("there are 7 modules")))] }],
    });
    const run = await runHone(["-p", "how many modules?", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect((run.json() as { result: string }).result).toBe("Final: 7 modules.");
    const main = server.requests.filter((r) => firstUserText(r.body).includes("how many modules?"));
    expect(main).toHaveLength(3);
    expect(lastText(main[2]!)).toMatch(/<task-notification>[\s\S]*<status>completed<\/status>[\s\S]*slow research/);
  }, 30_000);

  test("SendMessage reaches a running background agent, which reads it before its next step", async () => {
    const dir = tempProject("hone-agents-");
    let messaged: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (messaged = resolve));
    const server = await serve({
      steps: [
        reply(toolUse("Agent", { description: "listener", prompt: "LISTENER list the files", run_in_background: true }, "bg")),
        (req) => reply(toolUse("SendMessage", { to: startedId(req), message: "EXTRA: also count the lines" }, "msg")),
        (req) => {
          expect(toolResultText(req, "msg")).toContain("Message queued");
          messaged();
          return reply(text("Sent it; waiting."));
        },
        (req) => reply(text(lastText(req).includes("counted the lines too") ? "Final: done with the extra." : "missing")),
      ],
      routes: [
        {
          prompt: "LISTENER",
          steps: [
            async () => (await sent, reply(toolUse("Glob", { pattern: "*" }))),
            (req) => reply(text(JSON.stringify(req.body.messages).includes("EXTRA: also count the lines") ? "listed and counted the lines too" : "never got the message")),
          ],
        },
      ],
    });
    const run = await runHone(["-p", "list files", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.stderr).toBe("");
    expect((run.json() as { result: string }).result).toBe("Final: done with the extra.");
  }, 30_000);

  test("an agent file is a type with its own prompt, tools and CLAUDE.md; a deny rule Agent(name) refuses that type", async () => {
    const dir = tempProject("hone-agents-");
    mkdirSync(join(dir, ".claude", "agents"), { recursive: true });
    writeFileSync(join(dir, ".claude", "agents", "reviewer.md"), "---\nname: reviewer\ndescription: Reviews diffs\ntools: Read, Grep\n---\nYou are REVIEWER-PROMPT, a strict reviewer.\n");
    writeFileSync(join(dir, "CLAUDE.md"), "Project rule: PROJECT-RULE-7.\n");
    const server = await serve({
      steps: [
        reply(toolUse("Agent", { description: "review", prompt: "REVIEW-JOB look at the diff", subagent_type: "reviewer" }, "rev"), toolUse("Agent", { description: "explore", prompt: "DENIED-JOB", subagent_type: "Explore" }, "exp")),
        reply(text("Reviewed.")),
      ],
      routes: [{ prompt: "REVIEW-JOB", steps: [reply(text("looks fine"))] }],
    });
    const run = await runHone(["-p", "review it", "--disallowedTools", "Agent(Explore)"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.code).toBe(0);
    const child = server.requests.find((r) => firstUserText(r.body).startsWith("REVIEW-JOB"))!;
    expect(systemText(child)).toContain("REVIEWER-PROMPT");
    expect(systemText(child)).toContain("PROJECT-RULE-7");
    expect(toolNames(child).sort()).toEqual(["Grep", "Read"]);
    const main = server.requests.filter((r) => firstUserText(r.body).includes("review it"));
    expect(toolResultText(main[1]!, "rev")).toContain("looks fine");
    expect(toolResultText(main[1]!, "exp")).toContain("denied");
    expect(server.requests.some((r) => firstUserText(r.body).startsWith("DENIED-JOB"))).toBe(false);
  }, 30_000);

  test("TaskOutput shows a running agent's progress and TaskStop stops it, with no notice for a stop the model asked for", async () => {
    const dir = tempProject("hone-agents-");
    const server = await serve({
      steps: [
        reply(toolUse("Agent", { description: "endless", prompt: "ENDLESS keep going", run_in_background: true }, "bg")),
        (req) => reply(toolUse("TaskOutput", { task_id: startedId(req), block: false }, "peek")),
        (req) => reply(toolUse("TaskStop", { task_id: startedId(req) }, "stop")),
        reply(text("Stopped it.")),
      ],
      // The agent never finishes on its own: its first answer never comes.
      routes: [{ prompt: "ENDLESS", steps: [{ fault: "hang" }] }],
    });
    const run = await runHone(["-p", "start and stop", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.stderr).toBe("");
    expect((run.json() as { result: string }).result).toBe("Stopped it.");
    expect(server.requests.some((r) => JSON.stringify(r.body.messages).includes("<task-id>"))).toBe(false);
    const main = server.requests.filter((r) => firstUserText(r.body).includes("start and stop"));
    expect(toolResultText(main[2]!, "peek")).toMatch(/Agent a[0-9a-f]+ \(general-purpose: endless\): running/);
    expect(toolResultText(main[3]!, "stop")).toContain("Stopped agent");
  }, 30_000);

  test("a background command that finishes is reported to the model at its next step", async () => {
    const dir = tempProject("hone-agents-");
    const server = await serve({
      steps: [
        reply(toolUse("Bash", { command: "sleep 0.2; echo BG-DONE-MARK", run_in_background: true }, "bgcmd")),
        reply(toolUse("Bash", { command: "sleep 1" }, "wait")),
        (req) => reply(text(/<task-notification>[\s\S]*<status>completed<\/status>[\s\S]*BG-DONE-MARK/.test(lastText(req)) ? "Final: the command finished." : "no notice")),
      ],
    });
    const run = await runHone(["-p", "run it in the background", "--allowedTools", "Bash", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.stderr).toBe("");
    expect((run.json() as { result: string }).result).toBe("Final: the command finished.");
  }, 30_000);

  test("an interrupted parent interrupts its sub-agent and leaves none of its processes running", async () => {
    const dir = tempProject("hone-agents-");
    const pidFile = join(dir, "child.pid");
    const server = await serve({
      steps: [reply(toolUse("Agent", { description: "long job", prompt: "LONG-JOB run the server" }, "long"))],
      routes: [{ prompt: "LONG-JOB", steps: [reply(toolUse("Bash", { command: `sleep 300 & echo $! > ${pidFile}; wait` }))] }],
      fallback: reply(text("unexpected")),
    });
    const proc = Bun.spawn([process.env.HONE_BIN ?? join(import.meta.dir, "../../dist/hone"), "-p", "start it", "--allowedTools", "Bash"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: tempHome(), ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: server.url },
      stdout: "pipe",
      stderr: "pipe",
    });
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await Bun.sleep(50);
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    expect(isAlive(pid)).toBe(true);
    proc.kill("SIGINT");
    await proc.exited;
    for (let i = 0; i < 100 && isAlive(pid); i++) await Bun.sleep(50);
    expect(isAlive(pid)).toBe(false);
  }, 30_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
