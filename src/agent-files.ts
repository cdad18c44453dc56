// Loads sub-agent definitions: markdown files whose frontmatter gives `name` (the identity, not the file
// name) and `description`, optional `tools`, `disallowedTools` and `model`; the body is the sub-agent's
// system prompt. Also parses the `--agents '<json>'` flag, where bad JSON is a usage error.
import { markdownFiles, readHead, BODY_LIMIT, formatSize } from "./extension-files.ts";
import type { AgentDef, LoadWarning } from "./extension-types.ts";
import { listField, parseMarkdown, textField } from "./frontmatter.ts";
import type { ExtensionOrigin } from "./skills.ts";
import { isPlain } from "./settings-parse.ts";

/** Claude Code's rule for agent names: lowercase letters, digits and hyphens (so never a ':'). */
export const AGENT_NAME = /^[a-z0-9][a-z0-9-]*$/;

const NAME_RULE = "use lowercase letters, digits and hyphens";

/** `tools: "*"` (or a list holding "*") means every tool, the same as leaving the field out. */
function toolList(list: string[] | undefined): string[] | undefined {
  return list === undefined || list.includes("*") ? undefined : list;
}

/** Loads one agent file; plugin agents are `plugin:name`, with subfolders in between (`plugin:sub:name`). */
export function loadAgentFile(file: string, subdirs: string[], origin: ExtensionOrigin, warnings: LoadWarning[]): AgentDef | undefined {
  const read = readHead(file, BODY_LIMIT);
  if (!read.ok) {
    warnings.push({ file, message: `${read.message}; skipped` });
    return undefined;
  }
  if (!read.head.complete) {
    warnings.push({ file, message: `is ${formatSize(read.head.size)}, over the ${formatSize(BODY_LIMIT)} limit for an agent file; skipped` });
    return undefined;
  }
  const parsed = parseMarkdown(read.head.text);
  if (!parsed.ok) {
    warnings.push({ file, ...(parsed.line === undefined ? {} : { line: parsed.line }), message: `${parsed.message}; agent skipped` });
    return undefined;
  }
  const { data, body, keyLines, hasFrontmatter } = parsed.value;
  const fail = (key: string, message: string) => {
    const line = keyLines[key];
    warnings.push({ file, ...(line === undefined ? {} : { line }), message });
  };
  if (!hasFrontmatter) {
    warnings.push({ file, line: 1, message: 'has no frontmatter; an agent file needs "name" and "description" between --- lines; skipped' });
    return undefined;
  }
  const name = textField(data, "name", fail);
  if (!name) {
    fail("name", 'missing required field "name"; agent skipped');
    return undefined;
  }
  if (!AGENT_NAME.test(name)) {
    fail("name", `invalid agent name ${JSON.stringify(name)} (${NAME_RULE}); agent skipped`);
    return undefined;
  }
  const description = textField(data, "description", fail);
  if (!description) {
    fail("description", `missing required field "description" for agent "${name}"; agent skipped`);
    return undefined;
  }
  const tools = toolList(listField(data, "tools", fail));
  const disallowed = listField(data, "disallowedTools", fail) ?? listField(data, "disallowed-tools", fail);
  const model = textField(data, "model", fail);
  return {
    name: origin.plugin === undefined ? name : [origin.plugin, ...subdirs, name].join(":"),
    // Single-line YAML descriptions often spell line breaks as a literal "\n".
    description: description.replace(/\\n/g, "\n"),
    ...(tools === undefined ? {} : { tools }),
    ...(disallowed === undefined ? {} : { disallowedTools: disallowed }),
    ...(model ? { model } : {}),
    prompt: body.trim(),
    scope: origin.scope,
    path: file,
    ...(origin.plugin === undefined ? {} : { plugin: origin.plugin }),
    frontmatter: data,
  };
}

/** Every agent file under `root`, recursively, in path order. */
export function scanAgents(root: string, origin: ExtensionOrigin, warnings: LoadWarning[]): AgentDef[] {
  return markdownFiles(root, warnings).flatMap(({ path, subdirs }) => loadAgentFile(path, subdirs, origin, warnings) ?? []);
}

/** A malformed `--agents` value: a usage error (exit 2) whose message names the problem. */
export class AgentsJsonError extends Error {
  override name = "AgentsJsonError";
}


function cliToolList(value: unknown, where: string, starMeansAll: boolean): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const warnings: string[] = [];
  const list = listField({ v: value }, "v", () => warnings.push("x"));
  if (warnings.length > 0 || list === undefined) throw new AgentsJsonError(`--agents: ${where} must be a list of tool names or a comma-separated string`);
  return starMeansAll ? toolList(list) : list;
}

function cliText(value: unknown, where: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new AgentsJsonError(`--agents: ${where} is required`);
    return undefined;
  }
  if (typeof value !== "string" || (required && value.trim() === "")) throw new AgentsJsonError(`--agents: ${where} must be ${required ? "a non-empty string" : "a string"}`);
  return value;
}

/** Parses `--agents '{"name": {"description", "prompt", "tools"?, "disallowedTools"?, "model"?}}'`. */
export function parseAgentsJson(text: string): AgentDef[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentsJsonError(`--agents: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isPlain(value)) throw new AgentsJsonError('--agents: expected a JSON object mapping agent names to {"description", "prompt"}');
  return Object.entries(value).map(([name, spec]) => {
    if (!AGENT_NAME.test(name)) throw new AgentsJsonError(`--agents: invalid agent name ${JSON.stringify(name)} (${NAME_RULE})`);
    if (!isPlain(spec)) throw new AgentsJsonError(`--agents: "${name}" must be an object with "description" and "prompt"`);
    const description = cliText(spec.description, `"${name}".description`, true) ?? "";
    const prompt = cliText(spec.prompt, `"${name}".prompt`, true) ?? "";
    const tools = cliToolList(spec.tools, `"${name}".tools`, true);
    const disallowed = cliToolList(spec.disallowedTools, `"${name}".disallowedTools`, false);
    const model = cliText(spec.model, `"${name}".model`, false);
    return {
      name,
      description,
      ...(tools === undefined ? {} : { tools }),
      ...(disallowed === undefined ? {} : { disallowedTools: disallowed }),
      ...(model ? { model } : {}),
      prompt,
      scope: "cli" as const,
      path: "",
      frontmatter: spec,
    };
  });
}
