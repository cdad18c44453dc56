// AskUserQuestion answered by the program driving hone instead of the terminal. The question goes out the
// way Claude Code sends it: as a permission ask for the AskUserQuestion call (a `can_use_tool` control
// request for an SDK host, the prompt tool's input for --permission-prompt-tool mcp__…, a
// permission_request event for `hone serve`), and the host allows it with `updatedInput.answers`.
import type { Asker } from "./permissions.ts";
import type { UserAnswers, UserQuestion } from "./session-state.ts";
import { ToolError } from "./tool.ts";
import { answersFrom } from "./user-questions.ts";

const REASON = "AskUserQuestion asks the user to answer these questions; allow with updatedInput.answers ({question text: chosen label(s) comma-joined, or the user's own words}), or deny to decline";

/** session.askUser for a run whose asks go to a host. A deny is the user declining, in the host's words. */
export function askUserThroughHost(asker: Asker): (questions: UserQuestion[], signal: AbortSignal, toolUseId?: string) => Promise<UserAnswers | undefined> {
  return async (questions, signal, toolUseId) => {
    if (signal.aborted) return undefined;
    const answer = await asker({
      tool: "AskUserQuestion",
      input: { questions },
      toolUseId: toolUseId ?? `toolu_question_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`,
      decision: { behavior: "ask", reason: REASON },
    });
    if (signal.aborted) return undefined;
    if (!answer.allow) throw new ToolError(`The user did not answer the questions: ${answer.message}. Do not ask them again; continue with what you can reasonably assume and say what you assumed.`);
    const given = answer.input !== null && typeof answer.input === "object" ? (answer.input as Record<string, unknown>).answers : undefined;
    const answers = answersFrom(given, questions);
    if (!answers) {
      throw new ToolError(
        "The questions were approved but no answers came back (the host's updatedInput had no answers for them). Continue with what you can reasonably assume and say what you assumed.",
      );
    }
    return answers;
  };
}
