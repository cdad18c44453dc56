// MCP prompts as slash commands (`/mcp__<server>__<prompt> args`) and `@server:scheme://path` resource
// mentions in user prompts.
//
// Arguments: the text after the command is split on whitespace ("double" or 'single' quotes keep spaces
// together) and the words fill the prompt's declared arguments in order; when there are more words than
// arguments, the last argument takes all the remaining words (joined by spaces). Extra words for a
// prompt without arguments are ignored. A missing required argument is an error naming it.
import type { GetPromptResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpManager } from "./mcp.ts";
import { blocksToParts, embeddedText, mcpToolName } from "./mcp-tools.ts";
import { errorText } from "./mcp-errors.ts";
import { splitArgs } from "./command-expand.ts";
import { truncateHead } from "./truncate.ts";

export interface PromptArgumentInfo {
  name: string;
  description?: string;
  required: boolean;
}

export interface PromptCommand {
  /** Without the slash: `mcp__<server>__<prompt>`. */
  name: string;
  server: string;
  prompt: string;
  description: string;
  arguments: PromptArgumentInfo[];
  /** For listings: `<city> [state]` (required in angle brackets, optional in square ones). */
  argumentHint: string;
}

export function promptCommands(manager: Pick<McpManager, "prompts">): PromptCommand[] {
  return manager.prompts().map(({ server, key, prompt }) => {
    const args = (prompt.arguments ?? []).map((a) => ({
      name: a.name,
      ...(a.description ? { description: a.description } : {}),
      required: a.required === true,
    }));
    return {
      name: mcpToolName(key, prompt.name),
      server,
      prompt: prompt.name,
      description: (prompt.description ?? prompt.title ?? "").trim(),
      arguments: args,
      argumentHint: args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" "),
    };
  });
}

/** The prompt's messages as one text: user messages as they are, other roles labelled. */
export function promptText(result: GetPromptResult): string {
  const onlyUser = result.messages.every((m) => m.role === "user");
  return result.messages
    .map((m) => {
      const body = blocksToParts([m.content])
        .map((p) => (p.type === "text" ? p.text : "[image not shown]"))
        .join("\n");
      return onlyUser ? body : `[${m.role}]\n${body}`;
    })
    .join("\n\n");
}

/**
 * Expands `/mcp__server__prompt args` (the slash is optional in commandName). Returns undefined when
 * no MCP prompt has that name; throws with a usage line when a required argument is missing.
 */
export async function expandPromptCommand(
  manager: Pick<McpManager, "prompts" | "getPrompt">,
  commandName: string,
  argsText: string,
): Promise<string | undefined> {
  const name = commandName.replace(/^\//, "");
  const command = promptCommands(manager).find((c) => c.name === name);
  if (!command) return undefined;
  const words = splitArgs(argsText);
  const declared = command.arguments;
  const args: Record<string, string> = {};
  declared.forEach((arg, i) => {
    const value = i === declared.length - 1 ? words.slice(i).join(" ") : words[i];
    if (value !== undefined && value !== "") args[arg.name] = value;
  });
  const missing = declared.filter((a) => a.required && args[a.name] === undefined).map((a) => a.name);
  if (missing.length > 0) {
    throw new Error(`/${name} needs the argument${missing.length > 1 ? "s" : ""} ${missing.join(", ")}. Usage: /${name} ${command.argumentHint}`);
  }
  let result: GetPromptResult;
  try {
    result = await manager.getPrompt(command.server, command.prompt, args);
  } catch (error) {
    throw new Error(`/${name} failed: ${errorText(error)}`);
  }
  return promptText(result);
}

const MENTION = /(^|[\s(])@([A-Za-z0-9_.-]+):([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s]+)/g;

export interface ResourceMention {
  server: string;
  uri: string;
}

/** `@server:scheme://path` mentions, in order, without duplicates (trailing punctuation is not part of the URI). */
export function findResourceMentions(text: string): ResourceMention[] {
  const seen = new Set<string>();
  const found: ResourceMention[] = [];
  for (const m of text.matchAll(MENTION)) {
    const server = m[2] ?? "";
    const uri = (m[3] ?? "").replace(/[.,;:!?)\]}'"]+$/, "");
    const id = `${server}\n${uri}`;
    if (seen.has(id)) continue;
    seen.add(id);
    found.push({ server, uri });
  }
  return found;
}

/**
 * Reads each mentioned resource and appends its contents in a delimited block after the text. A mention
 * that cannot be read (unknown server, failed read) becomes a warning and the text is left as is.
 */
export async function expandResourceMentions(
  text: string,
  manager: Pick<McpManager, "readResource" | "maxOutputTokens">,
): Promise<{ text: string; warnings: string[] }> {
  const mentions = findResourceMentions(text);
  if (mentions.length === 0) return { text, warnings: [] };
  const warnings: string[] = [];
  const maxChars = manager.maxOutputTokens * 4;
  const blocks = await Promise.all(
    mentions.map(async ({ server, uri }) => {
      try {
        const result = await manager.readResource(server, uri);
        const body = result.contents.map((c) => ("text" in c && typeof c.text === "string" ? c.text : embeddedText(c))).join("\n");
        const cut = truncateHead(body, { maxLines: Number.MAX_SAFE_INTEGER, maxChars });
        const note = cut.truncated ? `\n[Resource truncated: ${body.length - cut.text.length} more characters not shown]` : "";
        return `<mcp-resource server="${server}" uri="${uri}">\n${cut.text}${note}\n</mcp-resource>`;
      } catch (error) {
        warnings.push(`Could not attach @${server}:${uri}: ${errorText(error)}`);
        return undefined;
      }
    }),
  );
  const attached = blocks.filter((b): b is string => b !== undefined);
  if (attached.length === 0) return { text, warnings };
  return { text: `${text}\n\n${attached.join("\n\n")}`, warnings };
}
