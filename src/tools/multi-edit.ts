// MultiEdit: several Edit-style replacements in one file, applied in order, all or nothing. The actual
// work is Edit's editFile, so the matching and safety rules are identical.
import { z } from "zod";
import { withEditDiagnostics } from "../lsp-service.ts";
import { defineTool } from "../tool.ts";
import { editFile, fuzzyNote, replacementFields } from "./edit.ts";

const DESCRIPTION = `Make several replacements in one file in a single call. Prefer it over repeated Edit calls on the same file.
- edits are applied in order, each to the result of the previous one, with exactly the same rules as Edit (exact old_string copied from Read output without the line-number prefix, unique unless replace_all, tolerance for small whitespace/quote slips).
- All or nothing: if any edit fails, the file is left untouched and the error names the failing edit (1-based).
- Later edits see earlier edits' changes, so do not target text an earlier edit already replaced.
- The file must have been read in this session and not changed since. To create a new file, make the first edit's old_string empty.`;

const editSchema = z.object(replacementFields);

export const multiEditTool = defineTool({
  name: "MultiEdit",
  description: DESCRIPTION,
  readOnly: false,
  input: z.object({
    file_path: z.string().describe("Absolute path of the file to change"),
    edits: z.array(editSchema).min(1).describe("Replacements to apply in order"),
  }),
  async run(input, ctx) {
    const outcome = await editFile(ctx, input.file_path, input.edits, true);
    const n = input.edits.length;
    const replaced = outcome.applied.reduce((sum, a) => sum + a.count, 0);
    const verb = outcome.created ? "Created" : "Updated";
    let text = `${verb} ${outcome.display}: applied ${n} edit${n === 1 ? "" : "s"}`;
    text += replaced !== n ? ` (${replaced} replacements).` : ".";
    text += fuzzyNote(outcome.applied);
    return {
      content: await withEditDiagnostics(ctx, outcome.display, text),
      structured: {
        filePath: outcome.display,
        edits: input.edits,
        originalFile: outcome.before,
        structuredPatch: outcome.structuredPatch,
        userModified: false,
      },
    };
  },
});
