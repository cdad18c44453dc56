// A CommandIO for subcommand tests: a private HOME (with HONE_CONFIG_DIR and CLAUDE_CONFIG_DIR under it)
// and everything written to out and err collected as text.
import { join } from "node:path";
import type { CommandIO } from "../../src/subcommands.ts";

export function captureIO(cwd: string, home: string): CommandIO & { stdout: string; stderr: string } {
  const result = {
    cwd,
    env: { HOME: home, HONE_CONFIG_DIR: join(home, ".hone"), CLAUDE_CONFIG_DIR: join(home, ".claude") },
    stdout: "",
    stderr: "",
    out: (text: string) => {
      result.stdout += text;
    },
    err: (text: string) => {
      result.stderr += text;
    },
  };
  return result;
}
