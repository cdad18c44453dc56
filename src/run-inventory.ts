// What the init message lists about a prepared run: MCP servers with their state, slash commands,
// skills, agents and plugins. Shared by `hone -p` and `hone serve`.
import { BUILTIN_COMMANDS } from "./builtin-commands.ts";
import type { ExtensionSetup } from "./extensions-setup.ts";
import type { InitInfo } from "./stream-json.ts";

export type RunInventory = Pick<InitInfo, "mcpServers" | "slashCommands" | "skills" | "agents" | "plugins">;

export async function runInventory(ext: ExtensionSetup): Promise<RunInventory> {
  const prompts = ext.mcp ? (await import("./mcp-prompts.ts")).promptCommands(ext.mcp).map((c) => c.name) : [];
  return {
    mcpServers: (ext.mcp?.status() ?? []).map((s) => ({ name: s.name, status: s.state })),
    slashCommands: [...BUILTIN_COMMANDS, ...ext.skills.filter((s) => s.userInvocable).map((s) => s.name), ...prompts],
    skills: ext.skills.filter((s) => s.kind === "skill").map((s) => s.name),
    agents: ext.agents.map((a) => a.name),
    plugins: ext.plugins.map((p) => ({ name: p.name, path: p.root })),
  };
}
