// One MCP server connection: builds the transport for a McpServerEntry (stdio child, streamable HTTP or
// SSE), runs the handshake and the first listings under one startup deadline, keeps the tail of the
// child's stderr for error reports, answers roots/list, and makes sure the child is gone after close.
import { readdirSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ListRootsRequestSchema,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type Tool as McpTool,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpServerEntry } from "./extension-types.ts";
import { describeFailure, errorText, TailBuffer } from "./mcp-errors.ts";
import { VERSION } from "./version.ts";

export interface ClientOptions {
  projectDir: string;
  /** Working directories given to servers that ask for roots. */
  roots: string[];
  env: Record<string, string | undefined>;
  /** Deadline for spawning, the handshake and the first listings together. */
  timeoutMs: number;
}

/** What a server offered when it connected. */
export interface ServerCatalog {
  tools: McpTool[];
  prompts: Prompt[];
  resources: Resource[];
  templates: ResourceTemplate[];
  instructions?: string;
  /** Listings that failed while the server itself worked (reported, not fatal). */
  warnings: string[];
}

/** How long a stdio child gets after stdin closes before SIGTERM, then before SIGKILL. */
const TERM_AFTER_MS = 400;
const KILL_AFTER_MS = 1500;

export function rootsFor(dirs: string[]): { uri: string; name: string }[] {
  return dirs.map((dir) => ({ uri: pathToFileURL(dir).href, name: basename(dir) || dir }));
}

/** Remembers the child's pid: the SDK forgets it as soon as closing starts, but we may still need to kill it. */
class TrackedStdioTransport extends StdioClientTransport {
  spawnedPid: number | undefined;
  /** Why spawning failed (command not found, not executable...). */
  startError: unknown;
  override async start(): Promise<void> {
    try {
      await super.start();
    } catch (error) {
      this.startError = error;
      throw error;
    }
    this.spawnedPid = this.pid ?? undefined;
  }
}

function childEnv(entryEnv: Record<string, string>, opts: ClientOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...entryEnv, CLAUDE_PROJECT_DIR: opts.projectDir };
}

function createTransport(entry: McpServerEntry, opts: ClientOptions, stderr: TailBuffer): Transport {
  const t = entry.transport;
  if (t.type === "stdio") {
    const transport = new TrackedStdioTransport({
      command: t.command,
      args: t.args,
      env: childEnv(t.env, opts),
      cwd: t.cwd ? resolve(opts.projectDir, t.cwd) : opts.projectDir,
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer | string) => stderr.push(chunk.toString()));
    return transport;
  }
  const url = new URL(t.url);
  const requestInit: RequestInit = { headers: t.headers };
  if (t.type === "sse") return new SSEClientTransport(url, { requestInit });
  return new StreamableHTTPClientTransport(url, { requestInit });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The pid and, where /proc exists, every process below it: a server started through `sh -c` or a
 * launcher leaves grandchildren that hold its pipes open and would outlive hone otherwise.
 */
function processTree(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [root];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function signalTree(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) signalPid(pid, signal);
}

/** Closes the client; a stdio child that ignores the closed stdin is terminated, then killed. */
async function shutdown(client: Client, transport: Transport, pid: number | undefined): Promise<void> {
  const timers: ReturnType<typeof setTimeout>[] = [];
  // Taken now: once the child dies, its own children are re-parented and can no longer be found.
  const tree = pid === undefined ? [] : processTree(pid);
  if (pid !== undefined) {
    timers.push(setTimeout(() => signalTree(tree, "SIGTERM"), TERM_AFTER_MS));
    timers.push(setTimeout(() => signalTree([...new Set([...tree, ...processTree(pid)])], "SIGKILL"), KILL_AFTER_MS));
  }
  try {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([transport.terminateSession().catch(() => {}), new Promise((r) => (timer = setTimeout(r, 500)))]);
      clearTimeout(timer);
    }
    // Bounded: a pipe still held by something we could not signal must not hold hone's exit.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([client.close(), new Promise((r) => (timer = setTimeout(r, KILL_AFTER_MS + 500)))]);
    clearTimeout(timer);
  } catch {
    // Closing is best effort; the signals below still run.
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  if (pid !== undefined && tree.some(isAlive)) {
    signalTree(tree, "SIGKILL");
    for (let i = 0; i < 20 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every page of a paginated listing (capped at 100 pages against a server that never stops). */
export async function listAll<R extends { nextCursor?: string }, T>(
  fetchPage: (params: { cursor: string } | undefined) => Promise<R>,
  items: (page: R) => T[],
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await fetchPage(cursor ? { cursor } : undefined);
    all.push(...items(result));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return all;
}

async function loadCatalog(client: Client, signal: AbortSignal, timeout: number): Promise<ServerCatalog> {
  const caps = client.getServerCapabilities() ?? {};
  const options = { signal, timeout };
  const warnings: string[] = [];
  // Prompts and resources are extras: a server whose listing of them fails still offers its tools.
  const optional = async <T>(what: string, run: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await run();
    } catch (error) {
      if (signal.aborted) throw error;
      warnings.push(`listing ${what} failed: ${errorText(error)}`);
      return [];
    }
  };
  const none = Promise.resolve([]);
  const [tools, prompts, resources, templates] = await Promise.all([
    caps.tools ? listAll((p) => client.listTools(p, options), (r) => r.tools) : none,
    caps.prompts ? optional("prompts", () => listAll((p) => client.listPrompts(p, options), (r) => r.prompts)) : none,
    caps.resources ? optional("resources", () => listAll((p) => client.listResources(p, options), (r) => r.resources)) : none,
    caps.resources
      ? optional("resource templates", () => listAll((p) => client.listResourceTemplates(p, options), (r) => r.resourceTemplates))
      : none,
  ]);
  return { tools, prompts, resources, templates, instructions: client.getInstructions(), warnings };
}

class StartupTimeout extends Error {}

/** A live connection to one server. */
export class McpConnection {
  /** True once the transport closed on its own (the child exited or the stream dropped). */
  closed = false;
  private closing = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly client: Client,
    private readonly transport: Transport,
    readonly catalog: ServerCatalog,
    readonly stderr: TailBuffer,
  ) {
    client.onclose = () => {
      this.closed = true;
      if (!this.closing) for (const listener of this.closeListeners) listener();
    };
  }

  /** The stdio child's pid (undefined for remote servers or once it exited). */
  get pid(): number | undefined {
    return this.transport instanceof TrackedStdioTransport ? this.transport.spawnedPid : undefined;
  }

  onUnexpectedClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    // Once the transport reported the child gone, its pid may belong to someone else: no signals then.
    await shutdown(this.client, this.transport, this.closed ? undefined : this.pid);
    this.closed = true;
  }
}

/**
 * Connects to one server and lists what it offers, all within opts.timeoutMs. On failure the child is
 * killed and the error message says why (timeout, early exit, spawn error, HTTP status) with the
 * stderr tail.
 */
export async function openConnection(entry: McpServerEntry, opts: ClientOptions): Promise<McpConnection> {
  const stderr = new TailBuffer();
  const stdoutProblems: string[] = [];
  const transport = createTransport(entry, opts, stderr);
  const client = new Client({ name: "hone", version: VERSION }, { capabilities: { roots: { listChanged: false } } });
  client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: rootsFor(opts.roots) }));
  client.onerror = (error) => {
    // Lines on stdout that are not JSON (SyntaxError) or not JSON-RPC (ZodError): remember a few for
    // the report and keep going, since a stray banner line need not be fatal.
    const notRpc = error instanceof SyntaxError || error.name === "ZodError";
    if (entry.transport.type === "stdio" && notRpc && stdoutProblems.length < 3) stdoutProblems.push(errorText(error));
  };
  let exited = false;
  client.onclose = () => {
    exited = true;
  };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new StartupTimeout("startup timeout")), opts.timeoutMs);
  const aborted = new Promise<never>((_, reject) => {
    abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true });
  });
  aborted.catch(() => {});
  // The SDK's own request timeout is set a little later so that ours is the one reported.
  const requestTimeout = opts.timeoutMs + 1000;
  try {
    await Promise.race([client.connect(transport, { signal: abort.signal, timeout: requestTimeout }), aborted]);
    const catalog = await Promise.race([loadCatalog(client, abort.signal, requestTimeout), aborted]);
    // A client.onclose set during connect belongs to this function; the connection takes it over.
    const connection = new McpConnection(client, transport, catalog, stderr);
    if (exited) connection.closed = true;
    return connection;
  } catch (error) {
    const timedOut = abort.signal.aborted;
    // Read before shutdown: closing makes the transport report a close of its own.
    const exitedEarly = exited;
    await shutdown(client, transport, transport instanceof TrackedStdioTransport && !exitedEarly ? transport.spawnedPid : undefined);
    // Let the last stderr chunks of a dying child arrive before reporting them.
    await new Promise((r) => setTimeout(r, 20));
    const startError = transport instanceof TrackedStdioTransport ? transport.startError : undefined;
    throw new Error(describeFailure(entry, error, { timedOut, exited: exitedEarly, timeoutMs: opts.timeoutMs, startError, stdoutProblems, stderr }));
  } finally {
    clearTimeout(timer);
  }
}
