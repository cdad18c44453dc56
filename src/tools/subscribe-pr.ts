// SubscribePR (KAIROS): watch a pull request through gh. The subscription is checked once here (the
// same `gh pr view --json` the ticks poll) and recorded; each later tick reports what changed.
import { z } from "zod";
import type { KairosContext } from "../kairos-context.ts";
import { appendDailyLog, noteEntry } from "../kairos-log.ts";
import { fetchPr, prSummary } from "../kairos-prs.ts";
import { defineTool, ToolError } from "../tool.ts";

const description = `Watches a GitHub pull request through the gh CLI: from now on each tick reports when its state (open, merged, closed), review decision or checks change, or when it gets new activity. pr is its number (in the current repository) or its URL. Fails when gh cannot see the pull request.`;

/** "#42" and 42 mean PR 42; URLs and branch names pass as they are. */
export function prRef(pr: number | string): string {
  const text = String(pr).trim();
  return /^#\d+$/.test(text) ? text.slice(1) : text;
}

export function createSubscribePrTool(kairos: KairosContext) {
  return defineTool({
    name: "SubscribePR",
    description,
    readOnly: true,
    input: z.object({
      pr: z.union([z.number().int().positive(), z.string().min(1)]).describe("Pull request number or URL"),
    }),
    async run(input, ctx) {
      const ref = prRef(input.pr);
      const look = await fetchPr(kairos.run, ref, ctx.session.cwd, kairos.env);
      if (!look.ok) throw new ToolError(look.error);
      const again = kairos.subscriptions.has(ref);
      kairos.subscriptions.add(ref, look.pr);
      const now = kairos.now();
      appendDailyLog(kairos.env, now, noteEntry(now, "subscribed", prSummary(look.pr)));
      const content = `${again ? "Still subscribed" : "Subscribed"} to ${prSummary(look.pr)}. Ticks will report its changes.`;
      return { content, structured: { pr: look.pr } };
    },
  });
}
