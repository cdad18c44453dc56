// Memory folders for the autoDream tests: an old memory, session logs written the way a session end
// writes them, a parent agent configuration pointing at a scripted API, and pids of processes that
// have exited (for stale locks and leftovers).
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { AgentConfig } from "../../src/agent.ts";
import { createAnthropicProvider } from "../../src/anthropic.ts";
import type { Message } from "../../src/messages.ts";
import { createSessionState } from "../../src/session-state.ts";
import { appendSessionLog, sessionLogEntry } from "../../src/session-log.ts";
import { tempDir } from "./git-repo.ts";

export { tempDir };

export const OLD_INDEX = "# Memory\n- topics/old-notes.md: what was known before\n";
export const OLD_TOPIC = "# Old notes\n- The user prefers tabs (2026-01-05).\n";

/** A memory folder holding an index and one topic file. */
export function seedMemory(dir = tempDir("hone-mem-")): string {
  mkdirSync(join(dir, "topics"), { recursive: true });
  writeFileSync(join(dir, "MEMORY.md"), OLD_INDEX);
  writeFileSync(join(dir, "topics", "old-notes.md"), OLD_TOPIC);
  return dir;
}

/** A session's history: the prompt, a Write of `file`, a Bash command, the final answer. */
export function sessionHistory(prompt: string, file: string, command: string): Message[] {
  return [
    { role: "user", content: prompt },
    { role: "assistant", content: [{ type: "tool_use", id: "w1", name: "Write", input: { file_path: file, content: "x" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "w1", content: "ok" }] },
    { role: "assistant", content: [{ type: "tool_use", id: "b1", name: "Bash", input: { command } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "b1", content: "done" }] },
    { role: "assistant", content: [{ type: "text", text: `Finished: ${prompt}` }] },
  ];
}

/** `count` session notes, `hoursApart` apart from `start`, appended as session ends append them. */
export function logSessions(dir: string, count: number, start: Date, hoursApart = 1, project = "/work/alpha"): void {
  for (let i = 0; i < count; i++) {
    const time = new Date(start.getTime() + i * hoursApart * 3600_000);
    const entry = sessionLogEntry(sessionHistory(`task number ${i + 1}: use pnpm, not npm`, join(project, `src/f${i + 1}.ts`), `pnpm test --filter f${i + 1}`), {
      sessionId: `s${i + 1}`,
      cwd: project,
      time,
    });
    appendSessionLog(dir, entry!, time);
  }
}

/** Every file under `dir` with its bytes, for byte-for-byte comparisons (dream bookkeeping left out). */
export function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const rel = relative(dir, path);
      if (skip(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out[rel] = readFileSync(path).toString("base64");
    }
  };
  walk(dir);
  return out;
}

/** The memory itself: MEMORY.md and topics/ (what a dream may replace). */
export const memoryOnly = (rel: string) => !(rel === "MEMORY.md" || rel === "topics" || rel.startsWith("topics/"));

/** The parent configuration a session would hand to a dream, talking to `url`. */
export function parentConfig(url: string, cwd: string): AgentConfig {
  return {
    provider: createAnthropicProvider({ apiKey: "k", baseURL: url, caching: false, idleTimeoutMs: 60_000, requestTimeoutMs: 60_000, headers: {}, userAgent: "test" }),
    model: "claude-sonnet-4-6",
    system: [{ type: "text", text: "parent" }],
    tools: [],
    maxTokens: 4000,
    thinking: undefined,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    session: createSessionState("parent-session", cwd),
    projectDir: cwd,
    authorize: async () => ({ allow: true }),
  };
}

/** The pid of a process that has exited. */
export function deadPid(): number {
  const result = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(result.stdout.trim());
}
