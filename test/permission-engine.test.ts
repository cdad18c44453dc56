import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PermissionContext } from "../src/permission-context.ts";
import { decide } from "../src/permission-engine.ts";
import type { PermissionMode } from "../src/permission-modes.ts";
import { buildPermissions, createAuthorizer } from "../src/permissions.ts";
import type { RuleKind } from "../src/permission-rules.ts";
import { builtinTools } from "../src/tools/index.ts";

const KNOWN = new Set(builtinTools().map((t) => t.name));

function world() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "hone-perm-")));
  const project = join(root, "project");
  const outside = join(root, "outside");
  const home = join(root, "home");
  for (const dir of [project, outside, home, join(project, "src"), join(project, ".git", "hooks")]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(outside, "secret.txt"), "s");
  writeFileSync(join(project, ".env"), "KEY=1");
  symlinkSync(join(outside, "secret.txt"), join(project, "link-out"));
  symlinkSync(join(project, ".env"), join(project, "innocent.txt"));
  return { root, project, outside, home };
}

function context(w: ReturnType<typeof world>, mode: PermissionMode, rules: [RuleKind, string][] = [], extra: { allowed?: string[]; dirs?: string[] } = {}): PermissionContext {
  return buildPermissions({
    mode,
    cwd: w.project,
    home: w.home,
    settingsRules: rules.map(([kind, rule], i) => ({ rule, kind, source: { file: join(w.project, ".claude/settings.json"), line: i + 2, scope: "project", anchor: w.project } })),
    allowedTools: extra.allowed ?? [],
    disallowedTools: [],
    directories: extra.dirs ?? [],
    readableDirs: [],
    knownTools: KNOWN,
  }).context;
}

const call = (tool: string, input: Record<string, unknown>, readOnly = ["Read", "Grep", "Glob"].includes(tool)) => ({ tool, input, readOnly });

describe("file tools", () => {
  test("reads inside the working directories are free; outside they ask; --add-dir widens", () => {
    const w = world();
    expect(decide(call("Read", { file_path: join(w.project, "src/a.ts") }), context(w, "default")).behavior).toBe("allow");
    expect(decide(call("Read", { file_path: join(w.outside, "secret.txt") }), context(w, "default")).behavior).toBe("ask");
    expect(decide(call("Read", { file_path: join(w.project, "../outside/secret.txt") }), context(w, "default")).behavior).toBe("ask");
    expect(decide(call("Grep", { pattern: "x", path: w.outside }), context(w, "default")).behavior).toBe("ask");
    expect(decide(call("Read", { file_path: join(w.outside, "secret.txt") }), context(w, "default", [], { dirs: [w.outside] })).behavior).toBe("allow");
    expect(decide(call("Read", { file_path: join(w.outside, "secret.txt") }), context(w, "dontAsk")).behavior).toBe("deny");
  });

  test("symlinks are resolved: a link inside pointing outside is outside; a deny on the target catches the link", () => {
    const w = world();
    const out = decide(call("Read", { file_path: join(w.project, "link-out") }), context(w, "default"));
    expect(out.behavior).toBe("ask");
    expect(out.reason).toContain("outside the working directories");
    const viaLink = decide(call("Read", { file_path: join(w.project, "innocent.txt") }), context(w, "default", [["deny", "Read(./.env)"]]));
    expect(viaLink.behavior).toBe("deny");
    expect(viaLink.rule?.text).toBe("Read(./.env)");
    expect(decide(call("Write", { file_path: join(w.project, "link-out"), content: "" }), context(w, "acceptEdits")).behavior).toBe("ask");
  });

  test("deny, then ask, then allow; the decision names the rule with file and line", () => {
    const w = world();
    const ctx = context(w, "acceptEdits", [["allow", "Edit(src/**)"], ["deny", "Edit(src/secret/**)"], ["ask", "Edit(src/ask.ts)"]]);
    const denied = decide(call("Write", { file_path: join(w.project, "src/secret/k.ts"), content: "" }), ctx);
    expect(denied).toMatchObject({ behavior: "deny", rule: { text: "Edit(src/secret/**)", source: { line: 3 } } });
    expect(denied.reason).toContain(".claude/settings.json:3");
    expect(decide(call("Edit", { file_path: join(w.project, "src/ask.ts") }), ctx).behavior).toBe("ask");
    expect(decide(call("Edit", { file_path: join(w.project, "src/ok.ts") }), ctx)).toMatchObject({ behavior: "allow", rule: { text: "Edit(src/**)" } });
  });

  test("a Read deny also blocks edits; Write(...) deny rules act as Edit; allow needs Read/Edit", () => {
    const w = world();
    expect(decide(call("Write", { file_path: join(w.project, ".env"), content: "" }), context(w, "bypassPermissions", [["deny", "Read(.env)"]])).behavior).toBe("deny");
    expect(decide(call("Edit", { file_path: join(w.project, "src/x") }), context(w, "bypassPermissions", [["deny", "Write(src/**)"]])).behavior).toBe("deny");
    expect(decide(call("Write", { file_path: join(w.outside, "x"), content: "" }), context(w, "default", [["allow", "Write(//**)"]])).behavior).toBe("ask");
  });

  test("modes: default asks for edits, acceptEdits allows them inside but never protected paths, plan denies, bypass allows", () => {
    const w = world();
    const write = (path: string) => call("Write", { file_path: path, content: "" });
    expect(decide(write(join(w.project, "a.txt")), context(w, "default")).behavior).toBe("ask");
    expect(decide(write(join(w.project, "a.txt")), context(w, "acceptEdits")).behavior).toBe("allow");
    expect(decide(write(join(w.outside, "a.txt")), context(w, "acceptEdits")).behavior).toBe("ask");
    expect(decide(write(join(w.project, ".git/hooks/pre-commit")), context(w, "acceptEdits")).reason).toContain("protected");
    expect(decide(write(join(w.project, ".claude/settings.json")), context(w, "acceptEdits")).behavior).toBe("ask");
    expect(decide(write(join(w.project, "a.txt")), context(w, "plan")).behavior).toBe("deny");
    expect(decide(write(join(w.project, "a.txt")), context(w, "plan", [["allow", "Edit"]])).behavior).toBe("deny");
    expect(decide(write(join(w.outside, "a.txt")), context(w, "bypassPermissions")).behavior).toBe("allow");
    expect(decide(write(join(w.project, "a.txt")), context(w, "dontAsk")).behavior).toBe("deny");
  });
});

describe("other tools", () => {
  test("WebFetch domains, MCP names, Skill and Agent specifiers, whole-tool rules", () => {
    const w = world();
    const ctx = context(w, "default", [["allow", "WebFetch(domain:*.example.com)"], ["deny", "WebFetch(domain:evil.com)"], ["allow", "mcp__github"], ["allow", "Skill(commit)"], ["deny", "Agent(Explore)"]]);
    expect(decide(call("WebFetch", { url: "https://docs.example.com/x" }), ctx).behavior).toBe("allow");
    expect(decide(call("WebFetch", { url: "https://example.com/x" }), ctx).behavior).toBe("ask");
    expect(decide(call("WebFetch", { url: "https://EVIL.com/x" }), ctx).behavior).toBe("deny");
    expect(decide(call("mcp__github__create_issue", {}), ctx).behavior).toBe("allow");
    expect(decide(call("mcp__gitlab__x", {}), ctx).behavior).toBe("ask");
    expect(decide(call("Skill", { skill: "commit", args: "-m x" }), ctx).behavior).toBe("allow");
    expect(decide(call("Skill", { skill: "deploy" }), ctx).behavior).toBe("ask");
    expect(decide(call("Task", { subagent_type: "Explore" }), ctx).behavior).toBe("deny");
    expect(decide(call("TodoWrite", { todos: [] }), ctx).behavior).toBe("allow");
  });
});

describe("authorizer", () => {
  test("in -p an ask is a denial whose message says what was refused and how to allow it", async () => {
    const w = world();
    const ctx = context(w, "default");
    const authorize = createAuthorizer({ context: () => ctx, shellCwd: () => w.project });
    const write = builtinTools().find((t) => t.name === "Write")!;
    const verdict = await authorize({ tool: write, input: { file_path: join(w.project, "a.txt"), content: "" }, toolUseId: "t1", signal: new AbortController().signal });
    expect(verdict.allow).toBe(false);
    if (verdict.allow) return;
    expect(verdict.message).toContain("cannot ask");
    expect(verdict.message).toContain("--allowedTools Write");
    expect(verdict.message).toContain(`Edit(/${join(w.project, "a.txt")})`);
  });

  test("an asker answers asks; its edited input replaces the call's", async () => {
    const w = world();
    const ctx = context(w, "default");
    const seen: string[] = [];
    const authorize = createAuthorizer({
      context: () => ctx,
      shellCwd: () => w.project,
      ask: async (request) => {
        seen.push(request.decision.reason);
        return { allow: true, input: { file_path: join(w.project, "b.txt"), content: "edited" } };
      },
    });
    const write = builtinTools().find((t) => t.name === "Write")!;
    const verdict = await authorize({ tool: write, input: { file_path: join(w.project, "a.txt"), content: "" }, toolUseId: "t1", signal: new AbortController().signal });
    expect(verdict).toEqual({ allow: true, input: { file_path: join(w.project, "b.txt"), content: "edited" } });
    expect(seen[0]).toContain("needs approval");
  });
});
