// Well-known language servers hone uses when nothing is configured for a file type: looked up in the
// project's node_modules/.bin (node-based servers) and on PATH with stat calls only, no process spawned,
// since the check runs at startup to decide whether the LSP tool is offered.
import { extname, join } from "node:path";
import type { Env } from "./config-dir.ts";
import type { LspServerConfig } from "./lsp-config.ts";
import { findOnPath, isExecutableFile } from "./paths.ts";

interface Candidate {
  bin: string;
  args: string[];
}

interface BuiltinServer {
  name: string;
  /** Tried in order; the first one found is used. */
  candidates: Candidate[];
  extensionToLanguage: Record<string, string>;
  initializationOptions?: unknown;
}

const TS = "typescript";
const JS = "javascript";

export const BUILTIN_SERVERS: readonly BuiltinServer[] = [
  {
    name: "typescript",
    candidates: [{ bin: "typescript-language-server", args: ["--stdio"] }],
    extensionToLanguage: { ".ts": TS, ".mts": TS, ".cts": TS, ".tsx": "typescriptreact", ".js": JS, ".mjs": JS, ".cjs": JS, ".jsx": "javascriptreact" },
    // Without the separate syntax server, answers wait for the project instead of covering one file only.
    initializationOptions: { tsserver: { useSyntaxServer: "never" } },
  },
  {
    name: "python",
    candidates: [
      { bin: "pyright-langserver", args: ["--stdio"] },
      { bin: "pylsp", args: [] },
    ],
    extensionToLanguage: { ".py": "python", ".pyi": "python" },
  },
  { name: "go", candidates: [{ bin: "gopls", args: [] }], extensionToLanguage: { ".go": "go" } },
  { name: "rust", candidates: [{ bin: "rust-analyzer", args: [] }], extensionToLanguage: { ".rs": "rust" } },
  {
    name: "clangd",
    candidates: [{ bin: "clangd", args: [] }],
    extensionToLanguage: { ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp" },
  },
];

function executableNames(bin: string): string[] {
  return process.platform === "win32" ? [`${bin}.cmd`, `${bin}.exe`, bin] : [bin];
}

function locate(bin: string, root: string | undefined, env: Env): string | undefined {
  const local = root === undefined ? undefined : executableNames(bin).map((name) => join(root, "node_modules", ".bin", name)).find(isExecutableFile);
  return local ?? findOnPath(executableNames(bin), env.PATH ?? "");
}

const cache = new Map<string, LspServerConfig[]>();

/**
 * The built-in servers installed here, as configs (source "built-in"); memoised per root and PATH.
 * `projectBins` false skips the project's node_modules/.bin: an untrusted folder's programs are not run.
 */
export function detectBuiltinServers(root: string, env: Env, projectBins = true): LspServerConfig[] {
  const key = `${projectBins ? root : ""}\0${env.PATH ?? ""}`;
  const held = cache.get(key);
  if (held) return held;
  const found: LspServerConfig[] = [];
  for (const server of BUILTIN_SERVERS) {
    for (const candidate of server.candidates) {
      const command = locate(candidate.bin, projectBins ? root : undefined, env);
      if (command === undefined) continue;
      const config: LspServerConfig = { name: server.name, command, args: candidate.args, extensionToLanguage: { ...server.extensionToLanguage }, env: {}, source: "built-in" };
      if (server.initializationOptions !== undefined) config.initializationOptions = server.initializationOptions;
      found.push(config);
      break;
    }
  }
  cache.set(key, found);
  return found;
}

/** The lower-case extension of a path (".ts"), or "" when it has none. */
export function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}

/** The first config claiming the file's extension (configured servers before built-in ones). */
export function serverFor(path: string, configs: readonly LspServerConfig[]): LspServerConfig | undefined {
  const ext = extensionOf(path);
  if (ext === "") return undefined;
  return configs.find((c) => Object.hasOwn(c.extensionToLanguage, ext));
}

export interface LspAvailabilityInputs {
  root: string;
  configs: readonly LspServerConfig[];
  env: Env;
  /** False for an untrusted folder: its node_modules/.bin is not looked in. */
  trusted?: boolean;
}

/** Cheap: true when some server is configured or a well-known one is installed (decides whether LSP is offered). */
export function lspAvailable(inputs: LspAvailabilityInputs): boolean {
  return inputs.configs.length > 0 || detectBuiltinServers(inputs.root, inputs.env, inputs.trusted !== false).length > 0;
}
