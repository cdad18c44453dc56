// The real-world corpus (/work/shared/corpus): every wshobson-agents plugin as a --plugin-dir, every
// anthropics/skills and superpowers skill as a user skill folder, and the agent-like files shipped inside
// skill-creator as a project agents folder. Expected counts are computed here by listing the files, so
// the test says exactly what did not load and why.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { formatWarning, loadExtensions } from "../src/extensions.ts";
import { parseMarkdown } from "../src/frontmatter.ts";

const CORPUS = "/work/shared/corpus";
const PLUGINS = join(CORPUS, "wshobson-agents", "plugins");
const ANTHROPIC_SKILLS = join(CORPUS, "anthropics-skills", "skills");
const SUPERPOWERS_SKILLS = join(CORPUS, "superpowers", "skills");
const CREATOR_AGENTS = join(ANTHROPIC_SKILLS, "skill-creator", "agents");

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
const dirs = (p: string) => (isDir(p) ? readdirSync(p).filter((n) => !n.startsWith(".") && isDir(join(p, n))).sort() : []);

function markdownUnder(root: string): string[] {
  if (!isDir(root)) return [];
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((rel) => rel.endsWith(".md"))
    .map((rel) => join(root, rel))
    .filter(isFile)
    .sort();
}

const pluginRoots = dirs(PLUGINS).map((d) => join(PLUGINS, d));
const agentFiles = pluginRoots.flatMap((r) => markdownUnder(join(r, "agents")));
const commandFiles = pluginRoots.flatMap((r) => markdownUnder(join(r, "commands")));
const pluginSkillFiles = pluginRoots.flatMap((r) => dirs(join(r, "skills")).map((d) => join(r, "skills", d, "SKILL.md"))).filter(isFile);
const standaloneSkillFiles = [ANTHROPIC_SKILLS, SUPERPOWERS_SKILLS].flatMap((root) => dirs(root).map((d) => join(root, d, "SKILL.md")));

function corpusHome(): { home: string; project: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-corpus-")));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(join(home, ".claude"), { recursive: true });
  mkdirSync(join(home, ".hone"), { recursive: true });
  mkdirSync(join(project, ".claude"), { recursive: true });
  symlinkSync(ANTHROPIC_SKILLS, join(home, ".claude", "skills"));
  symlinkSync(SUPERPOWERS_SKILLS, join(home, ".hone", "skills"));
  symlinkSync(CREATOR_AGENTS, join(project, ".claude", "agents"));
  return { home, project };
}

function loadCorpus() {
  const { home, project } = corpusHome();
  return loadExtensions({ cwd: project, env: { HOME: home }, pluginDirs: pluginRoots });
}

describe("real-world corpus", () => {
  const loaded = loadCorpus();

  test("the listing found what the corpus holds", () => {
    expect(pluginRoots.length).toBe(91);
    expect(agentFiles.length).toBe(202);
    expect(commandFiles.length).toBe(105);
    expect(pluginSkillFiles.length).toBe(181);
    expect(standaloneSkillFiles.length).toBe(27);
  });

  test("every plugin, agent, command and skill loads", () => {
    expect(loaded.plugins.length).toBe(pluginRoots.length);
    const agents = loaded.agents.filter((a) => a.scope === "plugin");
    expect(agents.map((a) => a.path).sort()).toEqual(agentFiles);
    const commands = loaded.skills.filter((s) => s.kind === "command");
    expect(commands.map((c) => c.path).sort()).toEqual(commandFiles);
    const pluginSkills = loaded.skills.filter((s) => s.kind === "skill" && s.scope === "plugin");
    expect(pluginSkills.map((s) => s.path).sort()).toEqual(pluginSkillFiles.sort());
    const userSkills = loaded.skills.filter((s) => s.kind === "skill" && s.scope === "user");
    // Loaded through symlinked ~/.claude/skills and ~/.hone/skills.
    expect(userSkills.map((s) => realpathSync(s.path)).sort()).toEqual([...standaloneSkillFiles].sort());
  });

  test("exactly the three skill-creator helper files do not load, each genuinely lacking frontmatter", () => {
    const expected = readdirSync(CREATOR_AGENTS).filter((n) => n.endsWith(".md")).sort().map((n) => join(CREATOR_AGENTS, n));
    expect(expected.length).toBe(3);
    // Loaded through a symlinked folder, so the warnings name that path.
    const shown = loaded.warnings.map(formatWarning).map((w) => w.replace(/^.*\/project\/\.claude\/agents\//, `${CREATOR_AGENTS}/`));
    expect(shown).toEqual(expected.map((f) => `${f}:1: has no frontmatter; an agent file needs "name" and "description" between --- lines; skipped`));
    for (const file of expected) {
      const text = readFileSync(file, "utf8");
      expect(text.startsWith("---")).toBe(false);
      const parsed = parseMarkdown(text);
      expect(parsed.ok && parsed.value.hasFrontmatter).toBe(false);
    }
    expect(loaded.agents.filter((a) => a.scope !== "plugin")).toEqual([]);
  });

  test("every file's YAML is strictly valid at these commits (no file needed the lenient reading)", () => {
    const needsLenient: string[] = [];
    for (const file of [...agentFiles, ...commandFiles, ...pluginSkillFiles, ...standaloneSkillFiles]) {
      const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(file, "utf8"));
      if (!match) continue;
      try {
        parse(match[1] ?? "");
      } catch {
        needsLenient.push(file);
      }
    }
    expect(needsLenient).toEqual([]);
  });

  test("descriptions are non-empty and match the frontmatter where the file has one", () => {
    for (const def of [...loaded.skills, ...loaded.agents]) {
      expect(def.description.trim()).not.toBe("");
      const own = def.frontmatter.description;
      if (typeof own === "string") expect(def.description).toBe(own.trim().replace(/\\n/g, "\n"));
    }
    // Commands without frontmatter fall back to their first line, heading marks removed.
    const scaffold = loaded.skills.find((s) => s.path.endsWith("frontend-mobile-development/commands/component-scaffold.md"));
    expect(scaffold?.description).toBe("React/React Native Component Scaffolding");
  });

  test("bodies load in full, without frontmatter, including one past the 64 KB head", () => {
    for (const skill of loaded.skills) {
      const body = skill.body();
      expect(body.trim()).not.toBe("");
      if (Object.keys(skill.frontmatter).length > 0) expect(body.startsWith("---")).toBe(false);
    }
    const api = loaded.skills.find((s) => s.name === "claude-api");
    const raw = readFileSync(join(ANTHROPIC_SKILLS, "claude-api", "SKILL.md"), "utf8");
    expect(raw.length).toBeGreaterThan(64 * 1024);
    expect(api?.body().length).toBe(raw.slice(raw.indexOf("\n---", 3) + 5).length);
    for (const agent of loaded.agents) expect(agent.prompt.length).toBeGreaterThan(0);
  });

  test("spot checks: renamed plugin skill, empty tool list, YAML-list allowed-tools, hooks with variables intact", () => {
    expect(loaded.skills.find((s) => s.path.endsWith("database-design/skills/postgresql/SKILL.md"))?.name).toBe("database-design:postgresql-table-design");
    expect(loaded.agents.find((a) => a.name === "arm-cortex-microcontrollers:arm-cortex-expert")?.tools).toEqual([]);
    const businessCase = loaded.skills.find((s) => s.name === "startup-business-analyst:business-case");
    expect(businessCase?.allowedTools).toEqual(["Read", "Write", "Edit", "Glob", "Grep", "Bash", "WebSearch", "WebFetch"]);
    const withHooks = loaded.plugins.filter((p) => p.hookLayers.length > 0).map((p) => p.name);
    expect(withHooks).toEqual(["protect-mcp", "review-agent-governance"]);
    const layer = loaded.plugins.find((p) => p.name === "protect-mcp")?.hookLayers[0];
    expect(JSON.stringify(layer?.hooks)).toContain("${PROTECT_MCP_POLICY:-./protect.cedar}");
    const pptx = loaded.skills.filter((s) => s.plugin === "pptx-deck-creation").map((s) => s.name);
    expect(pptx.length).toBe(5);
  });

  test("loading the whole corpus is fast", () => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      loadCorpus();
      best = Math.min(best, performance.now() - started);
    }
    expect(best).toBeLessThan(1000);
  });
});
