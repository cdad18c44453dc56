// The command-line program behind main.ts: parse flags, check the key, read piped input, run headless.
import { z } from "zod";
import { helpText, parseArgs, type RunOptions } from "./cli.ts";
import { EXIT } from "./exit-codes.ts";
import { runHeadless } from "./headless.ts";
import { runInventory } from "./run-inventory.ts";
import { expandUserPrompt } from "./prompt-expansion.ts";
import { prepareRun, setupProblem, type PreparedRun, type RunHost } from "./prepare-run.ts";
import { createControlChannel, type ControlChannel } from "./control.ts";
import type { HookDispatcher } from "./hook-runner.ts";
import type { HookCommand } from "./hooks.ts";
import type { TurnSlot } from "./stream-session.ts";
import * as wire from "./stream-json.ts";
import { SessionWriteError } from "./session.ts";
import { findSubcommand } from "./subcommands.ts";
import { combinePrompt, readPipedStdin, StdinTooLargeError } from "./stdin.ts";
import { VERSION } from "./version.ts";
import { notBuiltIn } from "./features.ts";
import { loadSettings } from "./settings.ts";
import { isTrusted } from "./trust.ts";
import { resolveCwd } from "./run-config.ts";
import type { EarlyTerminal } from "./repl-early.ts";
import type { SubagentParent } from "./subagent.ts";

function writeOut(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function writeErr(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function resolvePrompt(options: RunOptions): Promise<string | undefined> {
  // With a prompt on the command line, an open pipe that never sends anything must not hang the run.
  const piped = await readPipedStdin({ firstByteTimeoutMs: options.prompt ? 3000 : undefined });
  return combinePrompt(options.prompt, piped);
}

/** Exit code for a problem found before the run starts, or undefined for a bug (rethrown). */
function setupErrorCode(error: unknown): number | undefined {
  const problem = setupProblem(error);
  if (problem === undefined) return undefined;
  return problem === "input" ? EXIT.usage : EXIT.error;
}

export async function main(argv: string[], early?: EarlyTerminal): Promise<number> {
  // A CLI run validates each schema a few times: interpreting beats compiling validators first.
  z.config({ jitless: true });
  // Inside the sandbox, hone itself relays the allowed-domains proxy onto a loopback port.
  if (argv[0] === "__sandbox-bridge") return await (await import("./sandbox-proxy.ts")).runSandboxBridge(argv.slice(1));
  // The version alone needs no flag parser (scripts and the benchmark call it often).
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    writeOut(`${VERSION} (hone)`);
    return EXIT.ok;
  }
  // The detached planner of --ultraplan / /ultraplan: outlives the terminal that started it.
  if (argv[0] === "__ultraplan-run") return await (await import("./ultraplan-detached.ts")).ultraplanMain(argv.slice(1), { makeParent: plannerParent });
  // A session whose memory gates passed starts this in the background (memory-session.ts).
  if (argv[0] === "__dream") return await (await import("./dream-main.ts")).runDreamMain(parseArgs([]), { out: writeOut, err: writeErr }, false);
  const sub = findSubcommand(argv);
  if (sub) return await sub.command.run(argv.slice(1), { cwd: process.cwd(), env: process.env, out: writeOut, err: writeErr });

  let options: RunOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    writeErr(`hone: ${(error as Error).message}\nRun "hone --help" for usage.`);
    return EXIT.usage;
  }
  if (options.help) {
    writeOut(helpText());
    return EXIT.ok;
  }
  if (options.version) {
    writeOut(`${VERSION} (hone)`);
    return EXIT.ok;
  }
  if (options.dreamNow) return await (await import("./dream-main.ts")).runDreamMain(options, { out: writeOut, err: writeErr }, true);
  // `[kairos] enabled` in settings makes a session without -p a KAIROS session, as --kairos does.
  const kairosFromSettings = !options.kairos && !options.print && settingsWantKairos(options);
  if (options.kairos || kairosFromSettings) {
    // The import sits inside the feature test so that a build without "proactive" has none of KAIROS.
    if (typeof HONE_FEATURE_PROACTIVE === "boolean" && HONE_FEATURE_PROACTIVE) {
      return await (await import("./kairos-main.ts")).runKairosMain(options, { out: writeOut, err: writeErr, withSignals });
    }
    if (options.kairos) {
      writeErr(`hone: ${notBuiltIn("proactive", "--kairos")}`);
      return EXIT.usage;
    }
    writeErr(`hone: ${notBuiltIn("proactive", "kairos.enabled in your settings")}; starting a normal session`);
  }
  if (!options.print) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      writeErr('hone: the interactive session needs a terminal; for scripts and pipes use hone -p "task"');
      return EXIT.usage;
    }
    // Loaded only for the interactive session, so -p runs do not pay for the terminal UI.
    return await (await import("./repl.ts")).runRepl(options, early);
  }

  let prepared: PreparedRun;
  const control = createControlChannel((message) => writeOut(JSON.stringify(message)));
  const slot: TurnSlot = {};
  let late: PreparedRun | undefined;
  try {
    prepared = await prepareRun(options, writeErr, await hostFor(options, control, slot, () => late));
    late = prepared;
  } catch (error) {
    const code = setupErrorCode(error);
    if (code === undefined) throw error;
    writeErr(`hone: ${(error as Error).message}`);
    return code;
  }
  try {
    if (options.ultraplan !== undefined) {
      const planned = await planFirst(options.ultraplan, prepared);
      if (planned === undefined) return EXIT.error;
      options = { ...options, prompt: planned };
    }
    return await runPrepared(options, prepared, control, slot);
  } catch (error) {
    if (!(error instanceof SessionWriteError)) throw error;
    writeErr(`hone: ${error.message}`);
    return EXIT.error;
  } finally {
    await prepared.close();
    prepared.session.close();
  }
}

/** Whether the settings turn KAIROS on (read before the run is prepared; only for sessions without -p). */
function settingsWantKairos(options: RunOptions): boolean {
  try {
    const cwd = resolveCwd(options.cwd);
    const trusted = options.trust || isTrusted(cwd, process.env);
    return loadSettings({ cwd, env: process.env, cliSettings: options.settings, settingSources: options.settingSources, trusted }).settings.kairos?.enabled === true;
  } catch {
    // Bad settings are reported properly when the run is prepared.
    return false;
  }
}

/** A planner's parent: the project's run in plan mode, unsaved. */
async function plannerParent(cwd: string): Promise<SubagentParent> {
  const prepared = await prepareRun(parseArgs(["-p", "--permission-mode", "plan", "--no-session-persistence", "--cwd", cwd]), writeErr);
  const instructions = prepared.setup.promptParts.find((p) => p.label.startsWith("Instruction files"))?.text;
  return { config: prepared.setup.agent, permissions: () => prepared.setup.permissions, env: process.env, sessionId: prepared.session.id, ...(instructions ? { instructions } : {}) };
}

/**
 * -p --ultraplan: plans in a detached run with an approval page, then the approved plan is this run's
 * prompt (out of plan mode). Any other ending prints what plan there is and fails; none is dropped.
 */
async function planFirst(task: string, prepared: PreparedRun): Promise<string | undefined> {
  if (prepared.settings.ultraplan.enabled === false) {
    writeErr("hone: --ultraplan is turned off by the setting ultraplan.enabled (false)");
    return undefined;
  }
  if (prepared.setup.missingKey) {
    writeErr(await keyHelp(prepared.setup));
    return undefined;
  }
  const { terminalUltraplan } = await import("./ultraplan-terminal.ts");
  const result = await terminalUltraplan(task, { env: process.env, cwd: prepared.setup.cwd, settings: prepared.settings.ultraplan, say: writeErr });
  if (!result.prompt) {
    if (result.state.plan) writeOut(result.state.plan);
    return undefined;
  }
  if (prepared.setup.permissions.mode === "plan") prepared.setup.permissions.mode = "default";
  return result.prompt;
}

/** Who answers permission asks: the SDK host (stdio), an MCP tool, or nobody (an ask is a denial). */
async function hostFor(options: RunOptions, channel: ControlChannel, slot: TurnSlot, prepared: () => PreparedRun | undefined): Promise<RunHost> {
  const tool = options.permissionPromptTool;
  const streamIn = options.inputFormat === "stream-json";
  const base: RunHost = streamIn ? { hookCallbacks: true } : {};
  if (tool === undefined) return base;
  const { mcpToolAsker, stdioAsker } = await import("./host-permissions.ts");
  const askOptions = {
    permissions: () => prepared()!.setup.permissions,
    signal: () => slot.current?.signal,
    interrupt: () => slot.current?.abort(),
  };
  if (tool === "stdio") return { ...base, ask: stdioAsker((body, signal) => channel.request(body, signal), askOptions) };
  const find = () => {
    const { agent } = prepared()!.setup;
    return { tool: agent.tools.find((t) => t.name === tool), session: agent.session, projectDir: agent.projectDir };
  };
  return { ...base, ask: mcpToolAsker(find, tool, askOptions) };
}

/** An MCP prompt tool must exist once the servers are up; naming a missing one is a usage error. */
function missingPromptTool(options: RunOptions, prepared: PreparedRun): string | undefined {
  const tool = options.permissionPromptTool;
  if (tool === undefined || tool === "stdio") return undefined;
  if (prepared.setup.agent.tools.some((t) => t.name === tool)) return undefined;
  const servers = (prepared.extensions.mcp?.status() ?? []).map((s) => `${s.name} (${s.state})`);
  return `--permission-prompt-tool: no MCP tool named ${tool}; MCP servers: ${servers.length > 0 ? servers.join(", ") : "none configured"}`;
}

/** How hook events name a hook: its event and matcher, as Claude Code does. */
function hookName(hook: HookCommand): string {
  return `${hook.event}:${hook.matcher}`;
}

/** --include-hook-events: each hook's start and result as system messages. */
function emitHookEvents(hooks: HookDispatcher | undefined, sessionId: string): void {
  const env = { sessionId, uuid: () => crypto.randomUUID() };
  hooks?.observe?.((event) => {
    if (event.phase === "started") {
      writeOut(JSON.stringify(wire.hookStartedMessage(env, { id: event.id, name: hookName(event.hook), event: event.hook.event })));
      return;
    }
    const { run } = event;
    const outcome = run.interrupted ? "cancelled" : run.exitCode === 0 ? "success" : "error";
    writeOut(JSON.stringify(wire.hookResponseMessage(env, { id: event.id, name: hookName(run.hook), event: run.hook.event, stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode, outcome })));
  });
}

async function runPrepared(options: RunOptions, prepared: PreparedRun, channel: ControlChannel, slot: TurnSlot): Promise<number> {
  const { session, setup, hooks, extensions, invocation } = prepared;
  if (setup.missingKey) {
    writeErr(await keyHelp(setup));
    return EXIT.error;
  }
  const missing = missingPromptTool(options, prepared);
  if (missing) {
    writeErr(`hone: ${missing}`);
    return EXIT.usage;
  }
  if (options.includeHookEvents) emitHookEvents(hooks, session.id);
  const extra = {
    ...(options.includePartialMessages ? { partialMessages: true } : {}),
    ...(options.maxBudgetUsd !== undefined ? { maxBudgetUsd: options.maxBudgetUsd } : {}),
    ...(setup.structured ? { structured: setup.structured } : {}),
  };
  const expand = (text: string, signal: AbortSignal) => expandUserPrompt(text, extensions, invocation, signal, { slashCommands: !options.disableSlashCommands });
  if (options.inputFormat === "stream-json") {
    // Loaded only for the SDK transport, so a plain -p run does not pay for it.
    const [{ runStreamSession }, { createInterface }] = await Promise.all([import("./stream-session.ts"), import("node:readline")]);
    return await withSignals(async (signal, interruptedBy) =>
      runStreamSession({
        prepared,
        channel,
        slot,
        conversation: { notify: (text) => writeErr(`hone: ${text}`), chatty: false, expand, builtins: !options.disableSlashCommands, contextFigures: true, interruptedBy, ...extra },
        lines: createInterface({ input: process.stdin, crlfDelay: Infinity }),
        write: (message) => writeOut(JSON.stringify(message)),
        writeErr,
        replayUserMessages: options.replayUserMessages,
        allowBypass: options.allowBypass || setup.permissions.mode === "bypassPermissions",
        inventory: await runInventory(extensions),
        signal,
        interruptedBy,
      }),
    );
  }
  let prompt: string | undefined;
  try {
    prompt = await resolvePrompt(options);
  } catch (error) {
    if (!(error instanceof StdinTooLargeError)) throw error;
    writeErr(`hone: ${error.message}`);
    return EXIT.error;
  }
  if (!prompt) {
    writeErr('hone: -p needs a prompt: hone -p "task", or pipe text into it');
    return EXIT.usage;
  }

  const listed = await runInventory(extensions);
  return await withSignals((signal, interruptedBy) =>
    runHeadless(setup, {
      prompt,
      outputFormat: options.outputFormat,
      verbose: options.verbose,
      session,
      ...(hooks ? { hooks } : {}),
      write: writeOut,
      writeErr,
      signal,
      interruptedBy,
      expand,
      builtins: !options.disableSlashCommands,
      inventory: listed,
      extra,
    }),
  );
}

/** Runs `body` with SIGINT/SIGTERM turned into an abort; a second signal exits at once. */
async function withSignals(body: (signal: AbortSignal, interruptedBy: () => "SIGINT" | "SIGTERM" | undefined) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  let interruptedBy: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    if (interruptedBy) process.exit(name === "SIGINT" ? EXIT.sigint : EXIT.sigterm);
    interruptedBy = name;
    controller.abort();
  };
  const onInt = onSignal("SIGINT");
  const onTerm = onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    return await body(controller.signal, () => interruptedBy);
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}

/**
 * Why the run cannot start: for a missing Anthropic key, whether a local OpenAI-compatible server
 * answers on its usual port (then how to use it, with its models), else how to set a key.
 */
async function keyHelp(setup: PreparedRun["setup"]): Promise<string> {
  if (setup.provider.id !== "anthropic" || !setup.missingKey) return setup.missingKey ?? "";
  const { probeLocalServers, noKeyHelp } = await import("./local-servers.ts");
  return noKeyHelp(await probeLocalServers());
}
