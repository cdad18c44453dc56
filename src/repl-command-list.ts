// Every built-in command of the REPL, and the full list the `/` menu and /help show: built-ins first,
// then skills and markdown commands, then MCP prompts.
import type { CommandInfo } from "./completion.ts";
import type { PreparedRun } from "./prepare-run.ts";
import { mcpToolName } from "./mcp-tools.ts";
import type { ReplCommand } from "./repl-commands.ts";
import { INFO_COMMANDS } from "./repl-cmd-info.ts";
import { SESSION_COMMANDS } from "./repl-cmd-session.ts";
import { SETTINGS_COMMANDS } from "./repl-cmd-settings.ts";
import { ULTRAPLAN_COMMANDS } from "./repl-cmd-ultraplan.ts";

export const ALL_COMMANDS: ReplCommand[] = [...SESSION_COMMANDS, ...SETTINGS_COMMANDS, ...INFO_COMMANDS, ...ULTRAPLAN_COMMANDS].sort((a, b) => a.name.localeCompare(b.name));

export function commandInfos(run: PreparedRun | undefined): CommandInfo[] {
  const builtins = ALL_COMMANDS.map((c) => ({ name: c.name, description: c.description, ...(c.argumentHint ? { argumentHint: c.argumentHint } : {}), source: "built-in" }));
  if (!run) return builtins;
  const taken = new Set(builtins.map((b) => b.name));
  const skills = run.extensions.skills
    .filter((s) => s.userInvocable && !taken.has(s.name))
    .map((s) => ({ name: s.name, description: s.description, ...(s.argumentHint ? { argumentHint: s.argumentHint } : {}), source: s.plugin ? "plugin" : s.scope === "bundled" ? "bundled" : s.scope }));
  const prompts = (run.extensions.mcp?.prompts() ?? []).map(({ key, prompt }) => ({ name: mcpToolName(key, prompt.name), description: prompt.description ?? "", source: "mcp" }));
  return [...builtins, ...skills, ...prompts];
}
