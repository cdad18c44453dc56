// One table for everything hone knows about models: aliases, context windows, output limits, how
// extended thinking is requested, and prices. Unknown model ids still work with conservative defaults.
export interface ModelInfo {
  id: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** "adaptive" models decide their own thinking budget; "budget" models take budget_tokens. */
  thinking: "adaptive" | "budget" | "none";
  /** USD per million tokens. */
  price: { input: number; output: number; cacheWrite: number; cacheRead: number };
  /** False for ids the table does not know: their limits are guesses a provider's fallback may replace. */
  known?: boolean;
}

function priced(input: number, output: number): ModelInfo["price"] {
  return { input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1 };
}

function openaiPriced(input: number, output: number): ModelInfo["price"] {
  return { input, output, cacheWrite: input, cacheRead: input * 0.1 };
}

const FREE: ModelInfo["price"] = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };

export const MODELS: readonly ModelInfo[] = [
  { id: "claude-opus-4-6", contextWindow: 200_000, maxOutputTokens: 128_000, thinking: "adaptive", price: priced(5, 25) },
  { id: "claude-sonnet-4-6", contextWindow: 200_000, maxOutputTokens: 64_000, thinking: "adaptive", price: priced(3, 15) },
  { id: "claude-opus-4-5", contextWindow: 200_000, maxOutputTokens: 64_000, thinking: "budget", price: priced(5, 25) },
  { id: "claude-sonnet-4-5", contextWindow: 200_000, maxOutputTokens: 64_000, thinking: "budget", price: priced(3, 15) },
  { id: "claude-haiku-4-5", contextWindow: 200_000, maxOutputTokens: 64_000, thinking: "budget", price: priced(1, 5) },
  { id: "claude-opus-4-1", contextWindow: 200_000, maxOutputTokens: 32_000, thinking: "budget", price: priced(15, 75) },
  { id: "claude-opus-4-0", contextWindow: 200_000, maxOutputTokens: 32_000, thinking: "budget", price: priced(15, 75) },
  { id: "claude-sonnet-4-0", contextWindow: 200_000, maxOutputTokens: 64_000, thinking: "budget", price: priced(3, 15) },
  { id: "claude-3-7-sonnet", contextWindow: 200_000, maxOutputTokens: 64_000, thinking: "budget", price: priced(3, 15) },
  { id: "claude-3-5-haiku", contextWindow: 200_000, maxOutputTokens: 8_192, thinking: "none", price: priced(0.8, 4) },
  // OpenAI's models (cached input is billed at a tenth; there is no cache-write charge).
  { id: "gpt-5", contextWindow: 400_000, maxOutputTokens: 128_000, thinking: "none", price: openaiPriced(1.25, 10) },
  { id: "gpt-5-mini", contextWindow: 400_000, maxOutputTokens: 128_000, thinking: "none", price: openaiPriced(0.25, 2) },
  { id: "gpt-5-nano", contextWindow: 400_000, maxOutputTokens: 128_000, thinking: "none", price: openaiPriced(0.05, 0.4) },
  { id: "gpt-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768, thinking: "none", price: openaiPriced(2, 8) },
  { id: "gpt-4.1-mini", contextWindow: 1_047_576, maxOutputTokens: 32_768, thinking: "none", price: openaiPriced(0.4, 1.6) },
  { id: "gpt-4o", contextWindow: 128_000, maxOutputTokens: 16_384, thinking: "none", price: openaiPriced(2.5, 10) },
  { id: "gpt-4o-mini", contextWindow: 128_000, maxOutputTokens: 16_384, thinking: "none", price: openaiPriced(0.15, 0.6) },
  { id: "o3", contextWindow: 200_000, maxOutputTokens: 100_000, thinking: "none", price: openaiPriced(2, 8) },
  { id: "o4-mini", contextWindow: 200_000, maxOutputTokens: 100_000, thinking: "none", price: openaiPriced(1.1, 4.4) },
  // Open-weight families served by Ollama, LM Studio, llama.cpp and vLLM (matched without their size tag).
  // These are the models' trained windows; a local server may be started with less (the modelLimits
  // setting or HONE_CONTEXT_WINDOW say so, and an overflow refusal teaches it during a session).
  { id: "gpt-oss", contextWindow: 131_072, maxOutputTokens: 32_768, thinking: "none", price: FREE },
  { id: "qwen3-coder", contextWindow: 262_144, maxOutputTokens: 65_536, thinking: "none", price: FREE },
  { id: "qwen3", contextWindow: 40_960, maxOutputTokens: 16_384, thinking: "none", price: FREE },
  { id: "qwen2.5-coder", contextWindow: 32_768, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "qwen2.5", contextWindow: 32_768, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "llama3.3", contextWindow: 131_072, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "llama3.2", contextWindow: 131_072, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "llama3.1", contextWindow: 131_072, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "devstral", contextWindow: 131_072, maxOutputTokens: 16_384, thinking: "none", price: FREE },
  { id: "mistral-small", contextWindow: 131_072, maxOutputTokens: 16_384, thinking: "none", price: FREE },
  { id: "deepseek-coder-v2", contextWindow: 163_840, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "deepseek-r1", contextWindow: 131_072, maxOutputTokens: 32_768, thinking: "none", price: FREE },
  { id: "gemma3", contextWindow: 131_072, maxOutputTokens: 8_192, thinking: "none", price: FREE },
  { id: "phi4", contextWindow: 16_384, maxOutputTokens: 4_096, thinking: "none", price: FREE },
];

const ALIASES: Record<string, { env: string; id: string }> = {
  opus: { env: "ANTHROPIC_DEFAULT_OPUS_MODEL", id: "claude-opus-4-6" },
  sonnet: { env: "ANTHROPIC_DEFAULT_SONNET_MODEL", id: "claude-sonnet-4-6" },
  haiku: { env: "ANTHROPIC_DEFAULT_HAIKU_MODEL", id: "claude-haiku-4-5" },
};

export const DEFAULT_MODEL_ALIAS = "sonnet";

/** Resolve an alias (`sonnet`, `opus`, `haiku`) or pass a full model id through. */
export function resolveModel(nameOrAlias: string, env: Record<string, string | undefined> = process.env): string {
  const alias = ALIASES[nameOrAlias.toLowerCase()];
  if (!alias) return nameOrAlias;
  return env[alias.env] || alias.id;
}

const CLAUDE_FALLBACK: Omit<ModelInfo, "id"> = {
  contextWindow: 200_000,
  maxOutputTokens: 32_000,
  thinking: "budget",
  price: priced(3, 15),
  known: false,
};

/** A model nobody told us about: a modest window, and no price rather than a made-up one. */
const OTHER_FALLBACK: Omit<ModelInfo, "id"> = { contextWindow: 128_000, maxOutputTokens: 16_384, thinking: "none", price: FREE, known: false };

/**
 * The table's name for an id as servers spell it: without a vendor folder (`openai/gpt-5`,
 * `Qwen/Qwen3-Coder-30B`), a size tag (`qwen3:8b`) or a GGUF suffix, lower case; OpenRouter's dotted
 * Claude versions (`claude-sonnet-4.5`) become dashed.
 */
export function lookupName(id: string): string {
  let name = id.toLowerCase();
  name = name.slice(name.lastIndexOf("/") + 1).replace(/:.*$/, "").replace(/\.gguf$/, "");
  if (name.startsWith("claude-")) name = name.replace(/(\d)\.(\d)/g, "$1-$2");
  return name;
}

/** Look a model up by id, also matching dated ids (`claude-sonnet-4-5-20250929`) and sized ones (`qwen3-coder-30b-a3b`) by prefix. */
export function modelInfo(id: string): ModelInfo {
  const exact = MODELS.find((m) => m.id === id);
  if (exact) return exact;
  const name = lookupName(id);
  const same = MODELS.find((m) => m.id === name);
  if (same) return { ...same, id };
  const prefixed = MODELS.filter((m) => name.startsWith(`${m.id}-`)).sort((a, b) => b.id.length - a.id.length)[0];
  if (prefixed) return { ...prefixed, id };
  return { id, ...(name.startsWith("claude") ? CLAUDE_FALLBACK : OTHER_FALLBACK) };
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

export function addUsage(into: Usage, more: Partial<Usage>): Usage {
  into.input_tokens += more.input_tokens ?? 0;
  into.output_tokens += more.output_tokens ?? 0;
  into.cache_creation_input_tokens += more.cache_creation_input_tokens ?? 0;
  into.cache_read_input_tokens += more.cache_read_input_tokens ?? 0;
  return into;
}

export function costUSD(model: string, usage: Usage): number {
  const p = modelInfo(model).price;
  return (
    (usage.input_tokens * p.input +
      usage.output_tokens * p.output +
      usage.cache_creation_input_tokens * p.cacheWrite +
      usage.cache_read_input_tokens * p.cacheRead) /
    1_000_000
  );
}

export type ModelSource = "--model" | "resumed session" | "HONE_MODEL" | "ANTHROPIC_MODEL" | "settings" | "default";

/** Which model name a run uses and why: the one precedence rule shared by runs and `hone doctor`. */
export function chooseModel(
  given: { flag?: string; restored?: string; settings?: string },
  env: Record<string, string | undefined>,
): { name: string; source: ModelSource } {
  if (given.flag) return { name: given.flag, source: "--model" };
  if (given.restored) return { name: given.restored, source: "resumed session" };
  if (env.HONE_MODEL) return { name: env.HONE_MODEL, source: "HONE_MODEL" };
  if (env.ANTHROPIC_MODEL) return { name: env.ANTHROPIC_MODEL, source: "ANTHROPIC_MODEL" };
  if (given.settings) return { name: given.settings, source: "settings" };
  return { name: DEFAULT_MODEL_ALIAS, source: "default" };
}
