// PostToolUse and PostToolUseFailure hooks around one finished tool call: what they say for the model
// (a block reason, additional context) is appended to the tool's result, what they say for the user is
// collected as notices, and `continue: false` marks the run to stop.
import { isAbsolute, resolve } from "node:path";
import type { HookDispatcher } from "./hook-runner.ts";
import { textOf, type ToolResult } from "./tool.ts";

/** Shared between the loop and the authorizer: set when a hook asks the whole run to stop. */
export interface RunControl {
  stopped?: boolean;
  stopReason?: string;
}

/** Hooks always see absolute file paths, as in Claude Code, whatever the model wrote. */
export function hookToolInput(input: unknown, cwd: string): unknown {
  if (typeof input !== "object" || input === null) return input;
  const record = input as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of ["file_path", "notebook_path"]) {
    const value = record[key];
    if (typeof value !== "string" || value === "" || isAbsolute(value)) continue;
    out ??= { ...record };
    out[key] = resolve(cwd, value);
  }
  return out ?? input;
}

function appendText(result: ToolResult, extra: string[]): ToolResult {
  if (extra.length === 0) return result;
  const tail = extra.join("\n\n");
  if (typeof result.content === "string") return { ...result, content: `${result.content}\n\n${tail}` };
  return { ...result, content: [...result.content, { type: "text", text: tail }] };
}

export async function afterTool(
  hooks: HookDispatcher,
  call: { name: string; id: string; input: unknown },
  result: ToolResult,
  opts: { signal: AbortSignal; notices: string[]; control?: RunControl; cwd: string },
): Promise<ToolResult> {
  const failed = result.isError === true;
  const event = failed ? "PostToolUseFailure" : "PostToolUse";
  if (!hooks.has(event)) return result;
  const fields: Record<string, unknown> = { tool_name: call.name, tool_input: hookToolInput(call.input, opts.cwd), tool_use_id: call.id };
  if (failed) fields.error = textOf(result.content);
  else fields.tool_response = result.structured ?? textOf(result.content);
  const outcome = await hooks.fire(event, fields, call.name, opts.signal);
  opts.notices.push(...outcome.notices);
  if (outcome.stop && opts.control) Object.assign(opts.control, { stopped: true, stopReason: outcome.stop.reason });
  const extra: string[] = [];
  if (outcome.block) extra.push(`[${event} hook] ${outcome.block.reason}`);
  for (const context of outcome.context) extra.push(`<system-reminder>\n${context}\n</system-reminder>`);
  return appendText(result, extra);
}
