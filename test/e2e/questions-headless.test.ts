// AskUserQuestion and ExitPlanMode without a terminal, through the compiled binary: plain -p refuses the
// questions in the tool result and still finishes; over stream-json with --permission-prompt-tool stdio
// both go to the host as can_use_tool requests, and the host's answers (the questions' answers, the plan's
// approval) are what the model gets and what the session does next.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { scriptedApi } from "../support/api-fixture.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { toolResultText } from "../support/request-text.ts";
import { runHone, tempProject } from "../support/run-hone.ts";
import { tempHome } from "../support/sessions.ts";
import { answerLine, isToolAsk, streamHost, userLine, type Line, type StreamHost } from "../support/stream-host.ts";

const withApi = scriptedApi();
const hosts: StreamHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.kill();
});

function startHost(apiUrl: string, args: string[]) {
  const dir = tempProject("hone-questions-");
  const host = streamHost({ dir, apiUrl, home: tempHome(), args: ["--permission-prompt-tool", "stdio", ...args] });
  hosts.push(host);
  return { dir, host };
}

const QUESTIONS = [
  { question: "Which database should the service use?", header: "Database", multiSelect: false, options: [{ label: "PostgreSQL", description: "a server" }, { label: "SQLite", description: "a file" }] },
  { question: "Which features should ship first?", header: "Features", multiSelect: true, options: [{ label: "Auth", description: "log in" }, { label: "Search", description: "find things" }, { label: "Export", description: "CSV files" }] },
];

test("plain -p: AskUserQuestion is refused in the tool result and the run still finishes", async () => {
  const dir = tempProject("hone-questions-");
  const api = await withApi(reply(toolUse("AskUserQuestion", { questions: QUESTIONS }, "ask1")), reply(text("went with SQLite")));
  const run = await runHone(["-p", "set up the service", "--output-format", "json"], { cwd: dir, apiUrl: api.url, env: { HOME: tempHome() } });
  expect(run.code).toBe(0);
  expect(run.json()).toMatchObject({ subtype: "success", result: "went with SQLite" });
  expect(api.requests).toHaveLength(2);
  const refusal = toolResultText(api.requests[1]!, "ask1");
  expect(refusal).toContain("cannot ask the user anything");
  expect(refusal).toContain("decide yourself");
  const block = api.requests[1]!.body.messages!.at(-1)!.content as Line[];
  expect(block.find((b) => b.tool_use_id === "ask1")?.is_error).toBe(true);
});

test("stream-json: AskUserQuestion goes to the host as can_use_tool; allowed answers reach the model, a deny declines", async () => {
  const api = await withApi(
    reply(toolUse("AskUserQuestion", { questions: QUESTIONS }, "ask1")),
    reply(toolUse("AskUserQuestion", { questions: [QUESTIONS[0]] }, "ask2")),
    reply(text("noted the answers")),
  );
  const { host } = startHost(api.url, []);
  host.send(userLine("set up the service"));
  const ask = await host.next(isToolAsk());
  expect(ask.request).toMatchObject({ subtype: "can_use_tool", tool_name: "AskUserQuestion", tool_use_id: "ask1", input: { questions: QUESTIONS } });
  const answers = { [QUESTIONS[0]!.question]: "SQLite", [QUESTIONS[1]!.question]: "Auth, Export" };
  host.send(answerLine(ask, { behavior: "allow", updatedInput: { questions: QUESTIONS, answers } }));
  // The same questions again: the host declines them this time.
  const again = await host.next(isToolAsk("AskUserQuestion"));
  host.send(answerLine(again, { behavior: "deny", message: "the user is away" }));
  const result = await host.next((l) => l.type === "result");
  host.close();
  expect(await host.exited()).toBe(0);
  expect(result).toMatchObject({ subtype: "success", result: "noted the answers" });
  expect(toolResultText(api.requests[1]!, "ask1")).toBe(
    [
      "The user answered your questions:",
      "- [Database] Which database should the service use?",
      "  Answer: SQLite",
      "- [Features] Which features should ship first?",
      "  Answer: Auth, Export",
      "Take these answers into account as you continue.",
    ].join("\n"),
  );
  const declined = toolResultText(api.requests[2]!, "ask2");
  expect(declined).toContain("did not answer");
  expect(declined).toContain("the user is away");
});

test("stream-json in plan mode: ExitPlanMode goes to the host; a deny keeps plan mode, an allow leaves it for the next Write", async () => {
  const api = await withApi(
    reply(toolUse("ExitPlanMode", { plan: "1. write out.txt" }, "plan1")),
    reply(toolUse("Write", { file_path: "early.txt", content: "too soon\n" }, "write1")),
    reply(toolUse("ExitPlanMode", { plan: "1. write out.txt\n2. check it" }, "plan2")),
    reply(toolUse("Write", { file_path: "out.txt", content: "planned\n" }, "write2")),
    reply(text("carried out the plan")),
  );
  const { dir, host } = startHost(api.url, ["--permission-mode", "plan"]);
  host.send(userLine("plan, then write out.txt"));
  expect(await host.next((l) => l.type === "system" && l.subtype === "init")).toMatchObject({ permissionMode: "plan" });
  const first = await host.next(isToolAsk());
  expect(first.request).toMatchObject({ tool_name: "ExitPlanMode", tool_use_id: "plan1", input: { plan: "1. write out.txt" } });
  host.send(answerLine(first, { behavior: "deny", message: "say how you will check it" }));
  // Still in plan mode: the Write is refused without asking; the next ask is the revised plan.
  const second = await host.next(isToolAsk());
  expect(second.request).toMatchObject({ tool_name: "ExitPlanMode", tool_use_id: "plan2" });
  host.send(answerLine(second, { behavior: "allow", updatedInput: (second.request as Line).input }));
  // Out of plan mode: the Write is asked for (default mode), not refused.
  const write = await host.next(isToolAsk());
  expect(write.request).toMatchObject({ tool_name: "Write", tool_use_id: "write2" });
  host.send(answerLine(write, { behavior: "allow", updatedInput: (write.request as Line).input }));
  const result = await host.next((l) => l.type === "result");
  host.close();
  expect(await host.exited()).toBe(0);
  expect(result).toMatchObject({ subtype: "success", result: "carried out the plan" });
  expect(toolResultText(api.requests[1]!, "plan1")).toContain("say how you will check it");
  expect(toolResultText(api.requests[2]!, "write1")).toContain("not allowed in plan mode");
  expect(existsSync(join(dir, "early.txt"))).toBe(false);
  expect(toolResultText(api.requests[3]!, "plan2")).toContain("approved");
  expect(toolResultText(api.requests[4]!, "write2")).not.toContain("plan mode");
  expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("planned\n");
});
