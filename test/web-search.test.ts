import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { WebSearchRequest } from "../src/session-state.ts";
import { webSearchTool } from "../src/tools/web-search.ts";
import { anthropicWebSearch } from "../src/web-search-anthropic.ts";
import { searchBackendFromEnv, searchQuery, searxngSearch } from "../src/web-search-searxng.ts";
import { harness } from "./support/tool-harness.ts";
import { SEARCH_RESULTS, startWebServer, type WebServer } from "./support/web-server.ts";

let server: WebServer;
beforeAll(() => {
  server = startWebServer();
});
afterAll(async () => {
  await server.stop();
});

function withEnvBackend() {
  const h = harness();
  const backend = searchBackendFromEnv({ HONE_SEARCH_URL: server.url });
  if (!backend) throw new Error("expected a backend");
  h.state.webSearch = backend;
  return h;
}

describe("WebSearch with a SearXNG-compatible backend", () => {
  test("the env var selects the backend; results come back as a numbered list with a citation note", async () => {
    expect(searchBackendFromEnv({})).toBeUndefined();
    expect(searchBackendFromEnv({ HONE_SEARCH_URL: "  " })).toBeUndefined();
    expect(searchBackendFromEnv({ HONE_SEARCH_URL: "not a url" })).toBeUndefined();
    const h = withEnvBackend();
    const r = await h.call(webSearchTool, { query: "http server javascript" });
    expect(r.isError).toBeUndefined();
    const sent = server.searches.at(-1);
    expect(sent?.get("q")).toBe("http server javascript");
    expect(sent?.get("format")).toBe("json");
    expect(r.text).toContain('Web search results for "http server javascript"');
    expect(r.text).toContain("1. Bun.serve docs\n   https://bun.sh/docs/api/http\n   Age: 2025-01-02\n   Start an HTTP server with Bun.serve.");
    expect(r.text).toContain("3. Deno serve");
    expect(r.text).toContain("Deno.serve starts a server.");
    expect(r.text).toContain("4. A blog post");
    expect(r.text).toContain("markdown links");
    const structured = r.structured as { query: string; results: unknown[] };
    expect(structured.query).toBe("http server javascript");
    expect(structured.results).toHaveLength(SEARCH_RESULTS.length);
  });

  test("allowed_domains: sent as site: terms and applied to the hits, subdomains included", async () => {
    const h = withEnvBackend();
    const r = await h.call(webSearchTool, { query: "serve", allowed_domains: ["bun.sh", "deno.com"] });
    expect(server.searches.at(-1)?.get("q")).toBe("serve site:bun.sh OR site:deno.com");
    expect(r.text).toContain("https://bun.sh/docs/api/http");
    expect(r.text).toContain("https://docs.deno.com/runtime/fundamentals/http_server/");
    expect(r.text).not.toContain("nodejs.org");
    expect(r.text).not.toContain("example-blog");
  });

  test("blocked_domains: sent as -site: terms and applied to the hits (www. and subdomains count)", async () => {
    const h = withEnvBackend();
    const r = await h.call(webSearchTool, { query: "serve", blocked_domains: ["www.example-blog.com", "https://nodejs.org/"] });
    expect(server.searches.at(-1)?.get("q")).toBe("serve -site:example-blog.com -site:nodejs.org");
    expect(r.text).not.toContain("example-blog");
    expect(r.text).not.toContain("nodejs.org");
    expect(r.text).toContain("1. Bun.serve docs");
    expect(r.text).toContain("2. Deno serve");
  });

  test("filters are applied again when a backend ignores them", async () => {
    const h = harness();
    const seen: WebSearchRequest[] = [];
    h.state.webSearch = async (request) => {
      seen.push(request);
      return SEARCH_RESULTS.map((r) => ({ title: r.title, url: r.url }));
    };
    const r = await h.call(webSearchTool, { query: "serve", allowed_domains: ["nodejs.org"] });
    expect(seen[0]).toEqual({ query: "serve", allowed_domains: ["nodejs.org"] });
    expect(r.text).toContain("1. Node http module");
    expect(r.text).not.toContain("2.");
  });

  test("allowed and blocked domains together are refused before any search", async () => {
    const h = withEnvBackend();
    const count = server.searches.length;
    const r = await h.call(webSearchTool, { query: "serve", allowed_domains: ["bun.sh"], blocked_domains: ["nodejs.org"] });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("allowed_domains and blocked_domains cannot be used together");
    expect(server.searches.length).toBe(count);
  });

  test("without a search backend the error says how to configure one", async () => {
    const r = await harness().call(webSearchTool, { query: "anything" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Web search is not available");
    expect(r.text).toContain("HONE_SEARCH_URL");
    expect(r.text).toContain("webSearch.url");
  });

  test("a one-character query is rejected", async () => {
    const r = await withEnvBackend().call(webSearchTool, { query: "x" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("at least 2 characters");
  });

  test("a backend HTTP failure becomes a clear tool error", async () => {
    const h = harness();
    h.state.webSearch = (request, signal) => searxngSearch(`${server.url}/missing`, request, signal);
    const r = await h.call(webSearchTool, { query: "serve" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("Web search failed");
    expect(r.text).toContain("HTTP 404");
  });

  test("searchQuery leaves a plain query alone", () => {
    expect(searchQuery({ query: "rust borrow checker" })).toBe("rust borrow checker");
  });
});

describe("Anthropic server-side web search", () => {
  interface Captured {
    path: string;
    body: Record<string, unknown>;
  }
  let api: ReturnType<typeof Bun.serve>;
  const captured: Captured[] = [];
  let mode: "ok" | "error" = "ok";

  beforeAll(() => {
    api = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const body = (await req.json()) as Record<string, unknown>;
        captured.push({ path: new URL(req.url).pathname, body });
        const tools = body.tools as Array<Record<string, unknown>> | undefined;
        if (tools?.[0]?.type !== "web_search_20250305") {
          return Response.json({ type: "error", error: { type: "invalid_request_error", message: "no server tool" } }, { status: 400 });
        }
        const toolUse = { type: "server_tool_use", id: "srvtoolu_01ABC", name: "web_search", input: { query: "bun serve docs" } };
        const result =
          mode === "error"
            ? { type: "web_search_tool_result", tool_use_id: "srvtoolu_01ABC", content: { type: "web_search_tool_result_error", error_code: "too_many_requests" } }
            : {
                type: "web_search_tool_result",
                tool_use_id: "srvtoolu_01ABC",
                content: [
                  { type: "web_search_result", title: "HTTP server – Bun", url: "https://bun.sh/docs/api/http", encrypted_content: "EqgfCioIARgBIiQ3", page_age: "2 days ago" },
                  { type: "web_search_result", title: "Bun.serve reference", url: "https://bun.sh/reference/bun/serve", encrypted_content: "EpwBCioIARgBIiQ4", page_age: null },
                ],
              };
        return Response.json({
          id: "msg_01XYZ",
          type: "message",
          role: "assistant",
          model: body.model,
          content: [
            toolUse,
            result,
            { type: "text", text: "Bun.serve starts an HTTP server.", citations: [{ type: "web_search_result_location", url: "https://bun.sh/docs/api/http", title: "HTTP server – Bun", encrypted_index: "Eo8B", cited_text: "Bun.serve" }] },
          ],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 2113, output_tokens: 48, server_tool_use: { web_search_requests: 1 } },
        });
      },
    });
  });
  afterAll(async () => {
    await api.stop(true);
  });

  function client(): Anthropic {
    return new Anthropic({ apiKey: "test", baseURL: `http://127.0.0.1:${api.port}`, maxRetries: 0 });
  }

  test("one request carries the server tool with the filters; the results become hits", async () => {
    mode = "ok";
    const hits = await anthropicWebSearch(client(), "claude-haiku-4-5", { query: "bun serve docs", allowed_domains: ["bun.sh"] }, new AbortController().signal);
    const request = captured.at(-1);
    expect(request?.path).toBe("/v1/messages");
    expect(request?.body.model).toBe("claude-haiku-4-5");
    expect(request?.body.stream).toBeUndefined();
    expect(request?.body.tools).toEqual([{ type: "web_search_20250305", name: "web_search", max_uses: 1, allowed_domains: ["bun.sh"] }]);
    expect(JSON.stringify(request?.body.messages)).toContain("bun serve docs");
    expect(hits).toEqual([
      { title: "HTTP server – Bun", url: "https://bun.sh/docs/api/http", pageAge: "2 days ago" },
      { title: "Bun.serve reference", url: "https://bun.sh/reference/bun/serve" },
    ]);
  });

  test("through the tool: hits listed; a search error is a clear tool error", async () => {
    const h = harness();
    h.state.webSearch = (request, signal) => anthropicWebSearch(client(), "claude-haiku-4-5", request, signal);
    mode = "ok";
    const ok = await h.call(webSearchTool, { query: "bun serve docs", blocked_domains: ["example.com"] });
    expect(captured.at(-1)?.body.tools).toEqual([{ type: "web_search_20250305", name: "web_search", max_uses: 1, blocked_domains: ["example.com"] }]);
    expect(ok.text).toContain("1. HTTP server – Bun\n   https://bun.sh/docs/api/http\n   Age: 2 days ago");
    expect(ok.text).toContain("2. Bun.serve reference");
    mode = "error";
    const failed = await h.call(webSearchTool, { query: "bun serve docs" });
    expect(failed.isError).toBe(true);
    expect(failed.text).toContain("too many searches");
    expect(failed.text).toContain("too_many_requests");
  });
});
