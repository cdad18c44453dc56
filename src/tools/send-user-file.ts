// SendUserFile (KAIROS): hands a file to the user by copying it into ~/.hone/kairos/outbox under a
// timestamped name, noting it in the daily log and telling the person watching where it is.
import { constants, copyFileSync, mkdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import type { KairosContext } from "../kairos-context.ts";
import { appendDailyLog, clockTime, localDay, noteEntry, outboxDir } from "../kairos-log.ts";
import { resolveToolPath } from "../paths.ts";
import { defineTool, ToolError } from "../tool.ts";

const description = `Delivers a file to the user: a copy goes into their KAIROS outbox (~/.hone/kairos/outbox) under a timestamped name, the daily log records it and the user is told where it is. Use it for something they should look at when they come back (a report, a patch, a summary you wrote); the original stays where it is. message: one line saying what the file is.`;

const stamp = (d: Date): string => `${localDay(d).replaceAll("-", "")}-${clockTime(d).replaceAll(":", "")}`;

/** Copies without overwriting: a second file in the same second gets -2, -3, ... */
function copyIntoOutbox(source: string, dir: string, now: Date): string {
  mkdirSync(dir, { recursive: true });
  const name = basename(source);
  for (let n = 1; ; n++) {
    const dest = join(dir, `${stamp(now)}${n === 1 ? "" : `-${n}`}-${name}`);
    try {
      copyFileSync(source, dest, constants.COPYFILE_EXCL);
      return dest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new ToolError(`Could not copy ${source} into the outbox: ${(error as Error).message}`);
    }
  }
}

export function createSendUserFileTool(kairos: KairosContext) {
  return defineTool({
    name: "SendUserFile",
    description,
    readOnly: true,
    input: z.object({
      path: z.string().min(1).describe("The file to deliver (absolute, or relative to the project)"),
      message: z.string().optional().describe("One line telling the user what the file is"),
    }),
    async run(input, ctx) {
      const source = resolveToolPath(input.path, ctx.projectDir).absolute;
      const stat = statSync(source, { throwIfNoEntry: false });
      if (!stat) throw new ToolError(`${source} does not exist.`);
      if (!stat.isFile()) throw new ToolError(`${source} is not a regular file; only files can be delivered.`);
      if (ctx.session.canRead && !ctx.session.canRead(source)) throw new ToolError(`${source} is covered by a Read deny rule, so it cannot be delivered.`);
      const now = kairos.now();
      const dest = copyIntoOutbox(source, outboxDir(kairos.env), now);
      const note = input.message?.trim() ? ` (${input.message.trim()})` : "";
      appendDailyLog(kairos.env, now, noteEntry(now, "sent file", `${source} → ${dest}${note}`));
      kairos.print(`file for you: ${dest}${note}`);
      return { content: `Delivered to the user: ${dest}`, structured: { path: source, delivered: dest } };
    },
  });
}
