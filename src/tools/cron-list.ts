// CronList: the session's scheduled prompts with their next run times.
import { z } from "zod";
import { defineTool } from "../tool.ts";
import { formatLocal, kindOf, requireScheduler } from "./cron-shared.ts";

const description = `Lists the tasks scheduled with CronCreate in this session (including durable ones restored at start): id, cron schedule, next run time, whether it recurs and whether it is saved with the project, and the start of its prompt.`;

const PROMPT_PREVIEW = 80;

function preview(prompt: string): string {
  const flat = prompt.replace(/\s+/g, " ").trim();
  return flat.length > PROMPT_PREVIEW ? `${flat.slice(0, PROMPT_PREVIEW - 1)}…` : flat;
}

export const cronListTool = defineTool({
  name: "CronList",
  description,
  readOnly: true,
  input: z.object({}),
  async run(_input, ctx) {
    const scheduler = requireScheduler(ctx);
    const jobs = scheduler.list().map((job) => ({ job, next: scheduler.nextRun(job.id) }));
    const structured = {
      jobs: jobs.map(({ job, next }) => ({ ...job, nextRun: next?.toISOString() ?? null })),
    };
    if (jobs.length === 0) return { content: "No scheduled tasks.", structured };
    const lines = jobs.map(
      ({ job, next }) => `${job.id}  "${job.cron}"  next: ${next ? formatLocal(next) : "not scheduled"}  (${kindOf(job)})  ${JSON.stringify(preview(job.prompt))}`,
    );
    return { content: `${jobs.length} scheduled task${jobs.length === 1 ? "" : "s"}:\n${lines.join("\n")}`, structured };
  },
});
