// Drives the REPL's @clack/prompts dialogs without a terminal: the dialogs read keys from a stream the
// test writes to and draw into a buffer the test reads. Keys are sent only once the expected text has
// been drawn, so nothing depends on timing.
import { PassThrough, Writable } from "node:stream";
import { stripAnsi } from "../../src/ansi-text.ts";
import { createDialogs, type Dialogs } from "../../src/repl-dialogs.ts";

export const KEY = { up: "\x1b[A", down: "\x1b[B", space: " ", enter: "\r", esc: "\x1b", ctrlC: "\x03" } as const;

export interface DialogTerminal {
  dialogs: Dialogs;
  /** Everything drawn so far, without colours. */
  screen(): string;
  /** Waits until `text` is drawn after what earlier waits consumed, then sends the keys one by one. */
  when(text: string, ...keys: string[]): Promise<void>;
}

export function dialogTerminal(): DialogTerminal {
  const input = new PassThrough();
  let drawn = "";
  let consumed = 0;
  const output = new Writable({
    write(chunk, _encoding, done) {
      drawn += String(chunk);
      done();
    },
  });
  const dialogs = createDialogs({ io: { input, output }, release: () => () => undefined });
  const screen = () => stripAnsi(drawn);
  return {
    dialogs,
    screen,
    async when(text, ...keys) {
      // A hang guard, not a timing assertion: a prompt that never draws fails the test instead of stalling it.
      for (let tries = 0; ; tries++) {
        const at = screen().indexOf(text, consumed);
        if (at >= 0) {
          consumed = at + text.length;
          break;
        }
        if (tries > 2000) throw new Error(`never drawn: ${JSON.stringify(text)}\n--- screen ---\n${screen().slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      for (const key of keys) input.write(key);
    },
  };
}
