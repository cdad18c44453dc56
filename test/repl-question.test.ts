import { describe, expect, test } from "bun:test";
import { answerFor, askInTerminal, OTHER, questionChoices, questionMessage } from "../src/repl-question.ts";
import type { UserQuestion } from "../src/session-state.ts";
import { OTHER_LABEL } from "../src/user-questions.ts";
import { dialogTerminal, KEY } from "./support/dialog-keys.ts";

const db: UserQuestion = {
  question: "Which database should the service use?",
  header: "Database",
  options: [
    { label: "PostgreSQL", description: "Runs as a separate server" },
    { label: "SQLite", description: "A file next to the service" },
  ],
  multiSelect: false,
};
const features: UserQuestion = {
  question: "Which features go in the first release?",
  header: "Features",
  options: [
    { label: "Auth", description: "" },
    { label: "Search", description: "Full-text search" },
    { label: "Export", description: "CSV export" },
  ],
  multiSelect: true,
};

describe("question menus", () => {
  test("every option is offered with its description as the hint, then Other", () => {
    expect(questionChoices(features)).toEqual([
      { value: 0, label: "Auth" },
      { value: 1, label: "Search", hint: "Full-text search" },
      { value: 2, label: "Export", hint: "CSV export" },
      { value: OTHER, label: OTHER_LABEL },
    ]);
  });

  test("the header is a chip before the question, with the place in the set when there are several", () => {
    expect(questionMessage(db, 0, 1, false)).toBe("[Database] Which database should the service use?");
    expect(questionMessage(features, 1, 3, false)).toBe("[Features] Which features go in the first release? (2/3)");
    expect(questionMessage({ ...db, header: "A header far too long for a chip" }, 0, 1, false)).toStartWith("[A header far too long f…]");
    expect(questionMessage(db, 0, 1, true)).toContain("\x1b[2m[Database]");
  });

  test("answers join labels in the options' order, the user's words last", () => {
    expect(answerFor(features, [2, 0])).toBe("Auth, Export");
    expect(answerFor(features, [1, OTHER], "  and an API  ")).toBe("Search, and an API");
    expect(answerFor(db, [OTHER], "MySQL")).toBe("MySQL");
  });
});

describe("askInTerminal", () => {
  test("asks one question after another: a single choice, then several", async () => {
    const t = dialogTerminal();
    const answers = askInTerminal([db, features], { dialogs: t.dialogs, color: false });
    await t.when("Which database should the service use?", KEY.down, KEY.enter);
    await t.when("Which features go in the first release?", KEY.space, KEY.down, KEY.down, KEY.space, KEY.enter);
    expect(await answers).toEqual({ [db.question]: "SQLite", [features.question]: "Auth, Export" });
    expect(t.screen()).toContain("[Database]");
    expect(t.screen()).toContain("(1/2)");
    expect(t.screen()).toContain(OTHER_LABEL);
  });

  test("Other opens a line for the user's own answer", async () => {
    const t = dialogTerminal();
    let notified = 0;
    const answers = askInTerminal([db], { dialogs: t.dialogs, color: false, onAsk: () => notified++ });
    await t.when(OTHER_LABEL, KEY.down, KEY.down, KEY.enter);
    await t.when("Your answer to:", ..."MySQL 8");
    await t.when("MySQL 8", KEY.enter);
    expect(await answers).toEqual({ [db.question]: "MySQL 8" });
    expect(notified).toBe(1);
  });

  test("Other beside picked labels in a multi-select", async () => {
    const t = dialogTerminal();
    const answers = askInTerminal([features], { dialogs: t.dialogs, color: false });
    await t.when(OTHER_LABEL, KEY.down, KEY.space, KEY.down, KEY.down, KEY.space, KEY.enter);
    await t.when("Your answer to:", ..."an API");
    await t.when("an API", KEY.enter);
    expect(await answers).toEqual({ [features.question]: "Search, an API" });
  });

  test("Esc on a later question cancels the whole set", async () => {
    const t = dialogTerminal();
    const answers = askInTerminal([db, features], { dialogs: t.dialogs, color: false });
    await t.when("Which database should the service use?", KEY.enter);
    await t.when("Which features go in the first release?", KEY.esc);
    expect(await answers).toBeUndefined();
  });

  test("Esc on the own-words line cancels too", async () => {
    const t = dialogTerminal();
    const answers = askInTerminal([db], { dialogs: t.dialogs, color: false });
    await t.when(OTHER_LABEL, KEY.up, KEY.enter);
    await t.when("Your answer to:", KEY.esc);
    expect(await answers).toBeUndefined();
  });

  test("an interrupted turn closes the questions", async () => {
    const t = dialogTerminal();
    const controller = new AbortController();
    const answers = askInTerminal([db, features], { dialogs: t.dialogs, color: false, signal: controller.signal });
    await t.when("Which database should the service use?");
    controller.abort();
    expect(await answers).toBeUndefined();
  });

  test("a turn already interrupted asks nothing", async () => {
    const t = dialogTerminal();
    const controller = new AbortController();
    controller.abort();
    expect(await askInTerminal([db], { dialogs: t.dialogs, color: false, signal: controller.signal })).toBeUndefined();
    expect(t.screen()).toBe("");
  });
});
