// One live session of `hone serve`: its turns run one after another (a message sent while a turn
// runs waits for it), the events of the running turn go to whoever sent it, and permission asks wait
// for an answer over HTTP. A client that goes away leaves the turn running; an interrupt ends it.
import type { Conversation, TurnResult } from "./conversation.ts";
import type { UserBlock } from "./messages.ts";
import type { AskAnswer, Asker } from "./permissions.ts";
import type { PreparedRun } from "./prepare-run.ts";
import type { Json } from "./server.ts";

/** Where the events of one turn go. */
export interface TurnSink {
  /** The turn begins (after the turns queued before it). */
  start(): void;
  event(message: Json): void;
}

/** The session was deleted (or the server is stopping) before this message's turn began. */
export class SessionClosedError extends Error {
  override name = "SessionClosedError";
}

interface RunningTurn {
  controller: AbortController;
  sink: TurnSink;
}

interface PendingAsk {
  event: Json;
  settle(answer: AskAnswer): void;
}

const INTERRUPTED = "The turn was interrupted before the permission request was answered";

/**
 * Routes a session's asks and events to its running turn. Exists before the run is prepared, because
 * prepareRun takes the asker.
 */
export class TurnGate {
  sessionId = "";
  current: RunningTurn | undefined;
  private readonly asks = new Map<string, PendingAsk>();

  readonly emit = (message: Json): void => this.current?.sink.event(message);

  readonly ask: Asker = (request) =>
    new Promise<AskAnswer>((resolve) => {
      const turn = this.current;
      if (!turn || turn.controller.signal.aborted) return resolve({ allow: false, message: INTERRUPTED });
      const id = crypto.randomUUID();
      const signal = turn.controller.signal;
      const onAbort = (): void => settle({ allow: false, message: INTERRUPTED });
      const settle = (answer: AskAnswer): void => {
        signal.removeEventListener("abort", onAbort);
        this.asks.delete(id);
        resolve(answer);
      };
      const event: Json = {
        type: "permission_request",
        request_id: id,
        tool_name: request.tool,
        input: request.input,
        tool_use_id: request.toolUseId,
        decision_reason: request.decision.reason,
        ...(request.decision.suggestions?.length ? { permission_suggestions: request.decision.suggestions } : {}),
        session_id: this.sessionId,
        uuid: crypto.randomUUID(),
      };
      this.asks.set(id, { event, settle });
      signal.addEventListener("abort", onAbort, { once: true });
      turn.sink.event(event);
    });

  /** Answers a pending ask; false when there is none with this id. */
  answer(requestId: string, answer: AskAnswer): boolean {
    const pending = this.asks.get(requestId);
    if (!pending) return false;
    pending.settle(answer);
    return true;
  }

  pending(): Json[] {
    return [...this.asks.values()].map((a) => a.event);
  }
}

export class LiveSession {
  readonly createdAt = new Date().toISOString();
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly gate: TurnGate,
    readonly prepared: PreparedRun,
    readonly conversation: Conversation,
    /** The `system/init` message, answered on creation. */
    readonly init: Json,
  ) {}

  get id(): string {
    return this.prepared.session.id;
  }

  get busy(): boolean {
    return this.gate.current !== undefined;
  }

  /** Runs a turn once the turns before it are done; rejects with SessionClosedError if the session closes first. */
  send(content: string | UserBlock[], sink: TurnSink): Promise<TurnResult> {
    if (this.closing) return Promise.reject(new SessionClosedError(`session ${this.id} is closed`));
    this.waiting++;
    const run = this.tail.then(() => {
      this.waiting--;
      return this.runTurn(content, sink);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runTurn(content: string | UserBlock[], sink: TurnSink): Promise<TurnResult> {
    if (this.closing) throw new SessionClosedError(`session ${this.id} was closed before this message's turn began`);
    const controller = new AbortController();
    this.gate.current = { controller, sink };
    try {
      sink.start();
      return await this.conversation.turn(content, controller.signal);
    } finally {
      this.gate.current = undefined;
    }
  }

  /** Aborts the running turn (queued messages still run); false when none is running. */
  interrupt(): boolean {
    const turn = this.gate.current;
    if (!turn) return false;
    turn.controller.abort();
    return true;
  }

  summary(): Json {
    const { setup } = this.prepared;
    return {
      session_id: this.id,
      cwd: setup.cwd,
      model: setup.agent.model,
      permission_mode: setup.permissions.mode,
      busy: this.busy,
      queued: this.waiting,
      created_at: this.createdAt,
    };
  }

  /** Ends the running turn, drops the queued ones, fires SessionEnd and releases the run's resources. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.interrupt();
      await this.tail;
      try {
        await this.conversation.end();
      } finally {
        await this.prepared.close();
        this.prepared.session.close();
      }
    })();
    return this.closing;
  }
}
