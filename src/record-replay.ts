// --record and --replay: fetch functions handed to the model SDKs (their `fetch` option). The recorder
// passes every request through and saves the exchange once its body has ended, streaming the body to the
// caller as it arrives; the replayer answers from a recorded folder without touching the network, so a
// bug report or a demo runs the same way again. File format and loading: recording-file.ts; how a
// request finds its recorded answer: replay-match.ts.
import { mkdirSync, existsSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { atomicWrite } from "./file-io.ts";
import {
  describeRequest,
  exchangeFileName,
  exchangeFiles,
  loadRecording,
  redactHeaders,
  redactUrl,
  storedBody,
  type FetchLike,
  type RecordedExchange,
  type RecordedRequest,
  type RecordedResponse,
} from "./recording-file.ts";
import { ReplayMatcher, requestKey } from "./replay-match.ts";

export { loadRecording, RecordingError, type FetchLike, type RecordedExchange, type Recording } from "./recording-file.ts";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface RecordingOptions {
  /** Told when an exchange could not be saved (the run itself goes on); default: one line on stderr. */
  onError?: (message: string) => void;
}

const writeExchange = (file: string, exchange: RecordedExchange): Promise<void> =>
  atomicWrite(file, new TextEncoder().encode(`${JSON.stringify(exchange, null, 2)}\n`));

function stderrOnce(): (message: string) => void {
  let told = false;
  return (message) => {
    if (told) return;
    told = true;
    process.stderr.write(`hone: --record: ${message}\n`);
  };
}

/**
 * A copy of `response` whose body reaches the caller chunk by chunk while it is also collected; `finish`
 * runs when the body ends, breaks off or is cancelled, and the caller sees the end only after it.
 */
function recordBody(response: Response, body: ReadableStream<Uint8Array>, finish: (text: string, error?: string) => Promise<void>): Response {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let finished = false;
  const end = async (error?: string): Promise<void> => {
    if (finished) return;
    finished = true;
    text += decoder.decode();
    await finish(text, error);
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        await end(messageOf(error));
        controller.error(error);
        return;
      }
      if (chunk.done) {
        await end();
        controller.close();
        return;
      }
      text += decoder.decode(chunk.value, { stream: true });
      controller.enqueue(chunk.value);
    },
    // The OpenAI SDK stops reading at [DONE]; what is left (normally nothing) is still the server's
    // answer, so it is read to the end for the file. A caller giving up mid-stream aborts the request,
    // which ends this read with an error.
    cancel() {
      void (async () => {
        try {
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
          await end();
        } catch (error) {
          await end(messageOf(error));
        }
      })();
    },
  });
  const copy = new Response(stream, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

export type RecordingFetch = FetchLike & {
  /**
   * Resolves once every exchange started so far is on disk (or known not to be saved), or after
   * `timeoutMs`: call it before the process exits so the last answer's file is not lost.
   */
  settled(timeoutMs?: number): Promise<void>;
};

/**
 * A fetch that saves each exchange to `dir` (created if missing) as NNNN.json, numbered in the order the
 * requests were made, continuing after any files already there. Secrets are replaced by "[redacted]".
 */
export function recordingFetch(dir: string, inner: FetchLike = fetch, options: RecordingOptions = {}): RecordingFetch {
  mkdirSync(dir, { recursive: true });
  const readme = join(dir, "README.txt");
  if (!existsSync(readme)) {
    writeFileSync(readme, `HTTP exchanges recorded by hone --record, one file per request in order. Replay with: hone --replay ${dir}\n`);
  }
  let last = exchangeFiles(dir).at(-1)?.number ?? 0;
  const report = options.onError ?? stderrOnce();
  const pending = new Set<Promise<void>>();

  const record: FetchLike = async (input, init) => {
    // Numbered when the request is made, not when its answer completes.
    const file = join(dir, exchangeFileName(++last));
    let done = (): void => undefined;
    const saved = new Promise<void>((resolve) => (done = resolve));
    pending.add(saved);
    void saved.then(() => pending.delete(saved));
    const outgoing = await describeRequest(input, init).catch((error: unknown) => {
      done();
      throw error;
    });
    const request: RecordedRequest = {
      method: outgoing.method,
      url: redactUrl(outgoing.url),
      headers: redactHeaders(outgoing.headers),
      body: storedBody(outgoing.bodyText),
    };
    const save = async (exchange: RecordedExchange): Promise<void> => {
      try {
        await writeExchange(file, exchange);
      } catch (error) {
        report(`could not save ${basename(file)} in ${dir}: ${messageOf(error)}`);
      } finally {
        done();
      }
    };

    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      // A request the caller gave up on has nothing to replay; a failed connection does (it is retried).
      if (outgoing.signal?.aborted) done();
      else await save({ request, error: messageOf(error) });
      throw error;
    }
    const head = { status: response.status, statusText: response.statusText, headers: redactHeaders(response.headers) };
    if (!response.body) {
      await save({ request, response: { ...head, body: "" } });
      return response;
    }
    return recordBody(response, response.body, async (text, error) => {
      const recorded: RecordedResponse = { ...head, body: text };
      await save(error === undefined ? { request, response: recorded } : { request, response: recorded, error });
    });
  };

  const settled = async (timeoutMs = 2000): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...pending]), timeout]);
    clearTimeout(timer);
  };
  return Object.assign(record, { settled });
}

// Decoded text is replayed, so headers describing the wire encoding no longer apply.
const WIRE_HEADERS = new Set(["content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"]);
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const CHUNK_CHARS = 16_384;

/** The body in the pieces a server would send: one per SSE event (or blank-line block), long ones split. */
export function replayChunks(body: string): string[] {
  const chunks: string[] = [];
  for (const piece of body.split(/(?<=\n\n)/)) {
    for (let start = 0; start < piece.length; start += CHUNK_CHARS) chunks.push(piece.slice(start, start + CHUNK_CHARS));
  }
  return chunks;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

function replayedResponse(recorded: RecordedResponse, error: string | undefined, signal: AbortSignal | undefined, source: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(recorded.headers)) {
    if (!WIRE_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  headers.set("x-hone-replay", source);
  const init = { status: recorded.status, statusText: recorded.statusText, headers };
  if (NULL_BODY_STATUSES.has(recorded.status)) return new Response(null, init);
  const encoder = new TextEncoder();
  const chunks = replayChunks(recorded.body);
  let next = 0;
  let finished = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Like a real fetch: an abort fails the body at once, dropping what was queued but not yet read.
      signal?.addEventListener(
        "abort",
        () => {
          if (finished) return;
          finished = true;
          controller.error(abortError(signal));
        },
        { once: true },
      );
    },
    cancel() {
      finished = true;
    },
    pull(controller) {
      if (signal?.aborted) return controller.error(abortError(signal));
      const chunk = chunks[next++];
      if (chunk !== undefined) return controller.enqueue(encoder.encode(chunk));
      // A body that broke off while recording breaks off again at the same place.
      finished = true;
      if (error !== undefined) return controller.error(new TypeError(`${error} (replayed from ${source})`));
      controller.close();
    },
  });
  return new Response(stream, init);
}

export interface ReplayOptions {
  /** Told when a request matched no recording exactly, or when none was left to answer it. */
  onMismatch?: (message: string) => void;
}

/**
 * A 400 with an API-shaped error: both SDKs turn it into an error whose message is ours, and hone does
 * not retry a 400, so the run stops at once with the explanation.
 */
function exhaustedResponse(message: string): Response {
  const body = { type: "error", error: { type: "invalid_request_error", message } };
  return new Response(JSON.stringify(body), { status: 400, statusText: "Bad Request", headers: { "content-type": "application/json", "x-hone-replay": "none" } });
}

/**
 * A fetch that answers from a --record folder without using the network. Throws a RecordingError at once
 * when the folder is missing, empty or holds a malformed file.
 */
export function replayFetch(dir: string, options: ReplayOptions = {}): FetchLike {
  const recording = loadRecording(dir);
  const { entries } = recording;
  const matcher = new ReplayMatcher(entries.map(({ exchange }) => requestKey(exchange.request.method, exchange.request.url, exchange.request.body)));

  return async (input, init) => {
    const outgoing = await describeRequest(input, init);
    if (outgoing.signal?.aborted) throw abortError(outgoing.signal);
    const key = requestKey(outgoing.method, redactUrl(outgoing.url), storedBody(outgoing.bodyText));
    const match = matcher.take(key);
    if (!match) {
      const message =
        `hone --replay: nothing left in ${dir} to answer ${key.route}: the folder has ${matcher.total} recorded ` +
        `exchange${matcher.total === 1 ? "" : "s"} and ${matcher.remaining === 0 ? "all were used" : "none of the unused ones is for this endpoint"}. ` +
        `The run asked for more than was recorded; record it again with --record.`;
      options.onMismatch?.(message);
      return exhaustedResponse(message);
    }
    const entry = entries[match.index]!;
    const source = basename(entry.file);
    if (!match.exact) options.onMismatch?.(`hone --replay: ${key.route} matched no recorded request exactly; answered with ${source}, the closest unused one`);
    const { response, error } = entry.exchange;
    if (!response) throw new TypeError(`${error ?? "no response"} (replayed from ${source})`);
    return replayedResponse(response, error, outgoing.signal, source);
  };
}
