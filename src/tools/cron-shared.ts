// Shared by CronCreate, CronDelete and CronList: finding the session's scheduler and showing times.
import type { CronScheduler } from "../session-state.ts";
import { ToolError, type ToolContext } from "../tool.ts";

export function requireScheduler(ctx: ToolContext): CronScheduler {
  const scheduler = ctx.session.scheduler;
  if (scheduler) return scheduler;
  throw new ToolError(
    "Scheduled prompts need a running hone session (the interactive REPL or --input-format stream-json); this run ends after its prompt, so nothing would ever fire. Do the work now instead.",
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Local time with its UTC offset, e.g. "2025-03-04 09:00 +01:00". */
export function formatLocal(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function kindOf(job: { recurring: boolean; durable: boolean }): string {
  return `${job.recurring ? "recurring" : "one-shot"}, ${job.durable ? "durable" : "this session only"}`;
}
