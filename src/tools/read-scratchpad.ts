// ReadScratchpad: the coordinator's window on what its workers wrote down. Lists the scratchpad folder,
// or reads one file from it; nothing outside the folder can be named.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";
import { defineTool, ToolError, type Tool } from "../tool.ts";

const MAX_CHARS = 100_000;

function list(dir: string, under = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...list(dir, rel));
    else out.push(`${rel} (${statSync(join(dir, rel)).size} bytes)`);
  }
  return out;
}

export function createReadScratchpadTool(dir: string): Tool {
  return defineTool({
    name: "ReadScratchpad",
    description: `Reads the shared scratchpad folder (${dir}) where your workers write their findings, plans and results. Without file, lists what is there; with file (a path relative to the scratchpad), returns that file's text.`,
    readOnly: true,
    input: z.object({ file: z.string().min(1).optional().describe("A file in the scratchpad, relative to it; omit to list the folder") }),
    async run(input) {
      if (input.file === undefined) {
        let files: string[] = [];
        try {
          files = list(dir);
        } catch {
          files = [];
        }
        return { content: files.length > 0 ? `Scratchpad ${dir}:\n${files.map((f) => `- ${f}`).join("\n")}` : `The scratchpad ${dir} is empty.` };
      }
      const path = resolve(dir, input.file);
      const rel = relative(dir, path);
      if (rel.startsWith("..") || isAbsolute(rel)) throw new ToolError(`${input.file} is outside the scratchpad; name a file inside ${dir}.`);
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        throw new ToolError(`No file ${rel} in the scratchpad. Call ReadScratchpad without file to list it.`);
      }
      return { content: text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}\n[... ${text.length - MAX_CHARS} more characters ...]` : text };
    },
  }) as Tool;
}
