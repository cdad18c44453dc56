// LSP: code intelligence from the project's language servers (definitions, references, hovers, symbols,
// call hierarchy). The session's LspService starts the server for a file's type on first use.
import { stat } from "node:fs/promises";
import { z } from "zod";
import { LSP_OPERATIONS } from "../lsp-operations.ts";
import { LspServerError } from "../lsp-process.ts";
import { noServerMessage } from "../lsp-service.ts";
import { missingFileMessage, resolveToolPath } from "../paths.ts";
import { defineTool, ToolError } from "../tool.ts";
import { limitOutput } from "../truncate.ts";

const DESCRIPTION = `Asks the language server for the file's type about code at a position. Operations:
- goToDefinition / goToImplementation: where the symbol is defined / implemented
- findReferences: every use of the symbol across the project
- hover: its type and documentation
- documentSymbol: an outline of the file (line and character are ignored)
- workspaceSymbol: project symbols matching the identifier at the position
- prepareCallHierarchy, incomingCalls, outgoingCalls: the function at the position, its callers, what it calls
line and character are 1-based, as editors and Read show them; put the position on the symbol's name. Results list locations as path:line:col with the source line. Prefer it over Grep for following code by meaning. The first request for a language may take a few seconds while its server starts.`;

export const lspTool = defineTool({
  name: "LSP",
  description: DESCRIPTION,
  readOnly: true,
  input: z.object({
    operation: z.enum(LSP_OPERATIONS).describe("The operation to perform"),
    filePath: z.string().describe("The file to ask about (absolute, or relative to the project folder)"),
    line: z.number().int().describe("The line number (1-based)"),
    character: z.number().int().describe("The character offset on the line (1-based)"),
  }),
  async run(input, ctx) {
    const resolved = resolveToolPath(input.filePath, ctx.projectDir);
    const path = resolved.absolute;
    const lsp = ctx.session.lsp;
    if (!lsp) throw new ToolError(noServerMessage(path));
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new ToolError(missingFileMessage(resolved, ctx.projectDir));
    if (!info.isFile()) throw new ToolError(`${path} is not a file.`);
    if (ctx.session.canRead && !ctx.session.canRead(path)) throw new ToolError(`Reading ${path} is denied by the permission rules.`);
    try {
      const text = await lsp.request(input.operation, path, input.line, input.character, ctx.signal);
      return { content: limitOutput(text, { keep: "head", state: ctx.session, label: "lsp" }).text };
    } catch (error) {
      if (error instanceof LspServerError) throw new ToolError(error.message);
      throw error;
    }
  },
});
