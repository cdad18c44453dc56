// ToolSearch: deferred tools (MCP) are listed by name in this tool's description; searching or selecting
// them loads their full schema into the session (session.loadedTools), so the agent sends it from the
// next request on.
import { z } from "zod";
import { defineTool, toolSchema, type Tool } from "../tool.ts";

const DEFAULT_RESULTS = 5;
const SUMMARY_LIMIT = 100;

/** First sentence (or line) of a description, capped for the listing. */
export function summaryOf(description: string): string {
  const line = description.trim().split("\n")[0]?.trim() ?? "";
  const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.length > SUMMARY_LIMIT ? `${sentence.slice(0, SUMMARY_LIMIT - 1).trimEnd()}…` : sentence;
}

export function toolSearchDescription(deferred: Tool[]): string {
  const intro =
    "Loads tools that are listed here by name only. Their parameters are unknown until loaded, so they cannot be " +
    'called before. Pass `select:Name1,Name2` to load exact names, or keywords to search names and descriptions ("+word" makes a word required). ' +
    "Loaded tools can be called from your next turn.";
  if (deferred.length === 0) return `${intro}\n\nNo tools are waiting to be loaded.`;
  const list = deferred.map((t) => `- ${t.name}: ${summaryOf(t.description)}`).join("\n");
  return `${intro}\n\nTools available to load:\n${list}`;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Higher is better; 0 means no match. Name hits outweigh description hits. */
function score(tool: Tool, terms: string[], required: string[]): number {
  const name = tool.name.toLowerCase();
  const nameWords = new Set(words(tool.name));
  const description = tool.description.toLowerCase();
  const hit = (term: string) => name.includes(term) || description.includes(term);
  if (!required.every(hit)) return 0;
  let total = 0;
  for (const term of [...required, ...terms]) {
    if (nameWords.has(term)) total += 10;
    else if (name.includes(term)) total += 6;
    if (new RegExp(`\\b${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`).test(description)) total += 2;
    else if (description.includes(term)) total += 1;
  }
  return total;
}

export function searchTools(tools: Tool[], query: string, max: number): Tool[] {
  const trimmed = query.trim();
  if (trimmed.toLowerCase().startsWith("select:")) {
    const names = trimmed.slice("select:".length).split(",").map((n) => n.trim()).filter(Boolean);
    return names.flatMap((n) => {
      const tool = tools.find((t) => t.name === n) ?? tools.find((t) => t.name.toLowerCase() === n.toLowerCase());
      return tool ? [tool] : [];
    });
  }
  const exact = tools.find((t) => t.name === trimmed);
  if (exact) return [exact];
  const raw = trimmed.toLowerCase().split(/\s+/).filter(Boolean);
  const required = raw.filter((w) => w.startsWith("+") && w.length > 1).map((w) => w.slice(1));
  const terms = raw.filter((w) => !w.startsWith("+")).flatMap((w) => (words(w).length > 1 ? [w, ...words(w)] : words(w)));
  if (terms.length === 0 && required.length === 0) return [];
  return tools
    .map((tool) => ({ tool, score: score(tool, terms, required) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name))
    .slice(0, max)
    .map((r) => r.tool);
}

/** `deferred` is read on every use, so the description always lists the current deferred tools. */
export function createToolSearchTool(deferred: () => Tool[]): Tool {
  const tool = defineTool({
    name: "ToolSearch",
    description: "",
    readOnly: true,
    input: z.object({
      query: z.string().describe('"select:Name1,Name2" for exact names, or keywords'),
      max_results: z.number().int().min(1).max(50).optional().describe(`How many matches to load (default ${DEFAULT_RESULTS})`),
    }),
    async run(input, ctx) {
      const available = deferred();
      const found = searchTools(available, input.query, input.max_results ?? DEFAULT_RESULTS);
      if (found.length === 0) {
        const hint = available.length === 0 ? "There are no deferred tools." : "Try other keywords, or select: with names from the list in this tool's description.";
        return { content: `No tool matched "${input.query}". ${hint}`, structured: { matches: [], query: input.query, total_deferred_tools: available.length } };
      }
      for (const t of found) ctx.session.loadedTools.add(t.name);
      const blocks = found.map((t) => {
        const schema = toolSchema(t);
        return `<tool name="${t.name}">\n${t.description}\nInput schema: ${JSON.stringify(schema.input_schema)}\n</tool>`;
      });
      const names = found.map((t) => t.name);
      const text = `Loaded ${names.length} tool(s): ${names.join(", ")}. You can call them from your next turn.\n\n${blocks.join("\n\n")}`;
      return { content: text, structured: { matches: names, query: input.query, total_deferred_tools: available.length } };
    },
  });
  // The listing changes with the servers that connected, so the description is computed when read.
  return Object.defineProperty({ ...tool }, "description", { get: () => toolSearchDescription(deferred()), enumerable: true });
}
