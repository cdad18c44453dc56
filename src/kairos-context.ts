// What the KAIROS tools and loop share: the environment (PATH for gh, honeHome for the logs and the
// outbox), the clock, the pull request subscriptions and where lines for the person go. Built once per
// KAIROS run, before the run's tools, so SubscribePR and the tick's watcher see the same subscriptions.
import type { Env } from "./config-dir.ts";
import { PrSubscriptions, runProgram, type ProgramRunner } from "./kairos-prs.ts";
import type { Tool } from "./tool.ts";
import { createPushNotificationTool } from "./tools/push-notification.ts";
import { createSendUserFileTool } from "./tools/send-user-file.ts";
import { createSubscribePrTool } from "./tools/subscribe-pr.ts";

export interface KairosContext {
  env: Env;
  now: () => Date;
  subscriptions: PrSubscriptions;
  /** Runs gh and the notification command. */
  run: ProgramRunner;
  /** settings kairos.notifyCommand: a shell command reading HONE_NOTIFY_TITLE and HONE_NOTIFY_MESSAGE. */
  notifyCommand?: string;
  /** A line for the person watching (the terminal running `hone --kairos`). */
  print: (line: string) => void;
  /** The notification when no command is configured. */
  bell: () => void;
}

export function createKairosContext(opts: Partial<KairosContext> & { env: Env }): KairosContext {
  return {
    now: () => new Date(),
    subscriptions: new PrSubscriptions(),
    run: runProgram,
    print: (line) => void process.stderr.write(`${line}\n`),
    bell: () => void process.stderr.write("\x07"),
    ...opts,
  };
}

/** The tools only a KAIROS run offers (Sleep is a built-in already). */
export function kairosTools(kairos: KairosContext): Tool[] {
  return [createSendUserFileTool(kairos), createPushNotificationTool(kairos), createSubscribePrTool(kairos)] as Tool[];
}
