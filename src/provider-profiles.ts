// Every provider hone can talk to, and how each OpenAI-compatible server departs from the OpenAI API:
// one table of data, so the request builder and the stream reader never test a provider's name.
export const PROVIDER_IDS = ["anthropic", "openai", "openrouter", "ollama", "lmstudio", "llamacpp", "vllm"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ProviderQuirks {
  /** The field that caps the answer's length: OpenAI's newer models refuse max_tokens. */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** What an assistant message that only calls tools carries as content: some servers reject null. */
  toolCallContent: "null" | "empty";
  /** Extra wordings of "the prompt does not fit" beyond the common ones (retry.ts OVERFLOW_TEXTS). */
  overflow: RegExp[];
  /** Sends reasoning_effort for --effort (OpenAI's reasoning models; OpenRouter passes it on). */
  reasoningEffort: boolean;
}

export interface ProviderProfile {
  id: ProviderId;
  label: string;
  /** The OpenAI-compatible base URL (ending in /v1) when nothing overrides it. */
  defaultBaseURL: string;
  /** Environment variables that override the base URL, first set wins. */
  baseURLEnv: string[];
  /** Environment variables holding the API key, first set wins. */
  keyEnv: string[];
  /** Local servers answer without a key; hosted ones do not. */
  keyRequired: boolean;
  /** Context window and output limit for models the model table does not know. */
  fallbackLimits: { contextWindow: number; maxOutputTokens: number };
  /** A cheap model for side requests (WebFetch answers, titles); undefined: the session's model. */
  smallModel?: string;
  /** Headers every request carries. */
  headers: Record<string, string>;
  quirks: ProviderQuirks;
}

const OPENAI_LIKE: ProviderQuirks = {
  maxTokensField: "max_tokens",
  toolCallContent: "null",
  overflow: [],
  reasoningEffort: false,
};

const LOCAL_LIMITS = { contextWindow: 32_768, maxOutputTokens: 8_192 };

export const PROVIDERS: Record<Exclude<ProviderId, "anthropic">, ProviderProfile> = {
  openai: {
    id: "openai",
    label: "OpenAI",
    defaultBaseURL: "https://api.openai.com/v1",
    baseURLEnv: ["OPENAI_BASE_URL"],
    keyEnv: ["OPENAI_API_KEY"],
    keyRequired: true,
    fallbackLimits: { contextWindow: 128_000, maxOutputTokens: 16_384 },
    smallModel: "gpt-5-mini",
    headers: {},
    quirks: { ...OPENAI_LIKE, maxTokensField: "max_completion_tokens", reasoningEffort: true },
  },
  openrouter: {
    id: "openrouter",
    label: "OpenRouter",
    defaultBaseURL: "https://openrouter.ai/api/v1",
    baseURLEnv: ["OPENROUTER_BASE_URL"],
    keyEnv: ["OPENROUTER_API_KEY"],
    keyRequired: true,
    fallbackLimits: { contextWindow: 128_000, maxOutputTokens: 16_384 },
    headers: { "HTTP-Referer": "https://github.com/hone-cli/hone", "X-Title": "hone" },
    quirks: { ...OPENAI_LIKE, reasoningEffort: true },
  },
  ollama: {
    id: "ollama",
    label: "Ollama",
    defaultBaseURL: "http://127.0.0.1:11434/v1",
    baseURLEnv: ["OLLAMA_BASE_URL", "OLLAMA_HOST"],
    keyEnv: ["OLLAMA_API_KEY"],
    keyRequired: false,
    fallbackLimits: LOCAL_LIMITS,
    headers: {},
    // Ollama and LM Studio have refused an assistant message whose content is null.
    quirks: { ...OPENAI_LIKE, toolCallContent: "empty", overflow: [/input length exceeds/i] },
  },
  lmstudio: {
    id: "lmstudio",
    label: "LM Studio",
    defaultBaseURL: "http://127.0.0.1:1234/v1",
    baseURLEnv: ["LMSTUDIO_BASE_URL", "LM_STUDIO_BASE_URL"],
    keyEnv: ["LMSTUDIO_API_KEY"],
    keyRequired: false,
    fallbackLimits: LOCAL_LIMITS,
    headers: {},
    quirks: { ...OPENAI_LIKE, toolCallContent: "empty", overflow: [/context (length|overflow)/i, /greater than the context length/i] },
  },
  llamacpp: {
    id: "llamacpp",
    label: "llama.cpp server",
    defaultBaseURL: "http://127.0.0.1:8080/v1",
    baseURLEnv: ["LLAMACPP_BASE_URL", "LLAMA_CPP_BASE_URL"],
    keyEnv: ["LLAMACPP_API_KEY", "LLAMA_API_KEY"],
    keyRequired: false,
    fallbackLimits: LOCAL_LIMITS,
    headers: {},
    // Its "exceeds the available context size" is among retry.ts's common wordings already.
    quirks: { ...OPENAI_LIKE, overflow: [/n_ctx/i] },
  },
  vllm: {
    id: "vllm",
    label: "vLLM",
    defaultBaseURL: "http://127.0.0.1:8000/v1",
    baseURLEnv: ["VLLM_BASE_URL"],
    keyEnv: ["VLLM_API_KEY"],
    keyRequired: false,
    fallbackLimits: LOCAL_LIMITS,
    headers: {},
    // Its "maximum context length is N tokens" is among retry.ts's common wordings already.
    quirks: { ...OPENAI_LIKE, overflow: [/longer than the maximum model length/i] },
  },
};

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/** OLLAMA_HOST is often `host:port` without a scheme or path; the others are full URLs. */
export function normaliseBaseURL(raw: string, profile: ProviderProfile): string {
  let url = raw.trim().replace(/\/+$/, "");
  if (!/^[a-z]+:\/\//i.test(url)) url = `http://${url}`;
  if (profile.id === "ollama" && !/\/v1$/.test(url)) url = `${url}/v1`;
  return url;
}

type Env = Record<string, string | undefined>;

export function baseURLFor(profile: ProviderProfile, env: Env): string {
  const name = profile.baseURLEnv.find((n) => env[n]);
  return name ? normaliseBaseURL(env[name]!, profile) : profile.defaultBaseURL;
}

export function apiKeyFor(profile: ProviderProfile, env: Env): { key?: string; source?: string } {
  const name = profile.keyEnv.find((n) => env[n]);
  return name ? { key: env[name], source: name } : {};
}
