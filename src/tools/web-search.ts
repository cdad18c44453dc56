// WebSearch: asks the session's search (the provider's server-side search or a configured backend) and
// lists the hits for the model, with the domain filters applied once more on our side.
import { z } from "zod";
import type { WebSearchHit, WebSearchRequest } from "../session-state.ts";
import { defineTool, ToolError } from "../tool.ts";
import { normalizeDomain, urlInDomains } from "../web-url.ts";
import { SEARCH_URL_ENV } from "../web-search-searxng.ts";

const description = `Searches the web and returns the top results: title, URL and a short snippet for each (not whole pages; use WebFetch to read one). Use it for anything recent or that you are unsure of, such as current versions, release notes, or error messages.
- query: what to search for, at least 2 characters.
- allowed_domains keeps only results from those sites; blocked_domains drops results from them. Subdomains count (docs.python.org is in python.org). Give one list or the other, not both.
- When you use the results in your answer, cite the pages you relied on as markdown links: [title](url).`;

const domainList = z.array(z.string().min(1));

/** Drops hits outside allowed_domains or inside blocked_domains (backends do not all honour them). */
export function filterHits(hits: readonly WebSearchHit[], request: WebSearchRequest): WebSearchHit[] {
  const allowed = request.allowed_domains ?? [];
  const blocked = request.blocked_domains ?? [];
  return hits.filter((hit) => (allowed.length === 0 || urlInDomains(hit.url, allowed)) && !urlInDomains(hit.url, blocked));
}

/** One line of plain text for a snippet: backends send HTML-free but newline-laden excerpts. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function formatHits(query: string, hits: readonly WebSearchHit[]): string {
  if (hits.length === 0) return `No results for "${query}". Try other words, or fewer domain filters.`;
  const items = hits.map((hit, i) => {
    const lines = [`${i + 1}. ${oneLine(hit.title) || hit.url}`, `   ${hit.url}`];
    if (hit.pageAge) lines.push(`   Age: ${oneLine(hit.pageAge)}`);
    if (hit.snippet) lines.push(`   ${oneLine(hit.snippet)}`);
    return lines.join("\n");
  });
  return [
    `Web search results for "${query}":`,
    "",
    items.join("\n\n"),
    "",
    "Cite the results you use as markdown links, e.g. [title](url). To read a page, call WebFetch with its URL.",
  ].join("\n");
}

/** Bare host names ("https://www.x.com/" -> "x.com"), or undefined for an empty list. */
function domains(list: string[] | undefined): string[] | undefined {
  const names = [...new Set((list ?? []).map(normalizeDomain).filter((d) => d !== ""))];
  return names.length > 0 ? names : undefined;
}

export const NO_SEARCH_MESSAGE =
  `Web search is not available: this provider has no server-side search and no search backend is configured. ` +
  `To enable it, set ${SEARCH_URL_ENV} (or the webSearch.url setting) to a SearXNG-compatible server, e.g. http://localhost:8888, ` +
  `whose JSON output is enabled. Until then, use WebFetch on a URL you know.`;

export const webSearchTool = defineTool({
  name: "WebSearch",
  description,
  // Not read-only: searches leave the machine, so the WebSearch permission rule applies.
  readOnly: false,
  input: z.object({
    query: z.string().min(2, "query must be at least 2 characters").describe("The search query"),
    allowed_domains: domainList.optional().describe("Only return results from these domains"),
    blocked_domains: domainList.optional().describe("Never return results from these domains"),
  }),
  async run(input, ctx) {
    const allowed = domains(input.allowed_domains);
    const blocked = domains(input.blocked_domains);
    if (allowed && blocked) {
      throw new ToolError("allowed_domains and blocked_domains cannot be used together: give one list or the other.");
    }
    const search = ctx.session.webSearch;
    if (!search) throw new ToolError(NO_SEARCH_MESSAGE);
    const request: WebSearchRequest = { query: input.query.trim() };
    if (allowed) request.allowed_domains = allowed;
    if (blocked) request.blocked_domains = blocked;
    const started = performance.now();
    let hits: WebSearchHit[];
    try {
      hits = filterHits(await search(request, ctx.signal), request);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ToolError(`Web search failed: ${message}`);
    }
    return {
      content: formatHits(request.query, hits),
      structured: { query: request.query, results: hits, durationSeconds: (performance.now() - started) / 1000 },
    };
  },
});
