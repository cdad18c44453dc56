import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { McpServerEntry } from "../src/extension-types.ts";
import { loadMcpServers, McpConfigError, normalizeServerName, parseMcpServers, type McpLoadInputs } from "../src/mcp-config.ts";

const FILE = "/p/.mcp.json";

function parse(servers: unknown, env: Record<string, string> = {}) {
  return parseMcpServers({ mcpServers: servers }, { file: FILE, scope: "project", env });
}

function byName(servers: McpServerEntry[], name: string): McpServerEntry {
  const found = servers.find((s) => s.name === name);
  if (!found) throw new Error(`no server ${name} in ${servers.map((s) => s.name).join(",")}`);
  return found;
}

describe("parseMcpServers", () => {
  test("stdio is the default with a command; args, env, cwd and timeout are kept", () => {
    const r = parse({ fs: { command: "npx", args: ["-y", "pkg"], env: { K: "v" }, cwd: "sub", timeout: 5000, alwaysLoad: true, oauth: {} } });
    expect(r.warnings).toEqual([]);
    expect(r.servers).toEqual([
      { name: "fs", scope: "project", source: FILE, timeoutMs: 5000, transport: { type: "stdio", command: "npx", args: ["-y", "pkg"], env: { K: "v" }, cwd: "sub" } },
    ]);
  });

  test("http, its alias streamable-http, and sse carry url and headers", () => {
    const r = parse({
      a: { type: "http", url: "https://a.example/mcp", headers: { Authorization: "Bearer x" } },
      b: { type: "streamable-http", url: "http://localhost:3000/mcp" },
      c: { type: "sse", url: "https://c.example/sse" },
    });
    expect(r.warnings).toEqual([]);
    expect(byName(r.servers, "a").transport).toEqual({ type: "http", url: "https://a.example/mcp", headers: { Authorization: "Bearer x" } });
    expect(byName(r.servers, "b").transport).toEqual({ type: "http", url: "http://localhost:3000/mcp", headers: {} });
    expect(byName(r.servers, "c").transport.type).toBe("sse");
  });

  test("ws is reported as not supported and skipped; the others load", () => {
    const r = parse({ sock: { type: "ws", url: "ws://x" }, ok: { command: "a" } });
    expect(r.servers.map((s) => s.name)).toEqual(["ok"]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.message).toContain('"sock"');
    expect(r.warnings[0]?.message).toContain("not supported");
  });

  test("a url without a type is a configuration warning and the server is skipped", () => {
    const r = parse({ remote: { url: "https://x.example/mcp" } });
    expect(r.servers).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.file).toBe(FILE);
    expect(r.warnings[0]?.message).toMatch(/"remote".*"url" but no "type"/);
  });

  const wrong: [string, unknown, string][] = [
    ["args not an array", { command: "a", args: "x y" }, "args"],
    ["args with a number", { command: "a", args: ["x", 1] }, "args"],
    ["env value not a string", { command: "a", env: { PORT: 8080 } }, "env.PORT"],
    ["command missing", { args: ["x"] }, "command"],
    ["command not a string", { command: ["a"] }, "command"],
    ["headers not an object", { type: "http", url: "https://x.example", headers: ["A: b"] }, "headers"],
    ["header value not a string", { type: "sse", url: "https://x.example", headers: { A: true } }, "headers.A"],
    ["type not a string", { type: 3, command: "a" }, "type"],
    ["unknown type", { type: "grpc", command: "a" }, "type"],
    ["not an object", "npx server", "expected an object"],
    ["http without url", { type: "http" }, "url"],
    ["url that does not parse", { type: "http", url: "not a url" }, "url"],
    ["url with another scheme", { type: "sse", url: "ftp://x.example" }, "url"],
    ["cwd not a string", { command: "a", cwd: 1 }, "cwd"],
  ];
  for (const [what, raw, field] of wrong) {
    test(`${what}: one warning naming file, server and field; only that server skipped`, () => {
      const r = parse({ bad: raw, good: { command: "ok" } });
      expect(r.servers.map((s) => s.name)).toEqual(["good"]);
      expect(r.warnings).toHaveLength(1);
      const w = r.warnings[0];
      expect(w?.file).toBe(FILE);
      expect(w?.message).toContain('"bad"');
      expect(w?.message).toContain(field);
      expect(w?.message).toContain("skipped");
    });
  }

  test("${VAR} and ${VAR:-default} expand in command, args, env, url and headers", () => {
    const env = { BIN: "/opt/bin", TOKEN: "t0k", HOST: "h.example" };
    const r = parse(
      {
        s: { command: "${BIN}/srv", args: ["--port=${PORT:-9000}", "${BIN}"], env: { T: "${TOKEN}", D: "${NOPE:-dflt}" } },
        h: { type: "http", url: "https://${HOST}/mcp?x=${Q:-1}", headers: { Authorization: "Bearer ${TOKEN}" } },
      },
      env,
    );
    expect(r.warnings).toEqual([]);
    expect(byName(r.servers, "s").transport).toEqual({ type: "stdio", command: "/opt/bin/srv", args: ["--port=9000", "/opt/bin"], env: { T: "t0k", D: "dflt" } });
    expect(byName(r.servers, "h").transport).toEqual({ type: "http", url: "https://h.example/mcp?x=1", headers: { Authorization: "Bearer t0k" } });
  });

  test("a set variable wins over the default, even when empty", () => {
    const r = parse({ s: { command: "x", args: ["${E:-d}"] } }, { E: "" });
    expect(r.servers[0]?.transport).toMatchObject({ args: [""] });
  });

  test("a missing variable without default: one warning naming server and variable, text left as written", () => {
    const r = parse({ s: { command: "run", args: ["${MISSING_ONE}"], env: { K: "${MISSING_TWO}" } }, t: { type: "http", url: "https://${NO_HOST}/x" } });
    expect(r.servers.map((s) => s.name)).toEqual(["s", "t"]);
    expect(r.servers[0]?.transport).toMatchObject({ args: ["${MISSING_ONE}"], env: { K: "${MISSING_TWO}" } });
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]?.message).toContain('"s"');
    expect(r.warnings[0]?.message).toContain("${MISSING_ONE}");
    expect(r.warnings[0]?.message).toContain("${MISSING_TWO}");
    expect(r.warnings[1]?.message).toContain("${NO_HOST}");
  });

  test("plugin servers: scope plugin, plugin name, ${CLAUDE_PLUGIN_ROOT} is the plugin root", () => {
    const ctx = { file: "/plugins/x/.mcp.json", scope: "plugin" as const, env: { CLAUDE_PLUGIN_ROOT: "/wrong" }, plugin: "x", pluginRoot: "/plugins/x" };
    const r = parseMcpServers({ mcpServers: { db: { command: "${CLAUDE_PLUGIN_ROOT}/bin/db", args: ["--config", "${CLAUDE_PLUGIN_ROOT}/c.json"] } } }, ctx);
    expect(r.warnings).toEqual([]);
    expect(r.servers[0]).toEqual({
      name: "db",
      scope: "plugin",
      plugin: "x",
      source: "/plugins/x/.mcp.json",
      transport: { type: "stdio", command: "/plugins/x/bin/db", args: ["--config", "/plugins/x/c.json"], env: {} },
    });
    // A plugin's .mcp.json may hold the server map directly.
    expect(parseMcpServers({ db: { command: "a" } }, ctx).servers.map((s) => s.name)).toEqual(["db"]);
  });

  test("a bad timeout is a warning and the server still loads without it", () => {
    const r = parse({ s: { command: "a", timeout: "30s" } });
    expect(r.servers[0]?.timeoutMs).toBeUndefined();
    expect(r.servers).toHaveLength(1);
    expect(r.warnings[0]?.message).toContain("timeout");
  });

  test("whole-object problems: not an object, mcpServers not an object, VS Code's servers key", () => {
    const ctx = { file: FILE, scope: "project" as const, env: {} };
    expect(parseMcpServers([1], ctx).warnings).toHaveLength(1);
    expect(parseMcpServers({ mcpServers: [] }, ctx).warnings[0]?.message).toContain('"mcpServers" must be an object');
    expect(parseMcpServers({ servers: { a: { command: "x" } } }, ctx).warnings[0]?.message).toContain("VS Code");
    expect(parseMcpServers({ other: 1 }, ctx)).toEqual({ servers: [], warnings: [] });
  });
});

test("normalizeServerName: characters outside [A-Za-z0-9_-] become _, plugin servers are prefixed", () => {
  expect(normalizeServerName("my-server_1")).toBe("my-server_1");
  expect(normalizeServerName("my.server:v2 x")).toBe("my_server_v2_x");
  expect(normalizeServerName("db", "data-tools")).toBe("plugin_data-tools_db");
  expect(normalizeServerName("d.b", "my.plugin")).toBe("plugin_my_plugin_d_b");
});

interface Fixture {
  home: string;
  cwd: string;
  env: Record<string, string>;
  inputs: (over?: Partial<McpLoadInputs>) => McpLoadInputs;
  write: (path: string, value: unknown) => void;
}

function fixture(claudeConfigDir = false): Fixture {
  const root = mkdtempSync(join(tmpdir(), "hone-mcp-config-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const env: Record<string, string> = { HOME: home, HONE_CONFIG_DIR: join(home, ".hone") };
  if (claudeConfigDir) env.CLAUDE_CONFIG_DIR = join(home, "claude-dir");
  const write = (path: string, value: unknown) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value, null, 2));
  };
  const inputs = (over: Partial<McpLoadInputs> = {}): McpLoadInputs => ({ cwd, env, cliConfigs: [], strict: false, trusted: true, settings: {}, ...over });
  return { home, cwd, env, inputs, write };
}

const stdio = (command: string) => ({ command });
const commandOf = (e: McpServerEntry | undefined) => (e?.transport.type === "stdio" ? e.transport.command : e?.transport.url);

describe("loadMcpServers", () => {
  test("precedence cli > local > project > user > plugin, whole entry wins", () => {
    const f = fixture();
    const defs = (tag: string, names: string[]) => Object.fromEntries(names.map((n) => [n, { command: `${tag}-${n}`, ...(tag === "user" ? { args: ["from-user"] } : {}) }]));
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: defs("user", ["s1", "s2", "s3", "s4", "s5"]), projects: { [f.cwd]: { mcpServers: defs("local", ["s1", "s2", "s3"]) } } });
    f.write(join(f.cwd, ".mcp.json"), { mcpServers: defs("project", ["s1", "s2", "s4"]) });
    const cli = JSON.stringify({ mcpServers: defs("cli", ["s1"]) });
    const plugin: McpServerEntry = { name: "s5", scope: "plugin", plugin: "p", source: "/pl/.mcp.json", transport: { type: "stdio", command: "plugin-s5", args: [], env: {} } };
    const pluginOnly: McpServerEntry = { ...plugin, name: "s6", transport: { type: "stdio", command: "plugin-s6", args: [], env: {} } };
    const r = loadMcpServers(f.inputs({ cliConfigs: [cli], pluginServers: [plugin, pluginOnly] }));
    expect(r.warnings).toEqual([]);
    const got = Object.fromEntries(r.servers.map((s) => [s.name + (s.plugin ? "@p" : ""), `${s.scope}:${commandOf(s)}`]));
    expect(got).toEqual({ s1: "cli:cli-s1", s2: "local:local-s2", s3: "local:local-s3", s4: "project:project-s4", s5: "user:user-s5", "s5@p": "plugin:plugin-s5", "s6@p": "plugin:plugin-s6" });
    // No field merge: the local s2 does not inherit the user definition's args.
    expect(byName(r.servers, "s2").transport).toMatchObject({ args: [] });
    expect(byName(r.servers, "s1").source).toBe("--mcp-config");
  });

  test("~/.claude.json: top-level mcpServers are user scope, projects[cwd] local; hone's own file wins in each scope", () => {
    const f = fixture();
    f.write(join(f.home, ".claude.json"), {
      numStartups: 3,
      mcpServers: { u1: stdio("claude-u1"), u2: stdio("claude-u2") },
      projects: { [f.cwd]: { hasTrustDialogAccepted: false, mcpServers: { l1: stdio("claude-l1"), l2: stdio("claude-l2") } }, "/elsewhere": { mcpServers: { nope: stdio("x") } } },
    });
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: { u2: stdio("hone-u2") }, projects: { [f.cwd]: { mcpServers: { l2: stdio("hone-l2") } } } });
    const r = loadMcpServers(f.inputs());
    const got = Object.fromEntries(r.servers.map((s) => [s.name, `${s.scope}:${commandOf(s)}`]));
    expect(got).toEqual({ l1: "local:claude-l1", l2: "local:hone-l2", u1: "user:claude-u1", u2: "user:hone-u2" });
    expect(byName(r.servers, "l1").source).toBe(join(f.home, ".claude.json"));
  });

  test("CLAUDE_CONFIG_DIR moves .claude.json into that folder", () => {
    const f = fixture(true);
    f.write(join(f.home, ".claude.json"), { mcpServers: { home: stdio("a") } });
    f.write(join(f.env.CLAUDE_CONFIG_DIR ?? "", ".claude.json"), { mcpServers: { dir: stdio("b") } });
    expect(loadMcpServers(f.inputs()).servers.map((s) => s.name)).toEqual(["dir"]);
  });

  test("strict: only --mcp-config servers", () => {
    const f = fixture();
    f.write(join(f.cwd, ".mcp.json"), { mcpServers: { proj: stdio("p") } });
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: { user: stdio("u") } });
    const cliFile = join(f.cwd, "servers.json");
    f.write(cliFile, { mcpServers: { fromfile: stdio("f") } });
    const plugin: McpServerEntry = { name: "pl", scope: "plugin", plugin: "p", source: "/x", transport: { type: "stdio", command: "q", args: [], env: {} } };
    const r = loadMcpServers(f.inputs({ strict: true, cliConfigs: ["servers.json"], pluginServers: [plugin] }));
    expect(r.servers.map((s) => `${s.name}:${s.source}`)).toEqual([`fromfile:${cliFile}`]);
  });

  test("an untrusted folder's .mcp.json servers are all skipped with a reason pointing at hone trust", () => {
    const f = fixture();
    f.write(join(f.cwd, ".mcp.json"), { mcpServers: { a: stdio("a"), b: stdio("b") } });
    const r = loadMcpServers(f.inputs({ trusted: false }));
    expect(r.servers).toEqual([]);
    expect(r.skipped.map((s) => s.name)).toEqual(["a", "b"]);
    expect(r.skipped[0]?.source).toBe(join(f.cwd, ".mcp.json"));
    expect(r.skipped[0]?.reason).toContain("hone trust");
  });

  test("disabledMcpjsonServers and enabledMcpjsonServers filter project servers; enableAll lifts the allow-list", () => {
    const f = fixture();
    f.write(join(f.cwd, ".mcp.json"), { mcpServers: { a: stdio("a"), b: stdio("b"), c: stdio("c") } });
    const names = (settings: McpLoadInputs["settings"]) => loadMcpServers(f.inputs({ settings })).servers.map((s) => s.name);
    expect(names({ disabledMcpjsonServers: ["b"] })).toEqual(["a", "c"]);
    expect(names({ enabledMcpjsonServers: ["a", "b"] })).toEqual(["a", "b"]);
    expect(names({ enabledMcpjsonServers: ["a"], enableAllProjectMcpServers: true })).toEqual(["a", "b", "c"]);
    expect(names({ enabledMcpjsonServers: ["a", "b"], disabledMcpjsonServers: ["a"] })).toEqual(["b"]);
    const r = loadMcpServers(f.inputs({ settings: { enabledMcpjsonServers: ["a"], disabledMcpjsonServers: ["c"] } }));
    expect(r.skipped.map((s) => `${s.name}: ${s.reason}`)).toEqual([expect.stringContaining("b: not listed in enabledMcpjsonServers"), expect.stringContaining("c: listed in disabledMcpjsonServers")]);
    // Disabling applies to the project file only.
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: { u: stdio("u") } });
    expect(names({ disabledMcpjsonServers: ["u"], enabledMcpjsonServers: [] })).toEqual(["u"]);
  });

  test("malformed JSON: one warning with file, line and column; other files still load", () => {
    const f = fixture();
    const path = join(f.cwd, ".mcp.json");
    f.write(path, '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}\n');
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: { user: stdio("u") } });
    const r = loadMcpServers(f.inputs());
    expect(r.servers.map((s) => s.name)).toEqual(["user"]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ file: path, line: 4 });
    expect(r.warnings[0]?.message).toContain("line 4, column 5");
  });

  test("a broken ~/.claude.json is one warning and hone's file still loads", () => {
    const f = fixture();
    f.write(join(f.home, ".claude.json"), '{"mcpServers": {"a": ');
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: { user: stdio("u") } });
    const r = loadMcpServers(f.inputs());
    expect(r.servers.map((s) => s.name)).toEqual(["user"]);
    expect(r.warnings.map((w) => w.file)).toEqual([join(f.home, ".claude.json")]);
  });

  test("JSONC comments and trailing commas are accepted; a bad server's warning carries its line", () => {
    const f = fixture();
    f.write(join(f.cwd, ".mcp.json"), '// shared servers\n{\n  "mcpServers": {\n    /* files */\n    "fs": { "command": "npx", },\n    "bad": { "command": "x", "args": "oops" }\n  },\n}\n');
    const r = loadMcpServers(f.inputs());
    expect(r.servers.map((s) => s.name)).toEqual(["fs"]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ file: join(f.cwd, ".mcp.json"), line: 6 });
  });

  test("a directory where .mcp.json should be, and an empty file", () => {
    const f = fixture();
    mkdirSync(join(f.cwd, ".mcp.json"));
    const r = loadMcpServers(f.inputs());
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.message).toContain("directory");
    const g = fixture();
    g.write(join(g.cwd, ".mcp.json"), "");
    expect(loadMcpServers(g.inputs())).toEqual({ servers: [], warnings: [], skipped: [] });
  });

  test("--mcp-config: later values win; bad values throw McpConfigError naming the value and problem", () => {
    const f = fixture();
    const a = JSON.stringify({ mcpServers: { s: stdio("first") } });
    const b = JSON.stringify({ mcpServers: { s: stdio("second") } });
    expect(commandOf(loadMcpServers(f.inputs({ cliConfigs: [a, b] })).servers[0])).toBe("second");
    const bad = (value: string, problem: RegExp) => {
      let caught: unknown;
      try {
        loadMcpServers(f.inputs({ cliConfigs: [value] }));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(McpConfigError);
      expect((caught as McpConfigError).value).toBe(value);
      expect((caught as Error).message).toMatch(problem);
    };
    bad("missing.json", /no such file/);
    bad('{"mcpServers": {', /not valid JSON at line 1/);
    bad('{"servers": {}}', /mcpServers/);
    bad(JSON.stringify({ mcpServers: { x: { command: "a", args: "b" } } }), /"x".*args/);
    f.write(join(f.cwd, "broken.json"), "{\n  oops\n}");
    bad("broken.json", /line 2, column 3/);
    bad(".", /directory/);
  });

  test("--mcp-config: an unsupported transport or a missing variable is a warning, not an error", () => {
    const f = fixture();
    const value = JSON.stringify({ mcpServers: { sock: { type: "ws", url: "ws://x" }, ok: { command: "${NOT_SET_HERE}" } } });
    const r = loadMcpServers(f.inputs({ cliConfigs: [value] }));
    expect(r.servers.map((s) => s.name)).toEqual(["ok"]);
    expect(r.warnings.map((w) => w.file)).toEqual(["--mcp-config", "--mcp-config"]);
  });

  test("plugin servers with the same command as a configured server are skipped, not started twice", () => {
    const f = fixture();
    f.write(join(f.home, ".hone", "mcp.json"), { mcpServers: { github: { command: "npx", args: ["gh-mcp"] } } });
    const plugin: McpServerEntry = { name: "gh", scope: "plugin", plugin: "tools", source: "/pl/.mcp.json", transport: { type: "stdio", command: "npx", args: ["gh-mcp"], env: {} } };
    const r = loadMcpServers(f.inputs({ pluginServers: [plugin] }));
    expect(r.servers.map((s) => s.name)).toEqual(["github"]);
    expect(r.skipped).toEqual([{ name: "gh", source: "/pl/.mcp.json", reason: expect.stringContaining('"github"') }]);
  });

  test("a multi-megabyte ~/.claude.json is read once, quickly", () => {
    const f = fixture();
    const projects: Record<string, unknown> = {};
    for (let i = 0; i < 20000; i++) projects[`/some/where/project-${i}`] = { history: [{ display: "x".repeat(200) }], allowedTools: [] };
    projects[f.cwd] = { mcpServers: { mine: stdio("m") } };
    f.write(join(f.home, ".claude.json"), { mcpServers: { u: stdio("u") }, projects });
    const started = performance.now();
    const r = loadMcpServers(f.inputs());
    expect(performance.now() - started).toBeLessThan(1500);
    expect(r.servers.map((s) => s.name)).toEqual(["mine", "u"]);
  });
});
