// Skill: the model loads a skill's (or markdown command's) instructions into the conversation. The
// listing of what exists is sent elsewhere (skill-listing.ts); this tool resolves the name, refuses
// user-only skills, expands the body through the integrator's callback and avoids repeating a body
// the session has already seen.
import { createHash } from "node:crypto";
import { z } from "zod";
import { ExpansionError } from "../command-expand.ts";
import type { SkillDef } from "../extension-types.ts";
import { baseDirLine, nearSkillNames, parseSlashPrompt, resolveSkill } from "../slash-command.ts";
import { defineTool, ToolError, type Tool } from "../tool.ts";
import { comparePaths, walkFiles } from "../walk.ts";

export interface SkillToolDeps {
  /** The current registry (read on every call, so reloaded skills are seen). */
  skills: () => SkillDef[];
  /** Expands the body (normally expandInvocation with the run's permission-checked shell runner). */
  expand: (skill: SkillDef, args: string, signal: AbortSignal) => Promise<{ text: string; allowedTools: string[] }>;
  /** Called after every successful invocation, so the skill's allowed-tools can be pre-approved. */
  onGrant?: (skill: SkillDef, allowedTools: string[]) => void;
}

export type SkillTool = Tool<{ skill: string; args?: string | undefined }> & {
  /** Forgets which bodies a session has seen (after compaction they are no longer "above"). */
  forgetLoaded(sessionId: string): void;
};

const description = `Loads a skill: its instructions, expanded with the arguments you pass, are returned for you to follow. Use it when one of the available skills listed in the conversation matches the task, before starting the work. Pass the name exactly as listed in \`skill\` (e.g. "review", or "plugin:name" for plugin skills) and anything the skill should work on in \`args\`. Once a skill's instructions are in the conversation, follow them rather than loading it again.`;

const MAX_LISTED_FILES = 30;
const MAX_SCANNED_FILES = 500;

/** Files of the skill's folder besides SKILL.md, relative, sorted; `more` when the list was cut. */
async function supportingFiles(baseDir: string, signal: AbortSignal): Promise<{ files: string[]; more: boolean }> {
  const found: string[] = [];
  const skipDir = (rel: string): boolean => rel.split("/").some((p) => p.startsWith(".") || p === "node_modules");
  try {
    for await (const entry of walkFiles(baseDir, { gitignore: false, signal, enterDir: (rel) => !skipDir(rel) })) {
      if (entry.rel === "SKILL.md" || entry.rel.split("/").pop()?.startsWith(".")) continue;
      found.push(entry.rel);
      if (found.length >= MAX_SCANNED_FILES) break;
    }
  } catch {
    // An unreadable or vanished folder just means no list.
  }
  found.sort(comparePaths);
  return { files: found.slice(0, MAX_LISTED_FILES), more: found.length > MAX_LISTED_FILES };
}

function filesNote(files: string[], more: boolean): string {
  if (files.length === 0) return "";
  const list = files.map((f) => `- ${f}`).join("\n");
  return `\n\nSupporting files in the base directory (read them with Read, or run scripts with Bash, when the instructions above refer to them):\n${list}${more ? "\n- …and more" : ""}`;
}

function unknownSkillMessage(name: string, invocable: string[]): string {
  const near = nearSkillNames(invocable, name);
  if (near.length > 0) return `Unknown skill "${name}". Did you mean: ${near.join(", ")}?`;
  if (invocable.length === 0) return `Unknown skill "${name}": no skills are available.`;
  const shown = invocable.slice(0, 20);
  return `Unknown skill "${name}". Available skills: ${shown.join(", ")}${invocable.length > shown.length ? ", …" : ""}.`;
}

export function createSkillTool(deps: SkillToolDeps): SkillTool {
  // Per session: digests of the bodies already returned, so identical re-invocations stay short.
  const loaded = new Map<string, Set<string>>();
  const tool = defineTool({
    name: "Skill",
    description,
    readOnly: true,
    input: z.object({
      skill: z.string().trim().min(1, "skill must name a skill").describe('The skill name as listed, e.g. "review" or "plugin:name"'),
      args: z.string().optional().describe("Arguments for the skill, as a user would type them after /name"),
    }),
    async run(input, ctx) {
      const registry = deps.skills();
      // Tolerate "/name some args" in `skill`, the way a user would type it.
      const typed = parseSlashPrompt(`/${input.skill.replace(/^\//, "")}`);
      const name = typed?.name ?? input.skill.replace(/^\//, "");
      const skill = resolveSkill(registry, name);
      const invocable = registry.filter((s) => !s.disableModelInvocation).map((s) => s.name);
      if (!skill) throw new ToolError(unknownSkillMessage(name, invocable));
      if (skill.disableModelInvocation) {
        throw new ToolError(`The skill "${skill.name}" can only be run by the user (typing /${skill.name}); it cannot be invoked through the Skill tool.`);
      }
      const args = [typed?.args ?? "", input.args?.trim() ?? ""].filter((a) => a !== "").join(" ");
      let expanded: { text: string; allowedTools: string[] };
      try {
        expanded = await deps.expand(skill, args, ctx.signal);
      } catch (error) {
        if (error instanceof ExpansionError) throw new ToolError(`The skill "${skill.name}" could not be loaded: ${error.message}`);
        throw error;
      }
      deps.onGrant?.(skill, expanded.allowedTools);
      const structured = { success: true, commandName: skill.name, allowedTools: expanded.allowedTools };

      const digest = createHash("sha256").update(`${skill.name}\0${expanded.text}`).digest("hex");
      const seen = loaded.get(ctx.session.id) ?? new Set<string>();
      loaded.set(ctx.session.id, seen);
      if (seen.has(digest)) {
        return { content: `The skill "${skill.name}" is already loaded above with the same content; follow those instructions.`, structured };
      }
      seen.add(digest);

      const note = skill.kind === "skill" && skill.baseDir !== "" ? await supportingFiles(skill.baseDir, ctx.signal) : { files: [], more: false };
      return { content: `${baseDirLine(skill)}${expanded.text}${filesNote(note.files, note.more)}`, structured };
    },
  });
  return Object.assign(tool, { forgetLoaded: (sessionId: string) => void loaded.delete(sessionId) });
}
