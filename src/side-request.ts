// One short request beside the conversation (a companion's line, a name): no tools, a small answer,
// the session's provider, model and retry policy. The reply's usage goes to `onUsage` so /cost counts it.
import type { AgentConfig } from "./agent.ts";
import { assistantText, type AssistantMessage } from "./messages.ts";
import { callModel } from "./model-call.ts";

export interface SideRequestOptions {
  system?: string;
  maxTokens?: number;
  signal?: AbortSignal;
  onUsage?: (message: AssistantMessage) => void;
}

/** The answer's text; throws with the API's reason when the request fails. */
export async function sideRequest(agent: Pick<AgentConfig, "provider" | "model" | "retry">, prompt: string, options: SideRequestOptions = {}): Promise<string> {
  const request = {
    model: agent.model,
    system: options.system ? [{ type: "text" as const, text: options.system }] : [],
    messages: [{ role: "user" as const, content: prompt }],
    tools: [],
    maxTokens: options.maxTokens ?? 300,
    thinking: undefined,
  };
  const call = callModel(agent.provider, request, agent.retry, options.signal ?? new AbortController().signal);
  for (;;) {
    const next = await call.next();
    if (!next.done) continue;
    if (!next.value.ok) throw new Error(next.value.failure.message);
    options.onUsage?.(next.value.message);
    return assistantText(next.value.message).trim();
  }
}
