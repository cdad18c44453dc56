// AskUserQuestion in the terminal: the questions one after another as @clack/prompts menus (one choice,
// or several for multiSelect), each with an extra "Other" entry that opens a line for the user's own
// answer. Esc or Ctrl+C on any of them, or an interrupted turn, cancels the whole set.
import { isCancel, multiselect, select, text } from "@clack/prompts";
import { createColors } from "picocolors";
import type { Dialogs, DialogIO } from "./repl-dialogs.ts";
import type { UserAnswers, UserQuestion } from "./session-state.ts";
import { joinAnswer, OTHER_LABEL } from "./user-questions.ts";

export interface QuestionDeps {
  dialogs: Dialogs;
  color: boolean;
  /** The running turn's signal: an interrupt closes the questions. */
  signal?: AbortSignal;
  /** The questions are about to be shown (a terminal notification). */
  onAsk?: () => void;
}

/** The value of the "Other" entry; options are numbered from 0. */
export const OTHER = -1;

export interface QuestionChoice {
  value: number;
  label: string;
  hint?: string;
}

const CHIP_MAX = 24;

/** The menu's heading: the header as a dim chip, the question, and where it is in the set. */
export function questionMessage(question: UserQuestion, index: number, total: number, color: boolean): string {
  const c = createColors(color);
  const header = question.header.length > CHIP_MAX ? `${question.header.slice(0, CHIP_MAX - 1)}…` : question.header;
  const place = total > 1 ? c.dim(` (${index + 1}/${total})`) : "";
  return `${c.dim(`[${header}]`)} ${c.bold(question.question)}${place}`;
}

/** The menu entries: every option (its description as the hint) and then "Other". */
export function questionChoices(question: UserQuestion): QuestionChoice[] {
  const options = question.options.map((o, i) => ({ value: i, label: o.label, ...(o.description.trim() ? { hint: o.description.trim() } : {}) }));
  return [...options, { value: OTHER, label: OTHER_LABEL }];
}

/** The answer string for what was picked: labels comma-joined in the options' order, the user's own words last. */
export function answerFor(question: UserQuestion, picked: readonly number[], own?: string): string {
  const labels = [...new Set(picked)].sort((a, b) => a - b).flatMap((i) => (i === OTHER ? [] : [question.options[i]?.label ?? ""]));
  return joinAnswer(labels.filter((l) => l !== ""), own);
}

async function pick(question: UserQuestion, message: string, io: DialogIO, signal?: AbortSignal): Promise<number[] | undefined> {
  const options = questionChoices(question);
  const extra = signal ? { signal } : {};
  if (question.multiSelect) {
    const chosen = await multiselect<number>({ message, options, required: true, ...io, ...extra });
    return isCancel(chosen) ? undefined : chosen;
  }
  const chosen = await select<number>({ message, options, ...io, ...extra });
  return isCancel(chosen) ? undefined : [chosen];
}

async function ownWords(question: UserQuestion, color: boolean, io: DialogIO, signal?: AbortSignal): Promise<string | undefined> {
  const c = createColors(color);
  const typed = await text({
    message: `Your answer to: ${c.bold(question.question)}`,
    placeholder: "type your answer (Esc to cancel)",
    validate: (value) => (value === undefined || value.trim() === "" ? "Type an answer, or press Esc to cancel" : undefined),
    ...io,
    ...(signal ? { signal } : {}),
  });
  return isCancel(typed) ? undefined : typed.trim();
}

/** Asks every question in turn; undefined when the user cancels (or the turn is interrupted) on any of them. */
export function askInTerminal(questions: readonly UserQuestion[], deps: QuestionDeps): Promise<UserAnswers | undefined> {
  const { signal } = deps;
  if (signal?.aborted) return Promise.resolve(undefined);
  return deps.dialogs.run(async (io) => {
    deps.onAsk?.();
    const answers: UserAnswers = {};
    for (const [index, question] of questions.entries()) {
      if (signal?.aborted) return undefined;
      const picked = await pick(question, questionMessage(question, index, questions.length, deps.color), io, signal);
      if (picked === undefined) return undefined;
      let own: string | undefined;
      if (picked.includes(OTHER)) {
        own = await ownWords(question, deps.color, io, signal);
        if (own === undefined) return undefined;
      }
      answers[question.question] = answerFor(question, picked, own);
    }
    return signal?.aborted ? undefined : answers;
  });
}
