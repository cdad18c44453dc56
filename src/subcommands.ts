// `hone <name> ...` subcommands (sessions, rewind, doctor, memory): a table from name to handler. The
// first argument selects one; anything else is a task for the agent.
import type { Env } from "./config-dir.ts";

export interface CommandIO {
  cwd: string;
  env: Env;
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface Subcommand {
  summary: string;
  run: (args: string[], io: CommandIO) => Promise<number>;
}

/** Each entry loads its module on demand so the agent path never pays for the subcommands. */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  // entries: one line per subcommand
  agents: { summary: "List the sub-agents available here (agent files, plugins, --agents) with tools, model and source (--json)", run: async (args, io) => (await import("./agents-command.ts")).agentsCommand(args, io) },
  skills: { summary: "List the skills and markdown commands available here with scope and who may invoke them (--json)", run: async (args, io) => (await import("./skills-command.ts")).skillsCommand(args, io) },
  mcp: { summary: "Add, list, show and remove MCP servers (local, project .mcp.json or user scope)", run: async (args, io) => (await import("./mcp-command.ts")).mcpCommand(args, io) },
  permissions: { summary: "List permission rules and their sources, or check what a tool call would get", run: async (args, io) => (await import("./permissions-command.ts")).permissionsCommand(args, io) },
  trust: { summary: "Trust this folder so its project hooks, MCP servers and allow rules apply", run: async (args, io) => (await import("./trust-command.ts")).trustCommand(args, io) },
  doctor: { summary: "Check the install, settings files, API key, model and writable folders", run: async (args, io) => (await import("./doctor.ts")).doctorCommand(args, io) },
  memory: { summary: "List the instruction files (CLAUDE.md, AGENTS.md, ...) loaded here", run: async (args, io) => (await import("./memory-command.ts")).memoryCommand(args, io) },
  sessions: { summary: "List saved sessions here (--all: every project), most recent first", run: async (args, io) => (await import("./sessions-command.ts")).sessionsCommand(args, io) },
  hooks: { summary: "List the hooks configured here per event: matcher, command, timeout and source file (--json)", run: async (args, io) => (await import("./hooks-command.ts")).hooksCommand(args, io) },
  serve: { summary: "Serve sessions over HTTP: create, send turns (JSON or SSE), answer permission asks, interrupt (--host, --port)", run: async (args, io) => (await import("./serve-command.ts")).serveCommand(args, io) },
  rewind: { summary: "List a session's prompts, or put the conversation and files back to before one", run: async (args, io) => (await import("./rewind-command.ts")).rewindCommand(args, io) },
};

export function findSubcommand(argv: string[]): { name: string; command: Subcommand } | undefined {
  const name = argv[0];
  if (name === undefined) return undefined;
  const command = SUBCOMMANDS[name];
  return command ? { name, command } : undefined;
}
