// The MCP manager: starts every configured server in parallel (each under its own startup deadline, so
// startup takes as long as the slowest server, not the sum), reports each failure once, exposes the
// servers' tools, prompts and resources, restarts a crashed server on its next use, and kills every
// child on close.
import { McpError, type CallToolResult, type GetPromptResult, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServerEntry } from "./extension-types.ts";
import { listAll, openConnection, type ClientOptions, type McpConnection, type ServerCatalog } from "./mcp-client.ts";
import { errorText } from "./mcp-errors.ts";
import { capText, createMcpTools, serverKey, type McpToolSettings } from "./mcp-tools.ts";
import type { Tool } from "./tool.ts";
import type { McpManager, McpOptions, McpPromptInfo, McpResourceInfo, McpServerStatus, McpState, McpTemplateInfo } from "./mcp-types.ts";

export type { McpManager, McpOptions, McpPromptInfo, McpResourceInfo, McpServerStatus, McpState, McpTemplateInfo };

const DEFAULT_STARTUP_MS = 30_000;
const DEFAULT_TOOL_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_OUTPUT_TOKENS = 25_000;
const MAX_TOOL_NAME = 128;

function positiveInt(env: McpOptions["env"], name: string, fallback: number, log: (w: string) => void): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  log(`${name}=${raw} is not a positive integer; using ${fallback}`);
  return fallback;
}

interface Slot {
  entry: McpServerEntry;
  key: string;
  state: McpState;
  error?: string;
  conn?: McpConnection;
  catalog: ServerCatalog;
  tools: Tool[];
  restarting?: Promise<McpConnection>;
}

const EMPTY: ServerCatalog = { tools: [], prompts: [], resources: [], templates: [], warnings: [] };

class Manager implements McpManager {
  private closed = false;
  private readonly logged = new Set<string>();
  readonly maxOutputTokens: number;
  constructor(
    private readonly slots: Slot[],
    private readonly clientOptions: (entry: McpServerEntry) => ClientOptions,
    private readonly toolSettings: McpToolSettings,
    private readonly log: (warning: string) => void,
  ) {
    this.maxOutputTokens = toolSettings.maxOutputTokens;
  }

  async start(slot: Slot): Promise<void> {
    try {
      this.attach(slot, await openConnection(slot.entry, this.clientOptions(slot.entry)));
      for (const warning of slot.catalog.warnings) this.log(`MCP server "${slot.entry.name}": ${warning}`);
    } catch (error) {
      slot.state = "failed";
      slot.error = errorText(error);
      this.log(`MCP server "${slot.entry.name}" failed to start: ${slot.error}`);
    }
  }

  private attach(slot: Slot, conn: McpConnection): void {
    slot.conn = conn;
    slot.state = "connected";
    slot.error = undefined;
    slot.catalog = conn.catalog;
    const call = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => this.callTool(slot, tool, args, signal);
    const tools = createMcpTools(slot.key, slot.entry.name, conn.catalog.tools, call, this.toolSettings);
    // The API rejects a request whose tool names are over 128 characters, so such tools are left out.
    slot.tools = tools.filter((t) => t.name.length <= MAX_TOOL_NAME || this.logOnce(`MCP tool ${t.name} is left out: its name is over ${MAX_TOOL_NAME} characters`));
    conn.onUnexpectedClose(() => {
      if (slot.conn !== conn) return;
      slot.state = "pending";
      slot.error = "the server closed the connection; it restarts on next use";
    });
  }

  /** Logs a warning the first time it is seen; returns false so it can sit in a filter. */
  private logOnce(warning: string): false {
    if (!this.logged.has(warning)) this.log(warning);
    this.logged.add(warning);
    return false;
  }

  /** The live connection, reconnecting once when the server went away since the last use. */
  private async use(slot: Slot): Promise<McpConnection> {
    if (this.closed) throw new Error("MCP servers are shut down.");
    const conn = slot.conn;
    if (conn && !conn.closed) return conn;
    if (!conn) throw new Error(`MCP server "${slot.entry.name}" is not connected: ${slot.error ?? "it failed to start"}`);
    slot.restarting ??= this.restart(slot).finally(() => {
      slot.restarting = undefined;
    });
    return slot.restarting;
  }

  private async restart(slot: Slot): Promise<McpConnection> {
    const stderr = slot.conn?.stderr.tail(600);
    slot.state = "pending";
    // A remote session may still be open on the server side; a dead child needs no more than this.
    await slot.conn?.close().catch(() => {});
    try {
      const conn = await openConnection(slot.entry, this.clientOptions(slot.entry));
      if (this.closed) {
        await conn.close();
        throw new Error("MCP servers are shut down.");
      }
      this.attach(slot, conn);
      return conn;
    } catch (error) {
      slot.state = "failed";
      slot.error = errorText(error);
      const before = stderr ? `\nIts stderr before it stopped:\n${stderr}` : "";
      throw new Error(`MCP server "${slot.entry.name}" stopped and could not be restarted: ${slot.error}${before}`);
    }
  }

  private async callTool(slot: Slot, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const conn = await this.use(slot);
    try {
      const result = await conn.client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: this.toolSettings.toolTimeoutMs,
      });
      return result as CallToolResult;
    } catch (error) {
      // A remote server that forgot our session (404) or cannot be reached gets a fresh connection on
      // the next use; the failed call itself is not repeated (it may have had effects).
      if (slot.entry.transport.type !== "stdio" && !signal.aborted && isLostSession(error)) conn.closed = true;
      throw error;
    }
  }

  private find(server: string): Slot {
    const slot = this.slots.find((s) => s.key === server) ?? this.slots.find((s) => s.entry.name === server);
    if (slot) return slot;
    const known = this.serverNames();
    throw new Error(`No MCP server named "${server}". ${known.length ? `Configured servers: ${known.join(", ")}` : "No MCP servers are configured."}`);
  }

  tools(): Tool[] {
    return this.slots.flatMap((s) => s.tools);
  }

  status(): McpServerStatus[] {
    return this.slots.map((s) => ({
      name: s.entry.name,
      key: s.key,
      scope: s.entry.scope,
      ...(s.entry.plugin ? { plugin: s.entry.plugin } : {}),
      state: s.state,
      ...(s.error ? { error: s.error } : {}),
      toolCount: s.catalog.tools.length,
      promptCount: s.catalog.prompts.length,
      resourceCount: s.catalog.resources.length,
      ...(s.conn?.pid !== undefined && !s.conn.closed ? { pid: s.conn.pid } : {}),
    }));
  }

  instructions(): { server: string; text: string }[] {
    return this.slots.flatMap((s) => {
      const text = s.catalog.instructions?.trim();
      return text ? [{ server: s.entry.name, text: capText(text) }] : [];
    });
  }

  prompts(): McpPromptInfo[] {
    return this.slots.flatMap((s) => s.catalog.prompts.map((prompt) => ({ server: s.entry.name, key: s.key, prompt })));
  }

  async getPrompt(server: string, prompt: string, args: Record<string, string>): Promise<GetPromptResult> {
    const conn = await this.use(this.find(server));
    return conn.client.getPrompt({ name: prompt, arguments: args }, { timeout: this.toolSettings.toolTimeoutMs });
  }

  async listResources(server?: string): Promise<McpResourceInfo[]> {
    const slots = server === undefined ? this.slots.filter((s) => s.conn) : [this.find(server)];
    const lists = await Promise.all(
      slots.map(async (slot) => {
        // Listing everything skips a server that went away and cannot be restarted (status shows it).
        const conn = server === undefined ? await this.use(slot).catch(() => undefined) : await this.use(slot);
        if (!conn) return [];
        if (!conn.client.getServerCapabilities()?.resources) return [];
        const resources = await listAll((p) => conn.client.listResources(p), (r) => r.resources);
        slot.catalog = { ...slot.catalog, resources };
        return resources.map((resource) => ({ server: slot.entry.name, resource }));
      }),
    );
    return lists.flat();
  }

  resourceTemplates(server?: string): McpTemplateInfo[] {
    const slots = server === undefined ? this.slots : [this.find(server)];
    return slots.flatMap((s) => s.catalog.templates.map((template) => ({ server: s.entry.name, template })));
  }

  async readResource(server: string, uri: string): Promise<ReadResourceResult> {
    const slot = this.find(server);
    const conn = await this.use(slot);
    if (!conn.client.getServerCapabilities()?.resources) throw new Error(`MCP server "${slot.entry.name}" does not offer resources.`);
    return conn.client.readResource({ uri }, { timeout: this.toolSettings.toolTimeoutMs });
  }

  serverNames(): string[] {
    return this.slots.map((s) => s.entry.name);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const pending = slot.restarting?.catch(() => undefined);
        await slot.conn?.close();
        const late = await pending;
        await late?.close();
      }),
    );
  }
}

/**
 * True when a remote call failed below JSON-RPC: the server forgot our session (404, or a 400 about the
 * session id as some servers answer) or could not be reached at all.
 */
function isLostSession(error: unknown): boolean {
  if (error instanceof McpError) return false;
  if (error instanceof StreamableHTTPError) return error.code === 404 || (error.code === 400 && /session/i.test(error.message));
  return error instanceof Error && error.name !== "AbortError";
}

/**
 * Starts every server and resolves once each one connected or failed (at most the largest startup
 * timeout). Failures are logged once each through opts.log; the manager works with the rest.
 */
export async function startMcp(servers: McpServerEntry[], opts: McpOptions): Promise<McpManager> {
  const log = opts.log ?? (() => {});
  const startupMs = opts.timeoutMs ?? positiveInt(opts.env, "MCP_TIMEOUT", DEFAULT_STARTUP_MS, log);
  const toolSearch = (opts.env.ENABLE_TOOL_SEARCH ?? "").trim().toLowerCase();
  const settings: McpToolSettings = {
    deferred: toolSearch !== "false" && toolSearch !== "0",
    toolTimeoutMs: positiveInt(opts.env, "MCP_TOOL_TIMEOUT", DEFAULT_TOOL_TIMEOUT_MS, log),
    maxOutputTokens: positiveInt(opts.env, "MAX_MCP_OUTPUT_TOKENS", DEFAULT_MAX_OUTPUT_TOKENS, log),
  };
  const slots: Slot[] = [];
  for (const entry of servers) {
    const key = serverKey(entry);
    const clash = slots.find((s) => s.key === key);
    if (clash) {
      log(`MCP server "${entry.name}" (${entry.source}) is skipped: its tool names would clash with "${clash.entry.name}" (${clash.entry.source})`);
      continue;
    }
    slots.push({ entry, key, state: "pending", catalog: EMPTY, tools: [] });
  }
  const clientOptions = (entry: McpServerEntry): ClientOptions => ({
    projectDir: opts.projectDir,
    roots: opts.roots,
    env: opts.env,
    timeoutMs: entry.timeoutMs ?? startupMs,
  });
  const manager = new Manager(slots, clientOptions, settings, log);
  await Promise.all(slots.map((slot) => manager.start(slot)));
  return manager;
}
