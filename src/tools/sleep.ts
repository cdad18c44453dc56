// Sleep: wait for a while without holding a shell, ending early when the user interrupts.
import { z } from "zod";
import { sleep } from "../retry.ts";
import { defineTool } from "../tool.ts";

const MAX_MS = 10 * 60_000;

const description = `Waits for duration_ms milliseconds (at most 600000, ten minutes) and then returns. Use it when there is nothing useful to do until something else makes progress (a background command, a scheduled task), instead of running sleep in Bash. The user can interrupt the wait at any time.`;

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export const sleepTool = defineTool({
  name: "Sleep",
  description,
  readOnly: true,
  input: z.object({
    duration_ms: z.number().int().min(0).max(MAX_MS).describe("How long to wait, in milliseconds (max 600000)"),
  }),
  async run(input, ctx) {
    const started = performance.now();
    const interrupted = await sleep(input.duration_ms, ctx.signal).then(
      () => false,
      () => true,
    );
    const slept = Math.round(performance.now() - started);
    if (interrupted) {
      return {
        content: `Sleep interrupted after ${duration(slept)} of the requested ${duration(input.duration_ms)}.`,
        isError: true,
        structured: { duration_ms: input.duration_ms, slept_ms: slept, interrupted: true },
      };
    }
    return {
      content: `Slept ${duration(input.duration_ms)}.`,
      structured: { duration_ms: input.duration_ms, slept_ms: slept, interrupted: false },
    };
  },
});
