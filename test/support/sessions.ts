// Helpers for session tests: a private HOME per test, the session files hone wrote there, and a check
// that a conversation sent to the API is well formed (every tool_use answered in the next message).
import { mkdtempSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MessagesBody } from "./mock-api.ts";

export function tempHome(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), "hone-home-")));
}

export function projectFolder(home: string, cwd: string): string {
  return join(home, ".hone", "projects", cwd.replace(/[^A-Za-z0-9]/g, "-"));
}

export function sessionFiles(home: string, cwd: string): string[] {
  try {
    return readdirSync(projectFolder(home, cwd))
      .filter((n) => n.endsWith(".jsonl"))
      .map((n) => join(projectFolder(home, cwd), n));
  } catch {
    return [];
  }
}

export function readEntries(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

type Part = Record<string, unknown>;
export type WireMessage = { role: string; content: string | Part[] };

/** Drops what hone adds per request (cache markers), so conversations from different requests compare. */
export function normalize(messages: WireMessage[]): WireMessage[] {
  return messages.map((m) => ({
    role: m.role,
    content: typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content.map(({ cache_control: _, ...rest }) => rest),
  }));
}

export function messagesOf(body: MessagesBody): WireMessage[] {
  return (body.messages ?? []) as WireMessage[];
}

/** Problems that would make the API reject the conversation; empty when it is valid. */
export function conversationProblems(messages: WireMessage[]): string[] {
  const problems: string[] = [];
  for (const [i, message] of messages.entries()) {
    const expected = i % 2 === 0 ? "user" : "assistant";
    if (message.role !== expected) problems.push(`message ${i} is ${message.role}, expected ${expected}`);
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    const calls = message.content.filter((b) => b.type === "tool_use").map((b) => b.id as string);
    if (calls.length === 0) continue;
    const next = messages[i + 1];
    const results = next && typeof next.content !== "string" ? next.content.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id) : [];
    for (const id of calls) if (!results.includes(id)) problems.push(`tool_use ${id} in message ${i} has no result in the next message`);
  }
  return problems;
}
