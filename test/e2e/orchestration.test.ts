// Orchestration end to end through the compiled binary and the scripted API: coordinator mode (no Bash
// for the coordinator, a four-phase run with background workers and a shared scratchpad, the mode
// restored on resume), managed tiers (an executor stopped at its budget, the total budget refusing the
// next one) and an agent isolated in a git worktree.
import { describe, expect, test } from "bun:test";
import { servedApi } from "../support/api-fixture.ts";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firstUserText, reply, text, toolUse, type LoggedRequest } from "../support/mock-api.ts";
import { systemText, toolNames, toolResultText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";

const serve = servedApi();

const all = (req: LoggedRequest): string => JSON.stringify(req.body.messages);
const scratchpadOf = (req: LoggedRequest): string => /scratchpad folder is at (\S+?): write/.exec(systemText(req))?.[1] ?? "/nonexistent";
const workdirOf = (req: LoggedRequest): string => /working directory (\S+?); platform/.exec(systemText(req))?.[1] ?? "/nonexistent";

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

describe("coordinator mode", () => {
  test("the coordinator cannot run Bash, workers go through research, synthesis, implementation and verification, and a resume keeps the mode", async () => {
    const home = tempHome();
    const dir = tempProject("hone-coord-");
    // The coordinator's side of the run, decided from what its conversation already holds.
    const coordinator = (req: LoggedRequest) => {
      const seen = all(req);
      if (!seen.includes("coord_bash")) return reply(toolUse("Bash", { command: "ls" }, "coord_bash"));
      if (!seen.includes("research_a"))
        return reply(
          toolUse("Agent", { description: "research a", prompt: "RESEARCH-A where does parsing happen?" }, "research_a"),
          toolUse("Agent", { description: "research b", prompt: "RESEARCH-B where are the tests?" }, "research_b"),
        );
      if (!(seen.includes("wrote research-a.md") && seen.includes("wrote research-b.md"))) return reply(text("Waiting for the research."));
      if (!seen.includes("read_pad")) return reply(toolUse("ReadScratchpad", {}, "read_pad"));
      if (!seen.includes("implement_call")) return reply(toolUse("Agent", { description: "implement", prompt: `IMPLEMENT create ${join(dir, "feature.txt")}` }, "implement_call"));
      if (!seen.includes("feature written")) return reply(text("Waiting for the implementation."));
      if (!seen.includes("verify_call")) return reply(toolUse("Agent", { description: "verify", prompt: `VERIFY check ${join(dir, "feature.txt")}` }, "verify_call"));
      if (!seen.includes("verified ok")) return reply(text("Waiting for the verification."));
      return reply(text("DONE: feature built and verified"));
    };
    const researcher = (name: string) => ({
      prompt: `RESEARCH-${name.toUpperCase()}`,
      steps: [(req: LoggedRequest) => reply(toolUse("Write", { file_path: join(scratchpadOf(req), `research-${name}.md`), content: `findings ${name}\n` })), reply(text(`wrote research-${name}.md`))],
    });
    const server = await serve({
      steps: [],
      fallback: coordinator,
      routes: [
        researcher("a"),
        researcher("b"),
        { prompt: "IMPLEMENT", steps: [reply(toolUse("Write", { file_path: join(dir, "feature.txt"), content: "feature v1\n" })), reply(text("feature written"))] },
        {
          prompt: "VERIFY",
          steps: [reply(toolUse("Bash", { command: `cat ${join(dir, "feature.txt")}` }, "cat")), (req) => reply(text(toolResultText(req, "cat").includes("feature v1") ? "verified ok" : "verification failed"))],
        },
      ],
    });
    const run = await runHone(["-p", "build the feature", "--coordinator", "--permission-mode", "acceptEdits", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: home } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = run.json() as { result: string; session_id: string };
    expect(result.result).toBe("DONE: feature built and verified");

    const main = server.requests.filter((r) => firstUserText(r.body).includes("build the feature"));
    expect(toolNames(main[0]!).sort()).toEqual(["Agent", "ReadScratchpad", "SendMessage", "TaskOutput", "TaskStop"]);
    expect(toolResultText(main[1]!, "coord_bash")).toContain("No such tool: Bash");
    expect(systemText(main[0]!)).toContain("Research");
    const synthesis = main.find((r) => all(r).includes("read_pad") && /research-a\.md \(\d+ bytes\)/.test(toolResultTextSafe(r, "read_pad")));
    expect(synthesis).toBeDefined();

    const workers = server.requests.filter((r) => /^(RESEARCH|IMPLEMENT|VERIFY)/.test(firstUserText(r.body)));
    expect(workers.length).toBeGreaterThanOrEqual(8);
    for (const worker of workers) expect(toolNames(worker)).toContain("Bash");
    const pad = scratchpadOf(workers[0]!);
    expect(readFileSync(join(pad, "research-a.md"), "utf8")).toBe("findings a\n");
    expect(readFileSync(join(pad, "research-b.md"), "utf8")).toBe("findings b\n");
    expect(readFileSync(join(dir, "feature.txt"), "utf8")).toBe("feature v1\n");

    // Resumed without the flag: still the coordinator's tools.
    const again = await serve({ steps: [reply(text("Still coordinating."))] });
    const resumed = await runHone(["-p", "what next?", "--resume", result.session_id], { cwd: dir, apiUrl: again.url, env: { HOME: home } });
    expect(resumed.code).toBe(0);
    expect(toolNames(again.requests[0]!).sort()).toEqual(["Agent", "ReadScratchpad", "SendMessage", "TaskOutput", "TaskStop"]);
  }, 60_000);
});

function toolResultTextSafe(req: LoggedRequest, id: string): string {
  try {
    return toolResultText(req, id);
  } catch {
    return "";
  }
}

describe("managed tiers", () => {
  test("executors run on the executor model; one over its budget is stopped and the manager told why; the spent total refuses the next", async () => {
    const dir = tempProject("hone-managed-");
    mkdirSync(join(dir, ".hone"), { recursive: true });
    writeFileSync(join(dir, ".hone", "settings.json"), JSON.stringify({ managedAgents: { managerModel: "opus", executorModel: "haiku", budget: { perExecutorTokens: 500, totalTokens: 500 } } }));
    const server = await serve({
      steps: [
        reply(toolUse("Agent", { description: "big job", prompt: "EXECUTOR-JOB list everything" }, "exec_one")),
        reply(toolUse("Agent", { description: "second job", prompt: "EXECUTOR-TWO more" }, "exec_two")),
        reply(text("Managed.")),
      ],
      routes: [
        {
          prompt: "EXECUTOR-JOB",
          steps: [{ ...reply(toolUse("Glob", { pattern: "*" })), usage: { input_tokens: 400, output_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } }],
          fallback: reply(text("EXTRA REQUEST AFTER THE BUDGET")),
        },
        { prompt: "EXECUTOR-TWO", steps: [reply(text("should never run"))] },
      ],
    });
    const run = await runHone(["-p", "manage it", "--output-format", "json"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const main = server.requests.filter((r) => firstUserText(r.body).includes("manage it"));
    const executor = server.requests.filter((r) => firstUserText(r.body).startsWith("EXECUTOR-JOB"));
    expect(executor).toHaveLength(1);
    expect(String(executor[0]!.body.model)).toContain("haiku");
    expect(String(main[0]!.body.model)).toContain("opus");
    expect(toolResultText(main[1]!, "exec_one")).toContain("stopped by hone: it used 600 tokens of its 500-token budget");
    expect(toolResultText(main[2]!, "exec_two")).toContain("total budget is spent");
    expect(server.requests.some((r) => firstUserText(r.body).startsWith("EXECUTOR-TWO"))).toBe(false);
  }, 30_000);
});

describe("worktree isolation", () => {
  test("an agent with isolation: worktree leaves its changes on its own branch and the main tree untouched", async () => {
    const dir = tempProject("hone-wt-");
    git(dir, "init", "-q", "-b", "main");
    writeFileSync(join(dir, "README.md"), "original\n");
    git(dir, "add", "README.md");
    git(dir, "commit", "-q", "-m", "first");
    const server = await serve({
      steps: [reply(toolUse("Agent", { description: "isolated edit", prompt: "WORKTREE-JOB change things", isolation: "worktree" }, "wt")), reply(text("Isolated work done."))],
      routes: [
        {
          prompt: "WORKTREE-JOB",
          steps: [
            (req) => reply(toolUse("Read", { file_path: join(workdirOf(req), "README.md") }), toolUse("Write", { file_path: join(workdirOf(req), "new.txt"), content: "made in the worktree\n" })),
            (req) => reply(toolUse("Write", { file_path: join(workdirOf(req), "README.md"), content: "changed\n" })),
            reply(text("changed files")),
          ],
        },
      ],
    });
    const run = await runHone(["-p", "do it in isolation", "--permission-mode", "acceptEdits"], { cwd: dir, apiUrl: server.url, env: { HOME: tempHome() } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const main = server.requests.filter((r) => firstUserText(r.body).includes("do it in isolation"));
    const report = toolResultText(main[1]!, "wt");
    const branch = /committed on branch (hone\/\S+) /.exec(report)?.[1];
    expect(branch).toBeDefined();
    expect(report).toContain("new.txt");
    expect(report).toContain("README.md");
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("original\n");
    expect(existsSync(join(dir, "new.txt"))).toBe(false);
    expect(git(dir, "show", `${branch}:new.txt`)).toBe("made in the worktree\n");
    expect(git(dir, "show", `${branch}:README.md`)).toBe("changed\n");
  }, 30_000);
});
