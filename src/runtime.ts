// The only place Bun-specific APIs are touched. Everything else uses web-standard and node: APIs so the
// same source runs under Deno. Each function here has a portable fallback.
interface BunLike {
  Glob: new (pattern: string) => {
    scan(opts: { cwd: string; dot?: boolean; onlyFiles?: boolean; followSymlinks?: boolean }): AsyncIterable<string>;
  };
  embeddedFiles?: ReadonlyArray<Blob>;
}

export function bunRuntime(): BunLike | undefined {
  return (globalThis as unknown as { Bun?: BunLike }).Bun;
}

/**
 * A full garbage collection where the runtime offers one (Bun); elsewhere nothing. Long sessions call it
 * now and then: the engine otherwise lets dead request bodies pile up and the peak memory doubles.
 */
export function collectGarbage(): void {
  const gc = (globalThis as unknown as { Bun?: { gc?: (force: boolean) => void } }).Bun?.gc;
  if (typeof gc === "function") gc(true);
}

/**
 * Gives memory the engine holds but no longer uses back to the system where the runtime can (Bun's
 * shrink); elsewhere a full collection at most. For idle moments: it costs more than a collection.
 */
export function releaseMemory(): void {
  collectGarbage();
  const shrink = (globalThis as unknown as { Bun?: { shrink?: () => void } }).Bun?.shrink;
  if (typeof shrink === "function") shrink();
}
