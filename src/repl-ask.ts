// Permission asks in the terminal, drawn with @clack/prompts: yes once, yes and remember (naming the
// rule it writes to .hone/settings.local.json), or no with an optional note the model gets instead.
import { isCancel, select, text } from "@clack/prompts";
import { createColors } from "picocolors";
import type { AskAnswer, Asker } from "./permissions.ts";
import type { PermissionContext } from "./permission-context.ts";
import { makeRule } from "./permission-rules.ts";
import { rememberRules, localSettingsPath } from "./settings-write.ts";
import { toolLabel } from "./tool-display.ts";
import type { Dialogs } from "./repl-dialogs.ts";
import { relative } from "node:path";
import { approvePlan, planAskAnswer } from "./repl-plan-approval.ts";

export interface AskDeps {
  dialogs: Dialogs;
  cwd: string;
  color: boolean;
  permissions: () => PermissionContext;
  /** The running turn's signal: an interrupted turn closes the question. */
  signal: () => AbortSignal | undefined;
  /** Where to say what happened (a rule saved, a file that could not be written). */
  print: (lines: string[]) => void;
  /** The question is about to be shown (the terminal notification). */
  onAsk?: (tool: string) => void;
  width: () => number;
  /** Sets (and records) the permission mode: an approved plan leaves plan mode for this one. */
  setMode: (mode: "acceptEdits" | "default") => void;
}

const DENIED = "The user declined this tool call.";

function ruleToRemember(tool: string, suggestions: string[] | undefined): string {
  return suggestions?.[0] ?? tool;
}

/** Adds the rule for the rest of this session and saves it for later ones. */
async function remember(rule: string, deps: AskDeps): Promise<void> {
  const context = deps.permissions();
  const path = localSettingsPath(deps.cwd);
  const made = makeRule(rule, "allow", { file: path, scope: "local" }, context.cwd);
  if (made) context.rules = [...context.rules, made];
  try {
    await rememberRules(deps.cwd, [rule]);
    deps.print([`Saved "${rule}" to ${relative(deps.cwd, path)}`]);
  } catch (error) {
    deps.print([`Allowed "${rule}" for this session, but could not save it: ${(error as Error).message}`]);
  }
}

export function createReplAsker(deps: AskDeps): Asker {
  const c = createColors(deps.color);
  return async (request): Promise<AskAnswer> => {
    const signal = deps.signal();
    if (request.tool === "ExitPlanMode") {
      const plan = (request.input as { plan?: unknown }).plan;
      const verdict = await approvePlan(typeof plan === "string" ? plan : "", { dialogs: deps.dialogs, color: deps.color, width: deps.width, ...(signal ? { signal } : {}), onAsk: () => deps.onAsk?.("ExitPlanMode") });
      return planAskAnswer(verdict, deps.setMode);
    }
    const rule = ruleToRemember(request.tool, request.decision.suggestions);
    return deps.dialogs.run(async (io) => {
      deps.onAsk?.(request.tool);
      const label = toolLabel(request.tool, request.input, deps.cwd);
      const choice = await select({
        message: `${c.bold(label)}\n${c.dim(request.decision.reason)}\nDo you want to proceed?`,
        options: [
          { value: "yes", label: "Yes" },
          { value: "always", label: `Yes, and don't ask again for ${c.bold(rule)}` },
          { value: "no", label: "No, and tell hone what to do differently", hint: "esc" },
        ],
        ...io,
        ...(signal ? { signal } : {}),
      });
      if (choice === "yes") return { allow: true };
      if (choice === "always") {
        await remember(rule, deps);
        return { allow: true };
      }
      if (isCancel(choice) && signal?.aborted) return { allow: false, message: DENIED };
      const note = await text({ message: "What should hone do instead? (Enter to just decline)", ...io, ...(signal ? { signal } : {}) });
      const said = typeof note === "string" ? note.trim() : "";
      return { allow: false, message: said ? `${DENIED} The user said: ${said}` : DENIED };
    });
  };
}
