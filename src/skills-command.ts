// `hone skills`: the skills and markdown slash commands available here, with scope, kind, namespace,
// plugin, and whether the model and the user may invoke each. `--json` for scripts.
import type { SkillDef } from "./extension-types.ts";
import { withBundledSkills } from "./bundled-skills.ts";
import { oneLine, runListing, type Listing } from "./extension-listing.ts";
import type { CommandIO } from "./subcommands.ts";

const USAGE = `Usage: hone skills [--json] [--plugin-dir <dir>]... [--add-dir <dir>]...
Lists the skills (<dir>/<name>/SKILL.md) and markdown commands (commands/*.md) available here, from
~/.hone, ~/.claude, this folder up to the git root, --add-dir folders and plugins. Load problems are
printed to stderr.
`;

function skillJson(skill: SkillDef) {
  return {
    name: skill.name,
    kind: skill.kind,
    scope: skill.scope,
    ...(skill.namespace === undefined ? {} : { namespace: skill.namespace }),
    ...(skill.plugin === undefined ? {} : { plugin: skill.plugin }),
    description: skill.description,
    ...(skill.whenToUse === undefined ? {} : { whenToUse: skill.whenToUse }),
    ...(skill.argumentHint === undefined ? {} : { argumentHint: skill.argumentHint }),
    allowedTools: skill.allowedTools,
    model: skill.model ?? null,
    modelInvocable: !skill.disableModelInvocation,
    userInvocable: skill.userInvocable,
    path: skill.path,
  };
}

function who(skill: SkillDef): string {
  if (skill.disableModelInvocation && !skill.userInvocable) return "invocable by nobody";
  if (skill.disableModelInvocation) return "user only";
  if (!skill.userInvocable) return "model only";
  return "user and model";
}

function render(cwd: string, loaded: Listing, json: boolean): string {
  const { skills } = loaded;
  const builtIn = withBundledSkills(skills).filter((s) => s.scope === "bundled").map((s) => s.name);
  if (json) return `${JSON.stringify({ cwd, skills: skills.map(skillJson), bundled: builtIn, warnings: loaded.notes }, null, 2)}\n`;
  const bundledLine = `\nBuilt into hone: ${builtIn.map((n) => `/${n}`).join(", ")}\n`;
  if (skills.length === 0) return `No skills or commands found for ${cwd}.\n${bundledLine}`;
  const count = (kind: SkillDef["kind"]) => {
    const n = skills.filter((s) => s.kind === kind).length;
    return `${n} ${kind}${n === 1 ? "" : "s"}`;
  };
  const lines = [`Skills and commands for ${cwd} (${count("skill")}, ${count("command")}):`];
  for (const skill of skills) {
    const where = skill.namespace ? `${skill.scope}:${skill.namespace}` : skill.scope;
    lines.push("", `/${skill.name}${skill.argumentHint ? ` ${skill.argumentHint}` : ""}  (${skill.kind}, ${where}; ${who(skill)})`);
    if (skill.description) lines.push(`  ${oneLine(skill.description)}`);
    if (skill.allowedTools.length > 0) lines.push(`  allowed tools: ${skill.allowedTools.join(", ")}`);
    if (skill.model) lines.push(`  model: ${skill.model}`);
    lines.push(`  from: ${skill.path}`);
  }
  return `${lines.join("\n")}\n${bundledLine}`;
}

export async function skillsCommand(args: string[], io: CommandIO): Promise<number> {
  return runListing(args, io, { command: "skills", usage: USAGE, allowAgents: false, render: (loaded, flags) => render(io.cwd, loaded, flags.json) });
}
