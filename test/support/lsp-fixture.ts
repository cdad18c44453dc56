// A small TypeScript project for the LSP tests, served by the real typescript-language-server from the
// repository's node_modules. The server needs a tsserver: the project's node_modules/typescript points at
// typescript-tsserver (typescript@6, which ships lib/tsserver.js; the repository's own typescript is the
// native v7 without it). node_modules/.bin holds the server, so hone's built-in lookup finds it there.
// The server runs under node (v20 here, though its engines field asks for 22: it works) or else bun.
import { chmodSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findOnPath } from "../../src/paths.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TS_LANGUAGE_SERVER = join(REPO_ROOT, "node_modules", ".bin", "typescript-language-server");

export const B_TS = `export function greet(name: string): string {
  return \`hello \${name}\`;
}
`;

export const A_TS = `import { greet } from "./b";

export function main(): void {
  const message = greet("world");
  console.log(message);
}
`;

/** Writes tsconfig.json, src/a.ts (calls greet) and src/b.ts (defines it) and links the server in. */
export function writeTsProject(root: string): void {
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", noEmit: true }, include: ["src"] }));
  put("src/b.ts", B_TS);
  put("src/a.ts", A_TS);
  mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules", "typescript-tsserver"), join(root, "node_modules", "typescript"));
  const bin = join(root, "node_modules", ".bin", "typescript-language-server");
  if (findOnPath(["node"], process.env.PATH ?? "")) {
    symlinkSync(TS_LANGUAGE_SERVER, bin);
    return;
  }
  // Without node (its #! line needs it), the server runs under bun, which serves it as well.
  const cli = join(REPO_ROOT, "node_modules", "typescript-language-server", "lib", "cli.mjs");
  writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`);
  chmodSync(bin, 0o755);
}

/** Pids of processes working in `dir` (language servers run with the project as their cwd); Linux only. */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to inspect.
    }
  }
  return pids;
}

/** The parent pid of a process, from /proc/<pid>/stat. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}
