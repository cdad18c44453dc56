// TodoWrite: replace the session's task checklist. Only in-memory state changes, so it is read-only.
import { z } from "zod";
import type { Todo } from "../session-state.ts";
import { defineTool } from "../tool.ts";

const description = `Replaces the whole task list for this session with the list you send. Use it for work with several steps: add the steps, mark one in_progress before starting it, and mark it completed as soon as it is done (not in batches). Keep exactly one item in_progress at a time. Each item needs content (imperative, e.g. "Run the tests") and activeForm (present continuous, e.g. "Running the tests"). Skip it for a single trivial step.`;

const todoSchema = z.object({
  content: z.string().trim().min(1, "content must not be empty").describe("What to do, imperative form"),
  status: z.enum(["pending", "in_progress", "completed"]),
  activeForm: z.string().trim().min(1, "activeForm must not be empty").describe("Present continuous form"),
});

export const todoWriteTool = defineTool({
  name: "TodoWrite",
  description,
  readOnly: true,
  input: z.object({ todos: z.array(todoSchema).describe("The complete, updated task list") }),
  async run(input, ctx) {
    const oldTodos = ctx.session.todos;
    const newTodos: Todo[] = input.todos.map((t) => ({ content: t.content, status: t.status, activeForm: t.activeForm }));
    ctx.session.todos = newTodos;

    const count = (status: Todo["status"]): number => newTodos.filter((t) => t.status === status).length;
    const inProgress = count("in_progress");
    let text =
      newTodos.length === 0
        ? "Todo list cleared."
        : `Todo list updated: ${count("completed")} completed, ${inProgress} in progress, ${count("pending")} pending.`;
    if (inProgress > 1) text += ` Note: ${inProgress} items are in_progress; keep only one in progress at a time.`;
    return { content: text, structured: { oldTodos, newTodos } };
  },
});
