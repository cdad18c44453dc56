import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mcpCommand } from "../src/mcp-command.ts";
import { trustDirectory } from "../src/trust.ts";
import { captureIO } from "./support/command-io.ts";

interface World {
  home: string;
  cwd: string;
  honeFile: string;
  claudeFile: string;
  run: (...args: string[]) => Promise<{ code: number; out: string; err: string }>;
  json: (path: string) => Record<string, unknown>;
}

function world(): World {
  const root = mkdtempSync(join(tmpdir(), "hone-mcp-cmd-"));
  const home = join(root, "home");
  const cwd = join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const probe = captureIO(cwd, home);
  const run = async (...args: string[]) => {
    const io = captureIO(cwd, home);
    const code = await mcpCommand(args, io);
    return { code, out: io.stdout, err: io.stderr };
  };
  return {
    home,
    cwd,
    honeFile: join(probe.env.HONE_CONFIG_DIR ?? "", "mcp.json"),
    claudeFile: join(probe.env.CLAUDE_CONFIG_DIR ?? "", ".claude.json"),
    run,
    json: (path) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>,
  };
}

async function trust(w: World): Promise<void> {
  await trustDirectory(w.cwd, captureIO(w.cwd, w.home).env);
}

describe("round trip add -> list -> get -> remove", () => {
  for (const scope of ["local", "project", "user"] as const) {
    test(`${scope} scope`, async () => {
      const w = world();
      await trust(w);
      const added = await w.run("add", "--scope", scope, "-e", "API_KEY=k1", "fs", "--", "npx", "-y", "@modelcontextprotocol/server-filesystem", ".");
      expect(added).toMatchObject({ code: 0, err: "" });
      expect(added.out).toContain(`Added stdio MCP server "fs" to ${scope} scope`);
      const file = scope === "project" ? join(w.cwd, ".mcp.json") : w.honeFile;
      const data = w.json(file);
      const map = (scope === "local" ? (data.projects as Record<string, Record<string, unknown>>)[w.cwd]?.mcpServers : data.mcpServers) as Record<string, unknown>;
      expect(map.fs).toEqual({ type: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "."], env: { API_KEY: "k1" } });
      expect(existsSync(w.claudeFile)).toBe(false);

      const list = await w.run("list");
      expect(list.code).toBe(0);
      expect(list.out).toMatch(new RegExp(`fs\\s+${scope}\\s+stdio\\s+npx -y @modelcontextprotocol/server-filesystem \\.\\s+${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));

      const get = await w.run("get", "fs");
      expect(get.code).toBe(0);
      expect(get.out).toContain("Type:     stdio");
      expect(get.out).toContain(`${scope} scope, ${file}`);
      expect(get.out).toContain("Status:   used");
      expect(get.out).toContain('"API_KEY": "k1"');

      const removed = await w.run("remove", "fs");
      expect(removed).toMatchObject({ code: 0, err: "" });
      expect(removed.out).toContain(`from ${scope} scope`);
      expect((await w.run("list")).out).toContain("No MCP servers configured");
      expect((await w.run("get", "fs")).code).toBe(1);
      // Every write went through a temp file that was renamed: none are left behind.
      expect(readdirSync(join(file, "..")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    });
  }
});

describe("hone mcp add", () => {
  test("http with headers; a lone URL infers http; sse; old scope name global means user", async () => {
    const w = world();
    expect((await w.run("add", "--transport", "http", "-H", "Authorization: Bearer ${TOKEN:-none}", "X-Team: core", "--scope=global", "notion", "https://mcp.notion.com/mcp")).code).toBe(0);
    expect((w.json(w.honeFile).mcpServers as Record<string, unknown>).notion).toEqual({ type: "http", url: "https://mcp.notion.com/mcp", headers: { Authorization: "Bearer ${TOKEN:-none}", "X-Team": "core" } });
    const inferred = await w.run("add", "remote", "https://x.example/mcp");
    expect(inferred.out).toContain("http (inferred");
    expect(await w.run("add", "-t", "sse", "asana", "https://mcp.asana.com/sse")).toMatchObject({ code: 0 });
    const list = await w.run("list", "--json");
    const parsed = JSON.parse(list.out) as { servers: { name: string; scope: string; type: string; headerKeys?: string[] }[] };
    expect(parsed.servers.map((s) => `${s.name}:${s.scope}:${s.type}`).sort()).toEqual(["asana:local:sse", "notion:user:http", "remote:local:http"]);
    expect(parsed.servers.find((s) => s.name === "notion")?.headerKeys).toEqual(["Authorization", "X-Team"]);
  });

  test("without --, words after the name are the command; unknown options go to it, hone's own stay hone's", async () => {
    const w = world();
    expect((await w.run("add", "fs", "npx", "-y", "pkg", "--root", ".", "--scope", "user", "-e", "A=1", "B=2")).code).toBe(0);
    expect((w.json(w.honeFile).mcpServers as Record<string, unknown>).fs).toEqual({ type: "stdio", command: "npx", args: ["-y", "pkg", "--root", "."], env: { A: "1", B: "2" } });
    // After --, even hone's option names belong to the command.
    expect((await w.run("add", "--scope", "user", "py", "--", "python", "-m", "srv", "-e", "x", "--scope", "y")).code).toBe(0);
    expect((w.json(w.honeFile).mcpServers as Record<string, { args: string[] }>).py?.args).toEqual(["-m", "srv", "-e", "x", "--scope", "y"]);
  });

  const usage: [string, string[], RegExp][] = [
    ["bad name", ["add", "my server", "--", "x"], /invalid server name "my server".*letters, digits/],
    ["dotted name", ["add", "a.b", "--", "x"], /invalid server name/],
    ["no name", ["add"], /missing the server name/],
    ["no command", ["add", "s"], /missing the command/],
    ["unknown scope", ["add", "--scope", "team", "s", "--", "x"], /unknown scope "team"/],
    ["unknown transport", ["add", "--transport", "grpc", "s", "x"], /unknown transport/],
    ["unknown option before the name", ["add", "--force", "s", "--", "x"], /unknown option --force/],
    ["header on stdio", ["add", "-H", "A: b", "s", "--", "x"], /--header is for http/],
    ["env on http", ["add", "-t", "http", "-e", "A=b", "s", "https://x.example"], /--env is for stdio/],
    ["two urls", ["add", "-t", "http", "s", "https://a.example", "https://b.example"], /exactly one URL/],
    ["bad url", ["add", "-t", "sse", "s", "nowhere"], /not a valid URL/],
    ["env without =", ["add", "-e", "NOVALUE", "s", "--", "x"], /KEY=value/],
    ["option without value", ["add", "s", "--", "x", "--scope"], /./],
    ["unknown subcommand", ["serve"], /unknown subcommand "serve"/],
  ];
  for (const [what, args, message] of usage) {
    test(`usage error (exit 2): ${what}`, async () => {
      const w = world();
      const r = await w.run(...args);
      if (what === "option without value") {
        // After --, "--scope" is simply the command's argument.
        expect(r.code).toBe(0);
        return;
      }
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(existsSync(w.honeFile)).toBe(false);
      expect(existsSync(join(w.cwd, ".mcp.json"))).toBe(false);
    });
  }

  test("ws is refused as unsupported (exit 1)", async () => {
    const w = world();
    expect((await w.run("add", "-t", "ws", "s", "ws://x")).code).toBe(2);
    const r = await w.run("add-json", "s", '{"type":"ws","url":"ws://x"}');
    expect(r.code).toBe(1);
    expect(r.err).toContain("not supported");
  });

  test("a duplicate name in the same scope is refused; the same name in another scope is fine", async () => {
    const w = world();
    expect((await w.run("add", "s", "--", "one")).code).toBe(0);
    const again = await w.run("add", "s", "--", "two");
    expect(again.code).toBe(1);
    expect(again.err).toContain('"s" already exists in local scope');
    expect((await w.run("add", "-s", "user", "s", "--", "two")).code).toBe(0);
    const list = await w.run("list");
    expect(list.out).toMatch(/s\s+local\s+stdio\s+one/);
    expect(list.out).toContain("Overridden by a definition of the same name");
  });

  test("a missing variable is a warning but the definition is still added as written", async () => {
    const w = world();
    const r = await w.run("add", "-e", "TOKEN=${HONE_TEST_UNSET_VAR}", "s", "--", "x");
    expect(r.code).toBe(0);
    expect(r.err).toContain("${HONE_TEST_UNSET_VAR}");
    expect(JSON.stringify(w.json(w.honeFile))).toContain("${HONE_TEST_UNSET_VAR}");
  });

  test("hone's mcp.json is created private; other keys in it are kept", async () => {
    const w = world();
    mkdirSync(join(w.honeFile, ".."), { recursive: true });
    writeFileSync(w.honeFile, JSON.stringify({ note: "keep me", mcpServers: { old: { command: "o" } } }, null, 2));
    expect((await w.run("add", "-s", "user", "new", "--", "n")).code).toBe(0);
    const data = w.json(w.honeFile);
    expect(data.note).toBe("keep me");
    expect(Object.keys(data.mcpServers as object)).toEqual(["old", "new"]);
    const v = world();
    await v.run("add", "s", "--", "x");
    expect(statSync(v.honeFile).mode & 0o777).toBe(0o600);
  });
});

describe("hone mcp add-json", () => {
  test("stdio, http and streamable-http definitions are validated and written as given", async () => {
    const w = world();
    expect((await w.run("add-json", "a", '{"command":"node","args":["s.js"],"timeout":9000}')).code).toBe(0);
    expect((await w.run("add-json", "--scope", "project", "b", '{"type":"streamable-http","url":"https://b.example/mcp"}')).code).toBe(0);
    expect((w.json(w.honeFile).projects as Record<string, { mcpServers: Record<string, unknown> }>)[w.cwd]?.mcpServers.a).toEqual({ command: "node", args: ["s.js"], timeout: 9000 });
    expect((w.json(join(w.cwd, ".mcp.json")).mcpServers as Record<string, unknown>).b).toEqual({ type: "streamable-http", url: "https://b.example/mcp" });
  });

  test("invalid JSON or an invalid definition is a usage error and nothing is written", async () => {
    const w = world();
    const notJson = await w.run("add-json", "a", "{command: x}");
    expect(notJson.code).toBe(2);
    expect(notJson.err).toContain("not valid JSON");
    const badArgs = await w.run("add-json", "a", '{"command":"x","args":"y"}');
    expect(badArgs.code).toBe(2);
    expect(badArgs.err).toMatch(/"a".*args/);
    const urlNoType = await w.run("add-json", "a", '{"url":"https://x.example"}');
    expect(urlNoType.code).toBe(2);
    expect(existsSync(w.honeFile)).toBe(false);
  });
});

describe("list, get and remove across sources", () => {
  test("untrusted project servers are listed as not started with the reason", async () => {
    const w = world();
    writeFileSync(join(w.cwd, ".mcp.json"), JSON.stringify({ mcpServers: { shared: { command: "s" } } }));
    const list = await w.run("list");
    expect(list.out).toContain("Not started:");
    expect(list.out).toMatch(/shared \(.*\.mcp\.json\): .*not a trusted folder.*hone trust/);
    const json = JSON.parse((await w.run("list", "--json")).out) as { trusted: boolean; skipped: { name: string }[] };
    expect(json.trusted).toBe(false);
    expect(json.skipped.map((s) => s.name)).toEqual(["shared"]);
    expect((await w.run("get", "shared")).out).toContain("Status:   not started:");
    await trust(w);
    expect((await w.run("list")).out).toMatch(/shared\s+project\s+stdio\s+s/);
  });

  test("servers in Claude Code's ~/.claude.json are listed, but never edited by remove", async () => {
    const w = world();
    mkdirSync(join(w.claudeFile, ".."), { recursive: true });
    const original = JSON.stringify({ mcpServers: { cc: { type: "sse", url: "https://cc.example/sse" } }, projects: { [w.cwd]: { mcpServers: { ccl: { command: "l" } } } } });
    writeFileSync(w.claudeFile, original);
    const list = await w.run("list");
    expect(list.out).toMatch(/cc\s+user\s+sse\s+https:\/\/cc\.example\/sse\s+.*\.claude\.json/);
    expect(list.out).toMatch(/ccl\s+local\s+stdio\s+l/);
    const r = await w.run("remove", "cc");
    expect(r.code).toBe(1);
    expect(r.err).toContain("never edits");
    expect(readFileSync(w.claudeFile, "utf8")).toBe(original);
  });

  test("remove: several scopes without --scope is refused with the list; --scope picks one", async () => {
    const w = world();
    await w.run("add", "s", "--", "local-cmd");
    await w.run("add", "--scope", "project", "s", "--", "project-cmd");
    const refused = await w.run("remove", "s");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("several scopes");
    expect(refused.err).toContain(`local: ${w.honeFile}`);
    expect(refused.err).toContain(`project: ${join(w.cwd, ".mcp.json")}`);
    expect((await w.run("remove", "s", "--scope", "project")).code).toBe(0);
    expect(w.json(join(w.cwd, ".mcp.json"))).toEqual({ mcpServers: {} });
    expect((await w.run("remove", "s", "--scope", "project")).code).toBe(1);
    expect((await w.run("remove", "s")).code).toBe(0);
    expect((await w.run("remove", "nothing")).code).toBe(1);
  });

  test("a file that does not parse is never overwritten: add and remove refuse, saying where", async () => {
    const w = world();
    const path = join(w.cwd, ".mcp.json");
    const broken = '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": 1\n}\n';
    writeFileSync(path, broken);
    const add = await w.run("add", "-s", "project", "c", "--", "y");
    expect(add.code).toBe(1);
    expect(add.err).toContain(`${path} does not parse (line 4, column 5)`);
    expect((await w.run("remove", "a", "-s", "project")).code).toBe(1);
    expect(readFileSync(path, "utf8")).toBe(broken);
    // list still works and reports it
    const list = await w.run("list");
    expect(list.code).toBe(0);
    expect(list.out).toContain(`${path}:4: not valid JSON at line 4, column 5`);
  });

  test("a hand-formatted .mcp.json keeps its comments and indentation after add and remove", async () => {
    const w = world();
    const path = join(w.cwd, ".mcp.json");
    const original = [
      "// Servers shared by the team.",
      "{",
      '    "$schema": "https://example.com/mcp.schema.json",',
      '    "mcpServers": {',
      "        /* the file system */",
      '        "fs": { "command": "npx", "args": ["-y", "fs-server"] }',
      "    }",
      "}",
      "",
    ].join("\n");
    writeFileSync(path, original);
    expect((await w.run("add", "-s", "project", "-t", "http", "api", "https://api.example/mcp")).code).toBe(0);
    const after = readFileSync(path, "utf8");
    expect(after).toContain("// Servers shared by the team.");
    expect(after).toContain("        /* the file system */");
    expect(after).toContain('        "fs": { "command": "npx", "args": ["-y", "fs-server"] }');
    expect(after).toContain('        "api": {\n            "type": "http",');
    expect((await w.run("remove", "api", "-s", "project")).code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(original);
  });

  test("help and bare invocation", async () => {
    const w = world();
    expect((await w.run("--help")).out).toContain("hone mcp add");
    expect((await w.run()).code).toBe(2);
    expect((await w.run("list", "extra")).code).toBe(2);
  });
});
