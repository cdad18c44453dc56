#!/usr/bin/env bun
// Entry point. `--version` answers before anything heavy is loaded, so it stays instant.
import { VERSION } from "./version.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${VERSION} (hone)\n`);
} else {
  // Plain `hone` in a terminal is the interactive session: its prompt is drawn before the program loads.
  const early = argv.length === 0 && process.stdin.isTTY && process.stdout.isTTY ? (await import("./repl-early.ts")).openEarlyTerminal() : undefined;
  const { main } = await import("./app.ts");
  process.exitCode = await main(argv, early);
}
