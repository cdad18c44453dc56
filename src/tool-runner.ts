// Runs one tool call: finds the tool, validates the input against its schema, runs it, and turns every
// failure into an is_error result the model can act on. Nothing a tool does can crash the loop.
import type { z } from "zod";
import { ToolError, type Tool, type ToolContext, type ToolResult } from "./tool.ts";

export function errorResult(message: string): ToolResult {
  return { content: `<tool_use_error>${message}</tool_use_error>`, isError: true };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : "input";
      return `- ${where}: ${issue.message}`;
    })
    .join("\n");
}

/** An allow may replace the input (a hook's or the user's edit); it is validated again before use. */
export type Verdict = { allow: true; input?: unknown } | { allow: false; message: string };
export interface AuthorizeRequest {
  tool: Tool;
  input: unknown;
  toolUseId: string;
  signal: AbortSignal;
}
/** Decides whether a validated call may run; a denial becomes an is_error result carrying its message. */
export type Authorize = (request: AuthorizeRequest) => Promise<Verdict>;

export async function runTool(
  tools: ReadonlyMap<string, Tool>,
  name: string,
  rawInput: unknown,
  ctx: ToolContext,
  authorize?: Authorize,
): Promise<ToolResult> {
  const tool = tools.get(name);
  if (!tool) {
    const known = [...tools.keys()].join(", ");
    return errorResult(`No such tool: ${name}. Available tools: ${known}`);
  }
  // OpenAI-compatible servers pass a model's malformed JSON arguments through as text.
  if (typeof rawInput === "string") return errorResult(`InputValidationError: ${name} was called with arguments that are not a JSON object: ${rawInput.slice(0, 300)}`);
  const parsed = tool.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return errorResult(`InputValidationError: ${name} was called with invalid input:\n${describeIssues(parsed.error)}`);
  }
  let input: unknown = parsed.data;
  if (authorize) {
    const verdict = await authorize({ tool, input, toolUseId: ctx.toolUseId, signal: ctx.signal });
    if (!verdict.allow) return errorResult(verdict.message);
    if (verdict.input !== undefined) {
      const replaced = tool.input.safeParse(verdict.input);
      if (!replaced.success) return errorResult(`InputValidationError: the input given when ${name} was approved is invalid:\n${describeIssues(replaced.error)}`);
      input = replaced.data;
    }
  }
  if (ctx.signal.aborted) return errorResult("Interrupted before the tool ran.");
  try {
    return await tool.run(input, ctx);
  } catch (error) {
    if (error instanceof ToolError) return errorResult(error.message);
    if (ctx.signal.aborted) return errorResult("Interrupted before the tool finished.");
    const message = error instanceof Error ? error.message : String(error);
    return errorResult(`${name} failed: ${message}`);
  }
}
