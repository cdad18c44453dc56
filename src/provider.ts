// What the agent loop needs from a model provider: one streamed request at a time, yielding deltas as
// they arrive and returning the complete assistant message. Retries live above this (see retry.ts).
import type { AssistantMessage, Message, TextBlock } from "./messages.ts";
import type { ToolSchema } from "./tool.ts";

export type ThinkingConfig = { type: "enabled"; budget_tokens: number } | { type: "adaptive" } | undefined;

/** How much effort the model puts into an answer (the API's output_config.effort). */
export const EFFORT_LEVELS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

export interface ModelRequest {
  model: string;
  system: TextBlock[];
  messages: Message[];
  tools: ToolSchema[];
  maxTokens: number;
  thinking: ThinkingConfig;
  effort?: Effort;
}

export type ProviderEvent =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; text: string }
  /** The provider's raw stream event, for --include-partial-messages. */
  | { type: "raw"; event: unknown };

export interface Provider {
  readonly name: string;
  stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ProviderEvent, AssistantMessage>;
}
