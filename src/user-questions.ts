// AskUserQuestion's answers as plain strings (claude-code-compat §3.2): the chosen labels comma-joined,
// or the user's own words. Shared by the tool (which tells the model what was picked and what was typed),
// the terminal dialog and the SDK host route, so all three read and write answers the same way.
import type { UserAnswers, UserQuestion } from "./session-state.ts";
import { isPlain } from "./settings-parse.ts";

/** The extra choice every question gets; picking it opens a line for the user's own answer. */
export const OTHER_LABEL = "Other (type your own answer)";

/** What an answer says: the option labels it names, and any words of the user's own. */
export interface AnswerParts {
  labels: string[];
  own?: string;
}

/** One answer string from the chosen labels and the user's own words (either may be missing). */
export function joinAnswer(labels: readonly string[], own?: string): string {
  const words = own?.trim();
  return [...labels, ...(words ? [words] : [])].join(", ");
}

/**
 * Reads an answer back into labels and own words. Labels may contain commas themselves, so known labels
 * are peeled off the front one at a time; whatever is left over is the user's own answer.
 */
export function splitAnswer(question: UserQuestion, answer: string): AnswerParts {
  const text = answer.trim();
  // A single choice is one label or the user's own words, never both.
  if (!question.multiSelect) return question.options.some((o) => o.label === text) ? { labels: [text] } : { labels: [], own: text };
  const known = question.options.map((o) => o.label).sort((a, b) => b.length - a.length);
  const labels: string[] = [];
  let rest = text;
  while (rest !== "") {
    const label = known.find((l) => !labels.includes(l) && (rest === l || rest.startsWith(`${l},`)));
    if (label === undefined) break;
    labels.push(label);
    rest = rest.slice(label.length).replace(/^,\s*/, "");
  }
  return rest === "" ? { labels } : { labels, own: rest };
}

/** How one answer reads to the model, e.g. `PostgreSQL` or `Auth, and in the user's own words: "..."`. */
export function describeAnswer(question: UserQuestion, answer: string | undefined): string {
  if (answer === undefined || answer.trim() === "") return "(no answer)";
  const { labels, own } = splitAnswer(question, answer);
  const ownText = own === undefined ? undefined : `in the user's own words: ${JSON.stringify(own)}`;
  if (labels.length === 0) return ownText ?? "(no answer)";
  return ownText === undefined ? labels.join(", ") : `${labels.join(", ")}, and ${ownText}`;
}

/** The tool result's text: every question with its answer. */
export function answersText(questions: readonly UserQuestion[], answers: UserAnswers): string {
  const lines = questions.map((q) => `- [${q.header}] ${q.question}\n  Answer: ${describeAnswer(q, answers[q.question])}`);
  return `The user answered your questions:\n${lines.join("\n")}\nTake these answers into account as you continue.`;
}

/**
 * Answers sent by a program (a hook's or an SDK host's updatedInput): strings as they are, lists of labels
 * joined. Only keys naming one of the questions count; undefined when none does.
 */
export function answersFrom(value: unknown, questions: readonly UserQuestion[]): UserAnswers | undefined {
  if (!isPlain(value)) return undefined;
  const answers: UserAnswers = {};
  for (const { question } of questions) {
    const given = value[question];
    if (typeof given === "string") answers[question] = given;
    else if (Array.isArray(given)) answers[question] = joinAnswer(given.filter((g): g is string => typeof g === "string"));
  }
  return Object.keys(answers).length > 0 ? answers : undefined;
}
