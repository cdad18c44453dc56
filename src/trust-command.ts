// `hone trust`: mark a folder as trusted (its project hooks, MCP servers, env and allow rules then
// apply), list trusted folders, or take trust back.
import { resolve } from "node:path";
import type { CommandIO } from "./subcommands.ts";
import { isTrusted, readTrust, revokeTrust, trustDirectory, trustFilePath } from "./trust.ts";

const USAGE = `usage: hone trust [dir]            trust a folder (default: the current one) and everything below it
       hone trust --list             list trusted folders
       hone trust --revoke [dir]     stop trusting a folder
       hone trust --check [dir]      print whether a folder is trusted (exit 0 if so, 1 if not)`;

export async function trustCommand(args: string[], io: CommandIO): Promise<number> {
  const flags = args.filter((a) => a.startsWith("-"));
  const dirs = args.filter((a) => !a.startsWith("-"));
  const unknown = flags.find((f) => !["--list", "--revoke", "--check", "--help", "-h"].includes(f));
  if (unknown || dirs.length > 1) {
    io.err(`hone trust: ${unknown ? `unknown option ${unknown}` : "give at most one folder"}\n${USAGE}`);
    return 2;
  }
  if (flags.includes("--help") || flags.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  const dir = resolve(io.cwd, dirs[0] ?? ".");
  if (flags.includes("--list")) {
    const entries = readTrust(io.env);
    if (entries.length === 0) io.out(`No trusted folders (${trustFilePath(io.env)}).`);
    for (const entry of entries) io.out(`${entry.path}  (since ${entry.trustedAt})`);
    return 0;
  }
  if (flags.includes("--check")) {
    const trusted = isTrusted(dir, io.env);
    io.out(`${dir}: ${trusted ? "trusted" : "not trusted"}`);
    return trusted ? 0 : 1;
  }
  if (flags.includes("--revoke")) {
    const removed = await revokeTrust(dir, io.env);
    io.out(removed ? `${dir} is no longer trusted.` : `${dir} was not in the trusted list (${trustFilePath(io.env)}).`);
    return 0;
  }
  const path = await trustDirectory(dir, io.env);
  io.out(`Trusted ${path}: its project hooks, MCP servers, env and allow rules will apply.`);
  return 0;
}
