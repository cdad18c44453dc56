// Stand-in for `hone __sandbox-bridge ...` in tests (bun test cannot re-run itself as the bridge).
import { runSandboxBridge } from "../../src/sandbox-proxy.ts";

const args = process.argv.slice(2);
process.exitCode = await runSandboxBridge(args[0] === "__sandbox-bridge" ? args.slice(1) : args);
