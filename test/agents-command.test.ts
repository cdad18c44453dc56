import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { agentsCommand } from "../src/agents-command.ts";
import { SUBCOMMANDS } from "../src/subcommands.ts";
import { captureIO } from "./support/command-io.ts";
import { fixture } from "./support/extension-fixture.ts";

describe("hone agents", () => {
  test("lists agents with scope, tools, model and source, then the built-in types; warnings on stderr", async () => {
    const f = fixture("agents-cmd");
    const reviewer = f.put(join(f.project, ".claude", "agents", "reviewer.md"), "---\nname: reviewer\ndescription: Reviews diffs.\\nSecond line.\ntools: Read, Grep\nmodel: sonnet\n---\nReview.\n");
    const broken = f.put(join(f.home, ".claude", "agents", "broken.md"), "---\ndescription: no name\n---\nx\n");
    const plugin = join(f.root, "plug");
    f.put(join(plugin, ".claude-plugin", "plugin.json"), '{"name": "kit"}');
    f.put(join(plugin, "agents", "helper.md"), "---\nname: helper\ndescription: Helps\ndisallowedTools: Bash\n---\nHelp.\n");
    const io = captureIO(f.project, f.home);
    expect(await agentsCommand(["--plugin-dir", plugin], io)).toBe(0);
    expect(io.stdout).toBe(
      [
        `Agents for ${f.project} (2):`,
        "",
        "reviewer  (project)",
        "  Reviews diffs.",
        "  tools: Read, Grep",
        "  model: sonnet",
        `  from:  ${reviewer}`,
        "",
        "kit:helper  (plugin)",
        "  Helps",
        "  tools: all (inherited); never: Bash",
        "  model: inherit",
        `  from:  ${join(plugin, "agents", "helper.md")}`,
        "",
        "Built-in agent types (always available): general-purpose, Explore, Plan",
        "",
      ].join("\n"),
    );
    expect(io.stderr).toBe(`Warnings:\n  - ${broken}: missing required field "name"; agent skipped\n`);
  });

  test("--json and --agents; plugins enabled in settings load, a missing one is a warning", async () => {
    const f = fixture("agents-cmd");
    const installed = join(f.home, ".hone", "plugins", "team");
    f.put(join(installed, ".claude-plugin", "plugin.json"), '{"name": "team"}');
    f.put(join(installed, "agents", "lead.md"), "---\nname: lead\ndescription: Leads\ntools: [Read]\n---\nLead.\n");
    f.put(join(f.home, ".claude", "settings.json"), JSON.stringify({ enabledPlugins: { "team@local": true, "gone@local": true } }));
    const io = captureIO(f.project, f.home);
    const json = JSON.stringify({ quick: { description: "Quick one", prompt: "Be quick.", model: "haiku" } });
    expect(await agentsCommand(["--json", "--agents", json], io)).toBe(0);
    const out = JSON.parse(io.stdout);
    expect(out.agents).toEqual([
      { name: "quick", scope: "cli", path: "", description: "Quick one", tools: null, model: "haiku" },
      { name: "team:lead", scope: "plugin", path: join(installed, "agents", "lead.md"), plugin: "team", description: "Leads", tools: ["Read"], model: null },
    ]);
    expect(out.builtIn).toEqual(["general-purpose", "Explore", "Plan"]);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain('plugin "gone@local" is enabled in settings (enabledPlugins) but is not installed');
    expect(io.stderr).toContain('plugin "gone@local"');
  });

  test("usage errors exit 2: unknown flag, missing value, bad --agents JSON", async () => {
    const f = fixture("agents-cmd");
    for (const [args, message] of [
      [["--bogus"], "hone agents: unknown option --bogus"],
      [["--plugin-dir"], "hone agents: --plugin-dir needs a value"],
      [["extra"], "hone agents: unexpected argument extra"],
      [["--agents", "{oops"], "hone agents: --agents: not valid JSON"],
    ] as const) {
      const io = captureIO(f.project, f.home);
      expect(await agentsCommand([...args], io)).toBe(2);
      expect(io.stderr).toStartWith(message);
      expect(io.stdout).toBe("");
    }
    const help = captureIO(f.project, f.home);
    expect(await agentsCommand(["--help"], help)).toBe(0);
    expect(help.stdout).toStartWith("Usage: hone agents");
  });

  test("is registered in the subcommand table", async () => {
    const f = fixture("agents-cmd");
    const io = captureIO(f.project, f.home);
    expect(await SUBCOMMANDS.agents?.run([], io)).toBe(0);
    expect(io.stdout).toContain("No agent files found");
    expect(io.stdout).toContain("Built-in agent types");
  });
});
