// The live sessions of `hone serve`. A session is prepared exactly like a `hone -p` run (the request's
// fields become CLI flags, so the CLI's validation applies), persisted like one (`hone -p --resume <id>`
// continues it), and answers its permission asks through HTTP instead of denying them.
import { resolve } from "node:path";
import { parseArgs } from "./cli.ts";
import { createConversation, initMessage } from "./conversation.ts";
import { isDirectory } from "./paths.ts";
import { prepareRun, setupProblem, type PreparedRun } from "./prepare-run.ts";
import { expandUserPrompt } from "./prompt-expansion.ts";
import { runInventory } from "./run-inventory.ts";
import { badRequest, HttpError, notFound } from "./server.ts";
import type { CreateSessionBody } from "./server-requests.ts";
import { LiveSession, TurnGate } from "./server-session.ts";
import { findSession } from "./session-store.ts";

/** Flags in the CLI's messages, spelled as the request fields that produced them. */
const FIELD_NAMES: Array<[RegExp, string]> = [
  [/--permission-mode\b/g, "permission_mode"],
  [/--allowedTools\b/g, "allowed_tools"],
  [/--disallowedTools\b/g, "disallowed_tools"],
  [/--model\b/g, "model"],
  [/--cwd\b/g, "cwd"],
  [/--resume\b/g, "resume"],
];

function asFields(message: string): string {
  return FIELD_NAMES.reduce((text, [flag, field]) => text.replace(flag, field), message);
}

/** What a failure to prepare the run means for the client. */
function setupError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const problem = setupProblem(error);
  if (problem === undefined) return undefined;
  const message = (error as Error).message;
  if (problem === "input") return badRequest(asFields(message));
  if (problem === "no_session") return notFound(`resume: ${message}`);
  return new HttpError(500, "setup_error", message);
}

/** The CLI flags a session request stands for; `=` forms keep every value one argument. */
export function sessionArgv(body: CreateSessionBody, cwd: string): string[] {
  const argv = ["-p", `--cwd=${cwd}`];
  if (body.model !== undefined) argv.push(`--model=${body.model}`);
  if (body.permission_mode !== undefined) argv.push(`--permission-mode=${body.permission_mode}`);
  for (const rule of body.allowed_tools ?? []) argv.push(`--allowedTools=${rule}`);
  for (const rule of body.disallowed_tools ?? []) argv.push(`--disallowedTools=${rule}`);
  if (body.resume !== undefined) argv.push(`--resume=${body.resume}`);
  return argv;
}

export interface RegistryOptions {
  /** Where a session without `cwd` works, and what a relative `cwd` is resolved against. */
  defaultCwd: string;
  log: (line: string) => void;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  /** Ids being resumed right now, so two requests cannot open the same transcript twice. */
  private readonly opening = new Set<string>();
  private stopping = false;

  constructor(private readonly options: RegistryOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  list(): LiveSession[] {
    return [...this.sessions.values()];
  }

  get(id: string): LiveSession {
    const live = this.sessions.get(id);
    if (!live) throw notFound(`no open session with id ${id}`);
    return live;
  }

  async create(body: CreateSessionBody): Promise<LiveSession> {
    if (this.stopping) throw new HttpError(503, "overloaded_error", "the server is shutting down");
    const cwd = resolve(this.options.defaultCwd, body.cwd ?? ".");
    if (!isDirectory(cwd)) throw badRequest(`cwd: ${cwd} is not a directory`);
    let options;
    try {
      options = parseArgs(sessionArgv(body, cwd));
    } catch (error) {
      throw setupError(error) ?? error;
    }
    const resumed = body.resume === undefined ? undefined : this.claim(body.resume, cwd);
    try {
      return await this.open(options, body);
    } catch (error) {
      throw setupError(error) ?? error;
    } finally {
      if (resumed) this.opening.delete(resumed);
    }
  }

  /** The full id of a session to resume, refused while it is open here. */
  private claim(resume: string, cwd: string): string {
    let id: string;
    try {
      id = findSession(process.env, cwd, resume).id;
    } catch (error) {
      throw setupError(error) ?? error;
    }
    if (this.sessions.has(id) || this.opening.has(id)) throw new HttpError(409, "conflict_error", `session ${id} is already open on this server`);
    this.opening.add(id);
    return id;
  }

  private async open(options: ReturnType<typeof parseArgs>, body: CreateSessionBody): Promise<LiveSession> {
    const gate = new TurnGate();
    const log = this.options.log;
    const prepared: PreparedRun = await prepareRun(options, (line) => log(line), { ask: gate.ask });
    const { setup, session, extensions, invocation } = prepared;
    try {
      if (setup.missingKey) throw new HttpError(500, "authentication_error", `the server cannot reach a model: ${setup.missingKey.split("\n")[0]}`);
      if (this.sessions.has(session.id)) throw new HttpError(409, "conflict_error", `session ${session.id} is already open on this server`);
      if (this.stopping) throw new HttpError(503, "overloaded_error", "the server is shutting down");
      gate.sessionId = session.id;
      const short = session.id.slice(0, 8);
      const conversation = createConversation({
        setup,
        session,
        ...(prepared.hooks ? { hooks: prepared.hooks } : {}),
        emit: gate.emit,
        notify: (text) => log(`hone serve [${short}]: ${text}`),
        chatty: false,
        partialMessages: body.include_partial_messages === true,
        expand: (text, signal) => expandUserPrompt(text, extensions, invocation, signal, { slashCommands: true }),
        builtins: true,
        contextFigures: true,
      });
      const init = initMessage(setup, conversation.env, await runInventory(extensions));
      const live = new LiveSession(gate, prepared, conversation, init);
      this.sessions.set(session.id, live);
      return live;
    } catch (error) {
      await prepared.close();
      session.close();
      throw error;
    }
  }

  /** Closes a session; false when there is none with this id. */
  async remove(id: string): Promise<boolean> {
    const live = this.sessions.get(id);
    if (!live) return false;
    this.sessions.delete(id);
    await live.close();
    return true;
  }

  /** Refuses new sessions and closes every open one. */
  async closeAll(): Promise<void> {
    this.stopping = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    const closed = await Promise.allSettled(all.map((live) => live.close()));
    for (const outcome of closed) if (outcome.status === "rejected") this.options.log(`hone serve: closing a session failed: ${String(outcome.reason)}`);
  }
}
