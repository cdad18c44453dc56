// The REPL's work queue: messages typed while hone is busy wait here and go as one turn; when nothing
// typed waits, finished background work and due scheduled prompts get a turn of their own. One thing
// runs at a time.
import type { TaskNotice } from "./tasks.ts";

export interface WorkQueueDeps {
  /** Handles what the user typed (a turn, a built-in, a ! command). */
  act(text: string): Promise<void>;
  /** Takes the waiting notices (empty when none). */
  drainNotices(): TaskNotice[];
  noticesWaiting(): boolean;
  /** Gives notices to the model as a turn. */
  deliver(notices: TaskNotice[]): Promise<void>;
  /** False once the session is ending. */
  open(): boolean;
  /** Called whenever the queue goes idle. */
  idle(): void;
}

export interface WorkQueue {
  /** What the user typed that still waits (drawn under the prompt). */
  readonly items: readonly string[];
  push(text: string): void;
  pump(): Promise<void>;
}

export function createWorkQueue(deps: WorkQueueDeps): WorkQueue {
  const items: string[] = [];
  let pumping = false;
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while ((items.length > 0 || deps.noticesWaiting()) && deps.open()) {
        if (items.length > 0) {
          await deps.act(items.splice(0, items.length).join("\n"));
          continue;
        }
        const notices = deps.drainNotices();
        if (notices.length > 0) await deps.deliver(notices);
      }
    } finally {
      pumping = false;
      deps.idle();
    }
  };
  return {
    items,
    push(text) {
      items.push(text);
      void pump();
    },
    pump,
  };
}
