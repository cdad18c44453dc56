// CronCreate: schedule a prompt to be sent to this session on a cron schedule while hone runs.
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { formatLocal, kindOf, requireScheduler } from "./cron-shared.ts";

const description = `Schedules a prompt to be sent to this session later, on a standard 5-field cron schedule in local time: "minute hour day-of-month month day-of-week" (supports *, lists a,b, ranges a-b, steps */n, names jan-dec and sun-sat). Examples: "*/10 * * * *" every 10 minutes; "0 9 * * mon-fri" weekdays at 9:00; "30 14 25 12 *" Dec 25 at 14:30. When due, the prompt arrives as a new user message; a firing is skipped while the previous one of the same task is still being handled. recurring (default true): false fires once at the next match, then the task is deleted. durable (default false): true also saves it in the project's .hone/scheduled_tasks.json so it comes back when hone starts there again. Tasks only fire while hone is running. At most 50 tasks. Returns the task id (for CronDelete) and the next run time.`;

export const cronCreateTool = defineTool({
  name: "CronCreate",
  description,
  readOnly: false,
  input: z.object({
    cron: z.string().min(1).describe('Five cron fields in local time, e.g. "0 9 * * 1-5"'),
    prompt: z.string().min(1).describe("The prompt to send when the task fires"),
    recurring: z.boolean().default(true).describe("false: fire once at the next match, then delete the task"),
    durable: z.boolean().default(false).describe("true: save in the project so the task survives a restart"),
  }),
  async run(input, ctx) {
    const scheduler = requireScheduler(ctx);
    let job;
    try {
      job = scheduler.add({ cron: input.cron, prompt: input.prompt, recurring: input.recurring, durable: input.durable });
    } catch (error) {
      throw new ToolError(`Could not schedule the task: ${(error as Error).message}`);
    }
    const next = scheduler.nextRun(job.id);
    const when = next ? formatLocal(next) : "never";
    const content = `Scheduled task ${job.id} (${kindOf(job)}) for "${job.cron}". Next run: ${when}.`;
    return {
      content,
      structured: { id: job.id, cron: job.cron, recurring: job.recurring, durable: job.durable, nextRun: next?.toISOString() ?? null },
    };
  },
});
