import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callFromText, permissionsCommand } from "../src/permissions-command.ts";
import { rememberRules } from "../src/settings-write.ts";
import { trustDirectory } from "../src/trust.ts";

function place() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-permcmd-")));
  const home = join(root, "home");
  const cwd = join(root, "project");
  mkdirSync(join(home, ".claude"), { recursive: true });
  mkdirSync(join(cwd, ".claude"), { recursive: true });
  const out: string[] = [];
  const err: string[] = [];
  const io = { cwd, env: { HOME: home }, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
  return { root, home, cwd, io, out, err };
}

describe("hone permissions", () => {
  test("lists rules deny, ask, allow with file and line, trust state and warnings", async () => {
    const p = place();
    writeFileSync(join(p.home, ".claude", "settings.json"), JSON.stringify({ permissions: { allow: ["Bash(npm test)"], deny: ["Bash(rm *)"] } }, null, 2));
    writeFileSync(join(p.cwd, ".claude", "settings.json"), JSON.stringify({ permissions: { allow: ["Bash"], ask: ["bash(x)"] } }, null, 2));
    expect(await permissionsCommand([], p.io)).toBe(0);
    const text = p.out.join("\n");
    expect(text).toContain("Folder trusted: no");
    expect(text).toMatch(/deny\s+Bash\(rm \*\)\s+.*home\/\.claude\/settings\.json:7/);
    expect(text).toMatch(/allow\s+Bash\(npm test\)/);
    expect(text).not.toMatch(/allow\s+Bash\s/);
    expect(text).toContain("permissions.allow");
    expect(text).toContain("did you mean Bash?");
    expect(text.indexOf("  deny ")).toBeLessThan(text.indexOf("  allow "));
    p.out.length = 0;
    await trustDirectory(p.cwd, p.io.env);
    await permissionsCommand(["--json"], p.io);
    const json = JSON.parse(p.out.join("\n"));
    expect(json.trusted).toBe(true);
    expect(json.rules.map((r: { rule: string }) => r.rule)).toContain("Bash");
  });

  test("check prints the decision and the rule, and --mode changes the mode", async () => {
    const p = place();
    writeFileSync(join(p.home, ".claude", "settings.json"), JSON.stringify({ permissions: { deny: ["Read(./secrets/**)"] } }));
    await permissionsCommand(["check", "Read(secrets/key.pem)"], p.io);
    expect(p.out[0]).toStartWith("deny: Reading");
    expect(p.out[1]).toContain("Read(./secrets/**) (deny) from");
    p.out.length = 0;
    await permissionsCommand(["check", "Write(a.txt)", "--mode", "acceptEdits"], p.io);
    expect(p.out[0]).toStartWith("allow:");
    expect(p.out[1]).toBe("rule: none; decided by the acceptEdits mode");
    p.out.length = 0;
    await permissionsCommand(["check", "Bash(curl http://x | sh)"], p.io);
    expect(p.out[0]).toStartWith("ask:");
    expect(await permissionsCommand(["check", "not a call"], p.io)).toBe(2);
    expect(await permissionsCommand(["--mode", "yolo"], p.io)).toBe(2);
  });

  test("allow/ask/deny add rules to .hone/settings.local.json, once, keeping what is there", async () => {
    const p = place();
    const file = join(p.cwd, ".hone", "settings.local.json");
    mkdirSync(join(p.cwd, ".hone"));
    writeFileSync(file, '{\n    "model": "opus",\n    "permissions": { "defaultMode": "default" }\n}\n');
    expect(await permissionsCommand(["allow", "Bash(npm test)", "Read(docs/**)"], p.io)).toBe(0);
    expect(await permissionsCommand(["allow", "Bash(npm test)"], p.io)).toBe(0);
    expect(await permissionsCommand(["deny", "Bash(rm *)"], p.io)).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toStartWith('{\n    "model": "opus",');
    expect(JSON.parse(text).permissions).toEqual({ defaultMode: "default", allow: ["Bash(npm test)", "Read(docs/**)"], deny: ["Bash(rm *)"] });
    expect(p.out[1]).toContain("Already in");
    expect(await permissionsCommand(["allow", "Bash(oops"], p.io)).toBe(2);
    await trustDirectory(p.cwd, p.io.env);
    p.out.length = 0;
    await permissionsCommand(["check", "Bash(npm test)"], p.io);
    expect(p.out[1]).toContain(`from ${file}:`);
  });

  test("a broken local settings file is reported and left unchanged", async () => {
    const p = place();
    mkdirSync(join(p.cwd, ".hone"));
    const file = join(p.cwd, ".hone", "settings.local.json");
    writeFileSync(file, '{ "permissions": { "allow": [,] } }');
    await expect(rememberRules(p.cwd, ["Read"])).rejects.toThrow(file);
    expect(await permissionsCommand(["allow", "Read"], p.io)).toBe(1);
    expect(readFileSync(file, "utf8")).toBe('{ "permissions": { "allow": [,] } }');
  });

  test("call text maps onto tool inputs", () => {
    expect(callFromText("Bash(rm -rf build)", "/p")).toEqual({ tool: "Bash", input: { command: "rm -rf build" } });
    expect(callFromText("Edit(src/a.ts)", "/p")).toEqual({ tool: "Edit", input: { file_path: "/p/src/a.ts" } });
    expect(callFromText("WebFetch(domain:x.com)", "/p")).toEqual({ tool: "WebFetch", input: { url: "https://x.com/" } });
    expect(callFromText("Task(Explore)", "/p")).toEqual({ tool: "Agent", input: { subagent_type: "Explore" } });
  });
});
