// Bad input is a feature: each broken file gives one warning naming it (with the line or field when
// known) and everything else still loads. Nothing throws, nothing hangs.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatWarning } from "../src/extensions.ts";
import { fixture, skillText } from "./support/extension-fixture.ts";

function mkfifo(path: string): void {
  const r = spawnSync("mkfifo", [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

describe("bad extension files", () => {
  test("skills and commands: each problem is one warning and the good files load", () => {
    const f = fixture("bad");
    const skills = join(f.project, ".claude", "skills");
    const commands = join(f.project, ".claude", "commands");
    f.put(join(skills, "good", "SKILL.md"), skillText({ description: "works" }));
    const malformed = f.put(join(skills, "malformed", "SKILL.md"), "---\nname: malformed\ndescription: fine\n  - stray: [\nnot a field at all\n---\nbody\n");
    const wrongType = f.put(join(skills, "wrong-type", "SKILL.md"), "---\ndescription: [1, 2]\nuser-invocable: sometimes\n---\nBody paragraph used instead.\n");
    const huge = join(skills, "huge", "SKILL.md");
    f.put(huge, `---\ndescription: huge\n---\n${"a".repeat(10 * 1024 * 1024)}`);
    const unclosed = f.put(join(skills, "unclosed", "SKILL.md"), `---\ndescription: never closed\n${"k: v\n".repeat(20_000)}`);
    mkdirSync(join(skills, "dir-not-file", "SKILL.md"), { recursive: true });
    mkdirSync(join(skills, "empty-folder"));
    f.put(join(skills, "lowercase", "skill.md"), skillText({ description: "wrong file name" }));
    const binary = join(skills, "binary", "SKILL.md");
    f.put(binary, "");
    writeFileSync(binary, Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0x01, 0x02]));
    mkdirSync(join(skills, "fifo"));
    mkfifo(join(skills, "fifo", "SKILL.md"));
    f.put(join(commands, "ok.md"), "---\ndescription: ok\n---\n");
    mkdirSync(join(commands, "folder.md"));
    mkfifo(join(commands, "pipe.md"));
    symlinkSync(join(f.root, "missing-target.md"), join(commands, "dangling.md"));
    const dupe = f.put(join(f.project, ".hone", "skills", "good", "SKILL.md"), skillText({ description: "hone good" }));

    const started = Date.now();
    const { skills: loaded, warnings } = f.load();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(loaded.map((s) => `${s.name}: ${s.description}`)).toEqual(["good: hone good", "wrong-type: Body paragraph used instead.", "ok: ok"]);
    expect(loaded[1]?.userInvocable).toBe(true);
    expect(warnings.map(formatWarning)).toEqual([
      `${binary}: looks like a binary file (it contains NUL bytes), not markdown; skipped`,
      `${join(skills, "dir-not-file", "SKILL.md")}: is a folder, not a file; skipped`,
      `${join(skills, "empty-folder")}: has no SKILL.md, so it is not a skill`,
      `${join(skills, "fifo", "SKILL.md")}: is not a regular file (a pipe, socket or device), so it is not read; skipped`,
      `${huge}: is 10.0 MB, over the 512 KB limit for a skill or command; skipped (move long material into separate files the skill points to)`,
      `${join(skills, "lowercase")}: has no SKILL.md, so it is not a skill (found skill.md: the file must be named SKILL.md)`,
      `${malformed}:5: invalid frontmatter: expected "key: value", found "not a field at all"; skipped`,
      `${unclosed}:1: frontmatter is not closed within the first 64 KB; skipped`,
      `${wrongType}:2: "description" must be text, not a list; ignored`,
      `${wrongType}:3: "user-invocable" must be true or false, not string "sometimes"; ignored`,
      `${join(commands, "dangling.md")}: is a broken symbolic link (its target ${join(f.root, "missing-target.md")} does not exist); skipped`,
      `${join(commands, "folder.md")}: is a folder, not a markdown file; skipped`,
      `${join(commands, "pipe.md")}: is not a regular file (a pipe, socket or device), so it is not read; skipped`,
      `${join(skills, "good", "SKILL.md")}: skill "good" is also defined in ${dupe}; that one is used and this one is ignored`,
    ]);
  });

  test("agent files: a FIFO, a dangling link and a huge file are warnings; good agents load", () => {
    const f = fixture("bad");
    const dir = join(f.home, ".claude", "agents");
    f.put(join(dir, "good.md"), "---\nname: good\ndescription: ok\n---\nPrompt\n");
    mkfifo(join(dir, "pipe.md"));
    symlinkSync(join(dir, "gone.md"), join(dir, "link.md"));
    const big = f.put(join(dir, "big.md"), `---\nname: big\ndescription: big\n---\n${"p".repeat(600 * 1024)}`);
    const { agents, warnings } = f.load();
    expect(agents.map((a) => a.name)).toEqual(["good"]);
    expect(warnings.map(formatWarning)).toEqual([
      `${join(dir, "link.md")}: is a broken symbolic link (its target ${join(dir, "gone.md")} does not exist); skipped`,
      `${join(dir, "pipe.md")}: is not a regular file (a pipe, socket or device), so it is not read; skipped`,
      `${big}: is 600 KB, over the 512 KB limit for an agent file; skipped`,
    ]);
  });

  test("plugins: invalid JSON, missing name, bad override paths, broken hooks and MCP files", () => {
    const f = fixture("bad");
    const invalid = join(f.root, "invalid");
    const invalidManifest = f.put(join(invalid, ".claude-plugin", "plugin.json"), '{\n  "name": "invalid",\n  "version": "1.0"\n  "description": "missing comma"\n}\n');
    f.put(join(invalid, "commands", "never.md"), "never loaded\n");
    const nameless = join(f.root, "nameless");
    const namelessManifest = f.put(join(nameless, ".claude-plugin", "plugin.json"), '{\n  "version": "1.0.0"\n}\n');
    const spaced = join(f.root, "spaced");
    const spacedManifest = f.put(join(spaced, ".claude-plugin", "plugin.json"), '{\n  "name": "my plugin"\n}\n');
    const good = join(f.root, "good");
    const goodManifest = f.put(
      join(good, ".claude-plugin", "plugin.json"),
      JSON.stringify({ name: "good", commands: ["extra", "./missing", "./../outside", 7], skills: "/abs/skills", hooks: "./hooks/broken.json", mcpServers: "./servers.json" }, null, 2),
    );
    f.put(join(good, "commands", "works.md"), "Works\n");
    const hooksFile = f.put(join(good, "hooks", "hooks.json"), '{"PreToolUse": []}');
    const brokenHooks = f.put(join(good, "hooks", "broken.json"), "{ nope");
    const mcp = f.put(join(good, "servers.json"), '{"mcpServers": {"bad": {"url": "http://x"}}}');
    const notPlugin = join(f.root, "empty");
    mkdirSync(notPlugin);
    const { plugins, skills, warnings } = f.load({ pluginDirs: [invalid, nameless, spaced, good, notPlugin, join(f.root, "absent")] });
    expect(plugins.map((p) => p.name)).toEqual(["good"]);
    expect(skills.map((s) => s.name)).toEqual(["good:works"]);
    const text = warnings.map(formatWarning);
    expect(text.slice(0, 4)).toEqual([
      `${invalidManifest}:4: not valid JSON (line 4, column 3: comma expected); skipped`,
      `${namelessManifest}:1: missing required field "name" (a kebab-case plugin name); plugin skipped`,
      `${spacedManifest}:2: invalid plugin name "my plugin" (use kebab-case: letters, digits and hyphens, no spaces or ':'); plugin skipped`,
      `${goodManifest}:4: "commands[0]": path "extra" must start with ./ (relative to the plugin folder); ignored`,
    ]);
    expect(text.slice(4, 9)).toEqual([
      `${goodManifest}:5: "commands[1]": ./missing does not exist; ignored`,
      `${goodManifest}:6: "commands[2]": path "./../outside" leaves the plugin folder; ignored`,
      `${goodManifest}:7: "commands[3]" must be a path string starting with ./; ignored`,
      `${goodManifest}:9: "skills": path "/abs/skills" must start with ./ (relative to the plugin folder); ignored`,
      `${hooksFile}: expected {"hooks": {"<Event>": [...]}}; the plugin's hooks in this file are not loaded`,
    ]);
    expect(text[9]).toBe(`${brokenHooks}:1: not valid JSON (line 1, column 3: invalid symbol); skipped`);
    // The MCP parser's own wording; this file only checks that the problem names the file and server.
    expect(text[10]).toStartWith(`${mcp}`);
    expect(text[10]).toContain('"bad"');
    expect(text.slice(11)).toEqual([
      `${notPlugin}: is not a plugin: no .claude-plugin/plugin.json and no commands/, agents/, skills/, hooks/hooks.json or .mcp.json; skipped`,
      `${join(f.root, "absent")}: plugin folder does not exist; skipped`,
    ]);
  });
});
