import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { loadSettings } from "../src/settings.ts";
import { settingsFixture, thrownSettingsError } from "./support/settings-fixture.ts";

describe("TOML config files", () => {
  test("the seed's sections map onto the settings object", () => {
    const f = settingsFixture();
    f.write("home/.hone/config.toml", `
[api]
model = "opus"
max_tokens = 8192

[tools]
allowed = ["Read", "Bash(git status)"]
bash_timeout_secs = 300

[memory]
memory_dir = "/var/mem"
auto_dream = true
dream_interval_hours = 12
dream_session_threshold = 3

[kairos]
enabled = true
tick_interval_secs = 30
blocking_budget_secs = 10

[ultraplan]
enabled = true
poll_interval_secs = 5
max_duration_secs = 600
model = "opus"
`);
    const { settings, warnings } = loadSettings(f.options());
    expect(warnings).toEqual([]);
    expect(settings.model).toBe("opus");
    expect(settings.maxTokens).toBe(8192);
    expect(settings.permissions?.allow).toEqual(["Read", "Bash(git status)"]);
    expect(settings.bashTimeoutSecs).toBe(300);
    expect(settings.memory).toEqual({ memoryDir: "/var/mem", autoDream: true, dreamIntervalHours: 12, dreamSessionThreshold: 3 });
    expect(settings.kairos).toEqual({ enabled: true, tickIntervalSecs: 30, blockingBudgetSecs: 10 });
    expect(settings.ultraplan).toEqual({ enabled: true, pollIntervalSecs: 5, maxDurationSecs: 600, model: "opus" });
  });

  test("settings.json keys work as TOML tables and values, camelCase or snake_case", () => {
    const f = settingsFixture();
    f.write("project/.hone.toml", `
cleanupPeriodDays = 7
log_level = "info"

[permissions]
deny = ["Bash(rm:*)"]
default_mode = "acceptEdits"
additionalDirectories = ["../shared"]

[env]
FOO_BAR = "baz"

[[hooks.PreToolUse]]
matcher = "Bash"
hooks = [{ type = "command", command = "echo hi" }]

[memory]
memoryDir = "/m"
`);
    const { settings, warnings } = loadSettings(f.options());
    expect(warnings).toEqual([]);
    expect(settings.cleanupPeriodDays).toBe(7);
    expect(settings.logLevel).toBe("info");
    expect(settings.permissions).toEqual({ deny: ["Bash(rm:*)"], defaultMode: "acceptEdits", additionalDirectories: ["../shared"] });
    expect(settings.env).toEqual({ FOO_BAR: "baz" });
    expect(settings.hooks).toEqual({ PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "echo hi" }] }] });
    expect(settings.memory.memoryDir).toBe("/m");
  });

  test("[tools] allowed and [permissions] allow both feed allow, each rule pointing at its own line", () => {
    const f = settingsFixture();
    const path = f.write("project/.hone.toml", '[permissions]\nallow = [\n  "Glob",\n  "Grep",\n]\n\n[tools]\nallowed = ["Read"]\n');
    const loaded = loadSettings(f.options());
    expect(loaded.settings.permissions?.allow).toEqual(["Glob", "Grep", "Read"]);
    expect(loaded.rules).toEqual([
      { rule: "Glob", kind: "allow", source: expect.objectContaining({ file: path, line: 3, scope: "project" }) },
      { rule: "Grep", kind: "allow", source: expect.objectContaining({ file: path, line: 4, scope: "project" }) },
      { rule: "Read", kind: "allow", source: expect.objectContaining({ file: path, line: 8, scope: "project" }) },
    ]);
  });

  test("TOML layers sit between the JSON files: config.toml over ~/.hone, .hone.toml over project, local over both", () => {
    const f = settingsFixture();
    f.write("home/.hone/settings.json", { model: "user-json", maxTokens: 1 });
    f.write("home/.hone/config.toml", '[api]\nmodel = "user-toml"\n');
    expect(loadSettings(f.options()).settings.model).toBe("user-toml");
    f.write("project/.hone/settings.json", { model: "project-json", maxTokens: 2 });
    expect(loadSettings(f.options()).settings.model).toBe("project-json");
    f.write("project/.hone.toml", 'model = "project-toml"\n');
    const loaded = loadSettings(f.options());
    expect(loaded.settings.model).toBe("project-toml");
    expect(loaded.settings.maxTokens).toBe(2);
    f.write("project/.claude/settings.local.json", { model: "local-json" });
    expect(loadSettings(f.options()).settings.model).toBe("local-json");
    expect(loadSettings(f.options({ env: { HOME: f.home, HONE_MODEL: "env" } })).settings.model).toBe("env");
  });

  test("a TOML syntax error has line and column and leaves the file unchanged", () => {
    const f = settingsFixture();
    const content = '[api]\nmodel = "x"\nmax_tokens = \n';
    const path = f.write("project/.hone.toml", content);
    const before = readFileSync(path);
    const error = thrownSettingsError(() => loadSettings(f.options()));
    expect(error.message).toBe(`${path}:3:14: invalid value`);
    expect([error.line, error.column, error.key]).toEqual([3, 14, undefined]);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test("a TOML type error names the key as written and finds its line", () => {
    const f = settingsFixture();
    const cases: [string, string][] = [
      ['# settings\n[kairos]\nenabled = true\ntick_interval_secs = "soon"\n', '4:1: kairos.tick_interval_secs: expected a positive integer, got "soon"'],
      ['[tools]\nallowed = [\n  "Read",\n  42,\n]\n', "4:3: tools.allowed[1]: expected a string, got 42"],
      ['model = "a"\n[api]\n  max_tokens = 1.5\n', "3:3: api.max_tokens: expected a positive integer, got 1.5"],
      ["when = 1979-05-27\ncleanupPeriodDays = 1979-05-27\n", "2:1: cleanupPeriodDays: expected an integer of at least 1, got a date"],
      ["api = 3\n", "1:1: api: expected a table"],
      ['[memory]\nmemory_dir = 5\n', "2:1: memory.memory_dir: expected a string, got 5"],
    ];
    for (const [content, expected] of cases) {
      const path = f.write("project/.hone.toml", content);
      expect(thrownSettingsError(() => loadSettings(f.options())).message).toBe(`${path}:${expected}`);
    }
  });

  test("unknown TOML keys warn with their line; known Claude Code keys are listed as ignored", () => {
    const f = settingsFixture();
    const path = f.write("home/.hone/config.toml", 'theme = "dark"\nnonsense = 1\n\n[api]\nmodel = "x"\ntemperature = 0.2\n\n[kairos]\nspeed = 2\n');
    const loaded = loadSettings(f.options());
    expect(loaded.ignoredKeys).toEqual([{ file: path, key: "theme" }]);
    expect(loaded.warnings).toEqual([
      `${path}:2:1: unknown setting "nonsense" ignored`,
      `${path}:9:1: unknown setting "kairos.speed" ignored`,
      `${path}:6:1: unknown setting "api.temperature" ignored`,
    ]);
  });
});
