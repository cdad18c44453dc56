// `hone doctor` lines for the user's extensions: how many skills, commands, agents, plugins and MCP
// servers load here, and each file that did not load (without starting any server).
import type { Env } from "./config-dir.ts";
import { formatWarning, loadExtensions } from "./extensions.ts";
import { loadMcpServers } from "./mcp-config.ts";
import type { Settings } from "./settings-schema.ts";

export interface ExtensionCheck {
  mark: "ok" | "warn";
  label: string;
  detail: string;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

export function extensionChecks(cwd: string, env: Env, settings: Settings, trusted: boolean): ExtensionCheck[] {
  const loaded = loadExtensions({ cwd, env, ...(settings.enabledPlugins ? { enabledPlugins: settings.enabledPlugins } : {}) });
  const skills = loaded.skills.filter((s) => s.kind === "skill").length;
  const checks: ExtensionCheck[] = [
    {
      mark: "ok",
      label: "extensions",
      detail: `${count(skills, "skill")}, ${count(loaded.skills.length - skills, "command")}, ${count(loaded.agents.length, "agent")}, ${count(loaded.plugins.length, "plugin")} (plus the bundled skills)`,
    },
    ...loaded.warnings.map((w) => ({ mark: "warn" as const, label: "extensions", detail: formatWarning(w) })),
  ];
  const mcp = loadMcpServers({
    cwd,
    env,
    cliConfigs: [],
    strict: false,
    trusted,
    settings,
    pluginServers: loaded.plugins.flatMap((p) => p.mcpServers),
  });
  const names = mcp.servers.map((s) => `${s.name} (${s.scope})`);
  checks.push({ mark: "ok", label: "MCP servers", detail: names.length === 0 ? "none configured" : `${names.join(", ")}; not started by doctor` });
  for (const w of mcp.warnings) checks.push({ mark: "warn", label: "MCP servers", detail: formatWarning(w) });
  for (const s of mcp.skipped) checks.push({ mark: "warn", label: "MCP servers", detail: `${s.name} (${s.source}) is not started: ${s.reason}` });
  return checks;
}
