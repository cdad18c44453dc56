// Which provider a run talks to and under what model name: --provider, a `provider/` prefix on the
// model, HONE_PROVIDER, the `provider` setting, or the environment's keys. Pure.
import { UsageError } from "./cli.ts";
import { modelInfo, resolveModel, type ModelInfo } from "./models.ts";
import { apiKeyFor, baseURLFor, isProviderId, PROVIDER_IDS, PROVIDERS, type ProviderId, type ProviderProfile } from "./provider-profiles.ts";

type Env = Record<string, string | undefined>;

export interface ProviderChoice {
  id: ProviderId;
  /** The model id sent to the API: any `provider/` prefix stripped, aliases resolved for Anthropic. */
  model: string;
  /** Set for the OpenAI-compatible providers. */
  profile?: ProviderProfile;
  baseURL?: string;
  apiKey?: string;
  /** The variable the key came from, for doctor and the REPL's /status. */
  keySource?: string;
  /** Why this provider: "--provider", "model prefix", "HONE_PROVIDER", "settings", "OPENAI_BASE_URL", "default". */
  reason: string;
}

export interface ProviderInputs {
  flag?: string;
  /** The model name as chosen (flag, resume, env, settings, default alias). */
  model: string;
  /** The model came from the default alias, not from the user. */
  modelIsDefault: boolean;
  settings?: string;
  env: Env;
}

function checkId(value: string, where: string): ProviderId {
  const id = value.toLowerCase();
  if (isProviderId(id)) return id;
  throw new UsageError(`${where}: unknown provider "${value}" (providers: ${PROVIDER_IDS.join(", ")})`);
}

/** `ollama/qwen3:8b` names its provider; `meta-llama/Llama-3.1-8B` (a vLLM or OpenRouter id) does not. */
export function splitModelPrefix(model: string): { id?: ProviderId; rest: string } {
  const slash = model.indexOf("/");
  if (slash <= 0) return { rest: model };
  const head = model.slice(0, slash).toLowerCase();
  return isProviderId(head) ? { id: head, rest: model.slice(slash + 1) } : { rest: model };
}

function pickProvider(inputs: ProviderInputs, prefix: ProviderId | undefined): { id: ProviderId; reason: string } {
  if (inputs.flag) return { id: checkId(inputs.flag, "--provider"), reason: "--provider" };
  if (prefix) return { id: prefix, reason: "model prefix" };
  if (inputs.env.HONE_PROVIDER) return { id: checkId(inputs.env.HONE_PROVIDER, "HONE_PROVIDER"), reason: "HONE_PROVIDER" };
  if (inputs.settings) return { id: checkId(inputs.settings, "settings provider"), reason: "settings" };
  const anthropicKey = inputs.env.ANTHROPIC_API_KEY || inputs.env.ANTHROPIC_AUTH_TOKEN;
  if (!anthropicKey && inputs.env.OPENAI_BASE_URL) return { id: "openai", reason: "OPENAI_BASE_URL" };
  return { id: "anthropic", reason: "default" };
}

export function chooseProvider(inputs: ProviderInputs): ProviderChoice {
  const split = splitModelPrefix(inputs.model);
  const { id, reason } = pickProvider(inputs, split.id);
  // The prefix is the provider's own name: stripped. Any other (OpenRouter's `anthropic/...`) is part of the id.
  const named = split.id === id ? split.rest : inputs.model;
  if (id === "anthropic") return { id, model: resolveModel(named, inputs.env), reason };
  const profile = PROVIDERS[id];
  // The default alias names a Claude model. OpenAI has an obvious default; for the others the model
  // stays empty and the run asks the server which models it serves (serverModels in local-servers.ts).
  const model = inputs.modelIsDefault ? (id === "openai" ? "gpt-5" : "") : named;
  const { key, source } = apiKeyFor(profile, inputs.env);
  return { id, model, profile, baseURL: baseURLFor(profile, inputs.env), ...(key ? { apiKey: key, keySource: source } : {}), reason };
}

export const ANTHROPIC_KEY_HELP = `hone needs an Anthropic API key.
Set one in your shell, then run hone again:
  export ANTHROPIC_API_KEY=sk-ant-...
(ANTHROPIC_AUTH_TOKEN is used as a bearer token instead, and ANTHROPIC_BASE_URL points hone at a gateway.
Other providers: --provider openai|openrouter|ollama|lmstudio|llamacpp|vllm, or a model named ollama/<model>.)`;

/** What is missing before this choice can make a request; undefined when nothing is. */
export function missingCredentials(choice: ProviderChoice, env: Env): string | undefined {
  if (choice.id === "anthropic") return env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN ? undefined : ANTHROPIC_KEY_HELP;
  if (!choice.profile?.keyRequired || choice.apiKey) return undefined;
  return `${choice.profile.label} needs an API key: set ${choice.profile.keyEnv.join(" or ")} and run hone again.`;
}

/** resolveModelFor with what an agent knows: its provider, its model and its small model. */
export function agentModel(agent: { providerId?: string; model: string; smallModel?: string }, nameOrAlias: string, env: Env): string {
  return resolveModelFor(agent.providerId ?? "anthropic", nameOrAlias, env, agent.model, agent.smallModel);
}

/**
 * A model alias (`haiku`, `sonnet`, `opus`) means something only to Anthropic: elsewhere a sub-agent
 * or command asking for one gets the session's own model (or the provider's small model for haiku).
 */
export function resolveModelFor(providerId: string, nameOrAlias: string, env: Env, sessionModel: string, smallModel?: string): string {
  if (providerId === "anthropic") return resolveModel(nameOrAlias, env);
  const alias = nameOrAlias.toLowerCase();
  if (alias === "haiku") return env.HONE_SMALL_MODEL || smallModel || sessionModel;
  if (alias === "sonnet" || alias === "opus" || alias === "fable") return sessionModel;
  const split = splitModelPrefix(nameOrAlias);
  return split.id === providerId ? split.rest : nameOrAlias;
}

export interface LimitOverride {
  contextWindow?: number;
  maxOutputTokens?: number;
}

/**
 * The model's window and output cap: the model table, a provider's fallback for models the table
 * does not know, then the `modelLimits` setting for this model, then HONE_CONTEXT_WINDOW /
 * HONE_MAX_OUTPUT_TOKENS (a local server started with a smaller context than the model was trained for).
 */
export function modelLimits(choice: Pick<ProviderChoice, "model" | "profile">, env: Env, settings: Record<string, LimitOverride> = {}): ModelInfo {
  const base = modelInfo(choice.model);
  const guessed = base.known === false && choice.profile ? { ...base, ...choice.profile.fallbackLimits } : base;
  const fromSettings = settings[choice.model] ?? {};
  const window = positive(env.HONE_CONTEXT_WINDOW) ?? fromSettings.contextWindow ?? guessed.contextWindow;
  const output = positive(env.HONE_MAX_OUTPUT_TOKENS) ?? fromSettings.maxOutputTokens ?? guessed.maxOutputTokens;
  return { ...guessed, contextWindow: window, maxOutputTokens: Math.min(output, window) };
}

function positive(raw: string | undefined): number | undefined {
  const value = Number(raw);
  return raw && Number.isInteger(value) && value > 0 ? value : undefined;
}
