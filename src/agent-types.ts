// The kinds of sub-agent the Agent tool can start: the built-in general-purpose, Explore and Plan, and
// every agent file the user has (.claude/agents, plugins, --agents). Each says which of the parent's
// tools it gets, which model, its own system prompt, and whether instruction files are loaded.
import type { AgentDef } from "./extension-types.ts";
import type { Tool } from "./tool.ts";
import { parseRuleText } from "./permission-rules.ts";

export interface SubagentType {
  name: string;
  description: string;
  /** Tool names it may have; undefined: all of the parent's. */
  tools?: readonly string[];
  /** Only tools that change nothing (Explore, Plan). */
  readOnly?: boolean;
  disallowedTools?: readonly string[];
  /** Alias, full id or "inherit" (the parent's model). */
  model?: string;
  /** The body of its system prompt. */
  prompt: string;
  /** Whether CLAUDE.md and the other instruction files are part of its prompt. */
  instructions: boolean;
  /** Where it comes from: "built-in" or the agent file. */
  source: string;
}

/** Tools only the main agent has: sub-agents do not start or steer other agents. */
export const ORCHESTRATION_TOOLS = new Set(["Agent", "Task", "SendMessage", "TaskOutput", "TaskStop", "EnterWorktree", "ExitWorktree", "ReadScratchpad"]);

const REPORT = "When you are done, answer with a complete, self-contained report: it is the only part of your work the requesting agent sees. Name files with absolute paths and quote what matters.";

export const BUILTIN_TYPES: readonly SubagentType[] = [
  {
    name: "general-purpose",
    description: "Every tool; research and multi-step work.",
    prompt: `You are a sub-agent: another agent handed you the task below. Work on it until it is done, using the tools you have; do not stop to ask questions, decide sensibly and say what you assumed. ${REPORT}`,
    instructions: true,
    source: "built-in",
  },
  {
    name: "Explore",
    description: "Read-only and fast: finds files and code, explains how things work. Say how thorough (quick, medium, very thorough).",
    readOnly: true,
    prompt: `You are a read-only explorer sent by another agent. Find what it asked for quickly: search with Glob and Grep, read the relevant parts of files, follow references. You cannot and must not change anything. Prefer several searches at once over one at a time. ${REPORT}`,
    instructions: false,
    source: "built-in",
  },
  {
    name: "Plan",
    description: "Read-only research ending in an implementation plan (files, steps, risks, verification).",
    readOnly: true,
    prompt: `You are a planning agent sent by another agent. Study the code (read-only: you cannot change anything) and produce a concrete implementation plan: the files and functions involved, the changes step by step, edge cases and risks, and how to verify the result. ${REPORT}`,
    instructions: false,
    source: "built-in",
  },
];

/** A rule text like "Bash(git:*)" names the tool Bash: agent files may list rules where tool names go. */
function toolName(entry: string): string {
  return parseRuleText(entry)?.tool ?? entry.trim();
}

export function typeFromFile(def: AgentDef): SubagentType {
  return {
    name: def.name,
    description: def.description,
    ...(def.tools ? { tools: def.tools.map(toolName) } : {}),
    ...(def.disallowedTools ? { disallowedTools: def.disallowedTools.map(toolName) } : {}),
    ...(def.model ? { model: def.model } : {}),
    prompt: def.prompt,
    instructions: true,
    source: def.path || "--agents",
  };
}

/** Built-ins first; an agent file with a built-in's name replaces it. */
export function agentTypes(defs: readonly AgentDef[]): SubagentType[] {
  const files = defs.map(typeFromFile);
  const names = new Set(files.map((t) => t.name));
  return [...BUILTIN_TYPES.filter((t) => !names.has(t.name)), ...files];
}

/** Tools that change nothing here but still ask permission (per domain): read-only agents may look things up. */
const LOOKUP_TOOLS: ReadonlySet<string> = new Set(["WebFetch", "WebSearch"]);

/** The parent's tools a sub-agent of this type gets: never one the parent does not have. */
export function toolsFor(type: SubagentType, parentTools: readonly Tool[]): Tool[] {
  const wanted = type.tools ? new Set(type.tools) : undefined;
  const barred = new Set(type.disallowedTools ?? []);
  return parentTools.filter((tool) => {
    if (ORCHESTRATION_TOOLS.has(tool.name) || barred.has(tool.name)) return false;
    if (type.readOnly && !tool.readOnly && !LOOKUP_TOOLS.has(tool.name)) return false;
    return wanted === undefined || wanted.has(tool.name);
  });
}
