// Starts the reference "everything" server the first time; any later start fails with a message, so
// tests can check what a failed restart reports. The marker file is argv[2].
import { existsSync, writeFileSync } from "node:fs";

const marker = process.argv[2];
if (existsSync(marker)) {
  process.stderr.write("refusing to start a second time\n");
  process.exit(1);
}
writeFileSync(marker, String(process.pid));
await import(new URL("../../node_modules/@modelcontextprotocol/server-everything/dist/transports/stdio.js", import.meta.url).href);
