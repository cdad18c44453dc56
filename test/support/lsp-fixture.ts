// A small TypeScript project for the LSP tests, served by the real typescript-language-server from the
// repository's node_modules. The server needs a tsserver: the project's node_modules/typescript points at
// typescript-tsserver (typescript@6, which ships lib/tsserver.js; the repository's own typescript is the
// native v7 without it). node_modules/.bin holds the server, so hone's built-in lookup finds it there.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
  symlinkSync(TS_LANGUAGE_SERVER, join(root, "node_modules", ".bin", "typescript-language-server"));
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
