// What a user's prompt becomes before the model sees it: `/name args` runs a skill or markdown
// command, `/mcp__server__prompt args` fetches an MCP prompt, and `@server:uri` mentions attach MCP
// resources. Anything else goes as typed.
import type { ExtensionSetup } from "./extensions-setup.ts";
import { agentModel } from "./provider-select.ts";
import { expandSlashPrompt, type InvocationSetup } from "./skill-invocation.ts";
import { commandTags, parseSlashPrompt } from "./slash-command.ts";

export type ExpandedPrompt = { ok: true; text: string; model?: string } | { ok: false; message: string };

async function mcpPrompt(prompt: string, ext: ExtensionSetup): Promise<ExpandedPrompt | undefined> {
  const parsed = parseSlashPrompt(prompt);
  if (!ext.mcp || !parsed?.name.startsWith("mcp__")) return undefined;
  const { expandPromptCommand } = await import("./mcp-prompts.ts");
  try {
    const text = await expandPromptCommand(ext.mcp, parsed.name, parsed.args);
    if (text === undefined) return undefined;
    return { ok: true, text: `${commandTags(parsed.name, parsed.args)}\n\n${text}` };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Expands a typed prompt; `ok: false` carries the reason the command could not run. */
export async function expandUserPrompt(
  prompt: string,
  ext: ExtensionSetup,
  invocation: InvocationSetup,
  signal: AbortSignal,
  enabled: { slashCommands: boolean },
): Promise<ExpandedPrompt> {
  let expanded: ExpandedPrompt = { ok: true, text: prompt };
  if (enabled.slashCommands) {
    const outcome = await expandSlashPrompt(prompt, ext.skills, invocation, signal);
    if (outcome.kind === "failed") return { ok: false, message: outcome.message };
    if (outcome.kind === "expanded") {
      const model = outcome.model && outcome.model !== "inherit" ? agentModel(invocation.agent, outcome.model, invocation.env) : undefined;
      expanded = { ok: true, text: outcome.text, ...(model ? { model } : {}) };
    } else {
      expanded = (await mcpPrompt(prompt, ext)) ?? expanded;
    }
  }
  if (!expanded.ok || !ext.mcp) return expanded;
  const { expandResourceMentions } = await import("./mcp-prompts.ts");
  const attached = await expandResourceMentions(expanded.text, ext.mcp);
  for (const warning of attached.warnings) invocation.warn(warning);
  return { ...expanded, text: attached.text };
}
