// The adversarial corpus against the permission engine: under deny rules, in the most permissive mode,
// none of these may be allowed; under narrow allow rules, none of the smuggling attempts may be.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decide } from "../src/permission-engine.ts";
import type { PermissionMode } from "../src/permission-modes.ts";
import { buildPermissions } from "../src/permissions.ts";
import type { RuleKind } from "../src/permission-rules.ts";
import { builtinTools } from "../src/tools/index.ts";
import { DENIED_COMMANDS, DENIED_FILE_COMMANDS, DENIED_PATHS, PREFIX_ABUSE } from "./support/adversarial-corpus.ts";

const KNOWN = new Set(builtinTools().map((t) => t.name));

function project(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "hone-adv-")));
  mkdirSync(join(dir, "sub"));
  mkdirSync(join(dir, "protected"));
  writeFileSync(join(dir, ".env"), "SECRET=1");
  symlinkSync(join(dir, ".env"), join(dir, "link-to-env"));
  symlinkSync(join(dir, "protected"), join(dir, "link-to-protected"));
  symlinkSync(dir, join(dir, "sub", "link-up"));
  return dir;
}

function context(dir: string, mode: PermissionMode, rules: [RuleKind, string][], allowed: string[] = []) {
  return buildPermissions({
    mode,
    cwd: dir,
    home: join(dir, "home"),
    settingsRules: rules.map(([kind, rule], i) => ({ rule, kind, source: { file: "settings.json", line: i + 1, scope: "user", anchor: dir } })),
    allowedTools: allowed,
    disallowedTools: [],
    directories: [],
    readableDirs: [],
    knownTools: KNOWN,
  }).context;
}

const DENY: [RuleKind, string][] = [["deny", "Bash(evil:*)"], ["deny", "Read(.env)"], ["deny", "Edit(protected/**)"]];

describe("deny rules hold in bypassPermissions mode", () => {
  const dir = project();
  const ctx = context(dir, "bypassPermissions", DENY);
  for (const command of [...DENIED_COMMANDS, ...DENIED_FILE_COMMANDS]) {
    test(JSON.stringify(command), () => {
      const decision = decide({ tool: "Bash", input: { command }, readOnly: false }, ctx);
      expect(decision.behavior).not.toBe("allow");
    });
  }
  for (const { tool, path } of DENIED_PATHS) {
    test(`${tool} ${path}`, () => {
      const input = tool === "Read" ? { file_path: join(dir, path) } : { file_path: join(dir, path), content: "x", old_string: "a", new_string: "b" };
      expect(decide({ tool, input, readOnly: tool === "Read" }, ctx).behavior).toBe("deny");
    });
  }
  test("the corpus is large enough", () => {
    expect(DENIED_COMMANDS.length + DENIED_FILE_COMMANDS.length + DENIED_PATHS.length + PREFIX_ABUSE.length).toBeGreaterThanOrEqual(150);
  });
  test("harmless commands still run in that mode (the rules are not just denying everything)", () => {
    for (const command of ["echo ok", "ls -la", "cat README", "git status", "evilness --help", "echo evil", "grep evil notes.txt", "cat sub/file"]) {
      expect(decide({ tool: "Bash", input: { command }, readOnly: false }, ctx).behavior).toBe("allow");
    }
  });
});

describe("allow rules for a prefix never authorise what is chained or smuggled after it", () => {
  const dir = project();
  for (const { allow, command } of PREFIX_ABUSE) {
    test(`${allow}: ${JSON.stringify(command)}`, () => {
      const ctx = context(dir, "default", [["allow", allow]]);
      expect(decide({ tool: "Bash", input: { command }, readOnly: false }, ctx).behavior).not.toBe("allow");
    });
  }
  test("while the plain command is allowed", () => {
    const ctx = context(dir, "default", [["allow", "Bash(npm test)"], ["allow", "Bash(git log:*)"]]);
    expect(decide({ tool: "Bash", input: { command: "npm test" }, readOnly: false }, ctx).behavior).toBe("allow");
    expect(decide({ tool: "Bash", input: { command: "git log --oneline -3" }, readOnly: false }, ctx).behavior).toBe("allow");
    expect(decide({ tool: "Bash", input: { command: "git log --oneline && npm test" }, readOnly: false }, ctx).behavior).toBe("allow");
  });
});

describe("Bash decisions explain themselves", () => {
  const dir = project();
  test("a certain match is a denial naming the rule; a possible one asks", () => {
    const ctx = context(dir, "bypassPermissions", DENY);
    const denied = decide({ tool: "Bash", input: { command: "true && /usr/local/bin/evil -x" }, readOnly: false }, ctx);
    expect(denied.behavior).toBe("deny");
    expect(denied.reason).toContain("Bash(evil:*) (settings.json:1)");
    const maybe = decide({ tool: "Bash", input: { command: "$CMD -x" }, readOnly: false }, ctx);
    expect(maybe.behavior).toBe("ask");
    expect(maybe.reason).toContain("could match the deny rule Bash(evil:*)");
  });

  test("read-only commands need no rule in default mode; writes and other programs ask; redirections are writes", () => {
    const ctx = context(dir, "default", []);
    const behavior = (command: string) => decide({ tool: "Bash", input: { command }, readOnly: false }, ctx).behavior;
    expect(behavior("ls -la && git status && grep -n x sub/file | head -3")).toBe("allow");
    expect(behavior("cat /etc/passwd")).toBe("ask");
    expect(behavior("echo x > out.txt")).toBe("ask");
    expect(behavior("find . -delete")).toBe("ask");
    expect(behavior("npm install")).toBe("ask");
    const accept = context(dir, "acceptEdits", []);
    expect(decide({ tool: "Bash", input: { command: "echo x > out.txt && mkdir -p a/b && touch a/b/c" }, readOnly: false }, accept).behavior).toBe("allow");
    expect(decide({ tool: "Bash", input: { command: "touch /tmp/outside-file" }, readOnly: false }, accept).behavior).toBe("ask");
    expect(decide({ tool: "Bash", input: { command: "echo x > .git/hooks/pre-commit" }, readOnly: false }, accept).behavior).toBe("ask");
    const plan = context(dir, "plan", [["allow", "Bash(npm test)"]]);
    expect(decide({ tool: "Bash", input: { command: "npm test" }, readOnly: false }, plan).behavior).toBe("deny");
    expect(decide({ tool: "Bash", input: { command: "git diff" }, readOnly: false }, plan).behavior).toBe("allow");
  });
});

describe("globs and variables in paths", () => {
  const dir = project();
  test("globs inside the project are read-only reads; variables that could point anywhere are not", () => {
    const ctx = context(dir, "default", []);
    const behavior = (command: string) => decide({ tool: "Bash", input: { command }, readOnly: false }, ctx).behavior;
    expect(behavior("ls sub/*.ts")).toBe("allow");
    expect(behavior("echo *")).toBe("allow");
    expect(behavior("cat ./$X")).toBe("ask");
    expect(behavior("cat /etc/*")).toBe("ask");
    expect(behavior("cat sub/../../*")).toBe("ask");
  });
});
