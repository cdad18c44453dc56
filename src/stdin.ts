// Piped input for `-p`: `cat file | hone -p "explain"`. Capped at 10 MB like Claude Code. When a prompt
// was given on the command line and nothing arrives on a pipe that stays open, we stop waiting rather
// than hang forever.
export const STDIN_LIMIT = 10 * 1024 * 1024;

export class StdinTooLargeError extends Error {
  override name = "StdinTooLargeError";
}

export async function readPipedStdin(opts: { firstByteTimeoutMs?: number } = {}): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  return await new Promise<string>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.off("error", onError);
      stdin.pause();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onData = (chunk: Buffer) => {
      clearTimeout(timer);
      size += chunk.length;
      if (size > STDIN_LIMIT) return finish(new StdinTooLargeError(`Piped input is larger than ${STDIN_LIMIT / 1024 / 1024} MB`));
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish();
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", onError);
    if (opts.firstByteTimeoutMs !== undefined) timer = setTimeout(() => finish(), opts.firstByteTimeoutMs);
  });
}

export function combinePrompt(prompt: string | undefined, piped: string): string | undefined {
  const input = piped.trim() === "" ? undefined : piped;
  if (prompt && input) return `${prompt}\n\n${input}`;
  return prompt ?? input;
}
