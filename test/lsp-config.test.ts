import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatWarning } from "../src/extensions.ts";
import { loadLspConfigs, parseLspServers } from "../src/lsp-config.ts";
import { detectBuiltinServers, lspAvailable, serverFor } from "../src/lsp-detect.ts";
import { fixture } from "./support/extension-fixture.ts";

const ts = { command: "typescript-language-server", args: ["--stdio"], extensionToLanguage: { ".ts": "typescript" } };

describe("LSP server configuration", () => {
  test("a project .lsp.json: fields read, extensions normalised, bad servers skipped with file, line and field", () => {
    const f = fixture("lsp");
    const file = f.put(
      join(f.project, ".lsp.json"),
      JSON.stringify(
        {
          ts: { ...ts, env: { TSS_LOG: "${NO_SUCH_VAR:-off}" }, initializationOptions: { a: 1 }, settings: { b: 2 }, startupTimeout: 5000, extensionToLanguage: { ".TS": "typescript", tsx: "typescriptreact" } },
          broken: { args: ["x"], extensionToLanguage: { ".py": "python" } },
          noext: { command: "pylsp" },
          badargs: { command: "gopls", args: "serve", extensionToLanguage: { ".go": "go" } },
          socket: { command: "x", transport: "socket", extensionToLanguage: { ".x": "x" } },
        },
        null,
        2,
      ),
    );
    const { configs, warnings } = loadLspConfigs({ root: f.project, env: f.env });
    expect(configs).toEqual([
      {
        name: "ts",
        command: "typescript-language-server",
        args: ["--stdio"],
        extensionToLanguage: { ".ts": "typescript", ".tsx": "typescriptreact" },
        env: { TSS_LOG: "off" },
        initializationOptions: { a: 1 },
        settings: { b: 2 },
        startupTimeoutMs: 5000,
        source: file,
      },
    ]);
    expect(warnings.map(formatWarning)).toEqual([
      `${file}:22: LSP server "broken": "command" must be a non-empty string; server skipped`,
      `${file}:30: LSP server "noext": needs "extensionToLanguage" (e.g. {".ts": "typescript"}); server skipped`,
      `${file}:35: LSP server "badargs": "args" must be an array of strings; server skipped`,
      `${file}:42: LSP server "socket": transport "socket" is not supported by hone (only "stdio"); server skipped`,
    ]);
  });

  test("an untrusted project's .lsp.json is left out; broken JSON is one warning", () => {
    const f = fixture("lsp");
    const file = f.put(join(f.project, ".lsp.json"), "{ not json");
    expect(loadLspConfigs({ root: f.project, env: f.env, includeProject: false })).toEqual({ configs: [], warnings: [] });
    const { configs, warnings } = loadLspConfigs({ root: f.project, env: f.env });
    expect(configs).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.file).toBe(file);
    expect(warnings[0]?.message).toContain("not valid JSON");
  });

  test("plugin servers: .lsp.json at the root, inline lspServers and a ./path, with ${CLAUDE_PLUGIN_ROOT} expanded", () => {
    const f = fixture("lsp");
    const root = join(f.root, "langs");
    f.put(join(root, ".claude-plugin", "plugin.json"), JSON.stringify({ name: "langs", lspServers: [{ go: { command: "${CLAUDE_PLUGIN_ROOT}/bin/gopls", extensionToLanguage: { ".go": "go" } } }, "./servers.json", "./../outside.json"] }, null, 2));
    f.put(join(root, ".lsp.json"), JSON.stringify({ py: { command: "./bin/pylsp", args: ["--root", "${CLAUDE_PLUGIN_ROOT}"], env: { HOME_DIR: "${CLAUDE_PLUGIN_ROOT}/home" }, extensionToLanguage: { ".py": "python" } } }));
    f.put(join(root, "servers.json"), JSON.stringify({ rs: { command: "rust-analyzer", extensionToLanguage: { ".rs": "rust" }, restartOnCrash: false } }));
    const ext = f.load({ pluginDirs: [root] });
    expect(ext.warnings).toEqual([]);
    const { configs, warnings } = loadLspConfigs({ root: f.project, env: f.env, plugins: ext.plugins });
    expect(configs.map((c) => [c.name, c.command, c.args, c.env, c.plugin, c.source])).toEqual([
      ["py", join(root, "bin", "pylsp"), ["--root", root], { HOME_DIR: `${root}/home` }, "langs", join(root, ".lsp.json")],
      ["go", `${root}/bin/gopls`, [], {}, "langs", join(root, ".claude-plugin", "plugin.json")],
      ["rs", "rust-analyzer", [], {}, "langs", join(root, "servers.json")],
    ]);
    expect(configs[2]?.maxRestarts).toBe(0);
    expect(warnings.map((w) => w.message)).toEqual(['"lspServers": path "./../outside.json" leaves the plugin folder; ignored']);
  });

  test("a plugin folder with only .lsp.json is a plugin", () => {
    const f = fixture("lsp");
    const root = join(f.root, "only-lsp");
    f.put(join(root, ".lsp.json"), JSON.stringify({ go: { command: "gopls", extensionToLanguage: { ".go": "go" } } }));
    const ext = f.load({ pluginDirs: [root] });
    expect(ext.plugins.map((p) => p.name)).toEqual(["only-lsp"]);
    expect(loadLspConfigs({ root: f.project, env: f.env, plugins: ext.plugins }).configs.map((c) => c.name)).toEqual(["go"]);
  });

  test("parseLspServers rejects a non-object map", () => {
    const { servers, warnings } = parseLspServers([1], { file: "x.json", env: {}, baseDir: "/" });
    expect(servers).toEqual([]);
    expect(warnings[0]?.message).toContain("expected an object");
  });
});

describe("built-in servers", () => {
  test("found in node_modules/.bin (trusted folders only) or on PATH by stat alone; configured servers win for their extensions", () => {
    const f = fixture("lsp");
    const bin = join(f.root, "bin");
    mkdirSync(bin, { recursive: true });
    mkdirSync(join(f.project, "node_modules", ".bin"), { recursive: true });
    const exe = (path: string) => {
      writeFileSync(path, "#!/bin/sh\n");
      chmodSync(path, 0o755);
    };
    exe(join(f.project, "node_modules", ".bin", "typescript-language-server"));
    exe(join(bin, "pylsp"));
    writeFileSync(join(bin, "gopls"), "not executable");
    const found = detectBuiltinServers(f.project, { PATH: bin });
    expect(found.map((c) => [c.name, c.command, c.args])).toEqual([
      ["typescript", join(f.project, "node_modules", ".bin", "typescript-language-server"), ["--stdio"]],
      ["python", join(bin, "pylsp"), []],
    ]);
    expect(lspAvailable({ root: f.project, configs: [], env: { PATH: bin } })).toBe(true);
    expect(detectBuiltinServers(f.project, { PATH: bin }, false).map((c) => c.name)).toEqual(["python"]);
    expect(lspAvailable({ root: f.root, configs: [], env: { PATH: join(f.root, "none") } })).toBe(false);
    const configured = { name: "mine", ...ts, env: {}, source: "x" };
    expect(lspAvailable({ root: f.root, configs: [configured], env: { PATH: "" } })).toBe(true);
    expect(serverFor("/p/a.ts", [configured, ...found])?.name).toBe("mine");
    expect(serverFor("/p/a.MJS", [configured, ...found])?.name).toBe("typescript");
    expect(serverFor("/p/Makefile", found)).toBeUndefined();
  });
});
