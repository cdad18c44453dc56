// The built-in tools, in the order the model sees them.
import type { Tool } from "../tool.ts";
import { bashOutputTool } from "./bash-output.ts";
import { bashTool } from "./bash.ts";
import { editTool } from "./edit.ts";
import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { killShellTool } from "./kill-shell.ts";
import { multiEditTool } from "./multi-edit.ts";
import { readTool } from "./read.ts";
import { todoWriteTool } from "./todo-write.ts";
import { writeTool } from "./write.ts";

export function builtinTools(): Tool[] {
  return [
    bashTool,
    bashOutputTool,
    killShellTool,
    globTool,
    grepTool,
    readTool,
    editTool,
    multiEditTool,
    writeTool,
    todoWriteTool,
  ] as Tool[];
}
