// What `hone agents` and `hone skills` share: their flags (--json, --plugin-dir, --add-dir, --agents)
// and loading the extensions exactly as a run in this folder would, with enabledPlugins from settings.
import { AgentsJsonError } from "./agent-files.ts";
import { formatWarning, loadExtensions, type Extensions } from "./extensions.ts";
import { inspectSettings } from "./settings.ts";
import type { CommandIO } from "./subcommands.ts";
import { isTrusted } from "./trust.ts";

export interface ListingFlags {
  json: boolean;
  help: boolean;
  pluginDirs: string[];
  addDirs: string[];
  agentsJson?: string;
}

const VALUED = new Set(["--plugin-dir", "--add-dir", "--agents"]);

/** The flags, or a usage error message. */
export function parseListingFlags(args: string[], allowAgents: boolean): ListingFlags | string {
  const flags: ListingFlags = { json: false, help: false, pluginDirs: [], addDirs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (arg === "--json") flags.json = true;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (VALUED.has(name) && (name !== "--agents" || allowAgents)) {
      const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === "") return `${name} needs a value`;
      if (name === "--plugin-dir") flags.pluginDirs.push(value);
      else if (name === "--add-dir") flags.addDirs.push(value);
      else flags.agentsJson = value;
    } else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else return `unexpected argument ${arg}`;
  }
  return flags;
}

function enabledPluginsOf(settings: object): Record<string, unknown> | undefined {
  const value: unknown = "enabledPlugins" in settings ? settings.enabledPlugins : undefined;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The loaded extensions plus every warning as text (settings problems included). */
export type Listing = Extensions & { notes: string[] };

/** Loads what a run here would load; settings problems become warnings. Throws AgentsJsonError for --agents. */
export function loadForListing(io: CommandIO, flags: ListingFlags): Listing {
  const notes: string[] = [];
  let trusted = false;
  try {
    trusted = isTrusted(io.cwd, io.env);
  } catch (error) {
    notes.push(`${error instanceof Error ? error.message : String(error)} (folder treated as not trusted)`);
  }
  const report = inspectSettings({ cwd: io.cwd, env: io.env, trusted });
  for (const error of report.errors) notes.push(`${error.message} (its enabledPlugins are not read)`);
  const enabledPlugins = enabledPluginsOf(report.loaded.settings);
  const loaded = loadExtensions({
    cwd: io.cwd,
    env: io.env,
    addDirs: flags.addDirs,
    pluginDirs: flags.pluginDirs,
    ...(enabledPlugins ? { enabledPlugins } : {}),
    ...(flags.agentsJson === undefined ? {} : { agentsJson: flags.agentsJson }),
  });
  return { ...loaded, notes: [...notes, ...loaded.warnings.map(formatWarning)] };
}

/** Runs a listing command: usage errors exit 2, warnings go to stderr, the listing to stdout. */
export async function runListing(
  args: string[],
  io: CommandIO,
  spec: { command: string; usage: string; allowAgents: boolean; render: (loaded: Listing, flags: ListingFlags) => string },
): Promise<number> {
  const flags = parseListingFlags(args, spec.allowAgents);
  if (typeof flags === "string") {
    io.err(`hone ${spec.command}: ${flags}\n${spec.usage}`);
    return 2;
  }
  if (flags.help) {
    io.out(spec.usage);
    return 0;
  }
  let loaded: Listing;
  try {
    loaded = loadForListing(io, flags);
  } catch (error) {
    if (!(error instanceof AgentsJsonError)) throw error;
    io.err(`hone ${spec.command}: ${error.message}\n`);
    return 2;
  }
  if (loaded.notes.length > 0) io.err(`Warnings:\n${loaded.notes.map((n) => `  - ${n}`).join("\n")}\n`);
  io.out(spec.render(loaded, flags));
  return 0;
}

/** The first line of a description, clipped for a one-line listing. */
export function oneLine(text: string, max = 160): string {
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
