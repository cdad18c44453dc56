// CronDelete: cancel a scheduled prompt (and forget it in the project when it was durable).
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { requireScheduler } from "./cron-shared.ts";

const description = `Cancels a task scheduled with CronCreate, by the id CronCreate or CronList returned. A durable task is also removed from the project's saved tasks, so it does not come back on the next start.`;

export const cronDeleteTool = defineTool({
  name: "CronDelete",
  description,
  readOnly: false,
  input: z.object({
    id: z.string().min(1).describe("The task id, e.g. 3f9a0c12"),
  }),
  async run(input, ctx) {
    const scheduler = requireScheduler(ctx);
    const job = scheduler.list().find((j) => j.id === input.id);
    if (!job) {
      const ids = scheduler.list().map((j) => j.id);
      const known = ids.length === 0 ? "There are no scheduled tasks." : `Current task ids: ${ids.join(", ")}.`;
      throw new ToolError(`No scheduled task has the id "${input.id}". ${known}`);
    }
    try {
      scheduler.remove(job.id);
    } catch (error) {
      throw new ToolError((error as Error).message);
    }
    const content = `Deleted scheduled task ${job.id} ("${job.cron}")${job.durable ? " and removed it from the saved tasks" : ""}.`;
    return { content, structured: { id: job.id, deleted: true } };
  },
});
