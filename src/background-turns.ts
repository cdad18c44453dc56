// A run without a person at the keyboard (-p) that started background agents does not end while they
// work: when the main turn is over it waits for their notices and gives each batch to the model as a
// new turn, until nothing is running or waiting. The last turn's result is the run's result.
import type { Conversation, TurnResult } from "./conversation.ts";
import { noticeText, type TaskRegistry } from "./tasks.ts";

/** Enough for any real orchestration; stops a model that keeps starting background agents forever. */
const MAX_FOLLOW_UPS = 50;

function agentsRunning(tasks: TaskRegistry): boolean {
  return [...tasks.agents.values()].some((t) => t.status === "running");
}

/** True once a notice waits; false when none can come (nothing running) or the run is interrupted. */
export function nextNotice(tasks: TaskRegistry, signal: AbortSignal): Promise<boolean> {
  if (tasks.waiting() > 0) return Promise.resolve(true);
  if (!agentsRunning(tasks) || signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean): void => {
      off();
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(false);
    const off = tasks.subscribe(() => done(true));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export async function followBackgroundWork(conversation: Conversation, tasks: TaskRegistry, first: TurnResult, signal: AbortSignal): Promise<TurnResult> {
  let turn = first;
  for (let i = 0; i < MAX_FOLLOW_UPS && turn.code === 0; i++) {
    if (!(await nextNotice(tasks, signal))) break;
    const notices = tasks.drain();
    if (notices.length === 0) continue;
    turn = await conversation.turn(noticeText(notices), signal);
  }
  return turn;
}
