// Running skills and commands inside a run: the `!`cmd`` runner (the Bash tool through the run's
// authorizer, so permission rules, PreToolUse hooks, the sandbox and the skill's own allowed-tools all
// apply), the `${VAR}`s, the `@file` reader, and `/name args` prompts turned into the user message.
import type { AgentConfig } from "./agent.ts";
import { ExpansionError, type ShellRun } from "./command-expand.ts";
import { homeDir, type Env } from "./config-dir.ts";
import type { SkillDef } from "./extension-types.ts";
import { decide } from "./permission-engine.ts";
import type { PermissionContext } from "./permission-context.ts";
import { grantSkillTools } from "./skill-grants.ts";
import { buildCommandMessage, expandInvocation, fileMentionReader, matchSlashCommand, type Invocation, type InvocationDeps } from "./slash-command.ts";
import { textOf } from "./tool.ts";
import { runTool } from "./tool-runner.ts";
import { bashTool } from "./tools/bash.ts";

export interface InvocationSetup {
  agent: AgentConfig;
  permissions: PermissionContext;
  env: Env;
  /** Whether the folder is trusted: project skills may run shell blocks only then. */
  trusted: boolean;
  disableShell: boolean;
  legacyPositional: boolean;
  /** Plugin name → its root, for ${CLAUDE_PLUGIN_ROOT}. */
  pluginRoots: ReadonlyMap<string, string>;
  warn: (text: string) => void;
}

function shellRunner(skill: SkillDef, setup: InvocationSetup, signal: AbortSignal): ShellRun {
  const { agent } = setup;
  return async (command) => {
    if (setup.disableShell) return { ok: false, error: "shell commands in skills are turned off (disableSkillShellExecution)" };
    if (skill.scope === "project" && !setup.trusted) {
      return { ok: false, error: `this folder is not trusted, so ${skill.path}'s shell commands do not run (run "hone trust" to trust it)` };
    }
    const ctx = { projectDir: agent.projectDir, session: agent.session, signal, toolUseId: `command-${crypto.randomUUID()}` };
    const result = await runTool(new Map([["Bash", bashTool]]), "Bash", { command, description: `/${skill.name}` }, ctx, agent.authorize);
    const output = textOf(result.content);
    if (result.isError) return { ok: false, error: output.replace(/<\/?tool_use_error>/g, "") };
    return { ok: true, output };
  };
}

/**
 * `@path` mentions: the user may name any file they can read; text the model chose (Skill tool
 * arguments) only reaches files a Read call would be allowed to read without asking.
 */
function mentionReader(setup: InvocationSetup, byModel: boolean): (path: string) => string | undefined {
  const { agent, permissions } = setup;
  const canRead = agent.session.canRead;
  const read = fileMentionReader({ cwd: agent.projectDir, home: homeDir(setup.env), ...(canRead ? { canRead } : {}) });
  if (!byModel) return read;
  return (path) => (decide({ tool: "Read", input: { file_path: path }, readOnly: true }, permissions).behavior === "allow" ? read(path) : undefined);
}

export function invocationDeps(skill: SkillDef, setup: InvocationSetup, signal: AbortSignal, byModel: boolean): InvocationDeps {
  const vars: Record<string, string> = { CLAUDE_SESSION_ID: setup.agent.session.id, CLAUDE_PROJECT_DIR: setup.agent.projectDir };
  const root = skill.plugin === undefined ? undefined : setup.pluginRoots.get(skill.plugin);
  if (root) vars.CLAUDE_PLUGIN_ROOT = root;
  return { positional: setup.legacyPositional ? "one" : "zero", vars, run: shellRunner(skill, setup, signal), readFile: mentionReader(setup, byModel) };
}

/** Pre-approves the skill's allowed-tools for the rest of this turn; odd entries become a warning. */
export function grantFor(setup: InvocationSetup, skill: SkillDef, allowedTools: string[]): void {
  const invalid = grantSkillTools(setup.permissions, skill, allowedTools);
  if (invalid.length > 0) setup.warn(`${skill.path || `/${skill.name}`}: allowed-tools entries that are not permission rules were ignored: ${invalid.join(", ")}`);
}

/** Expands for the Skill tool (model-chosen arguments). */
export function expandForModel(skill: SkillDef, args: string, setup: InvocationSetup, signal: AbortSignal): Promise<Invocation> {
  return expandInvocation(skill, args, invocationDeps(skill, setup, signal, true));
}

export type SlashOutcome =
  | { kind: "none" }
  | { kind: "expanded"; text: string; skill: SkillDef; model?: string }
  | { kind: "failed"; message: string };

/**
 * A prompt that starts with `/name`: the expanded user message, with the command's allowed-tools
 * granted. `none` when the name is not a user-invocable skill or command (the prompt goes as typed).
 */
export async function expandSlashPrompt(prompt: string, skills: SkillDef[], setup: InvocationSetup, signal: AbortSignal): Promise<SlashOutcome> {
  const match = matchSlashCommand(skills, prompt);
  if (!match) return { kind: "none" };
  const { skill, args } = match;
  // Granted first: Claude Code lets a command's allowed-tools cover its own `!` blocks.
  grantFor(setup, skill, skill.allowedTools);
  try {
    const expanded = await expandInvocation(skill, args, invocationDeps(skill, setup, signal, false));
    return { kind: "expanded", text: buildCommandMessage(skill, args, expanded.text), skill, ...(expanded.model ? { model: expanded.model } : {}) };
  } catch (error) {
    if (error instanceof ExpansionError) return { kind: "failed", message: error.message };
    throw error;
  }
}
