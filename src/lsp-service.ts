// The session's language servers: one per configuration, started on first use for a file it handles
// (configured servers first, then well-known ones found installed), restarted a bounded number of times
// after a crash, and closed together at exit. Answers the LSP tool's operations and, after an edit,
// the new errors in the edited file.
import { readFile, realpath } from "node:fs/promises";
import type { Env } from "./config-dir.ts";
import { DEFAULT_TIMEOUTS, type ClientTimeouts, type LspClient } from "./lsp-client.ts";
import type { LspServerConfig } from "./lsp-config.ts";
import { detectBuiltinServers, extensionOf, serverFor } from "./lsp-detect.ts";
import { DEFAULT_DIAGNOSTICS_TIMING, formatNewErrors, newErrors, watchDiagnostics, type DiagnosticsTiming } from "./lsp-diagnostics.ts";
import { LspServerError, serverLabel } from "./lsp-process.ts";
import { runOperation, type LspOperation } from "./lsp-operations.ts";
import { SourceView } from "./lsp-format.ts";
import { realPathOr } from "./paths.ts";
import { fileUri } from "./lsp-protocol.ts";
import type { ToolContext } from "./tool.ts";

export interface LspService {
  /** True when a configured or installed server handles this file's type (and has not failed for good). */
  hasServerFor(absPath: string): boolean;
  /** Runs one LSP tool operation; line and character are 1-based. Throws LspServerError for the model. */
  request(operation: LspOperation, absPath: string, line: number, character: number, signal: AbortSignal): Promise<string>;
  /** After an edit wrote the file: the errors it introduced, as a short note, or undefined. Never throws. */
  diagnosticsAfterEdit(absPath: string, signal: AbortSignal): Promise<string | undefined>;
  /** Shuts every server down (bounded); later calls fail. */
  close(): Promise<void>;
}

export interface LspServiceOptions {
  /** The project folder: the servers' workspace root. */
  root: string;
  /** Configured servers (loadLspConfigs); well-known installed servers are used after them. */
  configs: readonly LspServerConfig[];
  env: Env;
  /** Problems not tied to a request (a server that failed while checking an edit). */
  onWarning?: (message: string) => void;
  /** False: only configured servers, no PATH lookup. */
  detect?: boolean;
  /** False for an untrusted folder: well-known servers in its node_modules/.bin are not used. */
  trusted?: boolean;
  timeouts?: Partial<ClientTimeouts>;
  diagnostics?: Partial<DiagnosticsTiming>;
}

const DEFAULT_MAX_RESTARTS = 2;

interface Slot {
  config: LspServerConfig;
  client?: LspClient;
  starting?: Promise<LspClient>;
  starts: number;
  /** Set when the server cannot be used again this session; its message is the error. */
  failure?: string;
  /** The crash of the current client was already reported once. */
  crashReported: boolean;
  /** Slowest time seen from a change to the first diagnostics, for the wait when none may come. */
  slowestMs?: number;
}

function languageOf(config: LspServerConfig, absPath: string): string {
  return config.extensionToLanguage[extensionOf(absPath)] ?? "plaintext";
}

class Service implements LspService {
  private readonly configs: LspServerConfig[];
  private readonly slots = new Map<LspServerConfig, Slot>();
  private readonly timeouts: ClientTimeouts;
  private readonly timing: DiagnosticsTiming;
  private readonly stopping = new AbortController();
  private readonly warned = new Set<string>();
  private closed = false;
  private readonly root: string;

  constructor(private readonly options: LspServiceOptions) {
    // Servers report real paths; the root must be one too for paths to show relative to it.
    this.root = realPathOr(options.root);
    const builtins = options.detect === false ? [] : detectBuiltinServers(this.root, options.env, options.trusted !== false);
    this.configs = [...options.configs, ...builtins];
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.timing = { ...DEFAULT_DIAGNOSTICS_TIMING, ...options.diagnostics };
  }

  private slotFor(absPath: string): Slot | undefined {
    const config = serverFor(absPath, this.configs);
    if (!config) return undefined;
    let slot = this.slots.get(config);
    if (!slot) {
      slot = { config, starts: 0, crashReported: false };
      this.slots.set(config, slot);
    }
    return slot;
  }

  hasServerFor(absPath: string): boolean {
    const slot = this.slotFor(absPath);
    return slot !== undefined && slot.failure === undefined;
  }

  /** The running client, starting (or restarting after a reported crash) as needed. */
  private async client(slot: Slot): Promise<LspClient> {
    if (this.closed) throw new LspServerError("Language servers are shut down.");
    if (slot.failure) throw new LspServerError(slot.failure);
    if (slot.client?.alive) return slot.client;
    if (slot.client && !slot.crashReported) {
      slot.crashReported = true;
      throw new LspServerError(this.crashMessage(slot, slot.client.deathMessage() ?? `${serverLabel(slot.config)} stopped.`));
    }
    slot.starting ??= this.start(slot);
    return slot.starting;
  }

  private crashMessage(slot: Slot, death: string): string {
    const allowed = 1 + (slot.config.maxRestarts ?? DEFAULT_MAX_RESTARTS);
    if (slot.starts >= allowed) {
      slot.failure = `${death}\nIt stopped ${slot.starts} time${slot.starts === 1 ? "" : "s"} and will not be started again in this session.`;
      return slot.failure;
    }
    return `${death}\nIt will be started again on the next request.`;
  }

  private async start(slot: Slot): Promise<LspClient> {
    slot.starts += 1;
    try {
      const { LspClient } = await import("./lsp-client.ts");
      const client = await LspClient.start(slot.config, this.root, this.options.env, this.timeouts, this.stopping.signal);
      if (this.closed) {
        await client.close();
        throw new LspServerError("Language servers are shut down.");
      }
      slot.client = client;
      slot.crashReported = false;
      return client;
    } catch (error) {
      // A server that cannot start is not tried again: the same command would fail the same way.
      const message = error instanceof Error ? error.message : String(error);
      slot.failure = `${message}\nThe server will not be started again in this session.`;
      throw new LspServerError(slot.failure);
    } finally {
      slot.starting = undefined;
    }
  }

  /** Runs `work` and marks a crash seen during it as reported (the error already says so). */
  private async use<T>(slot: Slot, work: (client: LspClient) => Promise<T>): Promise<T> {
    const client = await this.client(slot);
    try {
      return await work(client);
    } catch (error) {
      const death = client.alive ? undefined : client.deathMessage();
      if (death === undefined || this.closed) throw error;
      slot.crashReported = true;
      throw new LspServerError(this.crashMessage(slot, death));
    }
  }

  async request(operation: LspOperation, absPath: string, line: number, character: number, signal: AbortSignal): Promise<string> {
    const slot = this.slotFor(absPath);
    if (!slot) throw new LspServerError(noServerMessage(absPath));
    const real = await realpath(absPath).catch(() => absPath);
    const text = await readFile(real, "utf8").catch(() => {
      throw new LspServerError(`Cannot read ${absPath}: it does not exist or is not a readable file.`);
    });
    const view = new SourceView(this.root);
    return this.use(slot, async (client) => {
      const { uri } = await client.sync(real, languageOf(slot.config, real), text);
      return runOperation({ client, operation, uri, text, line, character, view, display: view.path(uri), signal });
    });
  }

  async diagnosticsAfterEdit(absPath: string, signal: AbortSignal): Promise<string | undefined> {
    const slot = this.slotFor(absPath);
    if (!slot || slot.failure || this.closed) return undefined;
    try {
      return await this.checkEdit(slot, absPath, signal);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.warned.has(message)) {
        this.warned.add(message);
        this.options.onWarning?.(message);
      }
      return undefined;
    }
  }

  private async checkEdit(slot: Slot, absPath: string, signal: AbortSignal): Promise<string | undefined> {
    // A server still starting after the first wait keeps starting for the next edit; this one goes unchecked.
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.timing.firstMs)));
    const starting = this.client(slot);
    starting.catch(() => {});
    const ready = await Promise.race([starting, late]).finally(() => clearTimeout(timer));
    if (!ready) return undefined;
    const real = await realpath(absPath);
    const text = await readFile(real, "utf8");
    const view = new SourceView(this.root);
    return this.use(slot, async (client) => {
      const uri = fileUri(real);
      const before = client.diagnosticsOf(uri);
      const watch = watchDiagnostics(client, uri);
      const began = Date.now();
      const synced = await client.sync(real, languageOf(slot.config, real), text).catch((error: unknown) => {
        watch.stop();
        throw error;
      });
      if (!synced.changed) {
        watch.stop();
        return undefined;
      }
      // A file just opened shares the first wait with the server's start: one bound for both.
      const wait = synced.wasOpen ? this.changeWait(slot) : Math.max(500, this.timing.firstMs - (Date.now() - started));
      const settle = synced.wasOpen ? this.timing.settleMs : this.timing.firstSettleMs;
      const after = await watch.result(wait, settle, signal);
      const firstAt = watch.firstAt();
      if (synced.wasOpen && firstAt !== undefined) slot.slowestMs = Math.max(slot.slowestMs ?? 0, firstAt - began);
      if (!after) return undefined;
      const compared = synced.wasOpen && before !== undefined;
      return formatNewErrors(view.path(uri), newErrors(compared ? before : undefined, after), compared);
    });
  }

  /** Servers publish nothing when a clean file stays clean; once their pace is known, wait twice it. */
  private changeWait(slot: Slot): number {
    if (slot.slowestMs === undefined) return this.timing.changeMs;
    return Math.min(this.timing.changeMs, Math.max(1_000, 2 * slot.slowestMs));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping.abort();
    const clients = [...this.slots.values()].map((s) => s.client).filter((c): c is LspClient => c !== undefined);
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** The error for a file no server handles: names the extension and how to add a server. */
export function noServerMessage(absPath: string): string {
  const ext = extensionOf(absPath);
  const what = ext === "" ? `${absPath} has no file extension, so no language server is chosen for it` : `No language server is configured or installed for ${ext} files`;
  return (
    `${what}. Configure one in .lsp.json at the project root, e.g. ` +
    `{"my-server": {"command": "my-language-server", "args": ["--stdio"], "extensionToLanguage": {"${ext || ".ext"}": "<language id>"}}}, ` +
    "or install a plugin that provides one."
  );
}

/** Creates the session's service; no server starts until a file of its type is used. */
export function createLspService(options: LspServiceOptions): LspService {
  return new Service(options);
}

/** An edit tool's result text with the new errors the edit introduced appended; never fails the edit. */
export async function withEditDiagnostics(ctx: ToolContext, absPath: string, text: string): Promise<string> {
  const lsp = ctx.session.lsp;
  if (!lsp) return text;
  const note = await lsp.diagnosticsAfterEdit(absPath, ctx.signal).catch(() => undefined);
  return note ? `${text}\n\n${note}` : text;
}
