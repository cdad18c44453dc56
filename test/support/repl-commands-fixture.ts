// The interactive REPL under tmux for the built-in command tests (repl-commands-*.test.ts): a temp
// project and HOME per test, a scripted API whose requests the tests read, and helpers to type a line and
// wait for what it prints. Everything started here is stopped after each test.
import { afterEach } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { reply, startMockApi, text, type LoggedRequest, type MockApi, type Route, type Step } from "./mock-api.ts";
import { tempProject } from "./run-hone.ts";
import { tempHome } from "./sessions.ts";
import { startTmux, type Tmux } from "./tmux.ts";

/** Every command the repl-commands-<group>.test.ts files test, each by a test whose title starts with
 * `/name`. The /help guard test fails when /help lists a built-in that is missing here. */
export const TESTED_COMMANDS = {
  session: ["help", "clear", "compact", "context", "cost", "resume", "rewind", "export", "exit"],
  settings: ["model", "think", "effort", "plan", "output-style", "vim", "statusline", "add-dir", "ultraplan"],
  info: ["status", "version", "config", "doctor", "hooks", "memory", "agents", "skills", "mcp", "permissions", "diff", "init", "review", "commit", "buddy"],
} as const;

export interface ReplOptions {
  /** Scripted replies in order; once used up every request gets `fallback`. */
  steps?: Step[];
  fallback?: Step;
  dir?: string;
  home?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Files to write before hone starts: relative paths are in the project, absolute ones anywhere. */
  files?: Record<string, string | object>;
  width?: number;
  height?: number;
  extendedKeys?: boolean;
  /** Sub-agent conversations scripted by their prompts (mock-api.ts). */
  routes?: Route[];
  /** Another binary (the build with compile-time features). */
  binary?: string;
}

export interface Repl {
  t: Tmux;
  api: MockApi;
  dir: string;
  home: string;
  /** Types a line and presses Enter. */
  send(line: string): void;
  /** Sends a line and waits until the whole history shows `until`; returns the history. */
  command(line: string, until: string | RegExp | ((history: string) => boolean)): Promise<string>;
  /** Sends a prompt and waits for a new request and for `replyText` (the model's reply) to be drawn once more. */
  prompt(line: string, replyText: string): Promise<LoggedRequest>;
  /** How many times `needle` occurs in the history. */
  count(needle: string): number;
}

export function writeFiles(root: string, files: Record<string, string | object>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = name.startsWith("/") ? name : join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
}

/** `const start = replHarness()` at the top of a test file; `await start({...})` in a test. */
export function replHarness(): (options?: ReplOptions) => Promise<Repl> {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (options = {}) => {
    const api = await startMockApi({ steps: options.steps ?? [], fallback: options.fallback ?? reply(text("fallback reply")), ...(options.routes ? { routes: options.routes } : {}) });
    cleanups.push(() => api.close());
    const dir = options.dir ?? tempProject("hone-repl-");
    const home = options.home ?? tempHome();
    writeFiles(dir, options.files ?? {});
    const t = startTmux({ cwd: dir, apiUrl: api.url, env: { HOME: home, ...options.env }, args: options.args ?? [], width: options.width ?? 120, height: options.height ?? 40, ...(options.extendedKeys ? { extendedKeys: true } : {}), ...(options.binary ? { command: [options.binary] } : {}) });
    cleanups.push(() => t.kill());
    // The footer's hint replaces "starting…" once settings, session and MCP servers are ready.
    await t.waitFor((s) => s.includes("? for shortcuts") || s.includes("(shift+tab to cycle)"), { timeoutMs: 20_000 });
    const count = (needle: string): number => t.history().split(needle).length - 1;
    const send = (line: string): void => {
      t.type(line);
      t.keys("Enter");
    };
    return {
      t,
      api,
      dir,
      home,
      send,
      count,
      async command(line, until) {
        send(line);
        return await t.waitFor(until, { history: true });
      },
      async prompt(line, replyText) {
        const before = api.requests.length;
        const seen = count(replyText);
        send(line);
        await t.waitFor(() => api.requests.length > before && count(replyText) > seen, { history: true, timeoutMs: 15_000 });
        return api.requests.at(-1)!;
      },
    };
  };
}

/** A request's messages as JSON text, for "did this reach the model" checks. */
export function messagesText(request: LoggedRequest): string {
  return JSON.stringify(request.body.messages ?? []);
}
