// `hone memory`: shows which instruction files hone would load for the current directory, in the
// order the model sees them, with sizes and any problems found while loading.
import { loadInstructions } from "./instructions.ts";
import type { CommandIO } from "./subcommands.ts";

const USAGE = "Usage: hone memory\nLists the instruction files (CLAUDE.md, AGENTS.md, HONE.md, ...) loaded for this directory.\n";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function memoryCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    io.out(USAGE);
    return 0;
  }
  if (args.length > 0) {
    io.err(`hone memory takes no arguments (got: ${args.join(" ")})\n${USAGE}`);
    return 1;
  }
  const { files, warnings } = loadInstructions({ cwd: io.cwd, env: io.env });
  const lines: string[] = [];
  if (files.length === 0) {
    lines.push(`No instruction files found for ${io.cwd}.`);
  } else {
    lines.push(`Instruction files loaded for ${io.cwd} (in prompt order):`);
    const width = String(files.length).length;
    const sizeWidth = Math.max(...files.map((f) => String(f.size).length));
    files.forEach((file, i) => {
      const from = file.importedFrom ? `  (imported from ${file.importedFrom})` : "";
      const index = String(i + 1).padStart(width);
      const size = `${String(file.size).padStart(sizeWidth)} B`;
      lines.push(`  ${index}. ${file.scope.padEnd(7)} ${size}  ${file.path}${from}`);
    });
  }
  if (warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const warning of warnings) lines.push(`  - ${warning}`);
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  lines.push("", `Total: ${plural(total, "byte")} in ${plural(files.length, "file")}.`);
  lines.push("CLAUDE.md and AGENTS.md files in subfolders load when the agent reads a file there.");
  io.out(`${lines.join("\n")}\n`);
  return 0;
}
