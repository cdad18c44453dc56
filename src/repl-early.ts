// The interactive session's terminal, opened by main.ts before the rest of the program is loaded: raw
// mode at once (keys typed meanwhile wait in the tty instead of being echoed) and the prompt box drawn
// in a few milliseconds. The REPL takes over this terminal and screen and redraws only what changed.
import { startingFrame } from "./repl-frame.ts";
import { createScreen, type Screen } from "./screen.ts";
import { openTerminal, type Terminal } from "./terminal.ts";

export interface EarlyTerminal {
  terminal: Terminal;
  screen: Screen;
}

export function openEarlyTerminal(): EarlyTerminal {
  const terminal = openTerminal(process.stdin, process.stdout, process.env);
  const screen = createScreen({ write: terminal.write, columns: terminal.columns, rows: terminal.rows });
  terminal.enterRaw(false);
  screen.setLive(startingFrame(terminal.columns(), terminal.color));
  screen.flush();
  return { terminal, screen };
}
