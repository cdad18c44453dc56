// Which tools and model a sub-agent gets, and the managed tiers' budget rules.
import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { agentTypes, BUILTIN_TYPES, toolsFor, typeFromFile } from "../src/agent-types.ts";
import type { AgentDef } from "../src/extension-types.ts";
import { managedPolicy } from "../src/orchestration-modes.ts";
import { subagentModel } from "../src/subagent.ts";
import { defineTool, type Tool } from "../src/tool.ts";

const tool = (name: string, readOnly: boolean): Tool => defineTool({ name, description: name, readOnly, input: z.object({}), run: async () => ({ content: "" }) }) as Tool;
const PARENT = [tool("Bash", false), tool("Read", true), tool("Grep", true), tool("Write", false), tool("Agent", true), tool("SendMessage", false), tool("mcp__db__query", true)];
const names = (tools: Tool[]): string[] => tools.map((t) => t.name);

const def = (extra: Partial<AgentDef>): AgentDef => ({ name: "reviewer", description: "reviews", prompt: "You review.", scope: "project", path: "/p/.claude/agents/reviewer.md", frontmatter: {}, ...extra });

describe("sub-agent tools", () => {
  test("general-purpose gets every tool but the orchestration ones; Explore and Plan only read-only ones", () => {
    const [general, explore, plan] = ["general-purpose", "Explore", "Plan"].map((n) => BUILTIN_TYPES.find((t) => t.name === n)!);
    expect(names(toolsFor(general!, PARENT))).toEqual(["Bash", "Read", "Grep", "Write", "mcp__db__query"]);
    expect(names(toolsFor(explore!, PARENT))).toEqual(["Read", "Grep", "mcp__db__query"]);
    expect(names(toolsFor(plan!, PARENT))).toEqual(["Read", "Grep", "mcp__db__query"]);
    // Looking things up on the web changes nothing here: read-only agents keep WebFetch and WebSearch.
    const withWeb = [...PARENT, tool("WebFetch", false), tool("WebSearch", false)];
    expect(names(toolsFor(explore!, withWeb))).toEqual(["Read", "Grep", "mcp__db__query", "WebFetch", "WebSearch"]);
  });

  test("an agent file's tools (rule texts allowed) and disallowedTools narrow the parent's set, never widen it", () => {
    const type = typeFromFile(def({ tools: ["Read", "Bash(git diff:*)", "WebFetch", "Agent"], disallowedTools: ["Bash"] }));
    expect(type.tools).toEqual(["Read", "Bash", "WebFetch", "Agent"]);
    expect(names(toolsFor(type, PARENT))).toEqual(["Read"]);
    expect(names(toolsFor(typeFromFile(def({})), PARENT))).toEqual(["Bash", "Read", "Grep", "Write", "mcp__db__query"]);
  });

  test("an agent file with a built-in's name replaces it; the others stay", () => {
    const types = agentTypes([def({ name: "Explore", description: "my explorer" })]);
    expect(types.filter((t) => t.name === "Explore")).toHaveLength(1);
    expect(types.find((t) => t.name === "Explore")!.description).toBe("my explorer");
    expect(types.map((t) => t.name)).toEqual(["general-purpose", "Plan", "Explore"]);
  });

  test("the model: CLAUDE_CODE_SUBAGENT_MODEL, then the call's, then the type's (inherit: the parent's), then the parent's", () => {
    const type = typeFromFile(def({ model: "haiku" }));
    const inherit = typeFromFile(def({ model: "inherit" }));
    expect(subagentModel({ type }, { model: "parent-model" }, {})).toContain("haiku");
    expect(subagentModel({ type, model: "opus" }, { model: "parent-model" }, {})).toContain("opus");
    expect(subagentModel({ type: inherit }, { model: "parent-model" }, {})).toBe("parent-model");
    // Elsewhere than Anthropic an alias means the session's model, or its small model for haiku.
    const local = { providerId: "ollama", model: "qwen3:8b", smallModel: "qwen3:1.7b" };
    expect(subagentModel({ type }, local, {})).toBe("qwen3:1.7b");
    expect(subagentModel({ type, model: "opus" }, local, {})).toBe("qwen3:8b");
    expect(subagentModel({ type, model: "ollama/llama3.2" }, local, {})).toBe("llama3.2");
    expect(subagentModel({ type, model: "opus" }, { model: "parent-model" }, { CLAUDE_CODE_SUBAGENT_MODEL: "claude-custom-1" })).toBe("claude-custom-1");
  });
});

describe("managed tiers", () => {
  const usage = (tokens: number, costUsd = 0) => ({ inputTokens: tokens, outputTokens: 0, toolUses: 1, costUsd });

  test("an executor is over budget at its token or dollar share, and the note says how much it used", () => {
    const policy = managedPolicy({ executorModel: "haiku", budget: { perExecutorTokens: 1000, perExecutorUsd: 0.5 } });
    expect(policy.model).toBe("haiku");
    expect(policy.overBudget!(usage(999, 0.1))).toBe(false);
    expect(policy.overBudget!(usage(1000, 0.1))).toBe(true);
    expect(policy.overBudget!(usage(10, 0.5))).toBe(true);
    expect(policy.budgetNote!(usage(1200, 0.25))).toContain("1200 tokens of its 1000-token budget and $0.2500 of its $0.5 budget");
  });

  test("the total budget refuses new executors once what finished executors spent reaches it", () => {
    const policy = managedPolicy({ budget: { totalTokens: 1500 } });
    expect(policy.refuse!()).toBeUndefined();
    policy.spent!(usage(1000));
    expect(policy.refuse!()).toBeUndefined();
    policy.spent!(usage(600));
    expect(policy.refuse!()).toContain("1600 of 1500 tokens");
    const dollars = managedPolicy({ budget: { totalUsd: 1 } });
    dollars.spent!(usage(1, 1.2));
    expect(dollars.refuse!()).toContain("$1.2000 of $1");
  });
});
