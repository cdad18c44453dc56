// Run by test/lsp.test.ts as its own process: asks the real TypeScript server something, kills the
// server, asks again (a clear error), asks a third time (restarted), then ends without closing the
// service: a live language server must not keep the process from exiting.
import { join } from "node:path";
import { createLspService } from "../../src/lsp-service.ts";
import { processAlive } from "../../src/process-alive.ts";
import { parentOf, processesIn } from "./lsp-fixture.ts";

const root = process.argv[2] ?? "";
const file = join(root, "src", "a.ts");
const service = createLspService({ root, configs: [], env: process.env });
const signal = new AbortController().signal;
const ask = async (label: string) => {
  try {
    const text = await service.request("hover", file, 4, 19, signal);
    console.log(`${label}: ok ${text.includes("greet(name: string): string")}`);
  } catch (error) {
    console.log(`${label}: error ${JSON.stringify(error instanceof Error ? error.message : String(error))}`);
  }
};
await ask("first");
const server = processesIn(root).find((pid) => parentOf(pid) === process.pid);
if (server === undefined) throw new Error("no language server process found");
process.kill(server, "SIGKILL");
while (processAlive(server) && parentOf(server) === process.pid) await new Promise((r) => setTimeout(r, 50));
await ask("second");
await ask("third");
console.log("done");
