// Work that goes on beside the conversation: background agents (and background shells, tracked in the
// session's shells map) and the notices they leave when they finish. A notice waits in the registry
// until the next turn boundary takes it: the agent loop before its next request, or the session when it
// is idle (the REPL starts a turn for it, a -p run waits for it before it ends). Nothing polls.

export type TaskStatus = "running" | "completed" | "failed" | "stopped";

export interface TaskNotice {
  id: string;
  /** cron: a scheduled prompt came due; its result is the prompt. */
  kind: "agent" | "shell" | "cron";
  description: string;
  status: Exclude<TaskStatus, "running">;
  /** The agent's final message, or the shell's exit and where its output is. */
  result: string;
  /** Told when the notice has been handed over (the scheduler waits for it before firing the job again). */
  delivered?: () => void;
}

export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  toolUses: number;
  costUsd: number;
}

/** A sub-agent running in the background (run_in_background), until it finishes or is stopped. */
export interface AgentTask {
  readonly id: string;
  readonly description: string;
  readonly type: string;
  readonly startedAt: number;
  status: TaskStatus;
  /** The final message once finished (or why it failed). */
  result?: string;
  /** The latest things it did (tool labels), newest last, for TaskOutput while it runs. */
  readonly activity: string[];
  readonly usage: AgentUsage;
  /** Messages sent with SendMessage, read by the agent before its next request. */
  readonly inbox: string[];
  readonly transcriptPath?: string;
  stop(): void;
  /** Settles when the agent has finished, failed or stopped. */
  readonly done: Promise<void>;
}

export interface TaskRegistry {
  readonly agents: Map<string, AgentTask>;
  post(notice: TaskNotice): void;
  /** Takes every waiting notice (the caller delivers them). */
  drain(): TaskNotice[];
  waiting(): number;
  /** Called after each post; returns a function that stops listening. */
  subscribe(listener: () => void): () => void;
}

const ACTIVITY_KEPT = 8;

export function createTaskRegistry(): TaskRegistry {
  const notices: TaskNotice[] = [];
  const listeners = new Set<() => void>();
  return {
    agents: new Map(),
    post(notice) {
      notices.push(notice);
      for (const listener of [...listeners]) listener();
    },
    drain() {
      const taken = notices.splice(0, notices.length);
      for (const notice of taken) notice.delivered?.();
      return taken;
    },
    waiting: () => notices.length,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function noteActivity(task: Pick<AgentTask, "activity">, label: string): void {
  task.activity.push(label);
  if (task.activity.length > ACTIVITY_KEPT) task.activity.splice(0, task.activity.length - ACTIVITY_KEPT);
}

const escapeXml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** How finished background work reaches the model: one XML block per notice. */
export function noticeText(notices: readonly TaskNotice[]): string {
  return notices
    .map((n) => {
      if (n.kind === "cron") return `<scheduled-task id="${escapeXml(n.id)}">\nA scheduled prompt (${escapeXml(n.description)}) came due. Do what it says:\n${escapeXml(n.result)}\n</scheduled-task>`;
      const what = n.kind === "agent" ? `Agent "${n.description}"` : `Background command "${n.description}"`;
      return [
        "<task-notification>",
        `<task-id>${escapeXml(n.id)}</task-id>`,
        `<status>${n.status}</status>`,
        `<summary>${escapeXml(`${what} ${n.status === "completed" ? "finished" : n.status}`)}</summary>`,
        `<result>${escapeXml(n.result)}</result>`,
        "</task-notification>",
      ].join("\n");
    })
    .join("\n");
}

/** One short line per notice, for people (the REPL's scrollback, stderr). */
export function noticeLine(notice: TaskNotice): string {
  if (notice.kind === "cron") return `scheduled task ${notice.id} (${notice.description}) is due`;
  const what = notice.kind === "agent" ? "agent" : "background command";
  return `${what} ${notice.id} (${notice.description}) ${notice.status === "completed" ? "finished" : notice.status}`;
}
