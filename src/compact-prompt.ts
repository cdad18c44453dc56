// The words of compaction: the instruction that asks the model for a summary, and the opening of the
// message that replaces the summarised history. Tests and the scripted API recognise both by these
// exported openings, so change them here only.

/** The last user text block of a summary request starts with this. */
export const COMPACT_REQUEST_MARKER = "[hone: context summary request]";

/** The first text block of the message that stands in for the summarised history starts with this. */
export const COMPACT_SUMMARY_PREFIX = "[hone: earlier conversation summarised]";

/**
 * A summary of part of the conversation (the rewind menu): the opening lines of the user messages that
 * bound it. `from`: the part starts at that message (else at the start); `before`: it ends just before it.
 */
export interface SummaryScope {
  from?: string;
  before?: string;
}

function scopeText(scope: SummaryScope): string {
  if (scope.from !== undefined && scope.before !== undefined) {
    return `\n\nSummarise only the part of the conversation from the user message that begins "${scope.from}" up to, not including, the user message that begins "${scope.before}". Everything else stays in the context word for word: leave it out of the summary.`;
  }
  if (scope.from !== undefined) {
    return `\n\nSummarise only the conversation from the user message that begins "${scope.from}" to the end. Everything before that message stays in the context word for word: leave it out of the summary.`;
  }
  if (scope.before !== undefined) {
    return `\n\nSummarise only the conversation before the user message that begins "${scope.before}". That message and everything after it stay in the context word for word: leave them out of the summary.`;
  }
  return "";
}

/** Asks for the summary; `custom` is what the user typed after /compact. */
export function summaryInstruction(custom?: string, scope: SummaryScope = {}): string {
  const extra = custom?.trim() ? `\n\nThe user asked for this summary with these instructions, which take precedence:\n${custom.trim()}` : "";
  return `${COMPACT_REQUEST_MARKER}
The conversation so far is about to be replaced by a summary so the work can go on in a fresh context. Write that summary now. Do not call any tools: answer with text only.${scopeText(scope)}

If the conversation starts with an earlier summary, carry forward everything in it that still matters and add what happened since. Update it; do not summarise it again from scratch.

Use these sections, in this order, and be specific (file paths, function names, commands, exact error messages):
1. Goal and constraints: what the user wants, and every requirement or preference they stated.
2. User messages: each message the user wrote, verbatim when short, otherwise closely paraphrased.
3. Decisions: what was decided and why, including approaches that were tried and rejected.
4. Files: each file read, created or modified, and what matters about it (short code excerpts that will be needed again).
5. Errors and fixes: what went wrong and how it was resolved, or that it is still open.
6. Current work: precisely what was being done when this summary was requested.
7. Next step: the immediate next action, in line with the user's latest request.

Put the whole summary inside <summary></summary>.${extra}`;
}

/** Opens the message that replaces the summarised history (`later`: the messages since the ones kept above). */
export function summaryPreamble(transcriptPath: string | undefined, part: "earlier" | "later" = "earlier"): string {
  const where = transcriptPath ? ` The full conversation is saved in ${transcriptPath} if an exact detail is needed.` : "";
  const replaced = part === "later" ? "the messages after the ones above were replaced by the summary below" : "the earlier messages were replaced by the summary below";
  return `${COMPACT_SUMMARY_PREFIX}
This session continues earlier work. To free context space, ${replaced}.${where} Continue the work from where it stopped; do not ask the user to repeat anything.`;
}
