// The shapes the MCP manager exposes: per-server status, prompt and resource listings, the manager
// interface the tools and prompt expansion use, and startMcp's options.
import type {
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpScope } from "./extension-types.ts";
import type { Tool } from "./tool.ts";

export type McpState = "connected" | "failed" | "pending";

export interface McpServerStatus {
  name: string;
  /** The `<server>` part of its tool names (`plugin_<plugin>_<name>` for plugin servers). */
  key: string;
  scope: McpScope;
  plugin?: string;
  state: McpState;
  error?: string;
  toolCount: number;
  promptCount: number;
  resourceCount: number;
  /** The stdio child's pid while it runs. */
  pid?: number;
}

export interface McpPromptInfo {
  server: string;
  key: string;
  prompt: Prompt;
}

export interface McpResourceInfo {
  server: string;
  resource: Resource;
}

export interface McpTemplateInfo {
  server: string;
  template: ResourceTemplate;
}

export interface McpManager {
  /** Every connected server's tools as `mcp__<server>__<tool>`. */
  tools(): Tool[];
  status(): McpServerStatus[];
  /** Servers' `instructions` (capped at 2 KB each) for the system prompt. */
  instructions(): { server: string; text: string }[];
  prompts(): McpPromptInfo[];
  getPrompt(server: string, prompt: string, args: Record<string, string>): Promise<GetPromptResult>;
  /** Live listing from every connected server (or one); throws for an unknown or failed server. */
  listResources(server?: string): Promise<McpResourceInfo[]>;
  /** Resource templates as listed at connect time. */
  resourceTemplates(server?: string): McpTemplateInfo[];
  readResource(server: string, uri: string): Promise<ReadResourceResult>;
  /** MAX_MCP_OUTPUT_TOKENS (default 25,000): the cap on text returned to the model. */
  readonly maxOutputTokens: number;
  /** Names servers are known by (as configured), for error messages and mentions. */
  serverNames(): string[];
  close(): Promise<void>;
}

export interface McpOptions {
  projectDir: string;
  roots: string[];
  env: Record<string, string | undefined>;
  /** Startup deadline per server; an entry's own `timeoutMs` wins. Default: MCP_TIMEOUT, else 30 s. */
  timeoutMs?: number;
  log?: (warning: string) => void;
}
