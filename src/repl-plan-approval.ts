// ExitPlanMode's approval in the terminal: the plan is printed as rendered markdown, then the user
// approves it (auto-accepting edits, or approving each one) or sends the model back to planning with
// an optional note. The verdict becomes the permission answer for the ExitPlanMode call.
import { isCancel, select, text } from "@clack/prompts";
import { createColors } from "picocolors";
import { renderMarkdown } from "./markdown-render.ts";
import type { AskAnswer } from "./permissions.ts";
import type { Dialogs } from "./repl-dialogs.ts";

/** approved: leave plan mode for `mode` and let ExitPlanMode run; not approved: stay in plan mode. */
export type PlanVerdict =
  | { approved: true; mode: "acceptEdits" | "default" }
  | { approved: false; feedback?: string; interrupted?: boolean };

export interface PlanApprovalDeps {
  dialogs: Dialogs;
  color: boolean;
  /** The terminal's width in columns, read when the plan is drawn. */
  width: () => number;
  /** The running turn's signal: an interrupt closes the question. */
  signal?: AbortSignal;
  /** The question is about to be shown (a terminal notification). */
  onAsk?: () => void;
}

type Choice = "acceptEdits" | "default" | "keep";

export const PLAN_CHOICES: ReadonlyArray<{ value: Choice; label: string; hint?: string }> = [
  { value: "acceptEdits", label: "Yes, and auto-accept edits" },
  { value: "default", label: "Yes, and approve each edit" },
  { value: "keep", label: "No, keep planning", hint: "esc" },
];

const INDENT = "  ";

/** The plan as terminal rows under a heading, indented and fitted to the width. */
export function planRows(plan: string, width: number, color: boolean): string[] {
  const c = createColors(color);
  const body = plan.trim() === "" ? [c.dim("(the plan is empty)")] : renderMarkdown(plan, { width: Math.max(20, width - INDENT.length), color });
  return ["", c.bold("hone's plan:"), "", ...body.map((row) => (row === "" ? "" : INDENT + row)), ""];
}

/** What the model is told when the user sends it back to planning. */
export function planRejectionMessage(feedback?: string): string {
  const base = "The user did not approve the plan and wants you to keep planning. You are still in plan mode: only read-only tools run.";
  const said = feedback?.trim();
  if (said) return `${base} The user's feedback: ${said}\nRevise the plan to address it, then call ExitPlanMode again with the new plan.`;
  return `${base} Work out what is missing or unclear (ask with AskUserQuestion if you need the user's input), revise the plan, then call ExitPlanMode again.`;
}

const INTERRUPTED = "The turn was interrupted before the user answered, so the plan was not approved and plan mode is still on.";

/**
 * The permission answer for the ExitPlanMode call. An approval sets the chosen mode first, so the tool
 * (which falls back to default only while the mode is still plan) keeps it.
 */
export function planAskAnswer(verdict: PlanVerdict, setMode: (mode: "acceptEdits" | "default") => void): AskAnswer {
  if (verdict.approved) {
    setMode(verdict.mode);
    return { allow: true };
  }
  return { allow: false, message: verdict.interrupted ? INTERRUPTED : planRejectionMessage(verdict.feedback) };
}

/** Shows the plan and asks whether to go ahead. */
export function approvePlan(plan: string, deps: PlanApprovalDeps): Promise<PlanVerdict> {
  const { signal } = deps;
  if (signal?.aborted) return Promise.resolve({ approved: false, interrupted: true });
  const extra = signal ? { signal } : {};
  return deps.dialogs.run(async (io): Promise<PlanVerdict> => {
    deps.onAsk?.();
    io.output.write(`${planRows(plan, deps.width(), deps.color).join("\n")}\n`);
    const options = PLAN_CHOICES.map((c) => ({ ...c }));
    const choice = await select<Choice>({ message: "Would you like to go ahead with this plan?", options, ...io, ...extra });
    if (signal?.aborted) return { approved: false, interrupted: true };
    if (choice === "acceptEdits" || choice === "default") return { approved: true, mode: choice };
    // "No" or Esc: the model keeps planning; a note for it is optional.
    const note = await text({ message: "What should hone change in the plan? (Enter to just keep planning)", ...io, ...extra });
    if (signal?.aborted) return { approved: false, interrupted: true };
    const feedback = isCancel(note) ? "" : note.trim();
    return feedback ? { approved: false, feedback } : { approved: false };
  });
}
