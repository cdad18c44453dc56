#!/usr/bin/env bun
// Entry point. `--version` answers before anything heavy is loaded, so it stays instant.
import { VERSION } from "./version.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${VERSION} (hone)\n`);
} else {
  const { main } = await import("./app.ts");
  process.exitCode = await main(argv);
}
