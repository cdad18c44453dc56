// The core issue's fault-injected task: write a script, run it, read its output, edit it, run it again,
// with a 429, an overload, a 500, a stream cut mid-sentence and a hang on the way. The Anthropic and the
// OpenAI-compatible stand-ins both play it, so every provider is held to the same promise.
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { reply, text, toolUse, type Step } from "./mock-api.ts";

export function faultTaskSteps(dir: string): Step[] {
  const script = join(dir, "greet.sh");
  return [
    { fault: "rate_limit", retryAfter: 1 },
    reply(text("Writing the script."), toolUse("Write", { file_path: script, content: 'echo "hello $1"\n' })),
    { fault: "overloaded" },
    reply(toolUse("Bash", { command: "sh greet.sh world > out.txt", description: "Run the script" })),
    { fault: "server_error" },
    reply(toolUse("Read", { file_path: join(dir, "out.txt") })),
    { fault: "cut", partialText: "Now I edit the gree" },
    reply(text("Now I edit the greeting."), toolUse("Edit", { file_path: script, old_string: "hello", new_string: "goodbye" })),
    { fault: "hang" },
    reply(toolUse("Bash", { command: "sh greet.sh world >> out.txt" })),
    reply(text("Done: greet.sh now says goodbye.")),
  ];
}

/** The task's end state on disk: the script edited, and its output from before and after the edit. */
export function expectFaultTaskFiles(dir: string): void {
  expect(readFileSync(join(dir, "greet.sh"), "utf8")).toBe('echo "goodbye $1"\n');
  expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("hello world\ngoodbye world\n");
}
