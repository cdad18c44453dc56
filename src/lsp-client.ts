// One running language server over stdio JSON-RPC (vscode-jsonrpc, loaded here, on first start): the
// initialize handshake under a deadline, full-text sync of the files hone asks about, the diagnostics
// the server publishes, requests that a dead server, an abort or a deadline end with a clear error,
// and a bounded shutdown.
import type { CancellationTokenSource, MessageConnection } from "vscode-jsonrpc/node";
import type { Env } from "./config-dir.ts";
import type { LspServerConfig } from "./lsp-config.ts";
import { LspServerError, serverLabel, ServerProcess } from "./lsp-process.ts";
import { fileUri, initializeParams, type Diagnostic, type PublishDiagnosticsParams } from "./lsp-protocol.ts";

export interface ClientTimeouts {
  startupMs: number;
  requestMs: number;
  shutdownMs: number;
}

export const DEFAULT_TIMEOUTS: ClientTimeouts = { startupMs: 30_000, requestMs: 60_000, shutdownMs: 3_000 };

interface OpenDoc {
  version: number;
  text: string;
}

type Listener = (uri: string, diagnostics: Diagnostic[]) => void;

/** Races `work` against the server's death, a deadline and an abort, with one worded error for each. */
async function bounded<T>(work: Promise<T>, died: Promise<never>, ms: number, timeoutMessage: string, signal?: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const limits = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LspServerError(timeoutMessage)), ms);
    if (!signal) return;
    onAbort = () => reject(new LspServerError("The request was cancelled."));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, died, limits]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** A value at a dotted section ("python.analysis") of the configured settings, for workspace/configuration. */
function section(settings: unknown, path: string | undefined): unknown {
  if (path === undefined || path === "") return settings ?? null;
  let value: unknown = settings;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? null;
}

export class LspClient {
  private readonly docs = new Map<string, OpenDoc>();
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly listeners = new Set<Listener>();
  private closing: Promise<void> | undefined;

  private constructor(
    readonly config: LspServerConfig,
    private readonly proc: ServerProcess,
    private readonly connection: MessageConnection,
    private readonly tokens: { new (): CancellationTokenSource },
    private readonly timeouts: ClientTimeouts,
  ) {}

  /** Spawns and initializes the server; throws LspServerError naming the command when that fails. */
  static async start(config: LspServerConfig, root: string, env: Env, timeouts: ClientTimeouts, signal?: AbortSignal): Promise<LspClient> {
    const rpc = await import("vscode-jsonrpc/node");
    const proc = new ServerProcess(config, root, env);
    const { stdout, stdin } = proc.child;
    if (!stdout || !stdin) throw new LspServerError(`${serverLabel(config)} could not be started: no stdio pipes.`);
    const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(stdout), new rpc.StreamMessageWriter(stdin));
    const client = new LspClient(config, proc, connection, rpc.CancellationTokenSource, timeouts);
    client.handleServerMessages(root);
    connection.listen();
    const startupMs = config.startupTimeoutMs ?? timeouts.startupMs;
    try {
      const init = connection.sendRequest("initialize", initializeParams(root, config.initializationOptions));
      await bounded(init, proc.died, startupMs, `${serverLabel(config)} did not answer "initialize" within ${Math.round(startupMs / 1000)} s.`, signal);
      await connection.sendNotification("initialized", {});
      if (config.settings !== undefined) await connection.sendNotification("workspace/didChangeConfiguration", { settings: config.settings });
    } catch (error) {
      connection.dispose();
      await proc.destroy();
      if (error instanceof LspServerError) throw error;
      throw new LspServerError(`${serverLabel(config)} failed to initialize: ${error instanceof Error ? error.message : String(error)}`);
    }
    return client;
  }

  private handleServerMessages(root: string): void {
    const c = this.connection;
    const folders = [{ uri: fileUri(root), name: root }];
    c.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      const doc = this.docs.get(params.uri);
      // Diagnostics computed for an older text than the one the server now has are stale.
      if (doc && params.version !== undefined && params.version !== null && params.version < doc.version) return;
      const diagnostics = Array.isArray(params.diagnostics) ? params.diagnostics : [];
      this.diagnostics.set(params.uri, diagnostics);
      for (const listener of this.listeners) listener(params.uri, diagnostics);
    });
    c.onRequest("workspace/configuration", (params: { items?: { section?: string }[] }) => (params.items ?? []).map((item) => section(this.config.settings, item.section)));
    c.onRequest("workspace/workspaceFolders", () => folders);
    for (const method of ["client/registerCapability", "client/unregisterCapability", "window/workDoneProgress/create", "window/showMessageRequest"]) c.onRequest(method, () => null);
    c.onRequest("workspace/applyEdit", () => ({ applied: false, failureReason: "hone does not apply edits from language servers" }));
    c.onRequest("window/showDocument", () => ({ success: false }));
    // Logs, progress and telemetry are not shown.
    c.onNotification(() => {});
  }

  get alive(): boolean {
    return !this.proc.exited && this.closing === undefined;
  }

  /** Why the server is unusable (it exited, or hone is closing it), or undefined while it runs. */
  deathMessage(): string | undefined {
    if (this.proc.exited) return this.proc.failure ?? `${serverLabel(this.config)} ${this.proc.reason ?? "stopped."}`;
    if (this.closing) return `${serverLabel(this.config)} is shutting down.`;
    return undefined;
  }

  /** Opens the file in the server or sends its new text (read by the caller); `changed`: a new version was sent. */
  async sync(absPath: string, languageId: string, text: string): Promise<{ uri: string; changed: boolean; wasOpen: boolean }> {
    const uri = fileUri(absPath);
    const doc = this.docs.get(uri);
    this.ensureAlive();
    if (!doc) {
      this.docs.set(uri, { version: 1, text });
      await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId, version: 1, text } });
      return { uri, changed: true, wasOpen: false };
    }
    if (doc.text === text) return { uri, changed: false, wasOpen: true };
    doc.version += 1;
    doc.text = text;
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
    return { uri, changed: true, wasOpen: true };
  }

  /** The last diagnostics the server published for a file, or undefined when it has published none. */
  diagnosticsOf(uri: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uri);
  }

  /** Calls `listener` on every publishDiagnostics until the returned function is called. */
  onDiagnostics(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ensureAlive(): void {
    const dead = this.deathMessage();
    if (dead) throw new LspServerError(dead);
  }

  async request<R>(method: string, params: unknown, signal?: AbortSignal): Promise<R> {
    this.ensureAlive();
    const source = new this.tokens();
    const cancel = () => source.cancel();
    signal?.addEventListener("abort", cancel, { once: true });
    const seconds = Math.round(this.timeouts.requestMs / 1000);
    try {
      const work = this.connection.sendRequest<R>(method, params, source.token);
      return await bounded(work, this.proc.died, this.timeouts.requestMs, `${serverLabel(this.config)} did not answer "${method}" within ${seconds} s.`, signal);
    } catch (error) {
      const dead = this.deathMessage();
      if (dead) throw new LspServerError(dead);
      if (error instanceof LspServerError) throw error;
      throw new LspServerError(`${serverLabel(this.config)} failed "${method}": ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      signal?.removeEventListener("abort", cancel);
      source.dispose();
    }
  }

  /** shutdown + exit, then the process group is killed; bounded by the shutdown timeout. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const ms = this.config.shutdownTimeoutMs ?? this.timeouts.shutdownMs;
    if (!this.proc.exited) {
      try {
        await bounded(this.connection.sendRequest("shutdown"), this.proc.died, ms / 2, "shutdown timed out");
        await this.connection.sendNotification("exit");
        await this.proc.waitExit(ms / 2);
      } catch {
        // A server that does not shut down politely is killed below.
      }
    }
    this.connection.dispose();
    await this.proc.destroy();
  }
}
