// The user's extensions for one run: skills and commands (bundled, user, project, plugin), agent
// files, plugins (their hooks and MCP servers), and the MCP servers themselves, started in parallel.
// Produces the tools, prompt sections and hook layers the run setup adds, and one close().
import type { RunOptions } from "./cli.ts";
import { withBundledSkills } from "./bundled-skills.ts";
import type { AgentDef, PluginDef, SkillDef } from "./extension-types.ts";
import { formatWarning, loadExtensions } from "./extensions.ts";
import type { HookSource } from "./hooks.ts";
import type { Logger } from "./log.ts";
import { loadMcpServers } from "./mcp-config.ts";
import type { McpManager } from "./mcp.ts";
import type { Settings } from "./settings-schema.ts";
import { expandForModel, grantFor, type InvocationSetup } from "./skill-invocation.ts";
import { listingBudget, renderSkillListing } from "./skill-listing.ts";
import type { Tool } from "./tool.ts";
import { createSkillTool } from "./tools/skill.ts";

type Env = Record<string, string | undefined>;

export interface ExtensionInputs {
  options: RunOptions;
  cwd: string;
  env: Env;
  trusted: boolean;
  settings: Settings;
  /** --add-dir and additionalDirectories, absolute: MCP roots, and their skills load too. */
  directories: string[];
  log: Logger;
}

export interface ExtensionSetup {
  /** Skills and commands by name, bundled first; empty with --disable-slash-commands. */
  skills: SkillDef[];
  agents: AgentDef[];
  plugins: PluginDef[];
  mcp?: McpManager;
  /** Plugin hooks, as layers for parseHooks. */
  hookLayers: { hooks: unknown; source: HookSource }[];
  /** Tools to offer; the Skill tool reaches the run through `invocation` once the run is built. */
  tools(invocation: () => InvocationSetup): Tool[];
  /** Text for the system prompt: the skill listing and MCP servers' instructions. */
  promptSections(contextWindow: number, usable: (skill: string) => boolean): string[];
  close(): Promise<void>;
}

/** MCP servers from every config source; the client runtime (the SDK) is loaded only when there are some. */
async function startServers(inputs: ExtensionInputs, plugins: PluginDef[]): Promise<McpManager | undefined> {
  const { options, settings, cwd, env, log } = inputs;
  const loaded = loadMcpServers({
    cwd,
    env,
    cliConfigs: options.mcpConfigs,
    strict: options.strictMcpConfig,
    trusted: inputs.trusted,
    settings,
    pluginServers: plugins.flatMap((p) => p.mcpServers),
  });
  for (const warning of loaded.warnings) log.warn(formatWarning(warning));
  for (const skip of loaded.skipped) log.warn(`MCP server "${skip.name}" (${skip.source}) not started: ${skip.reason}`);
  if (loaded.servers.length === 0) return undefined;
  const { startMcp } = await import("./mcp.ts");
  return await startMcp(loaded.servers, { projectDir: cwd, roots: [cwd, ...inputs.directories], env, log: (w) => log.warn(w) });
}

export async function setupExtensions(inputs: ExtensionInputs): Promise<ExtensionSetup> {
  const { options, cwd, env, log } = inputs;
  const loaded = loadExtensions({
    cwd,
    env,
    addDirs: inputs.directories,
    pluginDirs: options.pluginDirs,
    ...(inputs.settings.enabledPlugins ? { enabledPlugins: inputs.settings.enabledPlugins } : {}),
    ...(options.agents === undefined ? {} : { agentsJson: options.agents }),
  });
  for (const warning of loaded.warnings) log.warn(formatWarning(warning));
  const skills = options.disableSlashCommands ? [] : withBundledSkills(loaded.skills);
  const mcp = await startServers(inputs, loaded.plugins);
  const serverTools = mcp ? (await import("./mcp-setup.ts")).mcpTools(mcp) : [];
  const hookLayers = loaded.plugins.flatMap((p) => p.hookLayers.map((layer) => ({ hooks: layer.hooks, source: { file: layer.file, scope: "plugin" } })));

  const tools = (invocation: () => InvocationSetup): Tool[] => {
    const out: Tool[] = [];
    if (skills.some((s) => !s.disableModelInvocation)) {
      out.push(
        createSkillTool({
          skills: () => skills,
          expand: (skill, args, signal) => expandForModel(skill, args, invocation(), signal),
          onGrant: (skill, allowed) => grantFor(invocation(), skill, allowed),
        }) as Tool,
      );
    }
    out.push(...serverTools);
    return out;
  };
  const promptSections = (contextWindow: number, usable: (skill: string) => boolean): string[] => {
    const sections = [renderSkillListing(skills.filter((s) => usable(s.name)), listingBudget(contextWindow))];
    for (const { server, text } of mcp?.instructions() ?? []) sections.push(`Instructions from the MCP server "${server}":\n${text}`);
    return sections.filter((s) => s.trim() !== "");
  };
  return {
    skills,
    agents: loaded.agents,
    plugins: loaded.plugins,
    ...(mcp ? { mcp } : {}),
    hookLayers,
    tools,
    promptSections,
    close: async () => {
      await mcp?.close();
    },
  };
}
