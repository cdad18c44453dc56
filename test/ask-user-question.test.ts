import { describe, expect, test } from "bun:test";
import { createControlChannel } from "../src/control.ts";
import { stdioAsker } from "../src/host-permissions.ts";
import type { PermissionContext } from "../src/permission-context.ts";
import { askUserThroughHost } from "../src/sdk-questions.ts";
import type { Json } from "../src/stream-json.ts";
import type { UserAnswers, UserQuestion } from "../src/session-state.ts";
import { askUserQuestionTool } from "../src/tools/ask-user-question.ts";
import { toolSchema, type Tool } from "../src/tool.ts";
import { answersFrom, describeAnswer, splitAnswer } from "../src/user-questions.ts";
import { harness } from "./support/tool-harness.ts";

const tool = askUserQuestionTool as Tool;

function q(question: string, labels: string[], multiSelect = false, header = "Choice"): UserQuestion {
  return { question, header, options: labels.map((label) => ({ label, description: `pick ${label}` })), multiSelect };
}

const db = q("Which database should the service use?", ["PostgreSQL", "SQLite"], false, "Database");
const features = q("Which features go in the first release?", ["Auth", "Search, full text", "Export"], true, "Features");

describe("AskUserQuestion input checks", () => {
  const cases: Array<[string, unknown, string]> = [
    ["no questions", { questions: [] }, "ask at least 1 question"],
    ["five questions", { questions: [1, 2, 3, 4, 5].map((n) => q(`Question ${n}?`, ["A", "B"])) }, "ask at most 4 questions"],
    ["one option", { questions: [q("Only one?", ["A"])] }, "at least 2 options"],
    ["five options", { questions: [q("Too many?", ["A", "B", "C", "D", "E"])] }, "at most 4 options"],
    ["a repeated question", { questions: [q("Same?", ["A", "B"]), q("Same?", ["C", "D"])] }, 'the question "Same?" is asked twice'],
    ["a repeated label", { questions: [q("Labels?", ["A", "A"])] }, 'the label "A" appears twice'],
    ["an Other option", { questions: [q("Other?", ["A", "Other (please specify)"])] }, "the user can always type an answer of their own"],
    ["an empty header", { questions: [q("Header?", ["A", "B"], false, " ")] }, "header must not be empty"],
  ];
  for (const [name, input, message] of cases) {
    test(`${name} is refused with a message for the model`, async () => {
      const h = harness();
      let asked = false;
      h.state.askUser = async () => {
        asked = true;
        return {};
      };
      const r = await h.call(tool, input);
      expect(r.isError).toBe(true);
      expect(r.text).toContain("InputValidationError");
      expect(r.text).toContain(message);
      expect(asked).toBe(false);
    });
  }

  test("labels that merely start with the word other are fine, and multiSelect defaults to single choice", async () => {
    const h = harness();
    let seen: UserQuestion[] = [];
    h.state.askUser = async (questions) => {
      seen = questions;
      return { "Who reviews?": "Others on the team" };
    };
    const r = await h.call(tool, { questions: [{ question: "Who reviews?", header: "Review", options: [{ label: "Me", description: "" }, { label: "Others on the team", description: "" }] }] });
    expect(r.isError).toBeUndefined();
    expect(seen[0]!.multiSelect).toBe(false);
    expect(r.text).toContain("Answer: Others on the team");
  });

  test("the model's schema leaves out answers, which only hooks and hosts fill", () => {
    const schema = toolSchema(tool).input_schema as unknown as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(["questions"]);
    expect(schema.required).toEqual(["questions"]);
  });
});

describe("AskUserQuestion answers", () => {
  test("answers already in the input are used without asking", async () => {
    const h = harness();
    const r = await h.call(tool, { questions: [db], answers: { [db.question]: "SQLite" } });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("[Database] Which database should the service use?\n  Answer: SQLite");
    expect(r.structured).toEqual({ questions: [db], answers: { [db.question]: "SQLite" } });
  });

  test("askUser gets the questions, the signal and the call's id; labels and own words are told apart", async () => {
    const h = harness();
    const calls: Array<{ questions: UserQuestion[]; signal: AbortSignal; id: unknown }> = [];
    const withPreview = { ...db, options: db.options.map((o) => ({ ...o, preview: "ignored" })) };
    const ask = async (questions: UserQuestion[], signal: AbortSignal, id?: string): Promise<UserAnswers> => {
      calls.push({ questions, signal, id });
      return { [db.question]: "DynamoDB, because we already run it", [features.question]: "Auth, Search, full text, and CSV too" };
    };
    h.state.askUser = ask;
    const controller = new AbortController();
    const r = await h.call(tool, { questions: [withPreview, features] }, controller.signal);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.questions).toEqual([db, features]);
    expect(calls[0]!.signal).toBe(controller.signal);
    expect(String(calls[0]!.id)).toStartWith("toolu_test_");
    expect(r.text).toContain(`Answer: in the user's own words: "DynamoDB, because we already run it"`);
    expect(r.text).toContain(`Answer: Auth, Search, full text, and in the user's own words: "and CSV too"`);
    expect(r.structured).toEqual({ questions: [db, features], answers: { [db.question]: "DynamoDB, because we already run it", [features.question]: "Auth, Search, full text, and CSV too" } });
  });

  test("a question left unanswered says so", async () => {
    const h = harness();
    h.state.askUser = async () => ({ [db.question]: "PostgreSQL" });
    const r = await h.call(tool, { questions: [db, features] });
    expect(r.text).toContain("Answer: PostgreSQL");
    expect(r.text).toContain("Which features go in the first release?\n  Answer: (no answer)");
  });

  test("a declined set is an error telling the model not to ask again", async () => {
    const h = harness();
    h.state.askUser = async () => undefined;
    const r = await h.call(tool, { questions: [db] });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("closed the questions without answering");
    expect(r.text).toContain("Do not ask the same questions again");
  });

  test("without askUser the run cannot ask and the model is told to decide itself", async () => {
    const h = harness();
    const r = await h.call(tool, { questions: [db] });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("cannot ask the user");
    expect(r.text).toContain("hone -p");
    expect(r.text).toContain("state the assumption");
  });

  test("an interrupt while waiting is reported as such", async () => {
    const h = harness();
    const controller = new AbortController();
    h.state.askUser = async () => {
      controller.abort();
      return undefined;
    };
    const r = await h.call(tool, { questions: [db] }, controller.signal);
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Interrupted while waiting for the user's answers");
  });
});

describe("answer strings", () => {
  test("multi-select answers peel off labels that contain commas", () => {
    expect(splitAnswer(features, "Search, full text, Export")).toEqual({ labels: ["Search, full text", "Export"] });
    expect(splitAnswer(features, "Auth, Auth")).toEqual({ labels: ["Auth"], own: "Auth" });
    expect(splitAnswer(features, "all of them")).toEqual({ labels: [], own: "all of them" });
  });

  test("a single choice is a label or the user's own words, never both", () => {
    expect(splitAnswer(db, "SQLite")).toEqual({ labels: ["SQLite"] });
    expect(splitAnswer(db, "SQLite, but in memory")).toEqual({ labels: [], own: "SQLite, but in memory" });
    expect(describeAnswer(db, "  ")).toBe("(no answer)");
  });

  test("answers from a program accept label lists and ignore unknown questions", () => {
    expect(answersFrom({ [features.question]: ["Auth", "Export"], "Something else?": "x", [db.question]: 3 }, [db, features])).toEqual({ [features.question]: "Auth, Export" });
    expect(answersFrom({ nothing: "here" }, [db])).toBeUndefined();
    expect(answersFrom("text", [db])).toBeUndefined();
  });
});

describe("questions for an SDK host", () => {
  const permissions: PermissionContext = { mode: "default", rules: [], cwd: "/", home: "/", workingDirs: ["/"], readableDirs: [] };

  /** A real control channel whose "host" answers each can_use_tool request with `reply(request)`. */
  function hostSession(reply: (request: Json) => Json) {
    const requests: Json[] = [];
    const channel = createControlChannel((message) => {
      if (message.type !== "control_request") return;
      const request = message.request as Json;
      requests.push(request);
      queueMicrotask(() => channel.receive({ type: "control_response", response: { subtype: "success", request_id: message.request_id as string, response: reply(request) } }));
    });
    const asker = stdioAsker((body, signal) => channel.request(body, signal), { permissions: () => permissions, signal: () => undefined, interrupt: () => undefined });
    const h = harness();
    h.state.askUser = askUserThroughHost(asker);
    return { h, requests };
  }

  test("the host gets a can_use_tool request for AskUserQuestion and answers through updatedInput", async () => {
    const { h, requests } = hostSession((request) => ({ behavior: "allow", updatedInput: { ...(request.input as Json), answers: { [db.question]: "SQLite" } } }));
    const r = await h.call(tool, { questions: [db] });
    expect(r.isError).toBeUndefined();
    expect(r.text).toContain("Answer: SQLite");
    expect(requests).toHaveLength(1);
    expect(requests[0]!.subtype).toBe("can_use_tool");
    expect(requests[0]!.tool_name).toBe("AskUserQuestion");
    expect(requests[0]!.input).toEqual({ questions: [db] });
    expect(String(requests[0]!.tool_use_id)).toStartWith("toolu_test_");
  });

  test("a host's deny reaches the model in the host's words", async () => {
    const { h } = hostSession(() => ({ behavior: "deny", message: "User dismissed the dialog" }));
    const r = await h.call(tool, { questions: [db] });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("The user did not answer the questions: User dismissed the dialog");
  });

  test("an allow without answers is an error, not an empty answer", async () => {
    const { h } = hostSession((request) => ({ behavior: "allow", updatedInput: request.input as Json }));
    const r = await h.call(tool, { questions: [db] });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("no answers came back");
  });
});

test("answers in the input that name none of the questions do not count: the user is asked", async () => {
  const h = harness();
  let asked = 0;
  h.state.askUser = async () => {
    asked++;
    return { [db.question]: "PostgreSQL" };
  };
  const r = await h.call(tool, { questions: [db], answers: { "Some other question?": "SQLite" } });
  expect(asked).toBe(1);
  expect(r.text).toContain("Answer: PostgreSQL");
  expect(r.structured).toEqual({ questions: [db], answers: { [db.question]: "PostgreSQL" } });
});
