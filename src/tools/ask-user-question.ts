// AskUserQuestion: the model asks the user one to four multiple-choice questions and waits for the
// answers. The asking is done by whoever drives the session (session.askUser: the REPL's dialog, an SDK
// host); answers already in the input (put there by a hook or a host) are used without asking. Nothing on
// disk changes, so the tool is read-only; dontAsk runs refuse it in the permission engine.
import { z } from "zod";
import type { UserAnswers, UserQuestion } from "../session-state.ts";
import { defineTool, toolSchema, ToolError, type Tool } from "../tool.ts";
import { answersFrom, answersText } from "../user-questions.ts";

const description = `Asks the user 1-4 multiple-choice questions and waits for the answers. Use it for decisions only the user can make (a preference, a trade-off, an unclear requirement), never for what you can find out yourself. Each question: a short header (a chip, e.g. "Database"), the full question, and 2-4 options with a label and what choosing it means; multiSelect when several may apply. The user can always answer in their own words, so add no "Other" option. Put a recommended option first, its label ending in "(Recommended)". Plan approval is ExitPlanMode's job, not this tool's.`;

const option = z.object({
  label: z.string().trim().min(1, "an option needs a label").describe("The choice as the user sees it, a few words"),
  description: z.string().describe("What choosing this option means or leads to"),
});

const question = z.object({
  question: z.string().trim().min(1, "the question text must not be empty").describe('The full question, e.g. "Which database should the service use?"'),
  header: z.string().trim().min(1, "header must not be empty").describe('A one- or two-word chip label, e.g. "Database"'),
  options: z.array(option).min(2, "each question needs at least 2 options").max(4, "each question can have at most 4 options (the user can always type their own answer)"),
  multiSelect: z.boolean().default(false).describe("true when the user may pick several options"),
});

/** Reads as a sentence to the model: which rule the questions break, and where. */
function checkQuestions(questions: UserQuestion[], ctx: z.RefinementCtx): void {
  const texts = new Set<string>();
  questions.forEach((q, i) => {
    if (texts.has(q.question)) ctx.addIssue({ code: "custom", path: [i, "question"], message: `the question "${q.question}" is asked twice; each question text must be unique` });
    texts.add(q.question);
    const labels = new Set<string>();
    q.options.forEach((o, j) => {
      if (labels.has(o.label)) ctx.addIssue({ code: "custom", path: [i, "options", j, "label"], message: `the label "${o.label}" appears twice in one question; labels must be unique within a question` });
      labels.add(o.label);
      if (/^other(\s*[(:…].*|\.{3})?$/i.test(o.label)) ctx.addIssue({ code: "custom", path: [i, "options", j, "label"], message: `remove the "${o.label}" option: the user can always type an answer of their own` });
    });
  });
}

const questions = z
  .array(question)
  .min(1, "ask at least 1 question")
  .max(4, "ask at most 4 questions at a time")
  .superRefine(checkQuestions)
  .describe("The questions, asked one after another (1-4)");

/** What the model sees: `answers` is left out, since it is for hooks and hosts to fill, never the model. */
const modelInput = z.object({ questions });
const input = z.object({
  questions,
  answers: z.record(z.string(), z.string()).optional().describe("The user's answers by question text, filled in by a hook or the SDK host"),
});

const NO_ONE_TO_ASK =
  "This run cannot ask the user anything (it runs without an interactive user, e.g. plain hone -p). Do not ask again: decide yourself, choosing the most reasonable option, and state the assumption you made in your answer.";

const DECLINED =
  "The user closed the questions without answering. Do not ask the same questions again; continue with what you can reasonably assume and say what you assumed, or stop and explain what you need to know.";

function strip(q: UserQuestion): UserQuestion {
  return { question: q.question, header: q.header, options: q.options.map((o) => ({ label: o.label, description: o.description })), multiSelect: q.multiSelect };
}

/** askUser as it may be implemented: some routes (the SDK host) want the call's id to name the request. */
type AskWithId = (questions: UserQuestion[], signal: AbortSignal, toolUseId: string) => Promise<UserAnswers | undefined>;

const tool = defineTool({
  name: "AskUserQuestion",
  description,
  readOnly: true,
  input,
  async run(given, ctx) {
    const asked = given.questions.map(strip);
    // Answers naming none of the questions (a hook's mistake) count as none: the user is asked.
    let answers: UserAnswers | undefined = answersFrom(given.answers, asked);
    if (!answers) {
      // A two-parameter askUser takes the third argument and ignores it.
      const askUser: AskWithId | undefined = ctx.session.askUser;
      if (!askUser) throw new ToolError(NO_ONE_TO_ASK);
      answers = await askUser(asked, ctx.signal, ctx.toolUseId);
      if (ctx.signal.aborted) throw new ToolError("Interrupted while waiting for the user's answers.");
      if (!answers) throw new ToolError(DECLINED);
    }
    return { content: answersText(asked, answers), structured: { questions: asked, answers } };
  },
});

export const askUserQuestionTool: Tool<z.output<typeof input>> = {
  ...tool,
  inputSchema: toolSchema({ ...tool, input: modelInput } as Tool).input_schema,
};
