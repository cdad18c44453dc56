// `hone hooks`: lists the hooks configured for this folder, per event, with matcher, command, timeout
// and the settings file each comes from, plus any configuration problems. `--json` for scripts.
import { HOOK_EVENTS, parseHooks, type HookCommand } from "./hooks.ts";
import { inspectSettings } from "./settings.ts";
import type { CommandIO } from "./subcommands.ts";
import { isTrusted } from "./trust.ts";

const USAGE = "Usage: hone hooks [--json]\nLists the hooks from the settings files that apply in this folder, grouped by event.\n";

interface Listing {
  trusted: boolean;
  /** disableAllHooks is true in the merged settings: no hook runs. */
  disabled: boolean;
  hooks: HookCommand[];
  /** Project files whose hooks are not run because the folder is not trusted. */
  untrusted: string[];
  warnings: string[];
}

/** The hooks a run in `cwd` would load: same settings files, same trust filter, same validation. */
export function listHooks(cwd: string, env: CommandIO["env"]): Listing {
  const warnings: string[] = [];
  let trusted = false;
  try {
    trusted = isTrusted(cwd, env);
  } catch (error) {
    warnings.push(`${error instanceof Error ? error.message : String(error)} (folder treated as not trusted)`);
  }
  const report = inspectSettings({ cwd, env, trusted });
  for (const error of report.errors) warnings.push(`${error.message} (this file's hooks are not listed)`);
  const parsed = parseHooks(report.loaded.hookLayers);
  const untrusted = report.loaded.untrusted.filter((u) => u.key === "hooks").map((u) => u.file);
  return {
    trusted,
    disabled: report.loaded.settings.disableAllHooks === true,
    hooks: parsed.hooks,
    untrusted,
    warnings: [...warnings, ...parsed.warnings],
  };
}

function render(cwd: string, listing: Listing): string {
  const lines: string[] = [];
  const { hooks } = listing;
  if (hooks.length === 0) {
    lines.push(`No hooks configured for ${cwd}.`);
  } else {
    lines.push(`Hooks for ${cwd} (all hooks of one event that match run in parallel):`);
    for (const event of HOOK_EVENTS) {
      const mine = hooks.filter((hook) => hook.event === event);
      if (mine.length === 0) continue;
      lines.push("", `${event} (${mine.length})`);
      for (const hook of mine) {
        lines.push(`  matcher  ${hook.matcher.trim() === "" ? "* (all)" : hook.matcher}`);
        lines.push(`  command  ${hook.command.replace(/\n/g, "\n           ")}`);
        lines.push(`  timeout  ${hook.timeoutSec} s`);
        lines.push(`  from     ${hook.source.file} (${hook.source.scope})`, "");
      }
      lines.pop();
    }
  }
  if (listing.disabled) lines.push("", "Note: disableAllHooks is true in the settings, so none of these hooks run.");
  if (listing.untrusted.length > 0) {
    lines.push("", `Not run because ${cwd} is not a trusted folder (run "hone trust" there to trust it):`);
    for (const file of listing.untrusted) lines.push(`  - hooks in ${file}`);
  }
  if (listing.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const warning of listing.warnings) lines.push(`  - ${warning}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function hooksCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    io.out(USAGE);
    return 0;
  }
  const json = args.includes("--json");
  const extra = args.filter((arg) => arg !== "--json");
  if (extra.length > 0) {
    io.err(`hone hooks: unexpected argument${extra.length === 1 ? "" : "s"}: ${extra.join(" ")}\n${USAGE}`);
    return 1;
  }
  const listing = listHooks(io.cwd, io.env);
  if (json) {
    const hooks = listing.hooks.map(({ event, matcher, command, timeoutSec, source }) => ({ event, matcher, command, timeoutSec, source }));
    const { trusted, disabled, untrusted, warnings } = listing;
    io.out(`${JSON.stringify({ cwd: io.cwd, trusted, disableAllHooks: disabled, hooks, untrusted, warnings }, null, 2)}\n`);
    return 0;
  }
  io.out(render(io.cwd, listing));
  return 0;
}
