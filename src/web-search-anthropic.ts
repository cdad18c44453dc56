// WebSearch through the Anthropic API's server-side search tool: one small non-streaming request in which
// the model runs a single search; we keep the search results and drop the model's prose.
import type Anthropic from "@anthropic-ai/sdk";
import type { WebSearchHit, WebSearchRequest } from "./session-state.ts";

export type MessagesClient = Pick<Anthropic, "messages">;

const MAX_TOKENS = 1024;

const ERROR_TEXT: Record<string, string> = {
  invalid_tool_input: "the search query was rejected as invalid",
  unavailable: "the search service is unavailable right now",
  max_uses_exceeded: "the search limit for this request was reached",
  too_many_requests: "too many searches; try again shortly",
  query_too_long: "the query is too long; shorten it",
  request_too_large: "the request is too large",
};

/** The server tool definition, with the domain filters when given. */
export function webSearchServerTool(request: WebSearchRequest): Anthropic.Messages.WebSearchTool20250305 {
  const tool: Anthropic.Messages.WebSearchTool20250305 = { type: "web_search_20250305", name: "web_search", max_uses: 1 };
  if (request.allowed_domains?.length) tool.allowed_domains = request.allowed_domains;
  if (request.blocked_domains?.length) tool.blocked_domains = request.blocked_domains;
  return tool;
}

/** The hits of every web_search_tool_result block; a search error becomes a thrown Error. */
export function hitsFromMessage(message: Pick<Anthropic.Messages.Message, "content">): WebSearchHit[] {
  const hits: WebSearchHit[] = [];
  let searched = false;
  for (const block of message.content) {
    if (block.type !== "web_search_tool_result") continue;
    searched = true;
    if (!Array.isArray(block.content)) {
      const code = block.content.error_code;
      throw new Error(`the Anthropic web search failed: ${ERROR_TEXT[code] ?? "unknown error"} (${code})`);
    }
    for (const result of block.content) {
      const hit: WebSearchHit = { title: result.title || result.url, url: result.url };
      if (result.page_age) hit.pageAge = result.page_age;
      hits.push(hit);
    }
  }
  if (!searched) throw new Error("the model answered without running a search; try rephrasing the query");
  return hits;
}

export async function anthropicWebSearch(
  client: MessagesClient,
  model: string,
  request: WebSearchRequest,
  signal: AbortSignal,
): Promise<WebSearchHit[]> {
  const message = await client.messages.create(
    {
      model,
      max_tokens: MAX_TOKENS,
      tools: [webSearchServerTool(request)],
      messages: [{ role: "user", content: `Run one web search for this query, exactly as written: ${request.query}` }],
    },
    { signal },
  );
  return hitsFromMessage(message);
}
