// The data shapes of the user's extensions: skills and markdown commands (one mechanism, as in Claude
// Code since v2.1.3), sub-agent definitions, plugins and MCP server entries. Loaders produce them,
// the prompt, the Skill tool, slash-command expansion and the MCP manager consume them.

/** Where a definition came from; shown in listings and used for precedence. */
export type ExtensionScope = "bundled" | "user" | "project" | "plugin" | "cli" | "mcp";

/** A problem with one file: reported once, the rest keeps loading. `line` is 1-based when known. */
export interface LoadWarning {
  file: string;
  line?: number;
  message: string;
}

/** A SKILL.md skill or a markdown slash command. */
export interface SkillDef {
  /** What `/name` and the Skill tool call it: "review", or "plugin:name" for plugin components. */
  name: string;
  kind: "skill" | "command";
  scope: ExtensionScope;
  /** From frontmatter, else the first paragraph of the body; may be "". */
  description: string;
  whenToUse?: string;
  argumentHint?: string;
  /** Permission rule texts from `allowed-tools`, pre-approved while the skill runs. */
  allowedTools: string[];
  model?: string;
  /** True: the model may not invoke it and it is left out of the listing. */
  disableModelInvocation: boolean;
  /** False: hidden from the user's `/` menu, model-only. */
  userInvocable: boolean;
  /** Absolute path of SKILL.md or the command file ("" for MCP prompts and built-ins). */
  path: string;
  /** The skill's folder (supporting files live here); the command file's folder for commands. */
  baseDir: string;
  /** Command subfolder shown with the description: "frontend" for commands/frontend/x.md. */
  namespace?: string;
  plugin?: string;
  /** Every frontmatter field as parsed, unknown ones included. */
  frontmatter: Record<string, unknown>;
  /** The markdown body without frontmatter, read on first use (progressive disclosure). */
  body(): string;
}

/** A sub-agent definition from an agent file, a plugin or `--agents` JSON. */
export interface AgentDef {
  name: string;
  description: string;
  /** Tool names or rule texts; undefined inherits every tool. */
  tools?: string[];
  disallowedTools?: string[];
  /** Alias, full id or "inherit". */
  model?: string;
  /** The body: the sub-agent's system prompt. */
  prompt: string;
  scope: ExtensionScope;
  /** "" for --agents JSON. */
  path: string;
  plugin?: string;
  frontmatter: Record<string, unknown>;
}

/** How to reach one MCP server, after `${VAR}` expansion. */
export type McpTransport =
  | { type: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { type: "http" | "sse"; url: string; headers: Record<string, string> };

export type McpScope = "local" | "project" | "user" | "cli" | "plugin";

export interface McpServerEntry {
  /** As the user named it; tool names use normalised(name). */
  name: string;
  transport: McpTransport;
  scope: McpScope;
  /** The file that defined it, or "--mcp-config" for inline JSON. */
  source: string;
  plugin?: string;
  /** Per-server startup timeout in ms (`timeout` field), else MCP_TIMEOUT. */
  timeoutMs?: number;
}

/** A loaded plugin: its manifest and where its components live. */
export interface PluginDef {
  name: string;
  root: string;
  manifestPath: string;
  version?: string;
  description?: string;
  commandDirs: string[];
  agentDirs: string[];
  skillDirs: string[];
  /** hooks/hooks.json and any manifest `hooks` paths or inline objects, as { hooks } layers. */
  hookLayers: { hooks: unknown; file: string }[];
  mcpServers: McpServerEntry[];
}
