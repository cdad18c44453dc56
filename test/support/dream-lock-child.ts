// A process competing for a memory folder's dream lock: says "ready", waits for the file <dir>/go
// (so all competitors try at once), prints whether it got the lock, then holds it (its pid stays
// alive) until its stdin closes. Usage: bun dream-lock-child.ts <memory dir>
import { existsSync } from "node:fs";
import { join } from "node:path";
import { acquireLock } from "../../src/dream-lock.ts";

const dir = process.argv[2]!;
process.stdout.write("ready\n");
while (!existsSync(join(dir, "go"))) await Bun.sleep(1);
const attempt = acquireLock(dir, new Date());
process.stdout.write(`${attempt.ok ? "ok" : `no: ${attempt.reason}`}\n`);
for await (const _ of process.stdin) {
  // Hold until the test closes stdin.
}
