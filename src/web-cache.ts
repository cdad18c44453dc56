// WebFetch's page cache: converted pages kept for 15 minutes by URL, so a second question about the same
// page does not download it again. Bounded in total size; the oldest entries go first.
import type { FetchedPage } from "./web-page.ts";

export const PAGE_TTL_MS = 15 * 60_000;
export const PAGE_CACHE_MAX_CHARS = 50 * 1024 * 1024;

export interface CachedPage {
  page: FetchedPage;
  fetchedAt: number;
}

export interface PageCacheOptions {
  ttlMs?: number;
  /** Bound on the cached text, in characters, over all entries. */
  maxChars?: number;
  now?: () => number;
}

function weight(page: FetchedPage): number {
  return page.text.length + page.url.length + page.requestedUrl.length + 200;
}

export class PageCache {
  readonly #entries = new Map<string, CachedPage>();
  readonly #ttlMs: number;
  readonly #maxChars: number;
  readonly now: () => number;
  #size = 0;

  constructor(options: PageCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? PAGE_TTL_MS;
    this.#maxChars = options.maxChars ?? PAGE_CACHE_MAX_CHARS;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(url: string): CachedPage | undefined {
    const entry = this.#entries.get(url);
    if (!entry) return undefined;
    if (this.now() - entry.fetchedAt >= this.#ttlMs) {
      this.#delete(url);
      return undefined;
    }
    return entry;
  }

  set(url: string, page: FetchedPage): void {
    this.#delete(url);
    const size = weight(page);
    if (size > this.#maxChars) return;
    this.#entries.set(url, { page, fetchedAt: this.now() });
    this.#size += size;
    // Map keeps insertion order, so the first key is the oldest entry.
    for (const oldest of this.#entries.keys()) {
      if (this.#size <= this.#maxChars) break;
      this.#delete(oldest);
    }
  }

  #delete(url: string): void {
    const entry = this.#entries.get(url);
    if (!entry) return;
    this.#entries.delete(url);
    this.#size -= weight(entry.page);
  }
}
