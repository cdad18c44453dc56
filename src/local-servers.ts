// First run without an Anthropic key: is a local OpenAI-compatible model server already running on its
// usual port? Each port is asked for its model list in parallel with a short timeout, so a closed port
// or a server that never answers costs at most that long. Only an answer in a model server's JSON shape
// counts: some other web server on 8080 is not a model server.
import type { FetchLike } from "./recording-file.ts";

/** Matches the provider ids of provider-profiles.ts, so a found server maps straight to `--provider`. */
export type LocalServerKind = "ollama" | "lmstudio" | "llamacpp" | "vllm";

export interface LocalServer {
  kind: LocalServerKind;
  label: string;
  /** The OpenAI-compatible base URL, ending in /v1. */
  baseURL: string;
  models: string[];
}

export const LOCAL_SERVER_LABELS: Record<LocalServerKind, string> = {
  ollama: "Ollama",
  lmstudio: "LM Studio",
  llamacpp: "llama.cpp server",
  vllm: "vLLM",
};

export const DEFAULT_LOCAL_PORTS: ReadonlyArray<{ port: number; kind: LocalServerKind }> = [
  { port: 11434, kind: "ollama" },
  { port: 1234, kind: "lmstudio" },
  { port: 8080, kind: "llamacpp" },
  { port: 8000, kind: "vllm" },
];

export interface ProbeOptions {
  fetchImpl?: FetchLike;
  host?: string;
  ports?: ReadonlyArray<{ port: number; kind: LocalServerKind }>;
  /** Per request; a server that has not answered by then is skipped. */
  timeoutMs?: number;
}

/** GET `url` as JSON, or undefined for anything else: refused, timed out, not 2xx, not JSON. */
async function getJson(fetchImpl: FetchLike, url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { headers: { accept: "application/json", ...headers }, signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The names in `{ <listField>: [{ <nameField>: "..." }] }`, or undefined when the shape is not that. */
function modelNames(body: unknown, listField: string, nameField: string): string[] | undefined {
  if (!isRecord(body)) return undefined;
  const list = body[listField];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((item) => (isRecord(item) && typeof item[nameField] === "string" ? [item[nameField]] : []));
}

async function probeOne(fetchImpl: FetchLike, origin: string, kind: LocalServerKind, timeoutMs: number): Promise<LocalServer | undefined> {
  const found = (models: string[]): LocalServer => ({ kind, label: LOCAL_SERVER_LABELS[kind], baseURL: `${origin}/v1`, models });
  const openai = modelNames(await getJson(fetchImpl, `${origin}/v1/models`, timeoutMs), "data", "id");
  if (openai) return found(openai);
  // Older Ollama releases have no /v1/models; their own API lists the pulled models.
  if (kind !== "ollama") return undefined;
  const tags = modelNames(await getJson(fetchImpl, `${origin}/api/tags`, timeoutMs), "models", "name");
  return tags ? found(tags) : undefined;
}

/** The local model servers answering on their usual ports, in the order of `ports`. */
export async function probeLocalServers(options: ProbeOptions = {}): Promise<LocalServer[]> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const host = options.host ?? "127.0.0.1";
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const timeoutMs = options.timeoutMs ?? 400;
  const ports = options.ports ?? DEFAULT_LOCAL_PORTS;
  const results = await Promise.all(ports.map(({ port, kind }) => probeOne(fetchImpl, `http://${hostPart}:${port}`, kind, timeoutMs)));
  return results.filter((server): server is LocalServer => server !== undefined);
}

/** The models an OpenAI-compatible server at `baseURL` (ending in /v1) lists; undefined when it does not answer. */
export async function serverModels(baseURL: string, options: { apiKey?: string; fetchImpl?: FetchLike; timeoutMs?: number } = {}): Promise<string[] | undefined> {
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return modelNames(await getJson(options.fetchImpl ?? fetch, `${baseURL.replace(/\/+$/, "")}/models`, options.timeoutMs ?? 3000, headers), "data", "id");
}

/** The command line that runs hone on `server` with one of its models. */
export function localServerCommand(server: LocalServer, model = server.models[0] ?? "<model>"): string {
  const modelArg = /^[\w.:/@-]+$/.test(model) ? model : `'${model.replace(/'/g, "'\\''")}'`;
  return `hone --provider ${server.kind} --model ${modelArg}`;
}

const SHOWN_MODELS = 8;

function modelList(models: string[]): string {
  if (models.length === 0) return "no models available yet (pull or load one first)";
  const shown = models.slice(0, SHOWN_MODELS).join(", ");
  return models.length > SHOWN_MODELS ? `${shown} and ${models.length - SHOWN_MODELS} more` : shown;
}

/** What hone says when there is no Anthropic key: how to set one, or how to use the local servers found. */
export function noKeyHelp(found: LocalServer[]): string {
  const keyLines = ["To use Claude, set an Anthropic API key (created at https://console.anthropic.com):", "  export ANTHROPIC_API_KEY=<your key>"];
  if (found.length === 0) {
    return [
      "No Anthropic API key is set.",
      "",
      ...keyLines,
      "",
      "Or run a local model: start Ollama, LM Studio, llama.cpp's server or vLLM, then for example:",
      "  hone --provider ollama --model <model>",
      "Any other OpenAI-compatible server works through its base URL:",
      "  OPENAI_BASE_URL=http://host:port/v1 hone --provider openai --model <model>",
    ].join("\n");
  }
  const servers = found.flatMap((server) => [`  ${server.label} at ${server.baseURL}: ${modelList(server.models)}`, `    ${localServerCommand(server)}`]);
  return [
    `No Anthropic API key is set, but ${found.length === 1 ? "a local model server is" : "local model servers are"} running:`,
    ...servers,
    "",
    ...keyLines,
  ].join("\n");
}
