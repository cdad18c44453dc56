// One ULTRAPLAN run: a read-only planning sub-agent works on the task for up to max_duration_secs while
// the approval page (ultraplan-server.ts) shows its progress; the user approves, edits then approves,
// rejects with feedback (the same planner conversation continues with it and answers a revised plan),
// or sends the plan back to the terminal. Every change is written to the run's state file, which the
// terminal polls; a timeout, failure or stop keeps whatever plan exists.
import { join } from "node:path";
import type { AgentEvent } from "./agent.ts";
import type { SubagentType } from "./agent-types.ts";
import { assistantText, toolUses, type Message } from "./messages.ts";
import { runSubagent, type SubagentParent } from "./subagent.ts";
import { toolLabel } from "./tool-display.ts";
import { newToken, startApprovalServer, type DecisionResult, type UltraplanDecision } from "./ultraplan-server.ts";
import { createStateStore, isFinal, readState, withProgress, type StateStore, type UltraplanState, type UltraplanStatus } from "./ultraplan-state.ts";
import { pause } from "./retry.ts";

export const DEFAULT_MAX_DURATION_SECS = 1800;
/** How long the page stays up after the run ended, so the browser can show how it ended. */
export const DEFAULT_LINGER_MS = 60_000;

export const ULTRAPLAN_AGENT: SubagentType = {
  name: "ultraplan",
  description: "Long read-only planning run whose final message is an implementation plan for the user to approve.",
  readOnly: true,
  prompt: [
    "You are the planner of an ULTRAPLAN run: you have a long time (up to half an hour) to study a codebase and write the implementation plan for one substantial task.",
    "You can only read: search, open files, follow references, read documentation. Nothing you do changes the project, and nobody answers questions during the run, so decide sensibly and state your assumptions in the plan.",
    "Be thorough before you write: find every file, function, type, test and configuration the change touches, how similar things are already done here, and what could break.",
    "Your final message is the plan itself, in markdown, and nothing else: no preamble, no summary of what you did. The user reviews it on a web page and may approve it, edit it or send feedback; once approved it is handed to an agent that carries it out with no other context, so it must stand on its own.",
    "Structure it as: a title; the goal and the assumptions; what exists today (files and symbols with paths); the approach and why; numbered steps naming the files and functions to change and what changes; edge cases and risks; how to verify (tests to add or run, commands).",
    "When the user sends feedback, address all of it, look at more code if it needs that, and answer with the complete revised plan, not only the changes.",
  ].join("\n\n"),
  instructions: true,
  source: "built-in",
};

export function plannerPrompt(task: string, cwd: string): string {
  return `Write the implementation plan for this task (project: ${cwd}):\n\n${task}\n\nStudy the code as deeply as the task needs, then answer with the plan.`;
}

export function revisionPrompt(feedback: string, revision: number): string {
  return `The user reviewed plan revision ${revision} and asked for changes:\n\n${feedback}\n\nRevise the plan to address this feedback and answer with the complete revised plan.`;
}

export interface UltraplanRunOptions {
  /** The run's folder (ultraplan-state.ts runDir), holding its first state. */
  dir: string;
  parent: SubagentParent;
  /** [ultraplan] model; absent: the one in the state, then the parent's. */
  model?: string;
  /** Default: the state's maxDurationSecs, then 1800 s. Covers planning, revisions and waiting for the user. */
  maxDurationMs?: number;
  lingerMs?: number;
  /** Stops the run (status stopped). */
  signal?: AbortSignal;
  token?: string;
  port?: number;
  now?: () => Date;
  /** Told the page's URL once it is served (the state file has it too). */
  onServing?: (url: string) => void;
}

/** A progress line for what the planner just did, if it is worth one. */
export function progressLine(event: AgentEvent, cwd: string): string | undefined {
  if (event.type === "tool_start") return toolLabel(event.name, event.input, cwd);
  if (event.type === "assistant" && toolUses(event.message).length > 0) {
    const said = assistantText(event.message).trim().split("\n")[0];
    return said ? said : undefined;
  }
  if (event.type === "error") return `Error: ${event.failure.message}`;
  if (event.type === "notice") return event.text;
  return undefined;
}

/** Whether a decision can be taken now, and what it does to the state. */
export function applyDecision(state: UltraplanState, decision: UltraplanDecision, at: string): { state: UltraplanState } | { error: DecisionResult } {
  if (state.status !== "ready") {
    const error = isFinal(state.status) ? `This run has already ended (${state.status}).` : "The planner is still working on the plan; wait until it is ready.";
    return { error: { ok: false, status: 409, error } };
  }
  if (decision.kind === "reject") {
    const feedback = [...state.feedback, { at, text: decision.feedback, revision: state.revision }];
    return { state: withProgress({ ...state, status: "rejected-revising", feedback }, `Revising the plan with your feedback (revision ${state.revision})`) };
  }
  const status: UltraplanStatus = decision.kind === "approve" ? "approved" : "local";
  const edited = decision.plan !== undefined && decision.plan !== state.plan;
  const plan = decision.plan ?? state.plan;
  const line = status === "approved" ? `Approved${edited ? " with edits" : ""}` : "Sent back to the terminal to run there";
  return { state: withProgress({ ...state, status, plan, ...(edited ? { edited: true } : {}), decidedAt: at }, line) };
}

/** Waits for the user's next decision; resolves undefined when the run is aborted first. */
function decisionGate() {
  let pending: UltraplanDecision | undefined;
  let wake: ((d: UltraplanDecision | undefined) => void) | undefined;
  return {
    deliver(decision: UltraplanDecision): void {
      if (wake) {
        const resolve = wake;
        wake = undefined;
        resolve(decision);
      } else pending = decision;
    },
    next(signal: AbortSignal): Promise<UltraplanDecision | undefined> {
      if (pending) {
        const d = pending;
        pending = undefined;
        return Promise.resolve(d);
      }
      if (signal.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        wake = resolve;
        signal.addEventListener("abort", () => {
          wake = undefined;
          resolve(undefined);
        }, { once: true });
      });
    },
  };
}

function loadInitial(dir: string): UltraplanState {
  const read = readState(dir);
  if (!read.ok) throw new Error(`ultraplan: ${read.message}`);
  return read.state;
}

/** Ends the run with a status (unless it already ended) and a reason, keeping the plan. */
function end(store: StateStore, status: UltraplanStatus, reason: string): void {
  if (isFinal(store.get().status)) return;
  store.update((s) => withProgress({ ...s, status, reason }, reason));
}

export async function runUltraplan(options: UltraplanRunOptions): Promise<UltraplanState> {
  const now = options.now ?? (() => new Date());
  const initial = loadInitial(options.dir);
  const model = options.model ?? initial.model;
  const maxMs = options.maxDurationMs ?? (initial.maxDurationSecs ?? DEFAULT_MAX_DURATION_SECS) * 1000;
  const store = createStateStore(options.dir, { ...initial, pid: process.pid, ...(model ? { model } : {}) }, now);
  const gate = decisionGate();
  const token = options.token ?? newToken();
  const server = await startApprovalServer({
    token,
    ...(options.port !== undefined ? { port: options.port } : {}),
    getState: () => store.get(),
    onDecision(decision) {
      const result = applyDecision(store.get(), decision, now().toISOString());
      if ("error" in result) return result.error;
      store.update(() => result.state);
      gate.deliver(decision);
      return { ok: true };
    },
  });
  store.update((s) => withProgress({ ...s, url: server.url }, `Planning started${model ? ` on ${model}` : ""}`));
  options.onServing?.(server.url);

  const run = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    run.abort();
  }, maxMs);
  const stop = (): void => run.abort();
  options.signal?.addEventListener("abort", stop, { once: true });
  const cwd = initial.cwd;
  const interrupted = (): void => {
    if (!timedOut) return end(store, "stopped", "The planning run was stopped");
    const limit = `the ${Math.round(maxMs / 1000)} s limit (ultraplan.maxDurationSecs)`;
    end(store, "timeout", store.get().status === "ready" ? `No decision within ${limit}` : `The planner did not finish within ${limit}`);
  };
  const flush = () => store.flush().catch((error: unknown) => void process.stderr.write(`ultraplan: cannot write the state: ${(error as Error).message}\n`));

  try {
    const history: Message[] = [];
    let prompt = plannerPrompt(initial.task, cwd);
    for (;;) {
      if (run.signal.aborted) return (interrupted(), store.get());
      const outcome = await runSubagent(
        { id: initial.id, type: ULTRAPLAN_AGENT, prompt, cwd, history, transcriptPath: join(options.dir, "planner.jsonl"), ...(model ? { model } : {}) },
        options.parent,
        run.signal,
        (event) => {
          const line = progressLine(event, cwd);
          if (line) store.update((s) => withProgress(s, line));
        },
      );
      if (run.signal.aborted) return (interrupted(), store.get());
      const plan = outcome.text.trim();
      if (outcome.status !== "completed" || plan === "") {
        end(store, "failed", outcome.status === "completed" ? "The planner finished without a plan" : outcome.text);
        return store.get();
      }
      store.update((s) => withProgress({ ...s, status: "ready", plan, revision: s.revision + 1 }, `Plan ready for review (revision ${s.revision + 1})`));
      const decision = await gate.next(run.signal);
      if (!decision) return (interrupted(), store.get());
      if (decision.kind !== "reject") return store.get();
      prompt = revisionPrompt(decision.feedback, store.get().revision);
    }
  } catch (error) {
    end(store, "failed", `The planning run failed: ${(error as Error).message}`);
    return store.get();
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", stop);
    await flush();
    // The page keeps answering for a while so the browser shows how the run ended.
    await pause(options.lingerMs ?? DEFAULT_LINGER_MS, options.signal);
    await server.close();
  }
}
