import { describe, expect, test } from "bun:test";
import { todoWriteTool } from "../../src/tools/todo-write.ts";
import { harness } from "../support/tool-harness.ts";

const first = [
  { content: "Write the parser", status: "in_progress", activeForm: "Writing the parser" },
  { content: "Run the tests", status: "pending", activeForm: "Running the tests" },
];

describe("TodoWrite", () => {
  test("replaces the whole list and reports counts", async () => {
    const h = harness();
    const r1 = await h.call(todoWriteTool, { todos: first });
    expect(r1.isError).toBeFalsy();
    expect(r1.text).toBe("Todo list updated: 0 completed, 1 in progress, 1 pending.");
    expect(h.state.todos).toEqual(first as typeof h.state.todos);
    expect(r1.structured).toEqual({ oldTodos: [], newTodos: first });

    const second = [{ content: "Run the tests", status: "completed", activeForm: "Running the tests" }];
    const r2 = await h.call(todoWriteTool, { todos: second });
    expect(h.state.todos).toEqual(second as typeof h.state.todos);
    expect(r2.structured).toEqual({ oldTodos: first, newTodos: second });
    expect(r2.text).toBe("Todo list updated: 1 completed, 0 in progress, 0 pending.");

    const cleared = await h.call(todoWriteTool, { todos: [] });
    expect(cleared.text).toBe("Todo list cleared.");
    expect(h.state.todos).toEqual([]);
  });

  test("reminds when more than one item is in progress", async () => {
    const h = harness();
    const todos = first.map((t) => ({ ...t, status: "in_progress" }));
    const r = await h.call(todoWriteTool, { todos });
    expect(r.isError).toBeFalsy();
    expect(r.text).toContain("2 items are in_progress");
  });

  test("rejects invalid items and leaves the list unchanged", async () => {
    const h = harness();
    await h.call(todoWriteTool, { todos: first });
    const badStatus = await h.call(todoWriteTool, {
      todos: [{ content: "x", status: "done", activeForm: "Doing x" }],
    });
    expect(badStatus.isError).toBe(true);
    expect(badStatus.text).toContain("todos.0.status");

    const emptyContent = await h.call(todoWriteTool, {
      todos: [{ content: "  ", status: "pending", activeForm: "Doing x" }],
    });
    expect(emptyContent.isError).toBe(true);
    expect(emptyContent.text).toContain("content must not be empty");

    const noActiveForm = await h.call(todoWriteTool, { todos: [{ content: "x", status: "pending" }] });
    expect(noActiveForm.isError).toBe(true);
    expect(noActiveForm.text).toContain("todos.0.activeForm");

    expect(h.state.todos).toEqual(first as typeof h.state.todos);
  });

  test("is read-only", () => {
    expect(todoWriteTool.readOnly).toBe(true);
  });
});
