// Runs `hone serve` from the compiled binary against the scripted API and talks to it over real HTTP:
// JSON calls, server-sent event streams read as they arrive, and a clean stop by signal.
import { afterEach } from "bun:test";
import { honeEnv, requireBinary } from "./run-hone.ts";

export type Json = Record<string, unknown>;

export interface Served {
  /** The URL the server printed; `base` is the same port on 127.0.0.1, for wildcard binds. */
  url: string;
  base: string;
  stderr(): string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json }>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: "SIGTERM" | "SIGINT"): Promise<number>;
}

const running = new Set<ReturnType<typeof Bun.spawn>>();
afterEach(() => {
  for (const proc of running) proc.kill("SIGKILL");
  running.clear();
});

export async function startServe(options: { cwd: string; apiUrl: string; args?: string[]; env?: Record<string, string | undefined> }): Promise<Served> {
  const env = honeEnv(options.apiUrl, options.env);
  const proc = Bun.spawn([requireBinary(), "serve", "--port", "0", ...(options.args ?? [])], { cwd: options.cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  running.add(proc);
  let stderr = "";
  void (async () => {
    for await (const chunk of proc.stderr) stderr += new TextDecoder().decode(chunk);
  })();
  const reader = proc.stdout.getReader();
  let stdout = "";
  while (!stdout.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`hone serve exited before printing its URL (code ${await proc.exited}): ${stderr}`);
    stdout += new TextDecoder().decode(value);
  }
  const url = stdout.split("\n")[0]!.trim();
  const base = url.replace(/^http:\/\/[^/]+:(\d+)$/, "http://127.0.0.1:$1");
  return {
    url,
    base,
    stderr: () => stderr,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { "content-type": "application/json", ...headers } };
      if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
      const res = await fetch(base + path, init);
      return { status: res.status, body: (await res.json()) as Json };
    },
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      const code = await proc.exited;
      running.delete(proc);
      return code;
    },
  };
}

/** Opens a streamed turn; `events` yields each `data:` object as it arrives, checking the framing. */
export async function streamTurn(base: string, sessionId: string, body: Json, init: RequestInit = {}): Promise<{ response: Response; events: AsyncGenerator<Json> }> {
  const response = await fetch(`${base}/v1/sessions/${sessionId}/messages`, { method: "POST", body: JSON.stringify(body), ...init });
  async function* events(): AsyncGenerator<Json> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!frame.startsWith("data: ") || frame.includes("\n")) throw new Error(`not a single-line data event: ${JSON.stringify(frame)}`);
        yield JSON.parse(frame.slice("data: ".length)) as Json;
      }
    }
    if (buffered !== "") throw new Error(`the stream ended inside an event: ${JSON.stringify(buffered)}`);
  }
  return { response, events: events() };
}

/** Polls until `check` holds (or fails after timeoutMs). */
export async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await Bun.sleep(20);
  }
}
