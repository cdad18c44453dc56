// The first-run probe for local model servers, against real loopback servers on random ports.
import { afterEach, expect, test } from "bun:test";
import { localServerCommand, noKeyHelp, probeLocalServers, type LocalServer } from "../src/local-servers.ts";

const servers: Array<{ stop(force?: boolean): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

function serve(handler: (path: string) => Response | Promise<Response>): number {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => handler(new URL(request.url).pathname) });
  servers.push(server);
  return server.port!;
}

const json = (value: unknown): Response => Response.json(value);

test("finds servers that answer a model list, skips HTML, closed ports and servers that never answer", async () => {
  const openai = serve((path) => (path === "/v1/models" ? json({ object: "list", data: [{ id: "qwen2.5-coder" }, { id: "llama3.2" }] }) : new Response("no", { status: 404 })));
  const ollama = serve((path) => (path === "/api/tags" ? json({ models: [{ name: "llama3.2:3b" }, { name: "mistral:7b" }] }) : new Response("404 page not found", { status: 404 })));
  const html = serve(() => new Response("<!doctype html><title>router</title>", { headers: { "content-type": "text/html" } }));
  const wrongJson = serve(() => json({ status: "ok" }));
  const silent = serve(() => new Promise<Response>(() => undefined));
  const closedServer = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const closed = closedServer.port!;
  closedServer.stop(true);

  const found = await probeLocalServers({
    // Short enough to keep the test quick, long enough for a busy machine to answer from loopback.
    timeoutMs: 1000,
    ports: [
      { port: silent, kind: "vllm" },
      { port: openai, kind: "lmstudio" },
      { port: html, kind: "llamacpp" },
      { port: closed, kind: "vllm" },
      { port: ollama, kind: "ollama" },
      { port: wrongJson, kind: "llamacpp" },
    ],
  });
  expect(found).toEqual([
    { kind: "lmstudio", label: "LM Studio", baseURL: `http://127.0.0.1:${openai}/v1`, models: ["qwen2.5-coder", "llama3.2"] },
    { kind: "ollama", label: "Ollama", baseURL: `http://127.0.0.1:${ollama}/v1`, models: ["llama3.2:3b", "mistral:7b"] },
  ]);
}, 30_000);

test("only Ollama falls back to /api/tags, and an empty model list still counts as a server", async () => {
  const tagsOnly = serve((path) => (path === "/api/tags" ? json({ models: [{ name: "phi3" }] }) : new Response("", { status: 404 })));
  const empty = serve((path) => (path === "/v1/models" ? json({ data: [] }) : new Response("", { status: 404 })));
  const found = await probeLocalServers({
    timeoutMs: 2000,
    ports: [
      { port: tagsOnly, kind: "llamacpp" },
      { port: empty, kind: "vllm" },
    ],
  });
  expect(found).toEqual([{ kind: "vllm", label: "vLLM", baseURL: `http://127.0.0.1:${empty}/v1`, models: [] }]);
}, 30_000);

test("the probe asks the injected fetch for each default port on the given host", async () => {
  const asked: string[] = [];
  const found = await probeLocalServers({
    host: "::1",
    fetchImpl: async (input) => {
      asked.push(String(input));
      throw new TypeError("connection refused");
    },
  });
  expect(found).toEqual([]);
  expect(asked.sort()).toEqual(
    ["http://[::1]:11434/v1/models", "http://[::1]:11434/api/tags", "http://[::1]:1234/v1/models", "http://[::1]:8080/v1/models", "http://[::1]:8000/v1/models"].sort(),
  );
});

test("the no-key message explains the key and lists what was found with a command to run", () => {
  const none = noKeyHelp([]);
  expect(none).toContain("ANTHROPIC_API_KEY");
  expect(none).toContain("--provider ollama --model");
  expect(none).toContain("OPENAI_BASE_URL=");

  const servers: LocalServer[] = [
    { kind: "ollama", label: "Ollama", baseURL: "http://127.0.0.1:11434/v1", models: ["llama3.2:3b", "qwen2.5-coder:7b"] },
    { kind: "lmstudio", label: "LM Studio", baseURL: "http://127.0.0.1:1234/v1", models: [] },
    { kind: "vllm", label: "vLLM", baseURL: "http://127.0.0.1:8000/v1", models: Array.from({ length: 10 }, (_, i) => `m${i}`) },
  ];
  const some = noKeyHelp(servers);
  expect(some).toContain("Ollama at http://127.0.0.1:11434/v1: llama3.2:3b, qwen2.5-coder:7b");
  expect(some).toContain("hone --provider ollama --model llama3.2:3b");
  expect(some).toContain("LM Studio at http://127.0.0.1:1234/v1: no models available yet");
  expect(some).toContain("m7 and 2 more");
  expect(some).toContain("ANTHROPIC_API_KEY");
  expect(localServerCommand(servers[0]!, "my model")).toBe("hone --provider ollama --model 'my model'");
});
