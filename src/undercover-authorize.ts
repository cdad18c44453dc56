// Undercover mode in the permission path: wraps a run's Authorize so every Bash call goes through the
// gate. The gate runs first, so hooks, rules and the user's approval all see the cleaned command; when
// a hook or the user's answer changes the command, the final one is checked again. A block becomes the
// tool's error result (the reason is written for the model); a rewrite replaces the command input.
import type { GitRunner } from "./git-run.ts";
import type { Authorize, Verdict } from "./tool-runner.ts";
import type { UndercoverConfig } from "./undercover-config.ts";

export interface UndercoverGateOptions {
  config: UndercoverConfig;
  /** The Bash tool's working directory now (session.cwd). */
  cwd: () => string;
  home?: string;
  git?: GitRunner;
  /** Tells the user what the gate did (the run's notice channel). */
  notify?: (text: string) => void;
}

type Gated = { input: unknown } | { message: string };

async function gateInput(input: unknown, options: UndercoverGateOptions): Promise<Gated> {
  const record = (input ?? {}) as Record<string, unknown>;
  if (typeof record.command !== "string") return { input };
  // Loaded when the mode is on and a command is checked: most runs never need the gate's parsers.
  const { checkCommand } = await import("./undercover.ts");
  const decision = await checkCommand(record.command, {
    config: options.config,
    cwd: options.cwd(),
    ...(options.home ? { home: options.home } : {}),
    ...(options.git ? { git: options.git } : {}),
  });
  if (decision.action === "allow") return { input };
  if (decision.action === "block") {
    options.notify?.(decision.reason);
    return { message: decision.reason };
  }
  const lines = decision.removed.length;
  options.notify?.(`Undercover mode removed ${lines} AI attribution line${lines === 1 ? "" : "s"} from the command before it ran.`);
  return { input: { ...record, command: decision.command } };
}

/** The run's Authorize with the undercover gate on Bash commands; unchanged when the mode is off. */
export function withUndercover(inner: Authorize, options: UndercoverGateOptions): Authorize {
  if (options.config.mode === "off") return inner;
  return async (request): Promise<Verdict> => {
    if (request.tool.name !== "Bash") return inner(request);
    const first = await gateInput(request.input, options);
    if ("message" in first) return { allow: false, message: first.message };
    const verdict = await inner(first.input === request.input ? request : { ...request, input: first.input });
    if (!verdict.allow) return verdict;
    let input = verdict.input ?? first.input;
    if (input !== first.input) {
      const again = await gateInput(input, options);
      if ("message" in again) return { allow: false, message: again.message };
      input = again.input;
    }
    return input === request.input ? { allow: true } : { allow: true, input };
  };
}
