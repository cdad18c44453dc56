// The only place Bun-specific APIs are touched. Everything else uses web-standard and node: APIs so the
// same source runs under Deno. Each function here has a portable fallback.
type BunGlobal = {
  Glob: new (pattern: string) => { scan(opts: { cwd: string; dot?: boolean; onlyFiles?: boolean; followSymlinks?: boolean }): AsyncIterable<string> };
  embeddedFiles?: ReadonlyArray<Blob & { name: string }>;
};

export function bun(): BunGlobal | undefined {
  return (globalThis as { Bun?: BunGlobal }).Bun;
}

export const isBun = bun() !== undefined;
