// Runs a tool the way the agent does (schema validation, error wrapping) in a fresh temp directory.
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSessionState, type SessionState } from "../../src/session-state.ts";
import { textOf, type Tool, type ToolResult } from "../../src/tool.ts";
import { runTool } from "../../src/tool-runner.ts";

export interface Harness {
  dir: string;
  state: SessionState;
  call(tool: Tool, input: unknown, signal?: AbortSignal): Promise<ToolResult & { text: string }>;
}

let counter = 0;

export function harness(): Harness {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "hone-tool-")));
  const state = createSessionState(`test-${process.pid}-${++counter}`, dir, join(dir, ".spill"));
  return {
    dir,
    state,
    async call(tool, input, signal = new AbortController().signal) {
      const tools = new Map<string, Tool>([[tool.name, tool]]);
      const result = await runTool(tools, tool.name, input, {
        projectDir: dir,
        session: state,
        signal,
        toolUseId: `toolu_test_${++counter}`,
      });
      return { ...result, text: textOf(result.content) };
    },
  };
}
