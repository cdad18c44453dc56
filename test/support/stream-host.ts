// Plays the SDK host for the compiled binary without an SDK: hone runs with stream-json input and output
// and its stdin kept open; the test sends user messages and control responses as NDJSON lines and waits
// for the lines it needs (can_use_tool requests, results) on stdout.
import { requireBinary } from "./run-hone.ts";

export type Line = Record<string, unknown>;

export const STREAM_ARGS = ["--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];

/** A user message line. */
export const userLine = (content: unknown): Line => ({ type: "user", message: { role: "user", content } });

/** A can_use_tool control request from hone (optionally for one tool). */
export const isToolAsk =
  (tool?: string) =>
  (line: Line): boolean => {
    if (line.type !== "control_request") return false;
    const request = line.request as Line;
    return request.subtype === "can_use_tool" && (tool === undefined || request.tool_name === tool);
  };

/** The host's answer to the control request `ask`: allow (optionally with changed input) or deny with a message. */
export function answerLine(ask: Line, answer: { behavior: "allow"; updatedInput?: unknown } | { behavior: "deny"; message: string }): Line {
  return { type: "control_response", response: { subtype: "success", request_id: ask.request_id, response: answer } };
}

export interface StreamHost {
  /** Every line hone has written so far (as far as it has been read). */
  seen: Line[];
  /** The first line matching `match` not taken before, reading stdout until it comes. */
  next(match: (line: Line) => boolean): Promise<Line>;
  send(line: Line): void;
  /** Closes stdin: hone finishes what it is doing and exits. */
  close(): void;
  /** Reads stdout to its end; the exit code. */
  exited(): Promise<number>;
  /** Ends the process (cleanup after a failed test). */
  kill(): void;
}

export function streamHost(options: { dir: string; apiUrl: string; home: string; args?: string[] }): StreamHost {
  const proc = Bun.spawn([requireBinary(), ...STREAM_ARGS, ...(options.args ?? [])], {
    cwd: options.dir,
    env: { PATH: process.env.PATH ?? "", HOME: options.home, TMPDIR: process.env.TMPDIR ?? "/tmp", ANTHROPIC_API_KEY: "sk-test", ANTHROPIC_BASE_URL: options.apiUrl, HONE_RETRY_BASE_MS: "20" },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "ignore",
  });
  const seen: Line[] = [];
  const taken = new Set<Line>();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const pull = async (): Promise<boolean> => {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += value;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) if (part.trim() !== "") seen.push(JSON.parse(part) as Line);
    return true;
  };
  return {
    seen,
    async next(match) {
      for (;;) {
        const found = seen.find((l) => match(l) && !taken.has(l));
        if (found) {
          taken.add(found);
          return found;
        }
        if (!(await pull())) throw new Error(`hone closed stdout first; saw ${JSON.stringify(seen.map((l) => l.type))}`);
      }
    },
    send(line) {
      proc.stdin.write(`${JSON.stringify(line)}\n`);
      proc.stdin.flush();
    },
    close: () => void proc.stdin.end(),
    kill: () => proc.kill(),
    async exited() {
      while (await pull());
      return await proc.exited;
    },
  };
}
