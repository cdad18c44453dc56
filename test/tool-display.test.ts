import { expect, test } from "bun:test";
import { lineCount, summarizeResult, toolLabel } from "../src/tool-display.ts";
import { nextMode, modeLabel } from "../src/repl-modes.ts";
import { bangMessage } from "../src/repl-bang.ts";
import { exportText } from "../src/transcript-export.ts";

test("tool calls are named by their most telling argument, paths relative to the project", () => {
  expect(toolLabel("Bash", { command: "npm test\nnpm run lint" }, "/p")).toBe("Bash(npm test …)");
  expect(toolLabel("Edit", { file_path: "/p/src/app.ts", old_string: "a" }, "/p")).toBe("Edit(src/app.ts)");
  expect(toolLabel("Read", { file_path: "/elsewhere/x.md" }, "/p")).toBe("Read(/elsewhere/x.md)");
  expect(toolLabel("Grep", { pattern: "TODO", path: "/p/src" }, "/p")).toBe("Grep(TODO)");
  expect(toolLabel("mcp__github__create_issue", { title: "x" }, "/p")).toBe("github - create_issue (MCP)");
  expect(toolLabel("TodoWrite", { todos: [] }, "/p")).toBe("TodoWrite");
  expect(toolLabel("Bash", { command: "x".repeat(300) }, "/p").length).toBeLessThan(130);
});

test("results are summarised: errors, edits with their hunks, reads, searches, long output cut", () => {
  expect(summarizeResult("Bash", { content: "boom", isError: true })).toEqual({ lines: ["boom"], isError: true });
  const edit = summarizeResult("Edit", { content: "ok", structured: { structuredPatch: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: ["-a", "+b", "+c"] }] } });
  expect(edit.lines).toEqual(["Added 2 lines, removed 1 line"]);
  expect(edit.hunks).toHaveLength(1);
  const created = summarizeResult("Write", { content: "ok", structured: { type: "create", content: "x\ny\n", structuredPatch: [] } });
  expect(created).toMatchObject({ lines: ["Wrote 2 lines"], created: "x\ny\n" });
  expect(summarizeResult("Read", { content: "…", structured: { type: "text", file: { numLines: 12 } } }).lines).toEqual(["Read 12 lines"]);
  expect(summarizeResult("Glob", { content: "a\nb\nc" }).lines).toEqual(["Found 3 files"]);
  expect(summarizeResult("Bash", { content: "1\n2\n3\n4\n5" }).lines).toEqual(["1", "2", "3", "… +2 lines"]);
  expect(summarizeResult("Bash", { content: "" }).lines).toEqual(["(no output)"]);
  expect(lineCount("")).toBe(0);
  expect(lineCount("a")).toBe(1);
  expect(lineCount("a\n")).toBe(1);
});

test("Shift+Tab cycles the modes, with bypass only when allowed", () => {
  expect(nextMode("default", false)).toBe("acceptEdits");
  expect(nextMode("acceptEdits", false)).toBe("plan");
  expect(nextMode("plan", false)).toBe("default");
  expect(nextMode("plan", true)).toBe("bypassPermissions");
  expect(nextMode("bypassPermissions", true)).toBe("default");
  expect(nextMode("dontAsk", false)).toBe("default");
  expect(modeLabel("default")).toBeUndefined();
  expect(modeLabel("plan")).toContain("plan mode on");
});

test("a ! command reaches the model tagged, with a failing exit code", () => {
  expect(bangMessage("ls", "a\nb", 0)).toBe("<bash-input>ls</bash-input>\n<bash-stdout>a\nb</bash-stdout>");
  expect(bangMessage("false", "", 1)).toContain("<bash-exit-code>1</bash-exit-code>");
});

test("/export writes prompts, answers, tool calls and results as text", () => {
  const text = exportText([
    { role: "user", content: "fix it" },
    { role: "assistant", content: [{ type: "text", text: "Looking." }, { type: "tool_use", id: "t1", name: "Read", input: { file_path: "a.ts" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "line1\nline2" }] },
  ]);
  expect(text).toBe('> fix it\n\nLooking.\n\n⏺ Read({"file_path":"a.ts"})\n\n  ⎿ line1\n  ⎿ line2\n');
});
