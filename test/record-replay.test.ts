// --record / --replay against real loopback servers: the recorder streams live and keeps secrets off disk,
// the replayer answers the same run with the servers gone, and both model SDKs work through them.
import { afterEach, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classifyFailure } from "../src/retry.ts";
import { loadRecording, recordingFetch, replayFetch, RecordingError, type RecordedExchange } from "../src/record-replay.ts";
import { requestKey, ReplayMatcher } from "../src/replay-match.ts";
import { reply, startMockApi, text } from "./support/mock-api.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const dirs: string[] = [];
const servers: Array<{ stop(force?: boolean): void }> = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hone-rec-"));
  dirs.push(dir);
  return join(dir, "rec");
}

function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function serve(handler: (request: Request) => Response | Promise<Response>): string {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** An SSE server answering each POST with events that echo the request's `say` field. */
function echoServer(): string {
  return serve(async (request) => {
    const body = (await request.json()) as { say?: string };
    const events = [`event: one\ndata: {"say":"${body.say}"}\n\n`, `event: two\ndata: {"done":true}\n\n`];
    return new Response(events.join(""), { headers: { "content-type": "text/event-stream", "x-server": "echo" } });
  });
}

const readExchange = (dir: string, name: string): RecordedExchange => JSON.parse(readFileSync(join(dir, name), "utf8")) as RecordedExchange;
const post = (say: string, extra: Record<string, unknown> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "m", say, ...extra }),
});

describe("recordingFetch", () => {
  test("streams the body live, saves it once complete, and keeps secrets off disk", async () => {
    const release = gate();
    let lastSent = false;
    const url = serve(() => {
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('event: a\ndata: {"n":1}\n\n'));
          await release.promise;
          controller.enqueue(encoder.encode('event: b\ndata: {"n":2}\n\n'));
          lastSent = true;
          controller.close();
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream", "set-cookie": "session=SECRET5" } });
    });
    const dir = tempDir();
    const secrets = { "x-api-key": "SECRET1", authorization: "Bearer SECRET2", "x-custom-token": "SECRET3", cookie: "SECRET4", "anthropic-version": "2023-06-01" };
    const response = await recordingFetch(dir)(`${url}/v1/messages?beta=true&api_key=SECRET6`, {
      method: "POST",
      headers: { "content-type": "application/json", ...secrets },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toContain('"n":1');
    expect(lastSent).toBe(false);
    expect(existsSync(join(dir, "0001.json"))).toBe(false);
    release.open();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toContain('"n":2');
    expect(lastSent).toBe(true);

    const raw = readFileSync(join(dir, "0001.json"), "utf8");
    expect(raw).not.toContain("SECRET");
    const saved = JSON.parse(raw) as RecordedExchange;
    expect(saved.request.method).toBe("POST");
    expect(saved.request.url).toContain("/v1/messages?beta=true&api_key=%5Bredacted%5D");
    expect(saved.request.body).toEqual({ model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(saved.request.headers["x-api-key"]).toBe("[redacted]");
    expect(saved.request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(saved.response?.status).toBe(200);
    expect(saved.response?.headers["content-type"]).toBe("text/event-stream");
    expect(saved.response?.body).toBe('event: a\ndata: {"n":1}\n\nevent: b\ndata: {"n":2}\n\n');
    expect(readdirSync(dir).sort()).toEqual(["0001.json", "README.txt"]);
  }, 30_000);

  test("numbers exchanges in the order requests were made, continuing after existing files", async () => {
    const release = gate();
    const url = serve(async (request) => {
      if (new URL(request.url).pathname === "/slow") await release.promise;
      return new Response(new URL(request.url).pathname);
    });
    const dir = tempDir();
    const record = recordingFetch(dir);
    const slow = record(`${url}/slow`);
    expect(await (await record(`${url}/fast`)).text()).toBe("/fast");
    expect(existsSync(join(dir, "0002.json"))).toBe(true);
    release.open();
    expect(await (await slow).text()).toBe("/slow");
    expect(readExchange(dir, "0001.json").request.url).toEndWith("/slow");
    await (await recordingFetch(dir)(`${url}/again`)).text();
    expect(readExchange(dir, "0003.json").request.url).toEndWith("/again");
  }, 30_000);

  test("a body that breaks off, a refused connection and a failed save never break the caller", async () => {
    const dir = tempDir();
    const broken = recordingFetch(dir, async () => {
      let sent = false;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return controller.error(new Error("socket reset"));
          sent = true;
          controller.enqueue(encoder.encode("data: partial\n\n"));
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    });
    const reader = (await broken("http://127.0.0.1:9/v1/x", post("a"))).body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe("data: partial\n\n");
    await expect(reader.read()).rejects.toThrow("socket reset");
    const partial = readExchange(dir, "0001.json");
    expect(partial.response?.body).toBe("data: partial\n\n");
    expect(partial.error).toContain("socket reset");

    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = closed.port;
    closed.stop(true);
    const refused = recordingFetch(dir);
    await expect(refused(`http://127.0.0.1:${port}/v1/x`, post("b"))).rejects.toThrow();
    expect(readExchange(dir, "0002.json").error).toBeTruthy();

    const never = serve(() => new Promise<Response>(() => undefined));
    const controller = new AbortController();
    const pending = refused(`${never}/v1/x`, { ...post("c"), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(existsSync(join(dir, "0003.json"))).toBe(false);

    const url = echoServer();
    const errors: string[] = [];
    // The aborted request left no 0003.json, so the next recorder numbers from 0003 again; a folder
    // in that file's place makes the save fail.
    const failing = recordingFetch(dir, fetch, { onError: (message) => errors.push(message) });
    mkdirSync(join(dir, "0003.json", "blocker"), { recursive: true });
    expect(await (await failing(`${url}/v1/x`, post("d"))).text()).toContain('"say":"d"');
    expect(errors[0]).toContain("could not save 0003.json");
  }, 30_000);
});

async function recordEcho(dir: string, says: string[]): Promise<void> {
  const url = echoServer();
  const record = recordingFetch(dir);
  for (const say of says) await (await record(`${url}/v1/messages`, post(say))).text();
  for (const server of servers.splice(0)) server.stop(true);
}

describe("replayFetch", () => {
  test("answers out-of-order requests by their body, in chunks, without a server", async () => {
    const dir = tempDir();
    await recordEcho(dir, ["alpha", "beta", "gamma"]);
    const mismatches: string[] = [];
    const replay = replayFetch(dir, { onMismatch: (message) => mismatches.push(message) });
    for (const say of ["gamma", "alpha", "beta"]) {
      const response = await replay("http://127.0.0.1:1/v1/messages", post(say));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/event-stream");
      expect(response.headers.get("x-server")).toBe("echo");
      const reader = response.body!.getReader();
      const chunks: string[] = [];
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(decoder.decode(chunk.value));
      expect(chunks).toEqual([`event: one\ndata: {"say":"${say}"}\n\n`, 'event: two\ndata: {"done":true}\n\n']);
    }
    expect(mismatches).toEqual([]);
  }, 30_000);

  test("a changed request takes the closest unused exchange and says so; an exhausted folder stops with a 400", async () => {
    const dir = tempDir();
    await recordEcho(dir, ["one", "two"]);
    const mismatches: string[] = [];
    const replay = replayFetch(dir, { onMismatch: (message) => mismatches.push(message) });
    expect(await (await replay("http://x.invalid/v1/messages", post("two"))).text()).toContain('"say":"two"');
    expect(await (await replay("http://x.invalid/v1/messages", post("changed"))).text()).toContain('"say":"one"');
    expect(mismatches[0]).toContain("0001.json");

    const client = new Anthropic({ apiKey: "x", baseURL: "http://x.invalid", fetch: replay, maxRetries: 0 });
    const error = await client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "more" }] }).catch((e: unknown) => e);
    const failure = classifyFailure(error);
    expect(failure.retryable).toBe(false);
    expect(failure.status).toBe(400);
    expect(failure.message).toContain(dir);
    expect(failure.message).toContain("2 recorded exchanges");
    expect(mismatches.at(-1)).toContain("nothing left");
  }, 30_000);

  test("blanks the date, working directory, temp paths, ids and metadata when matching", () => {
    const body = (cwd: string, date: string, agent: string, user: string) => ({
      system: `Environment:\n- Working directory: ${cwd}\n- Date: ${date}`,
      messages: [{ role: "user", content: `agent ${agent} wrote ${cwd}/a.txt and /tmp/hone/${agent}/out.txt in 1.5s` }],
      metadata: { user_id: user },
    });
    const a = requestKey("POST", "https://api.example/v1/messages", body("/home/me/p", "2025-01-02", "a1b2c3d4e", "u1"));
    const b = requestKey("post", "http://127.0.0.1:9/v1/messages", body("/tmp/x9", "2026-12-31", "af00ee11d", "u2"));
    expect(a).toEqual(b);
    const other = requestKey("POST", "http://h/v1/messages", { messages: [] });
    const matcher = new ReplayMatcher([a, other]);
    expect(matcher.take(b)).toEqual({ index: 0, exact: true });
    expect(matcher.take(b)).toEqual({ index: 1, exact: false });
    expect(matcher.take(b)).toBeUndefined();
  });

  test("recorded failures fail again at the same place", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const request = { method: "POST", url: "http://h/v1/x", headers: {}, body: { say: "a" } };
    writeFileSync(join(dir, "0001.json"), JSON.stringify({ request, error: "connect ECONNREFUSED" }));
    const response = { status: 200, statusText: "OK", headers: { "content-type": "text/event-stream" }, body: "data: 1\n\n" };
    writeFileSync(join(dir, "0002.json"), JSON.stringify({ request, response, error: "socket reset" }));
    const replay = replayFetch(dir);
    await expect(replay("http://h/v1/x", post("a"))).rejects.toThrow("ECONNREFUSED");
    const reader = (await replay("http://h/v1/x", post("a"))).body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe("data: 1\n\n");
    await expect(reader.read()).rejects.toThrow("socket reset");
  });

  test("the caller's abort signal stops a replayed request and its stream", async () => {
    const dir = tempDir();
    await recordEcho(dir, ["x", "y"]);
    const replay = replayFetch(dir);
    await expect(replay("http://h/v1/messages", { ...post("x"), signal: AbortSignal.abort() })).rejects.toThrow();
    const controller = new AbortController();
    const reader = (await replay("http://h/v1/messages", { ...post("y"), signal: controller.signal })).body!.getReader();
    expect(decoder.decode((await reader.read()).value)).toContain('"say":"y"');
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  }, 30_000);

  test("a missing, empty or malformed folder is refused at once, naming the file", () => {
    const dir = tempDir();
    expect(() => replayFetch(dir)).toThrow(`${dir} does not exist`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "README.txt"), "notes");
    expect(() => replayFetch(dir)).toThrow("holds no recorded exchanges");
    writeFileSync(join(dir, "0001.json"), "{ not json");
    expect(() => loadRecording(dir)).toThrow(RecordingError);
    expect(() => loadRecording(dir)).toThrow(`${join(dir, "0001.json")} is not valid JSON`);
    writeFileSync(join(dir, "0001.json"), JSON.stringify({ request: { method: "GET", url: "http://h/", headers: {}, body: null } }));
    expect(() => loadRecording(dir)).toThrow("has neither a response nor an error");
    writeFileSync(join(dir, "0001.json"), JSON.stringify({ request: { method: "GET", headers: {} }, error: "x" }));
    expect(() => loadRecording(dir)).toThrow(`${join(dir, "0001.json")} is not a recorded exchange (request.url`);
  });
});

/** A tiny OpenAI chat-completions stand-in: streams the reply word by word. */
function openAiServer(): string {
  return serve(async (request) => {
    const body = (await request.json()) as { messages: Array<{ content: string }> };
    const words = `you said ${body.messages.at(-1)?.content}`.split(" ");
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "local", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const events = [chunk({ role: "assistant", content: "" }, null), ...words.map((word, i) => chunk({ content: i === 0 ? word : ` ${word}` }, null)), chunk({}, "stop"), "data: [DONE]\n\n"];
    return new Response(events.join(""), { headers: { "content-type": "text/event-stream" } });
  });
}

describe("through the SDKs", () => {
  test("openai: a streamed chat completion recorded, then replayed with the server gone", async () => {
    const dir = tempDir();
    const baseURL = `${openAiServer()}/v1`;
    const run = async (client: OpenAI): Promise<string> => {
      const stream = await client.chat.completions.create({ model: "local", stream: true, messages: [{ role: "user", content: "hello there" }] });
      let out = "";
      for await (const part of stream) out += part.choices[0]?.delta.content ?? "";
      return out;
    };
    const recorder = recordingFetch(dir);
    expect(await run(new OpenAI({ apiKey: "sk-SECRET", baseURL, fetch: recorder, maxRetries: 0 }))).toBe("you said hello there");
    // The SDK stops reading at [DONE]; the recorder finishes the file on its own.
    await recorder.settled(10_000);
    for (const server of servers.splice(0)) server.stop(true);
    expect(readFileSync(join(dir, "0001.json"), "utf8")).not.toContain("sk-SECRET");
    expect(readExchange(dir, "0001.json").error).toBeUndefined();
    expect(readExchange(dir, "0001.json").response?.body).toEndWith("data: [DONE]\n\n");
    expect(await run(new OpenAI({ apiKey: "other", baseURL, fetch: replayFetch(dir), maxRetries: 0 }))).toBe("you said hello there");
  }, 30_000);

  test("anthropic: a streamed message recorded from the mock API, then replayed", async () => {
    const dir = tempDir();
    const api = await startMockApi({ steps: [reply(text("recorded answer"))] });
    const run = async (client: Anthropic) => {
      const stream = client.messages.stream({ model: "m", max_tokens: 100, messages: [{ role: "user", content: "q" }] });
      const deltas: string[] = [];
      stream.on("text", (delta) => deltas.push(delta));
      const message = await stream.finalMessage();
      return { deltas, content: message.content };
    };
    const recorded = await run(new Anthropic({ apiKey: "sk-ant-SECRET", baseURL: api.url, fetch: recordingFetch(dir), maxRetries: 0 }));
    await api.close();
    expect(recorded.content[0]).toMatchObject({ type: "text", text: "recorded answer" });
    const replayed = await run(new Anthropic({ apiKey: "x", baseURL: api.url, fetch: replayFetch(dir), maxRetries: 0 }));
    expect(replayed).toEqual(recorded);
    expect(recorded.deltas.join("")).toBe("recorded answer");
  }, 30_000);
});
