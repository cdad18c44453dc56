// Window titles and notifications: the bytes each channel writes, and when the session writes them.
import { describe, expect, test } from "bun:test";
import { autoChannel, createTerminalSignals, LONG_TURN_MS, notification, titleSequence, type NotifChannel } from "../src/terminal-signals.ts";

describe("notification bytes", () => {
  test("each channel writes its own sequence, control characters kept out of the message", () => {
    const env = {};
    expect(notification("terminal_bell", "x", env)).toBe("\x07");
    expect(notification("iterm2", "done\x1b]0;evil\x07", env)).toBe("\x1b]9;done ]0;evil\x07");
    expect(notification("iterm2_with_bell", "done", env)).toBe("\x1b]9;done\x07\x07");
    expect(notification("kitty", "done", env)).toBe("\x1b]99;i=hone:d=0;done\x1b\\");
    expect(notification("ghostty", "done", env)).toBe("\x1b]777;notify;hone;done\x07");
    expect(notification("notifications_disabled", "done", env)).toBe("");
  });

  test("auto picks the terminal's own notifications and stays silent in unknown terminals", () => {
    expect(autoChannel({ TERM_PROGRAM: "iTerm.app" })).toBe("iterm2");
    expect(autoChannel({ TERM_PROGRAM: "ghostty" })).toBe("ghostty");
    expect(autoChannel({ TERM: "xterm-kitty" })).toBe("kitty");
    expect(notification("auto", "done", { TERM: "xterm-256color" })).toBe("");
  });

  test("titles are one bounded line", () => {
    expect(titleSequence("a\nb")).toBe("\x1b]0;a b\x07");
    expect(titleSequence("x".repeat(200)).length).toBeLessThan(90);
  });
});

describe("the session's signals", () => {
  const fixture = (env: Record<string, string> = {}, channel: NotifChannel = "terminal_bell") => {
    let out = "";
    const signals = createTerminalSignals({ write: (t) => (out += t), env, cwd: "/work/project", channel: () => channel });
    return { signals, out: () => out, reset: () => (out = "") };
  };

  test("the title names the folder, then the first real prompt, and the user's title comes back at the end", () => {
    const f = fixture();
    f.signals.started();
    expect(f.out()).toBe("\x1b[22;0t\x1b]0;hone · project\x07");
    f.reset();
    f.signals.prompted("/help");
    expect(f.out()).toBe("");
    f.signals.prompted("fix the parser\nand more");
    f.signals.prompted("a second prompt");
    expect(f.out()).toBe("\x1b]0;hone · fix the parser\x07");
    f.reset();
    f.signals.stop();
    expect(f.out()).toBe("\x1b[23;0t");
  });

  test("CLAUDE_CODE_DISABLE_TERMINAL_TITLE leaves the title alone", () => {
    const f = fixture({ CLAUDE_CODE_DISABLE_TERMINAL_TITLE: "1" });
    f.signals.started();
    f.signals.prompted("fix it");
    f.signals.stop();
    expect(f.out()).toBe("");
  });

  test("a permission ask and a long turn notify; a short turn does not", () => {
    const f = fixture();
    f.signals.turnEnded(LONG_TURN_MS - 1);
    expect(f.out()).toBe("");
    f.signals.turnEnded(LONG_TURN_MS);
    expect(f.out()).toBe("\x07");
    f.signals.asking("Bash");
    expect(f.out()).toBe("\x07\x07");
  });
});
