// `hone` without -p: the interactive session. The prompt is drawn at once and the run (settings,
// session, MCP servers) prepared behind it; then keys edit the prompt, Enter sends it as a turn or runs
// a built-in command, and the turn's events are drawn as they stream. Typing goes on while the model
// works: messages sent meanwhile are queued for the next turn.
import { createColors } from "picocolors";
import type { RunOptions } from "./cli.ts";
import type { Conversation } from "./conversation.ts";
import { EXIT } from "./exit-codes.ts";
import { createKeyDecoder, type Key } from "./keys.ts";
import type { UserBlock } from "./messages.ts";
import { setupProblem, type PreparedRun } from "./prepare-run.ts";
import { commandInfos, ALL_COMMANDS } from "./repl-command-list.ts";
import { findCommand, runCommand, type ReplContext } from "./repl-commands.ts";
import { createDialogs } from "./repl-dialogs.ts";
import { createPromptInput } from "./repl-input.ts";
import { createActionHandler } from "./repl-actions.ts";
import { createTurnView, type TurnView } from "./repl-view.ts";
import { composeFrame, STARTING_HINT } from "./repl-frame.ts";
import type { EarlyTerminal } from "./repl-early.ts";
import { createCompletionMenu } from "./repl-completion.ts";
import { openInputHistory } from "./input-history.ts";
import { createPasteStore } from "./paste-store.ts";
import { runBang } from "./repl-bang.ts";
import { mentionAttachments } from "./mention-files.ts";
import { nextMode } from "./repl-modes.ts";
import { createScreen, type LiveFrame } from "./screen.ts";
import { openTerminal } from "./terminal.ts";
import { historyRows } from "./repl-history-view.ts";
import { createIdleCollector } from "./idle-collect.ts";
import type { ReplBuddy } from "./repl-buddy.ts";
import { sideRequest } from "./side-request.ts";
import { record } from "./cost.ts";
import { createRunFactory } from "./repl-run.ts";
import { createWorkQueue } from "./repl-queue.ts";
import { noticeLine, noticeText } from "./tasks.ts";
import { createTerminalSignals } from "./terminal-signals.ts";
import { createStatusTracker, startStatusLine, statusLineInput } from "./repl-status.ts";
import type { StatusLine } from "./status-line.ts";

interface Running {
  controller: AbortController;
  view?: TurnView;
}

/** `early`: the terminal main.ts opened, with the starting frame already on it. */
export async function runRepl(options: RunOptions, early?: EarlyTerminal): Promise<number> {
  const env = process.env;
  const terminal = early?.terminal ?? openTerminal(process.stdin, process.stdout, env);
  const screen = early?.screen ?? createScreen({ write: terminal.write, columns: terminal.columns, rows: terminal.rows });
  const c = createColors(terminal.color);
  const cwd = process.cwd();
  const history = openInputHistory(env, cwd, { onError: (message) => print([c.yellow(`hone: prompt history: ${message}`)]) });
  const pastes = createPasteStore();
  let run: PreparedRun | undefined;
  let conversation: Conversation | undefined;
  let running: Running | undefined;
  let hint: string | undefined;
  let hintTimer: ReturnType<typeof setTimeout> | undefined;
  let statusLines: string[] = [];
  let statusLine: StatusLine | undefined;
  const tracker = createStatusTracker();
  const signals = createTerminalSignals({ write: terminal.write, env, cwd, channel: () => run?.settings.preferredNotifChannel });
  const idle = createIdleCollector();
  let exitCode: number | undefined;
  let bypassAllowed = false;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));

  function refreshStatus(): void {
    paint();
    if (!statusLine || !run || !conversation) return;
    const vim = input.vim ? (input.vim.mode === "insert" ? "INSERT" : "NORMAL") : undefined;
    statusLine.update(statusLineInput(tracker.info(run, conversation, vim)));
  }

  function print(lines: string | string[]): void {
    screen.commit(typeof lines === "string" ? lines.split("\n") : lines);
  }

  const completion = createCompletionMenu({ cwd, commands: () => commandInfos(run), color: terminal.color });
  const input = createPromptInput({ history: () => history.entries(), completion, busy: () => running !== undefined, now: () => performance.now(), recall: (text) => pastes.restore(text, history.pastesFor(text)) });

  // The frame is composed when the screen draws (at most once per frame), not on every call: a streamed
  // answer calls this for every chunk, and composing re-renders the unfinished markdown tail.
  const compose = (): LiveFrame => {
    const frame = composeFrame({
      width: terminal.columns(),
      color: terminal.color,
      turnRows: running?.view?.liveRows(performance.now()) ?? [],
      queued: work.items,
      input,
      completion,
      mode: run?.setup.permissions.mode ?? "default",
      hint: hint ?? (run ? undefined : STARTING_HINT),
      statusLines,
    });
    return buddy ? buddy.decorate(frame) : frame;
  };
  const paint = (): void => screen.setLive(compose);

  const flash = (text: string): void => {
    hint = text;
    if (hintTimer) clearTimeout(hintTimer);
    hintTimer = setTimeout(() => {
      hint = undefined;
      paint();
    }, 1600);
  };

  const stopKeys = (() => {
    let detach: (() => void) | undefined;
    const decoder = createKeyDecoder((key) => onKey(key));
    return {
      attach: () => {
        detach ??= terminal.onData((chunk) => decoder.feed(chunk));
      },
      detach: () => {
        detach?.();
        detach = undefined;
      },
    };
  })();

  const dialogs = createDialogs({
    io: { input: process.stdin, output: process.stdout },
    release: () => {
      stopKeys.detach();
      screen.suspend();
      // The dialog (clack, an editor, a command) gets a plain terminal: no paste brackets, no key protocols.
      terminal.restore();
      return () => {
        terminal.enterRaw();
        stopKeys.attach();
        screen.resume();
        paint();
      };
    },
  });

  const runs = createRunFactory({
    options,
    cwd,
    color: terminal.color,
    width: terminal.columns,
    dialogs,
    signals,
    print,
    current: () => run,
    turnSignal: () => running?.controller.signal,
    observe: (event) => {
      tracker.observe(event);
      running?.view?.onEvent(event);
      paint();
    },
    onBackground: () => void work.pump(),
    refreshStatus,
  });
  const prepare = runs.prepare;
  const conversationFor = runs.conversationFor;

  const ready = (async () => {
    // Prepared after this function has drawn the first frame (its synchronous part takes a few ms).
    await null;
    try {
      run = await prepare(options);
      bypassAllowed = options.allowBypass || run.setup.permissions.mode === "bypassPermissions";
      conversation = conversationFor(run);
      if (run.settings.editorMode === "vim") input.setVim(true);
      signals.started();
      // The import sits inside the feature test so that a build without the feature has none of it.
      if (typeof HONE_FEATURE_BUDDY === "boolean" && HONE_FEATURE_BUDDY) startCompanion(run, import("./repl-buddy.ts"));
      statusLine = startStatusLine(run, env, (lines) => {
        statusLines = lines;
        paint();
      }, (message) => print(c.yellow(`hone: status line: ${message}`)));
      refreshStatus();
      if (run.setup.missingKey) void import("./repl-provider-offer.ts").then((m) => m.offerLocalServer(run!, (text) => print(c.yellow(text))));
      if (run.session.history.length > 0) showResumed(run);
      // hone --ultraplan "<task>" in a terminal: the session starts with that planning run.
      const task = options.ultraplan;
      if (task !== undefined) queueMicrotask(() => work.push(`/ultraplan ${task}`));
    } catch (error) {
      if (setupProblem(error) === undefined) throw error;
      print(c.red(`hone: ${(error as Error).message}`));
      finish(EXIT.usage);
    }
    paint();
  })();

  let buddy: ReplBuddy | undefined;
  /** The companion (feature "buddy"): loaded only in builds that have it. */
  function startCompanion(prepared: PreparedRun, loading: Promise<typeof import("./repl-buddy.ts")>): void {
    const complete = (prompt: string): Promise<string> =>
      sideRequest(prepared.setup.agent, prompt, { maxTokens: 200, onUsage: (m) => conversation && record(conversation.ledger, m.model, m.usage) });
    void loading
      .then((m) => m.startBuddy({ env, color: terminal.color, width: terminal.columns, complete, print, paint }))
      .then((started) => {
        buddy = started;
        paint();
      })
      .catch((error: unknown) => print(c.yellow(`hone: companion: ${(error as Error).message}`)));
  }

  function showResumed(prepared: PreparedRun): void {
    print(historyRows(prepared.session.history, { width: terminal.columns(), color: terminal.color, cwd }));
    print(["", c.dim(`Resumed session ${prepared.session.id} (${prepared.session.history.length} messages).`)]);
  }

  /** What the user sent, into the scrollback above what it leads to. */
  const echo = (shown: string): void => print(["", ...shown.split("\n").map((line, i) => c.dim(`${i === 0 ? "> " : "  "}${line}`))]);

  /** Runs a ! command or a built-in as the busy work: Esc aborts it, Enter queues meanwhile. */
  const busyWith = async (work: (signal: AbortSignal) => Promise<void>): Promise<void> => {
    const controller = new AbortController();
    running = { controller };
    try {
      await work(controller.signal);
    } finally {
      running = undefined;
      paint();
    }
  };

  /** `shown`: the prompt as the user typed it (echoed); undefined for a turn hone starts itself. */
  const submitTurn = async (content: string | UserBlock[], shown: string | undefined): Promise<void> => {
    await ready;
    if (!conversation) return;
    if (shown !== undefined) {
      echo(shown);
      signals.prompted(shown);
    }
    const began = performance.now();
    const controller = new AbortController();
    const active: Running = { controller };
    running = active;
    idle.busy();
    active.view = createTurnView({ commit: (lines) => print(lines), width: terminal.columns, color: terminal.color, cwd });
    const ticker = setInterval(paint, 100);
    try {
      const turn = await conversation.turn(content, controller.signal);
      tracker.turnDone(turn.result);
      active.view.finish();
      if (controller.signal.aborted) print(c.dim("  ⎿  Interrupted · tell hone what to do instead"));
      else if (turn.error !== undefined) print(c.red(`Error: ${turn.error}`));
    } finally {
      clearInterval(ticker);
      running = undefined;
      idle.settled();
      if (!controller.signal.aborted) signals.turnEnded(performance.now() - began);
      refreshStatus();
    }
  };

  const act = async (text: string): Promise<void> => {
    const { text: expanded, images, pasted } = pastes.submit(text);
    history.add(text, pasted);
    await ready;
    if (expanded.startsWith("!") && images.length === 0) {
      const [prepared, talk] = [run, conversation];
      if (prepared && talk) await busyWith((signal) => runBang(expanded.slice(1), { cwd, conversation: talk, run: prepared, print, color: terminal.color, signal }));
      return;
    }
    const found = findCommand(expanded, ALL_COMMANDS);
    if (found && images.length === 0) {
      if (!run) return;
      echo(expanded);
      await busyWith(async (signal) => {
        try {
          await runCommand(found, { ...ctx, signal });
        } catch (error) {
          print(c.red(`/${found.command.name} failed: ${(error as Error).message}`));
        }
      });
      return;
    }
    // A message addressed to the companion by name is its to answer, in one line.
    if (buddy && images.length === 0 && !expanded.startsWith("/")) {
      const answered = await buddy.answer(expanded).catch((error: unknown) => (print(c.red(`companion: ${(error as Error).message}`)), true));
      if (answered) return;
    }
    const canRead = run?.setup.agent.session.canRead ?? (() => true);
    const attached = expanded.startsWith("/") ? [] : mentionAttachments(expanded, cwd, canRead).map((t): UserBlock => ({ type: "text", text: t }));
    const content: string | UserBlock[] = images.length === 0 && attached.length === 0 ? expanded : [...images, { type: "text", text: expanded }, ...attached];
    await submitTurn(content, text);
  };

  const work = createWorkQueue({
    act,
    drainNotices: () => run?.setup.agent.session.tasks.drain() ?? [],
    noticesWaiting: () => (run?.setup.agent.session.tasks.waiting() ?? 0) > 0,
    // Background agents' results and due scheduled prompts, as a turn of their own.
    deliver: async (notices) => {
      print(["", ...notices.map((n) => c.dim(`⏺ ${noticeLine(n)}`))]);
      await submitTurn(noticeText(notices), undefined);
    },
    open: () => exitCode === undefined,
    idle: paint,
  });

  const handle = createActionHandler({
    work,
    pastes,
    cwd,
    home: env.HOME,
    interrupt: () => running?.controller.abort(),
    finish,
    flash,
    cycleMode: () => {
      if (!run) return;
      const permissions = run.setup.permissions;
      permissions.mode = nextMode(permissions.mode, bypassAllowed);
      run.session.recordPermissionMode(permissions.mode);
      refreshStatus();
    },
    clearScreen: () => {
      terminal.write("\x1b[2J\x1b[3J\x1b[H");
      screen.resume();
    },
    insert: (text) => input.insert(text),
    paint,
    background: () => {
      const send = run?.setup.agent.session.sendToBackground;
      send?.();
      return send !== undefined;
    },
    suspend: () => suspend(),
  });

  function onKey(key: Key): void {
    idle.nudge();
    const action = input.key(key);
    if (action) handle(action);
    paint();
    screen.flush();
  }

  const suspend = (): void => {
    screen.suspend();
    terminal.restore();
    process.once("SIGCONT", () => {
      terminal.enterRaw();
      screen.resume();
      paint();
    });
    process.kill(process.pid, "SIGTSTP");
  };

  function finish(code: number): void {
    if (exitCode !== undefined) return;
    exitCode = code;
    if (hintTimer) clearTimeout(hintTimer);
    running?.controller.abort();
    resolveExit(code);
  }

  const ctx: ReplContext = {
    cwd,
    env,
    color: terminal.color,
    options,
    run: () => run!,
    conversation: () => conversation!,
    print,
    dialogs,
    submit: (prompt, shown) => submitTurn(prompt, shown ?? (typeof prompt === "string" ? prompt : "(message)")),
    switchSession: async (how) => {
      const next = await prepare({ ...options, resume: how.resume, continueLatest: false, sessionId: undefined, forkSession: false });
      const old = run;
      if (conversation) await conversation.end();
      run = next;
      conversation = conversationFor(next);
      pastes.clear();
      if (how.show) showResumed(next);
      if (old) {
        await old.close();
        old.session.close();
      }
      refreshStatus();
    },
    setInput: (text) => input.setText(text),
    exit: () => finish(EXIT.ok),
    toggleVim: () => {
      const on = input.vim === undefined;
      input.setVim(on);
      return on;
    },
    width: terminal.columns,
    signal: new AbortController().signal,
    commandList: () => commandInfos(run),
    refreshStatus,
    buddy: () => buddy,
  };

  let columns = terminal.columns();
  const stopResize = terminal.onResize(() => {
    const before = columns;
    columns = terminal.columns();
    running?.view?.resized();
    paint();
    screen.resized(before);
  });
  const onTerm = (): void => finish(EXIT.sigterm);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onTerm);

  terminal.enterRaw();
  stopKeys.attach();
  paint();
  screen.flush();

  const code = await exited;
  idle.stop();
  buddy?.stop();
  runs.close();
  statusLine?.stop();
  stopKeys.detach();
  stopResize();
  process.off("SIGTERM", onTerm);
  process.off("SIGHUP", onTerm);
  await ready.catch(() => undefined);
  signals.stop();
  screen.suspend();
  terminal.restore();
  if (conversation) await conversation.end();
  if (run) {
    await run.close();
    run.session.close();
    if (run.session.transcriptPath && (conversation?.history.length ?? run.session.history.length) > 0) {
      process.stdout.write(c.dim(`Resume this session with: hone --resume ${run.session.id}\n`));
    }
  }
  return code;
}
