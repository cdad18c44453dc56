// Sub-agents in the interactive terminal: a background agent that finishes while hone waits for input
// starts a turn of its own, and the notice is shown in the scrollback.
import { describe, expect, test } from "bun:test";
import { firstUserText, reply, text, toolUse } from "../support/mock-api.ts";
import { replHarness } from "../support/repl-commands-fixture.ts";
import { lastUserText, submit, turnDone } from "../support/repl-checks.ts";
import { hasTmux } from "../support/tmux.ts";

const start = replHarness();

describe.skipIf(!hasTmux())("sub-agents in the REPL", () => {
  test("a background agent finishing while hone is idle starts a turn with its notice", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { t, api } = await start({
      env: { NO_COLOR: "1" },
      width: 100,
      height: 30,
      steps: [
        reply(toolUse("Agent", { description: "deep research", prompt: "BG-REPL research the answer", run_in_background: true })),
        reply(text("Started the research; I will report back.")),
        (req) => reply(text(lastUserText(req).includes("<task-notification>") ? "The research says 42." : "no notice")),
      ],
      routes: [{ prompt: "BG-REPL", steps: [async () => (await held, reply(text("the answer is 42")))] }],
    });
    await submit(t, "research it in the background");
    await turnDone(t, "Started the research; I will report back.");
    // The main conversation's two requests, and the agent's first one, held until released.
    expect(api.requests.filter((r) => !firstUserText(r.body).startsWith("BG-REPL"))).toHaveLength(2);
    release();
    const screen = await turnDone(t, "The research says 42.");
    expect(screen).toMatch(/⏺ agent a[0-9a-f]+ \(deep research\) finished/);
    const last = api.requests.at(-1)!;
    expect(lastUserText(last)).toContain("the answer is 42");
  }, 30_000);
});
