// Edit: replace one string in a file (or all of them). The apply logic and the read-check-write pipeline
// here are shared with MultiEdit, which runs several edits through the same path.
import { z } from "zod";
import { findMatches, LEVEL_NOTES, spanTooLong, type MatchLevel } from "../edit-match.ts";
import {
  atomicWrite,
  decodeText,
  encodeText,
  endingFor,
  lfView,
  locateTarget,
  looksBinary,
  missingTargetMessage,
  patchHunks,
  requireFreshRead,
  restamp,
  type Hunk,
  type TextEncoding,
} from "../file-io.ts";
import { withEditDiagnostics } from "../lsp-service.ts";
import { defineTool, ToolError, type ToolContext } from "../tool.ts";

export interface EditSpec {
  old_string: string;
  new_string: string;
  replace_all?: boolean | undefined;
}

export interface AppliedEdit {
  text: string;
  count: number;
  level: MatchLevel;
}

// The not-found hint: the file region most like old_string, found cheaply.

function bigrams(s: string): Map<string, number> {
  const grams = new Map<string, number>();
  const t = s.toLowerCase().replace(/\s+/g, " ").trim();
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const n of a.values()) total += n;
  for (const [g, n] of b) {
    total += n;
    shared += Math.min(n, a.get(g) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}

interface Region {
  /** 1-based line number of the region's first line. */
  startLine: number;
  lines: string[];
  score: number;
}

/** The file region most like the needle: anchor on its longest line, then score whole windows. */
export function closestRegion(haystack: string, needle: string): Region | undefined {
  if (haystack.length > 2_000_000) return undefined;
  const hay = haystack.split("\n");
  const wanted = needle.replace(/\n$/, "").split("\n");
  const k = Math.min(wanted.length, hay.length);
  let anchor = 0;
  wanted.forEach((l, i) => {
    if (l.trim().length > (wanted[anchor] ?? "").trim().length) anchor = i;
  });
  const anchorGrams = bigrams(wanted[anchor] ?? "");
  const candidates = hay
    .map((line, i) => ({ i, score: dice(anchorGrams, bigrams(line)) }))
    .filter((c) => c.score > 0.3)
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  const whole = bigrams(wanted.join("\n"));
  let best: Region | undefined;
  for (const c of candidates) {
    const start = Math.max(0, Math.min(c.i - anchor, hay.length - k));
    const lines = hay.slice(start, start + k);
    const score = dice(whole, bigrams(lines.join("\n")));
    if (!best || score > best.score) best = { startLine: start + 1, lines, score };
  }
  return best && best.score >= 0.5 ? best : undefined;
}

function notFoundMessage(lf: string, oldString: string): string {
  const parts = [`String to replace not found in file.\nString: ${oldString}`];
  const lines = oldString.split("\n").filter((l) => l.trim() !== "");
  if (lines.length > 0 && lines.every((l) => /^\s*\d+(\t|\u2192)/.test(l))) {
    parts.push("old_string seems to include Read's line-number prefixes; leave them out.");
  }
  const region = closestRegion(lf, oldString.replace(/\r\n/g, "\n"));
  if (region) {
    const shown = region.lines.slice(0, 30).map((l, i) => `${region.startLine + i}\t${l}`);
    const endLine = region.startLine + region.lines.length - 1;
    parts.push(`The most similar part of the file (lines ${region.startLine}-${endLine}):\n${shown.join("\n")}`);
  }
  return parts.join("\n\n");
}

/** Apply one edit to file text (line endings as on disk). Throws ToolError with a message for the model. */
export function applyEdit(text: string, edit: EditSpec): AppliedEdit {
  const needle = edit.old_string.replace(/\r\n/g, "\n");
  const replacement = edit.new_string.replace(/\r\n/g, "\n");
  if (needle === replacement) throw new ToolError("No changes to make: old_string and new_string are the same.");
  if (needle === "") {
    if (text.length > 0) {
      throw new ToolError(
        "old_string is empty, which only creates a new file or fills an empty one. This file has content: give the exact text to replace.",
      );
    }
    return { text: edit.new_string, count: 1, level: "exact" };
  }
  const view = lfView(text);
  const match = findMatches(view.lf, needle);
  if (!match) throw new ToolError(notFoundMessage(view.lf, edit.old_string));
  const how = match.level === "exact" ? "" : ` (after ${LEVEL_NOTES[match.level]})`;
  if (match.spans.length > 1 && !edit.replace_all) {
    throw new ToolError(
      `Found ${match.spans.length} matches of old_string${how}, but replace_all is false. Set replace_all to true ` +
        `to change every one, or include more surrounding lines so old_string matches exactly one place.\nString: ${edit.old_string}`,
    );
  }
  const tooLong = match.level === "exact" ? undefined : match.spans.find((s) => spanTooLong(s, needle));
  if (tooLong) {
    throw new ToolError(
      `old_string was not found exactly; the only candidate${how} spans ${tooLong.end - tooLong.start} characters, ` +
        `far more than old_string's ${needle.length}, so it was not used. Copy the text exactly from Read output.`,
    );
  }
  const fileEnding = endingFor(text);
  const parts: string[] = [];
  let copied = 0;
  for (const span of match.spans) {
    const start = view.toOriginal(span.start);
    const end = view.toOriginal(span.end);
    let piece = span.adapt ? span.adapt(replacement) : replacement;
    if (endingFor(text.slice(start, end), fileEnding) === "\r\n") piece = piece.replace(/\n/g, "\r\n");
    parts.push(text.slice(copied, start), piece);
    copied = end;
  }
  parts.push(text.slice(copied));
  return { text: parts.join(""), count: match.spans.length, level: match.level };
}

export interface FileEditOutcome {
  display: string;
  created: boolean;
  before: string;
  after: string;
  applied: AppliedEdit[];
  structuredPatch: Hunk[];
}

/**
 * Check the read stamp, apply `edits` in order to an in-memory copy, and write the file once, only if
 * every edit applied. `multi` makes failures name the edit's 1-based index.
 */
export async function editFile(
  ctx: ToolContext,
  filePath: string,
  edits: readonly EditSpec[],
  multi: boolean,
): Promise<FileEditOutcome> {
  const target = await locateTarget(filePath, ctx);
  let before = "";
  let encoding: TextEncoding = "utf8";
  let bom = false;
  if (!target.existing) {
    if (edits[0]?.old_string !== "") throw new ToolError(missingTargetMessage(target, ctx));
  } else {
    requireFreshRead(ctx, target, true);
    if (looksBinary(target.existing.bytes))
      throw new ToolError(`${target.display} is a binary file; Edit only changes text.`);
    ({ text: before, encoding, bom } = decodeText(target.existing.bytes));
  }
  let text = before;
  const applied: AppliedEdit[] = [];
  for (const [i, edit] of edits.entries()) {
    try {
      const result = applyEdit(text, edit);
      applied.push(result);
      text = result.text;
    } catch (error) {
      if (!multi || !(error instanceof ToolError)) throw error;
      throw new ToolError(`Edit ${i + 1} of ${edits.length} failed, so no edits were written: ${error.message}`);
    }
  }
  const previous = ctx.session.files.get(target.key);
  // Only now, with every edit applied in memory, is the file certain to change: snapshot it for rewind.
  await ctx.session.fileHistory?.beforeWrite(target.writePath);
  await atomicWrite(target.writePath, encodeText(text, encoding, bom));
  await restamp(ctx, target.display, previous?.partial ?? false);
  const unix = (s: string) => s.replace(/\r\n/g, "\n");
  return {
    display: target.display,
    created: !target.existing,
    before,
    after: text,
    applied,
    structuredPatch: patchHunks(target.display, unix(before), unix(text)),
  };
}

/** The short note telling the model its old_string needed a fuzzy level (so it copies exactly next time). */
export function fuzzyNote(applied: readonly AppliedEdit[]): string {
  const levels = [...new Set(applied.map((a) => a.level).filter((l) => l !== "exact"))];
  if (levels.length === 0) return "";
  const how = levels.map((l) => LEVEL_NOTES[l]).join("; ");
  return ` Note: old_string did not match exactly; it matched after ${how}.`;
}

const DESCRIPTION = `Replace text in an existing file.
- old_string must be copied exactly from the Read output: everything after the line number and tab, never the prefix itself.
- old_string must match exactly one place; add surrounding lines to make it unique, or set replace_all to true to change every occurrence (handy for renames).
- new_string must differ from old_string.
- The file must have been read with Read in this session (a partial read is fine) and not changed since.
- Small copy slips are tolerated when there is no exact match (trailing spaces, curly quotes or Unicode dashes, a consistently shifted indentation, extra spaces); the result then says which one was needed.
- An empty old_string creates a file that does not exist yet (or fills an empty one) with new_string.
- The file's line endings (LF or CRLF) and any BOM are kept.`;

/** One replacement: shared by Edit's input and each item of MultiEdit's `edits`. */
export const replacementFields = {
  old_string: z.string().describe("The exact text to replace"),
  new_string: z.string().describe("The replacement text (must differ from old_string)"),
  replace_all: z.boolean().default(false).describe("Replace every occurrence instead of exactly one"),
};

export const editTool = defineTool({
  name: "Edit",
  description: DESCRIPTION,
  readOnly: false,
  input: z.object({ file_path: z.string().describe("Absolute path of the file to change"), ...replacementFields }),
  async run(input, ctx) {
    const edit = { old_string: input.old_string, new_string: input.new_string, replace_all: input.replace_all };
    const outcome = await editFile(ctx, input.file_path, [edit], false);
    const count = outcome.applied[0]?.count ?? 1;
    let text = outcome.created
      ? `Created the new file ${outcome.display}.`
      : `The file ${outcome.display} has been updated.`;
    if (input.replace_all) text += ` (${count} replacement${count === 1 ? "" : "s"})`;
    text += fuzzyNote(outcome.applied);
    return {
      content: await withEditDiagnostics(ctx, outcome.display, text),
      structured: {
        filePath: outcome.display,
        oldString: input.old_string,
        newString: input.new_string,
        originalFile: outcome.before,
        structuredPatch: outcome.structuredPatch,
        userModified: false,
        replaceAll: input.replace_all,
      },
    };
  },
});
