import { describe, expect, test } from "bun:test";
import { mkdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { formatWarning } from "../src/extensions.ts";
import { fixture, skillText } from "./support/extension-fixture.ts";

function makePlugin(f: ReturnType<typeof fixture>, dir: string, manifest: Record<string, unknown> | undefined): string {
  const root = join(f.root, dir);
  mkdirSync(root, { recursive: true });
  if (manifest) f.put(join(root, ".claude-plugin", "plugin.json"), JSON.stringify(manifest, null, 2));
  return root;
}

describe("plugins", () => {
  test("manifest fields, default folders, and override paths that add to them", () => {
    const f = fixture("plugins");
    const root = makePlugin(f, "review-kit", {
      name: "review-kit",
      version: "1.2.0",
      description: "Review tools",
      author: { name: "A" },
      commands: ["./extra-commands", "./single/run.md"],
      agents: "./agents",
      skills: ["./skills/one", "./more-skills"],
    });
    f.put(join(root, "commands", "review.md"), "---\ndescription: Review\n---\n");
    f.put(join(root, "extra-commands", "audit.md"), "Audit\n");
    f.put(join(root, "single", "run.md"), "Run\n");
    f.put(join(root, "agents", "critic.md"), "---\nname: critic\ndescription: Critic\n---\nBe critical.\n");
    f.put(join(root, "skills", "one", "SKILL.md"), skillText({ description: "one" }));
    f.put(join(root, "more-skills", "two", "SKILL.md"), skillText({ description: "two" }));
    const { plugins, skills, agents, warnings } = f.load({ pluginDirs: [root] });
    expect(warnings).toEqual([]);
    expect(plugins).toHaveLength(1);
    expect(plugins[0]).toMatchObject({
      name: "review-kit",
      root,
      manifestPath: join(root, ".claude-plugin", "plugin.json"),
      version: "1.2.0",
      description: "Review tools",
      commandDirs: [join(root, "commands"), join(root, "extra-commands"), join(root, "single", "run.md")],
      agentDirs: [join(root, "agents")],
      skillDirs: [join(root, "skills"), join(root, "skills", "one"), join(root, "more-skills")],
      hookLayers: [],
      mcpServers: [],
    });
    expect(skills.map((s) => s.name)).toEqual(["review-kit:one", "review-kit:two", "review-kit:review", "review-kit:audit", "review-kit:run"]);
    expect(agents.map((a) => `${a.name}:${a.plugin}`)).toEqual(["review-kit:critic:review-kit"]);
  });

  test("hooks from hooks/hooks.json, a manifest path and an inline object, with ${CLAUDE_PLUGIN_ROOT} replaced", () => {
    const f = fixture("plugins");
    const root = makePlugin(f, "guard", { name: "guard", hooks: ["./hooks/hooks.json", "./more-hooks.json", { PostToolUse: [{ hooks: [{ type: "command", command: "${CLAUDE_PLUGIN_ROOT}/post.sh" }] }] }] });
    const pre = { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: '"${CLAUDE_PLUGIN_ROOT}/scripts/check.sh" --strict' }] }] };
    f.put(join(root, "hooks", "hooks.json"), JSON.stringify({ description: "guards", hooks: pre }));
    f.put(join(root, "more-hooks.json"), JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: "command", command: "echo ${CLAUDE_PLUGIN_ROOT} $CLAUDE_PLUGIN_ROOT/x $CLAUDE_PLUGIN_ROOTS" }] }] } }));
    const { plugins, warnings } = f.load({ pluginDirs: [root] });
    expect(warnings).toEqual([]);
    expect(plugins[0]?.hookLayers).toEqual([
      { file: join(root, "hooks", "hooks.json"), hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: `"${root}/scripts/check.sh" --strict` }] }] } },
      { file: join(root, "more-hooks.json"), hooks: { Stop: [{ hooks: [{ type: "command", command: `echo ${root} ${root}/x $CLAUDE_PLUGIN_ROOTS` }] }] } },
      { file: join(root, ".claude-plugin", "plugin.json"), hooks: { PostToolUse: [{ hooks: [{ type: "command", command: `${root}/post.sh` }] }] } },
    ]);
  });

  test("MCP servers from .mcp.json and manifest mcpServers, plugin-scoped, ${CLAUDE_PLUGIN_ROOT} replaced", () => {
    const f = fixture("plugins");
    const root = makePlugin(f, "dbtools", { name: "dbtools", mcpServers: { inline: { command: "${CLAUDE_PLUGIN_ROOT}/bin/inline", args: ["--x"] } } });
    f.put(join(root, ".mcp.json"), JSON.stringify({ mcpServers: { db: { command: "node", args: ["${CLAUDE_PLUGIN_ROOT}/server.js"], env: { ROOT: "${CLAUDE_PLUGIN_ROOT}" } }, web: { type: "http", url: "https://example.com/mcp" } } }));
    const { plugins, warnings } = f.load({ pluginDirs: [root] });
    expect(warnings).toEqual([]);
    const servers = plugins[0]?.mcpServers ?? [];
    expect(servers.map((s) => [s.name, s.scope, s.plugin, s.source])).toEqual([
      ["db", "plugin", "dbtools", join(root, ".mcp.json")],
      ["web", "plugin", "dbtools", join(root, ".mcp.json")],
      ["inline", "plugin", "dbtools", join(root, ".claude-plugin", "plugin.json")],
    ]);
    expect(servers[0]?.transport).toMatchObject({ type: "stdio", command: "node", args: [`${root}/server.js`], env: { ROOT: root } });
    expect(servers[1]?.transport).toMatchObject({ type: "http", url: "https://example.com/mcp" });
    expect(servers[2]?.transport).toMatchObject({ type: "stdio", command: `${root}/bin/inline`, args: ["--x"] });
  });

  test("a folder without a manifest but with the standard layout is a plugin named after the folder", () => {
    const f = fixture("plugins");
    const root = makePlugin(f, "bare-plugin", undefined);
    f.put(join(root, "commands", "hi.md"), "Say hi\n");
    const { plugins, skills, warnings } = f.load({ pluginDirs: [root] });
    expect(warnings).toEqual([]);
    expect(plugins.map((p) => p.name)).toEqual(["bare-plugin"]);
    expect(skills.map((s) => s.name)).toEqual(["bare-plugin:hi"]);
  });

  test("enabledPlugins: installed_plugins.json (v2 list and v1 entry), the cache layout and ~/.hone/plugins; missing ones warn once", () => {
    const f = fixture("plugins");
    const pluginsDir = join(f.home, ".claude", "plugins");
    const v2 = makePlugin(f, "installs/v2/alpha", { name: "alpha" });
    const other = makePlugin(f, "installs/other-project/alpha", { name: "alpha" });
    const v1 = makePlugin(f, "installs/v1/beta", { name: "beta" });
    f.put(
      join(pluginsDir, "installed_plugins.json"),
      JSON.stringify({
        version: 2,
        plugins: {
          "alpha@market": [
            { scope: "project", projectPath: join(f.root, "elsewhere"), installPath: other, version: "1" },
            { scope: "user", installPath: v2, version: "2" },
          ],
          "beta@old": { version: "0.1", installPath: v1 },
        },
      }),
    );
    const older = makePlugin(f, "home/.claude/plugins/cache/mk/gamma/1.0.0", { name: "gamma", version: "1.0.0" });
    makePlugin(f, "home/.claude/plugins/cache/mk/gamma/1.1.0", { name: "gamma", version: "1.1.0" });
    utimesSync(older, new Date(2000, 1, 1), new Date(2000, 1, 1));
    makePlugin(f, "home/.hone/plugins/delta", { name: "delta" });
    const { plugins, warnings } = f.load({
      enabledPlugins: { "alpha@market": true, beta: true, "gamma@mk": true, "delta@local": true, "off@market": false, "ghost@market": true },
    });
    expect(plugins.map((p) => `${p.name}@${p.root}`)).toEqual([
      `alpha@${v2}`,
      `beta@${v1}`,
      `gamma@${join(pluginsDir, "cache", "mk", "gamma", "1.1.0")}`,
      `delta@${join(f.home, ".hone", "plugins", "delta")}`,
    ]);
    expect(warnings.map(formatWarning)).toEqual([
      `${join(pluginsDir, "installed_plugins.json")}: plugin "ghost@market" is enabled in settings (enabledPlugins) but is not installed; looked in ${join(pluginsDir, "cache", "market", "ghost")}, ${join(f.home, ".hone", "plugins", "ghost")}`,
    ]);
  });

  test("a --plugin-dir copy replaces an enabled plugin of the same name quietly; two --plugin-dir copies warn", () => {
    const f = fixture("plugins");
    const dev = makePlugin(f, "dev/tools", { name: "tools" });
    makePlugin(f, "home/.hone/plugins/tools", { name: "tools" });
    const copy = makePlugin(f, "copy/tools", { name: "tools" });
    const { plugins, warnings } = f.load({ pluginDirs: [dev, copy, dev], enabledPlugins: { tools: true } });
    expect(plugins.map((p) => p.root)).toEqual([dev]);
    expect(warnings.map(formatWarning)).toEqual([`${join(copy, ".claude-plugin", "plugin.json")}: plugin "tools" is already loaded from ${dev}; this copy is ignored`]);
  });
});
