// A search backend for providers without server-side search: any server speaking SearXNG's JSON API
// (GET <base>/search?q=...&format=json). Domain filters go into the query as site: terms, and WebSearch
// applies them again to the hits, since not every engine behind SearXNG honours them.
import type { WebSearchHit, WebSearchRequest } from "./session-state.ts";
import { VERSION } from "./version.ts";
import { urlInDomains } from "./web-url.ts";
import type { FetchLike } from "./web-page.ts";

export const SEARCH_URL_ENV = "HONE_SEARCH_URL";
const MAX_HITS = 10;

export type SearchBackend = (request: WebSearchRequest, signal: AbortSignal) => Promise<WebSearchHit[]>;

/** The query with the domain filters as site: / -site: terms. */
export function searchQuery(request: WebSearchRequest): string {
  const allowed = request.allowed_domains ?? [];
  const blocked = request.blocked_domains ?? [];
  const terms = [request.query];
  if (allowed.length > 0) terms.push(allowed.map((d) => `site:${d}`).join(" OR "));
  for (const d of blocked) terms.push(`-site:${d}`);
  return terms.join(" ");
}

/** <base>/search, accepting a base that already ends in /search. */
export function searchEndpoint(baseUrl: string, request: WebSearchRequest): URL {
  const url = new URL(baseUrl);
  if (!url.pathname.replace(/\/+$/, "").endsWith("/search")) url.pathname = `${url.pathname.replace(/\/+$/, "")}/search`;
  url.searchParams.set("q", searchQuery(request));
  url.searchParams.set("format", "json");
  return url;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** results[].{title, url, content, publishedDate} -> hits, filtered by domain and capped. */
export function parseSearxng(body: unknown, request: WebSearchRequest): WebSearchHit[] {
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw new Error("the search backend's answer has no results list (is it a SearXNG JSON endpoint?)");
  const allowed = request.allowed_domains ?? [];
  const blocked = request.blocked_domains ?? [];
  const hits: WebSearchHit[] = [];
  for (const raw of results as Array<Record<string, unknown>>) {
    const url = text(raw?.url);
    if (!url || !/^https?:\/\//i.test(url)) continue;
    if (allowed.length > 0 && !urlInDomains(url, allowed)) continue;
    if (urlInDomains(url, blocked)) continue;
    const hit: WebSearchHit = { title: text(raw.title) ?? url, url };
    const snippet = text(raw.content);
    if (snippet) hit.snippet = snippet;
    const age = text(raw.publishedDate);
    if (age) hit.pageAge = age;
    hits.push(hit);
    if (hits.length >= MAX_HITS) break;
  }
  return hits;
}

export async function searxngSearch(
  baseUrl: string,
  request: WebSearchRequest,
  signal: AbortSignal,
  fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init),
): Promise<WebSearchHit[]> {
  const endpoint = searchEndpoint(baseUrl, request);
  const response = await fetchImpl(endpoint, { headers: { Accept: "application/json", "User-Agent": `hone/${VERSION}` }, signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const hint = response.status === 403 ? " (SearXNG answers 403 when json is missing from search.formats in its settings.yml)" : "";
    throw new Error(`the search backend at ${endpoint.origin} answered HTTP ${response.status}${hint}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the search backend at ${endpoint.origin} did not answer JSON`);
  }
  return parseSearxng(body, request);
}

/** A backend for session.webSearch searching the SearXNG-compatible server at `baseUrl`. */
export function searxngBackend(baseUrl: string): SearchBackend {
  return (request, signal) => searxngSearch(baseUrl, request, signal);
}

/** The backend named by HONE_SEARCH_URL, or undefined when it is unset or not an http(s) URL. */
export function searchBackendFromEnv(env: Record<string, string | undefined>): SearchBackend | undefined {
  const base = env[SEARCH_URL_ENV]?.trim();
  if (!base || !/^https?:\/\//i.test(base)) return undefined;
  try {
    new URL(base);
  } catch {
    return undefined;
  }
  return searxngBackend(base);
}
