// Handing the terminal over for a while: to a @clack/prompts question (permission asks, menus), to
// $EDITOR, or to a command the user runs. The live region is erased first, the prompt's own key
// handling paused, and everything taken back afterwards. Dialogs run one at a time.
import { isCancel, select, text } from "@clack/prompts";
import type { Readable, Writable } from "node:stream";

export interface DialogIO {
  input: Readable;
  output: Writable;
}

export interface Choice<T> {
  value: T;
  label: string;
  hint?: string;
}

export interface Dialogs {
  run<T>(body: (io: DialogIO) => Promise<T>): Promise<T>;
  /** A menu; undefined when the user backs out with Esc or Ctrl+C. */
  choose<T>(message: string, choices: Choice<T>[], initial?: T): Promise<T | undefined>;
  /** A line of text; undefined when the user backs out. */
  ask(message: string, placeholder?: string): Promise<string | undefined>;
}

export interface DialogDeps {
  io: DialogIO;
  /** Stops the REPL's own handling of the terminal; the returned function gives it back. */
  release(): () => void;
}

export function createDialogs(deps: DialogDeps): Dialogs {
  let queue: Promise<unknown> = Promise.resolve();
  const run = <T>(body: (io: DialogIO) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      const giveBack = deps.release();
      try {
        return await body(deps.io);
      } finally {
        giveBack();
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    run,
    choose: <T>(message: string, choices: Choice<T>[], initial?: T) =>
      run(async (io) => {
        // clack's option type is conditional on T; the values go in and come back unchanged.
        const options = choices.map((c) => ({ value: c.value, label: c.label, ...(c.hint ? { hint: c.hint } : {}) })) as Parameters<typeof select<T>>[0]["options"];
        const answer = await select<T>({ message, options, ...(initial !== undefined ? { initialValue: initial } : {}), ...io });
        return isCancel(answer) ? undefined : (answer as T);
      }),
    ask: (message, placeholder) =>
      run(async (io) => {
        const answer = await text({ message, ...(placeholder ? { placeholder } : {}), ...io });
        return isCancel(answer) ? undefined : answer;
      }),
  };
}
