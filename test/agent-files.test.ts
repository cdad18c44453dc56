import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { AgentsJsonError, parseAgentsJson } from "../src/agent-files.ts";
import { formatWarning } from "../src/extensions.ts";
import { fixture } from "./support/extension-fixture.ts";

const agent = (fields: string, body = "You review code.") => `---\n${fields}\n---\n\n${body}\n`;

describe("agent files", () => {
  test("identity from frontmatter name; tools as a string or a list; model; body is the prompt", () => {
    const f = fixture("agents");
    const dir = join(f.project, ".claude", "agents");
    const file = f.put(join(dir, "whatever-file-name.md"), agent("name: code-reviewer\ndescription: Reviews code.\\nUse after edits.\ntools: Read, Grep, Bash(git diff:*)\nmodel: sonnet\ncolor: red"));
    f.put(join(dir, "team", "planner.md"), agent("name: planner\ndescription: Plans\ntools:\n  - Read\n  - Glob\ndisallowedTools: Write, Edit"));
    f.put(join(dir, "all.md"), agent('name: all-tools\ndescription: Everything\ntools: "*"'));
    f.put(join(dir, "none.md"), agent("name: no-tools\ndescription: Talks only\ntools: []"));
    const { agents, warnings } = f.load();
    expect(warnings).toEqual([]);
    const byName = Object.fromEntries(agents.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(["all-tools", "code-reviewer", "no-tools", "planner"]);
    expect(byName["code-reviewer"]).toMatchObject({
      description: "Reviews code.\nUse after edits.",
      tools: ["Read", "Grep", "Bash(git diff:*)"],
      model: "sonnet",
      prompt: "You review code.",
      scope: "project",
      path: file,
    });
    expect(byName["code-reviewer"]?.frontmatter.color).toBe("red");
    expect(byName.planner).toMatchObject({ tools: ["Read", "Glob"], disallowedTools: ["Write", "Edit"] });
    expect(byName["all-tools"]?.tools).toBeUndefined();
    expect(byName["no-tools"]?.tools).toEqual([]);
  });

  test("priority: --agents > project (closest first) > user > plugin; plugin agents are namespaced", () => {
    const f = fixture("agents");
    f.put(join(f.home, ".claude", "agents", "a.md"), agent("name: shared\ndescription: user"));
    f.put(join(f.home, ".hone", "agents", "u.md"), agent("name: user-only\ndescription: user"));
    f.put(join(f.project, ".claude", "agents", "a.md"), agent("name: shared\ndescription: project"));
    f.put(join(f.project, ".claude", "agents", "b.md"), agent("name: cli-wins\ndescription: project"));
    const plugin = join(f.root, "plug");
    f.put(join(plugin, ".claude-plugin", "plugin.json"), '{"name": "helpers"}');
    f.put(join(plugin, "agents", "shared.md"), agent("name: shared\ndescription: plugin"));
    f.put(join(plugin, "agents", "deep", "inner.md"), agent("name: inner\ndescription: plugin deep"));
    const agentsJson = JSON.stringify({ "cli-wins": { description: "cli", prompt: "From the flag.", tools: ["Read"], model: "opus" } });
    const { agents, warnings } = f.load({ pluginDirs: [plugin], agentsJson });
    expect(warnings).toEqual([]);
    expect(agents.map((a) => `${a.name}=${a.description}@${a.scope}`)).toEqual([
      "cli-wins=cli@cli",
      "shared=project@project",
      "user-only=user@user",
      "helpers:deep:inner=plugin deep@plugin",
      "helpers:shared=plugin@plugin",
    ]);
    expect(agents[0]).toMatchObject({ prompt: "From the flag.", tools: ["Read"], model: "opus", path: "" });
  });

  test("missing name or description, an invalid name, no frontmatter: one warning naming file, line and field", () => {
    const f = fixture("agents");
    const dir = join(f.home, ".claude", "agents");
    const noName = f.put(join(dir, "no-name.md"), agent("description: Has no name\nmodel: haiku"));
    const noDesc = f.put(join(dir, "no-desc.md"), agent("model: haiku\nname: nodesc"));
    const badName = f.put(join(dir, "bad-name.md"), agent("name: Code Reviewer\ndescription: x"));
    const colon = f.put(join(dir, "colon.md"), agent("name: a:b\ndescription: x"));
    const plain = f.put(join(dir, "plain.md"), "Just a prompt without frontmatter.\n");
    f.put(join(dir, "ok.md"), agent("name: fine\ndescription: loads"));
    const { agents, warnings } = f.load();
    expect(agents.map((a) => a.name)).toEqual(["fine"]);
    expect(warnings.map(formatWarning)).toEqual([
      `${badName}:2: invalid agent name "Code Reviewer" (use lowercase letters, digits and hyphens); agent skipped`,
      `${colon}:2: invalid agent name "a:b" (use lowercase letters, digits and hyphens); agent skipped`,
      `${noDesc}: missing required field "description" for agent "nodesc"; agent skipped`,
      `${noName}: missing required field "name"; agent skipped`,
      `${plain}:1: has no frontmatter; an agent file needs "name" and "description" between --- lines; skipped`,
    ]);
  });

  test("two agent files of one level with the same name: warning naming both", () => {
    const f = fixture("agents");
    const first = f.put(join(f.project, ".claude", "agents", "a.md"), agent("name: twin\ndescription: first"));
    const second = f.put(join(f.project, ".claude", "agents", "b.md"), agent("name: twin\ndescription: second"));
    const { agents, warnings } = f.load();
    expect(agents.map((a) => a.description)).toEqual(["first"]);
    expect(warnings).toEqual([{ file: second, message: `agent "twin" is also defined in ${first}; that one is used and this one is ignored` }]);
  });
});

describe("--agents JSON", () => {
  test("parses names, tools as list or string, model", () => {
    const agents = parseAgentsJson('{"reviewer": {"description": "R", "prompt": "P", "tools": "Read, Grep"}, "any": {"description": "A", "prompt": "Q", "tools": ["*"]}}');
    expect(agents).toEqual([
      { name: "reviewer", description: "R", tools: ["Read", "Grep"], prompt: "P", scope: "cli", path: "", frontmatter: { description: "R", prompt: "P", tools: "Read, Grep" } },
      { name: "any", description: "A", prompt: "Q", scope: "cli", path: "", frontmatter: { description: "A", prompt: "Q", tools: ["*"] } },
    ]);
  });

  test("malformed values are AgentsJsonError naming the problem", () => {
    const cases: [string, string][] = [
      ["{not json", "--agents: not valid JSON"],
      ["[1]", "--agents: expected a JSON object"],
      ['{"Bad Name": {"description": "d", "prompt": "p"}}', '--agents: invalid agent name "Bad Name"'],
      ['{"x": "text"}', '--agents: "x" must be an object'],
      ['{"x": {"prompt": "p"}}', '--agents: "x".description is required'],
      ['{"x": {"description": "d", "prompt": 3}}', '--agents: "x".prompt must be a non-empty string'],
      ['{"x": {"description": "d", "prompt": "p", "tools": {"a": 1}}}', '--agents: "x".tools must be a list'],
      ['{"x": {"description": "d", "prompt": "p", "model": 4}}', '--agents: "x".model must be a string'],
    ];
    for (const [json, message] of cases) {
      let caught: unknown;
      try {
        parseAgentsJson(json);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AgentsJsonError);
      expect((caught as Error).message).toStartWith(message);
    }
  });

  test("loadExtensions throws the same usage error for a bad agentsJson", () => {
    const f = fixture("agents");
    expect(() => f.load({ agentsJson: "{" })).toThrow(AgentsJsonError);
  });
});
