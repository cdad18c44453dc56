// Write: create a file or replace all of it. Overwriting needs a full, current Read first, so the model
// never clobbers content it has not seen or that changed under it.
import { z } from "zod";
import {
  atomicWrite,
  decodeText,
  encodeText,
  locateTarget,
  looksBinary,
  patchHunks,
  requireFreshRead,
  restamp,
  type TextEncoding,
} from "../file-io.ts";
import { withEditDiagnostics } from "../lsp-service.ts";
import { defineTool } from "../tool.ts";

const DESCRIPTION = `Write a file, creating it (and any missing parent folders) or replacing its entire content.
- Overwriting an existing file requires having read the whole file with Read in this session, and it must not have changed since; otherwise the call fails and asks you to read it.
- For changes to part of a file prefer Edit or MultiEdit; use Write for new files and complete rewrites.
- An overwritten file keeps its permissions, its BOM/encoding, and CRLF line endings (LF-only content is converted when the old file used CRLF throughout).`;

export const writeTool = defineTool({
  name: "Write",
  description: DESCRIPTION,
  readOnly: false,
  input: z.object({
    file_path: z.string().describe("Absolute path of the file to write"),
    content: z.string().describe("The complete new content of the file"),
  }),
  async run(input, ctx) {
    const target = await locateTarget(input.file_path, ctx);
    let content = input.content;
    let encoding: TextEncoding = "utf8";
    let bom = false;
    let originalFile: string | null = null;
    if (target.existing) {
      requireFreshRead(ctx, target, false);
      if (!looksBinary(target.existing.bytes)) {
        const decoded = decodeText(target.existing.bytes);
        originalFile = decoded.text;
        bom = decoded.bom;
        // A whole rewrite may switch a Latin-1 file to UTF-8 when the new text needs it.
        encoding = decoded.encoding === "latin1" && /[^\x00-\xff]/.test(content) ? "utf8" : decoded.encoding;
        if (decoded.eol === "crlf" && !content.includes("\r\n")) content = content.replace(/\n/g, "\r\n");
      }
    }
    await ctx.session.fileHistory?.beforeWrite(target.writePath);
    await atomicWrite(target.writePath, encodeText(content, encoding, bom));
    await restamp(ctx, target.display, false);
    const lines = input.content === "" ? 0 : input.content.replace(/\n$/, "").split("\n").length;
    const created = !target.existing;
    const unix = (s: string) => s.replace(/\r\n/g, "\n");
    const summary = created
      ? `Created ${target.display} (${lines} line${lines === 1 ? "" : "s"}).`
      : `The file ${target.display} has been overwritten (${lines} line${lines === 1 ? "" : "s"}).`;
    return {
      content: await withEditDiagnostics(ctx, target.display, summary),
      structured: {
        type: created ? "create" : "update",
        filePath: target.display,
        content: input.content,
        structuredPatch: originalFile === null ? [] : patchHunks(target.display, unix(originalFile), unix(content)),
        originalFile,
      },
    };
  },
});
