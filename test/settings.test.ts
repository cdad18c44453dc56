import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../src/log.ts";
import { DEFAULT_CLEANUP_DAYS, inspectSettings, loadSettings } from "../src/settings.ts";
import { settingsFixture, thrownSettingsError } from "./support/settings-fixture.ts";

describe("layers and precedence", () => {
  test("with no files: defaults, every candidate listed as missing in load order", () => {
    const f = settingsFixture();
    const loaded = loadSettings(f.options());
    expect(loaded.settings.model).toBeUndefined();
    expect(loaded.settings.cleanupPeriodDays).toBeUndefined();
    expect(DEFAULT_CLEANUP_DAYS).toBe(30);
    expect(loaded.settings.memory).toEqual({ dreamIntervalHours: 24, dreamSessionThreshold: 5 });
    expect(loaded.settings.kairos).toEqual({ tickIntervalSecs: 60, blockingBudgetSecs: 15 });
    expect(loaded.settings.ultraplan).toEqual({ pollIntervalSecs: 3, maxDurationSecs: 1800 });
    expect(loaded.files.map((x) => [x.path.replace(join(f.home, ".."), ""), x.scope, x.status])).toEqual([
      ["/home/.claude/settings.json", "user", "missing"],
      ["/home/.hone/settings.json", "user", "missing"],
      ["/home/.hone/config.toml", "user", "missing"],
      ["/project/.claude/settings.json", "project", "missing"],
      ["/project/.hone/settings.json", "project", "missing"],
      ["/project/.hone.toml", "project", "missing"],
      ["/project/.claude/settings.local.json", "local", "missing"],
      ["/project/.hone/settings.local.json", "local", "missing"],
      ["/etc-claude/managed-settings.json", "managed", "missing"],
      ["/etc-hone/managed-settings.json", "managed", "missing"],
    ]);
  });

  test("scalars: each later layer wins, up to managed above the environment", () => {
    const f = settingsFixture();
    const model = (name: string) => ({ model: name });
    f.write("home/.claude/settings.json", model("claude-user"));
    expect(loadSettings(f.options()).settings.model).toBe("claude-user");
    f.write("home/.hone/settings.json", model("hone-user"));
    expect(loadSettings(f.options()).settings.model).toBe("hone-user");
    f.write("project/.claude/settings.json", model("claude-project"));
    expect(loadSettings(f.options()).settings.model).toBe("claude-project");
    f.write("project/.hone/settings.json", model("hone-project"));
    expect(loadSettings(f.options()).settings.model).toBe("hone-project");
    f.write("project/.claude/settings.local.json", model("claude-local"));
    expect(loadSettings(f.options()).settings.model).toBe("claude-local");
    f.write("project/.hone/settings.local.json", model("hone-local"));
    expect(loadSettings(f.options()).settings.model).toBe("hone-local");
    expect(loadSettings(f.options({ cliSettings: '{"model":"inline"}' })).settings.model).toBe("inline");
    const env = { HOME: f.home, HONE_MODEL: "from-env" };
    expect(loadSettings(f.options({ cliSettings: '{"model":"inline"}', env })).settings.model).toBe("from-env");
    f.write(f.managed[0] ?? "", model("managed-claude"));
    expect(loadSettings(f.options({ env })).settings.model).toBe("managed-claude");
    f.write(f.managed[1] ?? "", model("managed-hone"));
    expect(loadSettings(f.options({ env })).settings.model).toBe("managed-hone");
  });

  test("permission rules concatenate across layers and each records its file, line and scope", () => {
    const f = settingsFixture();
    const user = f.write("home/.claude/settings.json", '{\n  "permissions": {\n    "allow": ["Read", "Bash(ls:*)"],\n    "additionalDirectories": ["/a"]\n  }\n}\n');
    const project = f.write("project/.claude/settings.json", { permissions: { deny: ["Bash(rm:*)"], allow: ["Read"], additionalDirectories: ["/b"] } });
    const managed = f.write(f.managed[1] ?? "", { permissions: { ask: ["WebFetch"] } });
    const loaded = loadSettings(f.options());
    expect(loaded.settings.permissions?.allow).toEqual(["Read", "Bash(ls:*)"]);
    expect(loaded.settings.permissions?.deny).toEqual(["Bash(rm:*)"]);
    expect(loaded.settings.permissions?.ask).toEqual(["WebFetch"]);
    expect(loaded.settings.permissions?.additionalDirectories).toEqual(["/a", "/b"]);
    expect(loaded.rules).toEqual([
      { rule: "Read", kind: "allow", source: expect.objectContaining({ file: user, line: 3, scope: "user" }) },
      { rule: "Bash(ls:*)", kind: "allow", source: expect.objectContaining({ file: user, line: 3, scope: "user" }) },
      { rule: "Read", kind: "allow", source: expect.objectContaining({ file: project, line: 7, scope: "project" }) },
      { rule: "Bash(rm:*)", kind: "deny", source: expect.objectContaining({ file: project, line: 4, scope: "project" }) },
      { rule: "WebFetch", kind: "ask", source: expect.objectContaining({ file: managed, line: 4, scope: "managed" }) },
    ]);
  });

  test("env merges key by key; hooks concatenate per event; managed defaultMode beats local", () => {
    const f = settingsFixture();
    const hook = (command: string) => ({ matcher: "Bash", hooks: [{ type: "command", command }] });
    f.write("home/.claude/settings.json", { env: { A: "1", B: "user" }, hooks: { PreToolUse: [hook("one")], Stop: [hook("stop")] } });
    f.write("project/.claude/settings.local.json", { env: { B: "local" }, hooks: { PreToolUse: [hook("two")] }, permissions: { defaultMode: "acceptEdits" } });
    expect(loadSettings(f.options()).settings.permissions?.defaultMode).toBe("acceptEdits");
    f.write(f.managed[0] ?? "", { permissions: { defaultMode: "plan", disableBypassPermissionsMode: "disable" } });
    const loaded = loadSettings(f.options());
    expect(loaded.settings.env).toEqual({ A: "1", B: "local" });
    expect(loaded.settings.hooks?.PreToolUse).toEqual([hook("one"), hook("two")]);
    expect(loaded.settings.hooks?.Stop).toEqual([hook("stop")]);
    expect(loaded.settings.permissions?.defaultMode).toBe("plan");
    expect(loaded.settings.permissions?.disableBypassPermissionsMode).toBe("disable");
  });

  test("settingSources skips the unlisted scopes, while --settings and managed still load", () => {
    const f = settingsFixture();
    f.write("home/.claude/settings.json", { permissions: { allow: ["Read"] } });
    f.write("project/.claude/settings.json", { permissions: { allow: ["Glob"] } });
    f.write("project/.claude/settings.local.json", { permissions: { allow: ["Grep"] } });
    f.write(f.managed[0] ?? "", { permissions: { deny: ["WebFetch"] } });
    const loaded = loadSettings(f.options({ settingSources: ["project"], cliSettings: '{"permissions":{"allow":["Edit"]}}' }));
    expect(loaded.rules.map((r) => `${r.kind}:${r.rule}:${r.source.scope}`)).toEqual(["allow:Glob:project", "allow:Edit:cli", "deny:WebFetch:managed"]);
    expect(loaded.rules[1]?.source.file).toBe("--settings");
    expect(loaded.files.map((x) => x.scope)).toEqual(["project", "project", "project", "cli", "managed", "managed"]);
  });

  test("--settings path is resolved against cwd; a missing one is an error", () => {
    const f = settingsFixture();
    const file = f.write("project/conf/extra.json", { maxTokens: 4096 });
    const loaded = loadSettings(f.options({ cliSettings: "conf/extra.json" }));
    expect(loaded.settings.maxTokens).toBe(4096);
    expect(loaded.files.find((x) => x.scope === "cli")).toEqual({ path: file, scope: "cli", status: "loaded" });
    const error = thrownSettingsError(() => loadSettings(f.options({ cliSettings: "conf/nope.json" })));
    expect(error.file).toBe(join(f.cwd, "conf/nope.json"));
    expect(error.message).toContain("not found");
  });

  test("with cwd at home the shared .claude/settings.json is read once", () => {
    const f = settingsFixture();
    f.write("home/.claude/settings.json", { permissions: { allow: ["Read"] } });
    const loaded = loadSettings({ ...f.options(), cwd: f.home });
    expect(loaded.rules).toHaveLength(1);
    expect(loaded.settings.permissions?.allow).toEqual(["Read"]);
  });
});

describe("environment", () => {
  test("HONE_* variables map onto settings, and the settings env block feeds them and the returned env", () => {
    const f = settingsFixture();
    f.write("project/.claude/settings.json", { model: "file", env: { HONE_MAX_TOKENS: "2048", ANTHROPIC_BASE_URL: "http://proxy" } });
    const env = { HOME: f.home, HONE_BASH_TIMEOUT: "90", HONE_MEMORY_DIR: "/mem", HONE_LOG_LEVEL: "DEBUG", HONE_MAX_TOKENS: "1", KEEP: "me" };
    const loaded = loadSettings(f.options({ env }));
    expect(loaded.settings.maxTokens).toBe(2048);
    expect(loaded.settings.bashTimeoutSecs).toBe(90);
    expect(loaded.settings.memory.memoryDir).toBe("/mem");
    expect(loaded.settings.memory.dreamIntervalHours).toBe(24);
    expect(loaded.settings.logLevel).toBe("debug");
    expect(loaded.settings.model).toBe("file");
    expect(loaded.env.ANTHROPIC_BASE_URL).toBe("http://proxy");
    expect(loaded.env.KEEP).toBe("me");
    expect(loaded.env.HONE_MAX_TOKENS).toBe("2048");
  });

  test("bad values are errors naming the variable; empty values are unset", () => {
    const f = settingsFixture();
    const bad: [string, string][] = [["HONE_MAX_TOKENS", "abc"], ["HONE_MAX_TOKENS", "0"], ["HONE_BASH_TIMEOUT", "601"], ["HONE_LOG_LEVEL", "loud"]];
    for (const [name, value] of bad) {
      const error = thrownSettingsError(() => loadSettings(f.options({ env: { HOME: f.home, [name]: value } })));
      expect(error.key).toBe(name);
      expect(error.message).toStartWith(`environment: ${name}: expected`);
      expect(error.message).toContain(JSON.stringify(value));
    }
    expect(loadSettings(f.options({ env: { HOME: f.home, HONE_MODEL: "" } })).settings.model).toBeUndefined();
  });
});

describe("errors", () => {
  test("a malformed file is an error at its line and column and is left byte-for-byte unchanged", () => {
    const f = settingsFixture();
    const cases: [string, RegExp][] = [
      ['{\n  "model": "x",\n  // a comment\n}\n', /settings\.json:3:3: comments are not allowed/],
      ['{\n  "permissions": { "allow": ["Read",] }\n}\n', /settings\.json:2:37: trailing commas are not allowed/],
      ['{ "model": "x" ', /settings\.json:1:16: expected '}'/],
      ['["Read"]', /settings\.json:1:1: expected a JSON object/],
    ];
    for (const [content, pattern] of cases) {
      const path = f.write("project/.claude/settings.json", content);
      const before = readFileSync(path);
      const error = thrownSettingsError(() => loadSettings(f.options()));
      expect(error.message).toMatch(pattern);
      expect(error.file).toBe(path);
      expect(error.key).toBeUndefined();
      expect(readFileSync(path).equals(before)).toBe(true);
    }
  });

  test("a wrong-typed value names file, line, column and key path", () => {
    const f = settingsFixture();
    const path = f.write("home/.hone/settings.json", '{\n  "permissions": {\n    "allow": ["Read", "Edit", 7]\n  }\n}\n');
    const error = thrownSettingsError(() => loadSettings(f.options()));
    expect(error.message).toBe(`${path}:3:31: permissions.allow[2]: expected a string, got 7`);
    expect([error.line, error.column, error.key]).toEqual([3, 31, "permissions.allow[2]"]);
    const cases: [object, string][] = [
      [{ permissions: { defaultMode: "yolo" } }, 'permissions.defaultMode: expected one of "default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "manual", got "yolo"'],
      [{ cleanupPeriodDays: 0 }, "cleanupPeriodDays: must be at least 1, got 0"],
      [{ bashTimeoutSecs: 601 }, "bashTimeoutSecs: must be between 1 and 600, got 601"],
      [{ env: { PORT: 8080 } }, "env.PORT: expected a string, got 8080"],
      [{ hooks: { PreToolUse: "echo hi" } }, 'hooks.PreToolUse: expected an array, got "echo hi"'],
      [{ kairos: { enabled: "yes" } }, 'kairos.enabled: expected true or false, got "yes"'],
      [{ logLevel: "loud" }, 'logLevel: expected one of "trace", "debug", "info", "warn", "error", got "loud"'],
    ];
    for (const [content, expected] of cases) {
      f.write("home/.hone/settings.json", content);
      expect(thrownSettingsError(() => loadSettings(f.options())).message).toEndWith(expected);
    }
  });

  test("inspectSettings reports every broken file and keeps the good ones", () => {
    const f = settingsFixture();
    f.write("home/.claude/settings.json", "{ nope");
    f.write("project/.claude/settings.json", { model: "good", permissions: { allow: ["Read"] } });
    f.write("project/.hone/settings.json", { maxTokens: -1 });
    const report = inspectSettings(f.options({ env: { HOME: f.home, HONE_BASH_TIMEOUT: "x" } }));
    expect(report.errors.map((e) => e.key ?? e.file.split("/").slice(-2).join("/"))).toEqual([".claude/settings.json", "maxTokens", "HONE_BASH_TIMEOUT"]);
    expect(report.files.filter((x) => x.status === "error")).toHaveLength(2);
    expect(report.loaded.settings.model).toBe("good");
    expect(report.loaded.rules.map((r) => r.rule)).toEqual(["Read"]);
    expect(report.loaded.files.some((x) => x.path.endsWith(".hone/settings.json") && x.scope === "project")).toBe(false);
  });
});

describe("keys", () => {
  test("known Claude Code keys are listed as ignored; unknown keys warn once each with their line", () => {
    const f = settingsFixture();
    const text = '{\n  "$schema": "https://json.schemastore.org/claude-code-settings.json",\n  "theme": "dark",\n  "statusLine": {"type": "command", "command": "x"},\n  "permissions": {"allow": [], "disableAutoMode": "disable", "allwo": []},\n  "modle": "opus",\n  "memory": {"dir": "/x"}\n}\n';
    const path = f.write("home/.claude/settings.json", text);
    const column = (line: number, key: string) => (text.split("\n")[line - 1] ?? "").indexOf(`"${key}"`) + 1;
    f.write("project/.claude/settings.json", "{}");
    f.write("project/.hone/settings.json", "   \n");
    const loaded = loadSettings(f.options());
    expect(loaded.ignoredKeys).toEqual([
      { file: path, key: "$schema" },
      { file: path, key: "theme" },
      { file: path, key: "permissions.disableAutoMode" },
    ]);
    expect(loaded.warnings).toEqual([
      `${path}:5:${column(5, "allwo")}: unknown setting "permissions.allwo" ignored`,
      `${path}:6:3: unknown setting "modle" ignored`,
      `${path}:7:${column(7, "dir")}: unknown setting "memory.dir" ignored`,
    ]);
    expect(loaded.files.filter((x) => x.status === "loaded")).toHaveLength(3);
    expect(Object.keys(loaded.settings)).not.toContain("theme");
  });
});

test("logger writes only at or above its level", () => {
  const lines: string[] = [];
  const log = createLogger("info", (line) => lines.push(line));
  log.debug("hidden");
  log.info("shown");
  log.error("bad");
  expect(lines).toEqual(["hone info: shown\n", "hone error: bad\n"]);
  expect(createLogger().level).toBe("warn");
  expect(createLogger().enabled("info")).toBe(false);
});

describe("untrusted project folders", () => {
  test("project and local files may only tighten: hooks, env, allow rules, extra dirs, loosening modes and sandbox are skipped and listed", () => {
    const f = settingsFixture();
    f.write("home/.claude/settings.json", { permissions: { allow: ["Read"] }, env: { USER_VAR: "1" } });
    const project = f.write("project/.claude/settings.json", {
      hooks: { Stop: [{ hooks: [{ type: "command", command: "x" }] }] },
      env: { BASH_ENV: "/evil" },
      apiKeyHelper: "x",
      sandbox: { enabled: false },
      permissions: { allow: ["Bash"], deny: ["Bash(rm *)"], ask: ["Write"], additionalDirectories: ["/"], defaultMode: "bypassPermissions" },
    });
    f.write("project/.hone/settings.local.json", { permissions: { defaultMode: "plan" } });
    const loaded = loadSettings(f.options({ trusted: false }));
    expect(loaded.settings.env).toEqual({ USER_VAR: "1" });
    expect(loaded.settings.hooks).toBeUndefined();
    expect(loaded.settings.sandbox).toBeUndefined();
    expect(loaded.hookLayers).toEqual([]);
    expect(loaded.directories).toEqual([]);
    expect(loaded.settings.permissions?.defaultMode).toBe("plan");
    expect(loaded.rules.map((r) => `${r.kind} ${r.rule}`)).toEqual(["allow Read", "ask Write", "deny Bash(rm *)"]);
    expect(loaded.untrusted.map((u) => u.key).sort()).toEqual(["apiKeyHelper", "env", "hooks", "permissions.additionalDirectories", "permissions.allow", "permissions.defaultMode", "sandbox"]);
    expect(loaded.untrusted.every((u) => u.file === project)).toBe(true);
    const trusted = loadSettings(f.options({ trusted: true }));
    expect(trusted.settings.env).toMatchObject({ BASH_ENV: "/evil" });
    expect(trusted.hookLayers).toHaveLength(1);
    expect(trusted.directories.map((d) => d.path)).toEqual(["/"]);
    expect(trusted.rules[0]!.source.anchor).toBe(f.home + "/.claude");
    expect(trusted.rules[1]!.source.anchor).toBe(f.cwd);
  });
});
