// The control channel of the stream-json protocol (Claude Code's SDK transport): `control_request` /
// `control_response` envelopes in both directions over stdin/stdout. This module owns the requests hone
// sends to the host (permission asks, hook callbacks) and the reply envelopes for the host's requests.
import type * as wire from "./stream-json.ts";
import { isPlain } from "./settings-parse.ts";

export class ControlError extends Error {
  override name = "ControlError";
}

export interface ControlChannel {
  /** Sends a request to the host and resolves with its `response` payload; rejects on an error reply or close. */
  request(body: wire.Json, signal?: AbortSignal): Promise<wire.Json>;
  /** Feeds a `control_response` read from the host; false when it answers nothing outstanding. */
  receive(message: wire.Json): boolean;
  /** Fails every outstanding request (the host went away). */
  close(reason: string): void;
  readonly pending: number;
}

interface Waiter {
  resolve: (payload: wire.Json) => void;
  reject: (error: Error) => void;
}

export function successReply(requestId: string, response: wire.Json = {}): wire.Json {
  return { type: "control_response", response: { subtype: "success", request_id: requestId, response } };
}

export function errorReply(requestId: string, error: string): wire.Json {
  return { type: "control_response", response: { subtype: "error", request_id: requestId, error } };
}

export function createControlChannel(write: (message: wire.Json) => void): ControlChannel {
  const waiting = new Map<string, Waiter>();
  let counter = 0;
  let closed: string | undefined;
  return {
    get pending() {
      return waiting.size;
    },
    request(body, signal) {
      if (closed !== undefined) return Promise.reject(new ControlError(closed));
      if (signal?.aborted) return Promise.reject(new ControlError("Interrupted"));
      const id = `req_${++counter}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
      return new Promise<wire.Json>((resolve, reject) => {
        const onAbort = () => {
          if (!waiting.delete(id)) return;
          write({ type: "control_cancel_request", request_id: id });
          reject(new ControlError("Interrupted"));
        };
        const settle = (fn: () => void) => {
          signal?.removeEventListener("abort", onAbort);
          fn();
        };
        waiting.set(id, { resolve: (p) => settle(() => resolve(p)), reject: (e) => settle(() => reject(e)) });
        signal?.addEventListener("abort", onAbort, { once: true });
        write({ type: "control_request", request_id: id, request: body });
      });
    },
    receive(message) {
      const response = message.response;
      if (!isPlain(response) || typeof response.request_id !== "string") return false;
      const waiter = waiting.get(response.request_id);
      if (!waiter) return false;
      waiting.delete(response.request_id);
      if (response.subtype === "error") waiter.reject(new ControlError(typeof response.error === "string" ? response.error : "the host reported an error"));
      else waiter.resolve(isPlain(response.response) ? response.response : {});
      return true;
    },
    close(reason) {
      closed = reason;
      for (const waiter of waiting.values()) waiter.reject(new ControlError(reason));
      waiting.clear();
    },
  };
}
