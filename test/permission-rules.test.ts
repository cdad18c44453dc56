import { describe, expect, test } from "bun:test";
import { commandPatterns, makeRule, parseRuleText, ruleNamesTool, rulesFromFlag, splitRuleList, type RuleKind } from "../src/permission-rules.ts";
import { pathGlobs, pathMatcher, protectedReason } from "../src/path-rules.ts";
import { covers, fromGlob, matches, overlaps, WILD } from "../src/pattern.ts";
import { lintRules } from "../src/permission-lint.ts";

const rule = (text: string, kind: RuleKind = "allow") => makeRule(text, kind, { file: "s.json", line: 1, scope: "user" }, "/anchor")!;

describe("wildcard patterns", () => {
  test("matches, overlaps and covers", () => {
    expect(matches(fromGlob("npm run *"), "npm run test")).toBe(true);
    expect(matches(fromGlob("npm run *"), "npm install")).toBe(false);
    expect(matches(fromGlob("git * main"), "git push origin main")).toBe(true);
    expect(matches(fromGlob("git * main"), "git push origin mainx")).toBe(false);
    // A command whose middle is only known at run time could be "rm -rf /": overlap, but no cover.
    expect(overlaps(fromGlob("rm -rf *"), ["rm ", WILD, " /"])).toBe(true);
    expect(covers(fromGlob("rm -rf *"), ["rm ", WILD, " /"])).toBe(false);
    expect(covers(fromGlob("rm *"), ["rm ", WILD, " /"])).toBe(true);
    expect(overlaps(fromGlob("curl *"), [WILD, " http://x"])).toBe(true);
    expect(overlaps(fromGlob("curl *"), ["ls ", WILD])).toBe(false);
    expect(covers(["a", WILD, "b"], ["a", WILD, "c", WILD, "b"])).toBe(true);
    expect(covers(["a", WILD], [WILD, "a"])).toBe(false);
  });

  test("prefix (:*) and word-boundary ( *) forms", () => {
    const test = (spec: string, text: string) => commandPatterns(spec).some((p) => matches(p, text));
    expect(test("npm run test:*", "npm run test")).toBe(true);
    expect(test("npm run test:*", "npm run test -- --watch")).toBe(true);
    expect(test("npm run test:*", "npm run testing")).toBe(false);
    expect(test("ls *", "ls -la")).toBe(true);
    expect(test("ls *", "ls")).toBe(true);
    expect(test("ls *", "lsof")).toBe(false);
    expect(test("ls*", "lsof")).toBe(true);
    expect(test("npm run build", "npm run build")).toBe(true);
    expect(test("npm run build", "npm run build && rm x")).toBe(false);
  });
});

describe("rule parsing", () => {
  test("tool names, specifiers, aliases", () => {
    expect(parseRuleText("Bash")).toEqual({ tool: "Bash" });
    expect(parseRuleText("Bash(*)")).toEqual({ tool: "Bash" });
    expect(parseRuleText("Bash(echo (hi))")).toEqual({ tool: "Bash", specifier: "echo (hi)" });
    expect(parseRuleText("Bash(oops")).toBeUndefined();
    expect(parseRuleText("not a rule")).toBeUndefined();
    expect(rule("Task(Explore)").tool).toBe("Agent");
  });

  test("flag values split on commas and spaces outside parentheses", () => {
    expect(splitRuleList(["Bash(npm run test:*) Read", "Edit,Write", "Bash(git log --oneline, -n 3)"])).toEqual([
      "Bash(npm run test:*)", "Read", "Edit", "Write", "Bash(git log --oneline, -n 3)",
    ]);
    expect(() => rulesFromFlag(["Frobnicate"], "allow", "--allowedTools", "/", new Set(["Bash"]))).toThrow('unknown tool "Frobnicate"');
    expect(() => rulesFromFlag(["Bash(x"], "allow", "--allowedTools", "/", new Set(["Bash"]))).toThrow("not a permission rule");
    expect(rulesFromFlag(["WebSearch"], "allow", "--allowedTools", "/", new Set(["Bash"]))[0]!.tool).toBe("WebSearch");
  });

  test("tool name matching: exact, MCP server prefix and globs", () => {
    expect(ruleNamesTool(rule("mcp__github"), "mcp__github__get_issue")).toBe(true);
    expect(ruleNamesTool(rule("mcp__github"), "mcp__githubx__a")).toBe(false);
    expect(ruleNamesTool(rule("mcp__github__*"), "mcp__github__get_issue")).toBe(true);
    expect(ruleNamesTool(rule("mcp__*", "deny"), "mcp__x__y")).toBe(true);
    expect(ruleNamesTool(rule("mcp__*", "allow"), "mcp__x__y")).toBe(false);
    expect(ruleNamesTool(rule("*", "deny"), "Bash")).toBe(true);
    expect(ruleNamesTool(rule("bash", "deny"), "Bash")).toBe(false);
    expect(ruleNamesTool(rule("Agent"), "Task")).toBe(true);
  });
});

describe("path rules", () => {
  const ctx = { cwd: "/p", home: "/h", anchor: "/settings-root" };
  test("anchors: //abs, ~/, /relative-to-settings, cwd-relative, any depth for bare names", () => {
    expect(pathGlobs("//etc/passwd", { ...ctx, kind: "deny" })).toEqual(["/etc/passwd", "/etc/passwd/**"]);
    expect(pathGlobs("~/.ssh/**", { ...ctx, kind: "deny" })).toEqual(["/h/.ssh/**", "/h/.ssh/**/**"]);
    expect(pathGlobs("/secrets", { ...ctx, kind: "deny" })).toEqual(["/settings-root/secrets", "/settings-root/secrets/**"]);
    expect(pathGlobs("./src/a.ts", { ...ctx, kind: "allow" })).toEqual(["/p/src/a.ts", "/p/src/a.ts/**"]);
    expect(pathGlobs(".env", { ...ctx, kind: "deny" })).toEqual(["/**/.env", "/**/.env/**"]);
    expect(pathGlobs(".env", { ...ctx, kind: "allow" })).toEqual(["/p/**/.env", "/p/**/.env/**"]);
    expect(pathGlobs("build/", { ...ctx, kind: "deny" })).toEqual(["/**/build/**"]);
    expect(pathGlobs("src/build/", { ...ctx, kind: "deny" })).toEqual(["/p/src/build/**"]);
  });

  test("matching", () => {
    const env = pathMatcher(".env", { ...ctx, kind: "deny" });
    expect(env.matches("/p/.env")).toBe(true);
    expect(env.matches("/p/deep/er/.env")).toBe(true);
    expect(env.matches("/elsewhere/.env")).toBe(true);
    expect(env.matches("/p/.env.example")).toBe(false);
    const secrets = pathMatcher("./secrets/**", { ...ctx, kind: "deny" });
    expect(secrets.matches("/p/secrets/a/b.txt")).toBe(true);
    expect(secrets.matches("/p/secretsx/a")).toBe(false);
    const dir = pathMatcher("secrets", { ...ctx, kind: "deny" });
    expect(dir.matches("/p/x/secrets/key.pem")).toBe(true);
    const star = pathMatcher("src/*.ts", { ...ctx, kind: "allow" });
    expect(star.matches("/p/src/a.ts")).toBe(true);
    expect(star.matches("/p/src/deep/a.ts")).toBe(false);
  });

  test("protected paths", () => {
    expect(protectedReason("/p/.git/hooks/pre-commit")).toContain(".git");
    expect(protectedReason("/p/.claude/settings.json")).toContain(".claude");
    expect(protectedReason("/p/.hone")).toContain(".hone");
    expect(protectedReason("/h/.bashrc")).toContain(".bashrc");
    expect(protectedReason("/p/.mcp.json")).toContain(".mcp.json");
    expect(protectedReason("/p/src/git.ts")).toBeUndefined();
  });
});

describe("rule warnings", () => {
  test("rules that can never match or never apply are named with file and line", () => {
    const texts = ["bash(rm:*)", "TodoWrite(x)", "Write(/etc/**)", "Bash(a:* b)", "WebFetch(example.com)", "Bash(rm -rf build)", "Bash(rm *)", "Bash(", "Frob"];
    const made = texts.map((t, i) => makeRule(t, i === 6 ? "deny" : i === 2 ? "allow" : "allow", { file: "x.json", line: i + 1, scope: "project" }, "/"));
    const rules = made.filter((r) => r !== undefined);
    const warnings = lintRules([{ text: "Bash(", where: "x.json:8" }], rules, new Set(["Bash", "Read", "Edit", "Write", "TodoWrite"]));
    const text = warnings.join("\n");
    expect(text).toContain("x.json:1: allow rule bash(rm:*): tool names are case-sensitive: did you mean Bash?");
    expect(text).toContain("x.json:2: allow rule TodoWrite(x): TodoWrite takes no specifier");
    expect(text).toContain("x.json:3: allow rule Write(/etc/**): path rules are written Edit(...)");
    expect(text).toContain('x.json:4: allow rule Bash(a:* b): ":*" only means');
    expect(text).toContain("x.json:5: allow rule WebFetch(example.com): WebFetch rules are written WebFetch(domain:example.com)");
    expect(text).toContain("x.json:6: allow rule Bash(rm -rf build) never applies: the deny rule Bash(rm *) (x.json:7) covers it");
    expect(text).toContain('x.json:8: "Bash(" is not a permission rule');
    expect(text).toContain("x.json:9: allow rule Frob: there is no tool named Frob");
    expect(warnings).toHaveLength(8);
  });
});
