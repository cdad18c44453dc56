// PushNotification (KAIROS): tells the user something now. Runs the configured command (settings
// kairos.notifyCommand) with the title and message in HONE_NOTIFY_TITLE and HONE_NOTIFY_MESSAGE, never
// pasted into the command text; with no command, rings the terminal bell and prints the line.
import { z } from "zod";
import type { KairosContext } from "../kairos-context.ts";
import { appendDailyLog, noteEntry } from "../kairos-log.ts";
import { defineTool, ToolError } from "../tool.ts";

const description = `Sends the user a notification (a desktop notification when they configured one, otherwise the terminal bell and a printed line). Use it sparingly, for things that need their attention soon: a failed build they are waiting on, a review request, a finished long task. Keep the title to a few words and the message to one or two sentences.`;

export function createPushNotificationTool(kairos: KairosContext) {
  return defineTool({
    name: "PushNotification",
    description,
    readOnly: true,
    input: z.object({
      title: z.string().min(1).describe("A few words"),
      message: z.string().min(1).describe("One or two sentences"),
    }),
    async run(input, ctx) {
      const now = kairos.now();
      const command = kairos.notifyCommand?.trim();
      appendDailyLog(kairos.env, now, noteEntry(now, "notification", `${input.title}: ${input.message}`));
      if (!command) {
        kairos.bell();
        kairos.print(`notification: ${input.title}: ${input.message}`);
        return { content: "The user was notified (terminal bell and a printed line).", structured: { delivered: "bell" } };
      }
      const env = { ...kairos.env, HONE_NOTIFY_TITLE: input.title, HONE_NOTIFY_MESSAGE: input.message };
      const result = await kairos.run("/bin/sh", ["-c", command], { cwd: ctx.session.cwd, env });
      if (result.spawnError) throw new ToolError(`Could not run the notification command: ${result.spawnError}`);
      if (result.code !== 0) {
        const detail = (result.stderr || result.stdout).trim().slice(0, 500);
        throw new ToolError(`The notification command failed with exit code ${result.code}${detail ? `: ${detail}` : ""}`);
      }
      return { content: "The user was notified.", structured: { delivered: "command" } };
    },
  });
}
