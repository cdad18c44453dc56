// `hone agents`: the sub-agents a run here can delegate to (agent files, plugins, --agents JSON), each
// with scope, source file, tools, model and description, plus the built-in types. `--json` for scripts.
import type { AgentDef } from "./extension-types.ts";
import { oneLine, runListing, type Listing } from "./extension-listing.ts";
import type { CommandIO } from "./subcommands.ts";

/** Agent types every run has without any file. */
export const BUILTIN_AGENT_TYPES: readonly string[] = ["general-purpose", "Explore", "Plan"];

const USAGE = `Usage: hone agents [--json] [--plugin-dir <dir>]... [--add-dir <dir>]... [--agents '<json>']
Lists the sub-agents available here: .hone/agents and .claude/agents (this folder up to the git root),
~/.hone/agents and ~/.claude/agents, plugins, and --agents JSON. Load problems are printed to stderr.
`;

function agentJson(agent: AgentDef) {
  return {
    name: agent.name,
    scope: agent.scope,
    path: agent.path,
    ...(agent.plugin === undefined ? {} : { plugin: agent.plugin }),
    description: agent.description,
    tools: agent.tools ?? null,
    ...(agent.disallowedTools === undefined ? {} : { disallowedTools: agent.disallowedTools }),
    model: agent.model ?? null,
  };
}

function render(cwd: string, loaded: Listing, json: boolean): string {
  const { agents } = loaded;
  if (json) return `${JSON.stringify({ cwd, agents: agents.map(agentJson), builtIn: BUILTIN_AGENT_TYPES, warnings: loaded.notes }, null, 2)}\n`;
  const lines: string[] = agents.length === 0 ? [`No agent files found for ${cwd}.`] : [`Agents for ${cwd} (${agents.length}):`];
  for (const agent of agents) {
    lines.push("", `${agent.name}  (${agent.scope})`);
    lines.push(`  ${oneLine(agent.description)}`);
    const tools = agent.tools === undefined ? "all (inherited)" : agent.tools.length === 0 ? "none" : agent.tools.join(", ");
    lines.push(`  tools: ${tools}${agent.disallowedTools ? `; never: ${agent.disallowedTools.join(", ")}` : ""}`);
    lines.push(`  model: ${agent.model ?? "inherit"}`);
    lines.push(`  from:  ${agent.path === "" ? "--agents" : agent.path}`);
  }
  lines.push("", `Built-in agent types (always available): ${BUILTIN_AGENT_TYPES.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export async function agentsCommand(args: string[], io: CommandIO): Promise<number> {
  return runListing(args, io, { command: "agents", usage: USAGE, allowAgents: true, render: (loaded, flags) => render(io.cwd, loaded, flags.json) });
}
