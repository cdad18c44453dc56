// The REPL's commands that show where things stand, through the compiled binary in tmux: /status,
// /version, /config, /doctor, /hooks, /memory, /agents, /skills, /mcp, /permissions, /diff, and the
// bundled skills /init, /review, /commit whose instructions go to the model. Listings are checked
// against fixtures the tests set up (a hook, a CLAUDE.md, an agent, a skill, an MCP server).
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { resolveModel } from "../../src/models.ts";
import { EVERYTHING } from "../support/mcp-fixture.ts";
import { reply, text, toolUse } from "../support/mock-api.ts";
import { messagesText, replHarness } from "../support/repl-commands-fixture.ts";
import { toolResultText } from "../support/request-text.ts";
import { sessionFiles, tempHome } from "../support/sessions.ts";
import { hasTmux } from "../support/tmux.ts";

const start = replHarness();
const SKILLS_DIR = join(import.meta.dir, "../../skills");

/** The first heading of a bundled skill's body: a phrase only its instructions carry. */
function skillHeading(name: string): string {
  const heading = /^# (.+)$/m.exec(readFileSync(join(SKILLS_DIR, name, "SKILL.md"), "utf8"));
  if (!heading) throw new Error(`skills/${name}/SKILL.md has no heading`);
  return heading[1]!;
}

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
}

describe.skipIf(!hasTmux())("REPL info commands", () => {
  test("/status shows the session id and the model; /version prints the version", async () => {
    const repl = await start({ steps: [reply(text("status check"))] });
    await repl.prompt("hello", "status check");
    const [file] = sessionFiles(repl.home, repl.dir);
    const id = basename(file!, ".jsonl");
    const status = await repl.command("/status", "Settings files:");
    expect(status).toMatch(new RegExp(`Session: +${id}`));
    expect(status).toMatch(new RegExp(`Model: +${resolveModel("sonnet", {})}`));
    expect(status).toContain(`Folder:           ${repl.dir}`);
    await repl.command("/version", `${pkg.version} (hone)`);
  });

  test("/hooks, /memory, /agents, /skills, /mcp, /config and /doctor list what this HOME and project configure", async () => {
    const home = tempHome();
    const userSettings = join(home, ".hone", "settings.json");
    const repl = await start({
      home,
      args: ["--mcp-config", JSON.stringify({ mcpServers: { pelicanmcp: { command: "node", args: [EVERYTHING] } } })],
      height: 60,
      files: {
        [userSettings]: { cleanupPeriodDays: 12, hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "echo HOOK-MARKER-7" }] }] } },
        "CLAUDE.md": "Always answer in haiku.\n",
        ".claude/agents/pelican-reviewer.md": "---\nname: pelican-reviewer\ndescription: Reviews pelican code\n---\nYou review code about pelicans.\n",
        ".claude/skills/pelican-skill/SKILL.md": "---\nname: pelican-skill\ndescription: Counts pelicans\n---\nCount the pelicans.\n",
      },
    });
    const hooks = await repl.command("/hooks", "HOOK-MARKER-7");
    expect(hooks).toContain("PreToolUse (1)");
    expect(hooks).toContain(`from     ${userSettings}`);
    await repl.command("/memory", join(repl.dir, "CLAUDE.md"));
    await repl.command("/agents", "pelican-reviewer");
    await repl.command("/skills", "pelican-skill");
    await repl.command("/mcp", /pelicanmcp +connected +\w+ +[1-9]\d* tools/);
    const config = await repl.command("/config", "Files, lowest precedence first:");
    expect(config).toMatch(/cleanupPeriodDays +12/);
    expect(config).toContain(`✓ user     ${userSettings}`);
    const doctor = (await repl.command("/doctor", /> \/doctor[\s\S]*MCP servers in this session:/)).split("> /doctor")[1]!;
    // The --mcp-config server is not in any file doctor reads; the session's own list has it.
    expect(doctor).toMatch(/MCP servers in this session:\n +pelicanmcp +connected/);
    expect(doctor).toMatch(/ok +extensions: 1 skill, 0 commands, 1 agent\b/);
    expect(doctor).toMatch(new RegExp(`ok +settings \\(user\\): ${userSettings} loaded`));
    expect(doctor).toMatch(/ok +API key: ANTHROPIC_API_KEY/);
  });

  test("/permissions allow <rule> saves the rule and a matching command then runs without asking; /permissions lists", async () => {
    const repl = await start({ steps: [reply(toolUse("Bash", { command: "touch made-by-bash.txt" }, "b1")), reply(text("touched it"))] });
    await repl.command("/permissions allow", "/permissions allow needs a rule");
    await repl.command('/permissions allow "Bash(touch:*)"', "Added to permissions.allow");
    const local = JSON.parse(readFileSync(join(repl.dir, ".hone", "settings.local.json"), "utf8")) as { permissions: { allow: string[] } };
    expect(local.permissions.allow).toEqual(["Bash(touch:*)"]);
    await repl.prompt("touch the file", "touched it");
    expect(existsSync(join(repl.dir, "made-by-bash.txt"))).toBe(true);
    expect(toolResultText(repl.api.requests[1]!, "b1")).not.toMatch(/denied|declined/i);
    expect(repl.t.history()).not.toContain("Do you want to proceed?");
    await repl.command("/permissions", "Permission mode now: default");
  });

  // Regression test (fixed): it used to be that /config pads setting names to 22 columns, and "permissions.defaultMode" has 23
  // characters, so it prints "permissions.defaultMode(not set)".
  test("/config keeps a gap after every setting name", async () => {
    const repl = await start();
    const config = await repl.command("/config", "Files, lowest precedence first:");
    expect(config).toMatch(/permissions\.defaultMode +\(not set\)/);
  });

  // Regression test (fixed): it used to be that /permissions lists the rules of the settings files (through `hone permissions`), not
  // the session's: a rule just added with /permissions allow in an untrusted folder is in force for this
  // session, yet the listing says "Rules: none" and calls it not applied.
  test("/permissions lists a rule added in this session as in force", async () => {
    const repl = await start();
    await repl.command('/permissions allow "Bash(touch:*)"', "Added to permissions.allow");
    const listing = (await repl.command("/permissions", "Permission mode now")).split("> /permissions\n").at(-1)!;
    expect(listing).toContain("Bash(touch:*)");
    expect(listing).not.toContain("Rules: none");
  });

  test("/diff shows the uncommitted change in a git repository and says so outside one", async () => {
    const outside = await start();
    await outside.command("/diff", "this folder is not in a git repository");
    const repo = await start({ files: { "notes.txt": "old line\n" } });
    git(repo.dir, "init", "-q");
    git(repo.dir, "add", "notes.txt");
    git(repo.dir, "commit", "-q", "-m", "first");
    writeFileSync(join(repo.dir, "notes.txt"), "new line\n");
    const diff = await repo.command("/diff", "+new line");
    expect(diff).toContain("-old line");
    expect(diff).toContain("notes.txt | 2");
  });

  test("/init, /review and /commit send the bundled skill's instructions to the model", async () => {
    const repl = await start({ steps: [reply(text("init done")), reply(text("review done")), reply(text("commit done"))] });
    for (const name of ["init", "review", "commit"]) {
      const request = await repl.prompt(`/${name}`, `${name} done`);
      expect(messagesText(request)).toContain(skillHeading(name));
    }
    // Each skill's heading is its own: the three requests are not the same text.
    expect(messagesText(repl.api.requests[0]!)).not.toContain(skillHeading("commit"));
  });
  test("/buddy in the default build says the companion is not built in and how to build it", async () => {
    const repl = await start({ env: { NO_COLOR: "1" } });
    await repl.command("/buddy", 'needs the "buddy" feature, and this hone was built without it (build with: bun run build --features buddy)');
  });
});
