import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  expandBody,
  expandText,
  ExpansionError,
  findFileMentions,
  inlineFileMentions,
  runShellBlocks,
  splitArgs,
  splitShellBlocks,
  type ExpandOptions,
  type ShellRun,
} from "../src/command-expand.ts";

const zero: ExpandOptions = { positional: "zero", vars: {} };
const one: ExpandOptions = { positional: "one", vars: {} };

/** Runs commands with a real sh in `cwd`, recording them; non-zero exits are failures. */
function shell(cwd: string, ran: string[] = []): ShellRun {
  return async (cmd) => {
    ran.push(cmd);
    const r = spawnSync("sh", ["-c", cmd], { cwd, encoding: "utf8" });
    if (r.status === 0) return { ok: true, output: r.stdout + r.stderr };
    return { ok: false, error: `exit ${r.status}: ${r.stderr.trim()}` };
  };
}

describe("splitArgs", () => {
  test("quotes group words, backslashes escape, unterminated quotes take the rest", () => {
    expect(splitArgs(`a "hello world" 'x y'  b\\ c`)).toEqual(["a", "hello world", "x y", "b c"]);
    expect(splitArgs(`pre"mid dle"post`)).toEqual(["premid dlepost"]);
    expect(splitArgs(`"say \\"hi\\""`)).toEqual(['say "hi"']);
    expect(splitArgs(`a "open ended`)).toEqual(["a", "open ended"]);
    expect(splitArgs(`a "" b`)).toEqual(["a", "", "b"]);
    expect(splitArgs("   ")).toEqual([]);
  });
});

describe("expandBody", () => {
  test("$ARGUMENTS is the whole string as typed", () => {
    expect(expandBody("Fix issue $ARGUMENTS now", `#12 "high prio"`, zero)).toBe(`Fix issue #12 "high prio" now`);
  });

  test("$N and $ARGUMENTS[N] are 0-based by default", () => {
    const body = "first=$0 second=$1 again=$ARGUMENTS[1]";
    expect(expandBody(body, `one "two words"`, zero)).toBe("first=one second=two words again=two words");
  });

  test("legacy positional setting makes $1 the first argument; $ARGUMENTS[N] stays 0-based", () => {
    expect(expandBody("a=$1 b=$2 z=$0 i=$ARGUMENTS[0]", "x y", one)).toBe("a=x b=y z=$0 i=x");
  });

  test("indices without an argument are left as written", () => {
    expect(expandBody("pay $5 for $ARGUMENTS[3] and $0", "only", zero)).toBe("pay $5 for $ARGUMENTS[3] and only");
  });

  test("\\$1 escapes a placeholder; other backslashes stay", () => {
    expect(expandBody("literal \\$1 and \\$ARGUMENTS, real $0, shell \\$HOME", "v", zero)).toBe(
      "literal $1 and $ARGUMENTS, real v, shell \\$HOME",
    );
  });

  test("named arguments map by position; missing ones become empty", () => {
    const opts: ExpandOptions = { positional: "zero", vars: {}, named: ["pr", "priority", "owner"] };
    expect(expandBody("PR $pr at $priority by [$owner] ($prx)", `42 "very high"`, opts)).toBe('PR 42 at very high by [] ($prx)');
  });

  test("${VAR} substitutions; unknown names untouched", () => {
    const opts: ExpandOptions = { positional: "zero", vars: { CLAUDE_SKILL_DIR: "/s/dir", CLAUDE_SESSION_ID: "abc" } };
    expect(expandBody("run ${CLAUDE_SKILL_DIR}/x.py --id ${CLAUDE_SESSION_ID} ${OTHER} $CLAUDE_SKILL_DIR", "", opts)).toBe(
      "run /s/dir/x.py --id abc ${OTHER} $CLAUDE_SKILL_DIR",
    );
  });

  test("values are not expanded again", () => {
    expect(expandBody("got $0", "$1", zero)).toBe("got $1");
    expect(expandBody("got $ARGUMENTS", "${CLAUDE_SKILL_DIR}", { positional: "zero", vars: { CLAUDE_SKILL_DIR: "/d" } })).toBe(
      "got ${CLAUDE_SKILL_DIR}",
    );
  });

  test("arguments no placeholder received are appended", () => {
    expect(expandBody("Review the code.", "src/a.ts", zero)).toBe("Review the code.\n\nARGUMENTS: src/a.ts");
    // A price such as $3 is not a placeholder for one argument, so the argument is still appended.
    expect(expandBody("Costs $3.00.", "python", zero)).toBe("Costs $3.00.\n\nARGUMENTS: python");
    expect(expandBody("Escaped \\$ARGUMENTS", "x", zero)).toBe("Escaped $ARGUMENTS\n\nARGUMENTS: x");
    expect(expandBody("No args here.", "  ", zero)).toBe("No args here.");
    expect(expandBody("Use $0", "x y", zero)).toBe("Use x");
  });
});

describe("shell blocks", () => {
  test("inline and fenced blocks are replaced by real output, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-expand-"));
    const ran: string[] = [];
    const text = "Status: !`echo one`\n!`printf 'two\\n\\n'` end\n```!\necho three\necho four >&2\n```\nlast line\n";
    const out = await runShellBlocks(text, shell(dir, ran));
    expect(out).toBe("Status: one\ntwo end\nthree\nfour\nlast line\n");
    expect(ran).toEqual(["echo one", "printf 'two\\n\\n'", "echo three\necho four >&2"]);
  });

  test("!` inside a word, or an unclosed fence, is not a command", async () => {
    const text = "Use `tokio::select!` here and a!`not this`\n```!\nnever closed";
    const ran: string[] = [];
    expect(await runShellBlocks(text, shell(tmpdir(), ran))).toBe(text);
    expect(ran).toEqual([]);
    expect(splitShellBlocks("plain")).toEqual([{ kind: "text", text: "plain" }]);
  });

  test("the first failure aborts: later commands never run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-expand-"));
    const ran: string[] = [];
    const text = "!`echo ok`\n!`sh -c 'echo broken >&2; exit 3'`\n!`touch later`";
    const error = await runShellBlocks(text, shell(dir, ran)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpansionError);
    expect((error as ExpansionError).command).toBe("sh -c 'echo broken >&2; exit 3'");
    expect((error as Error).message).toContain("exit 3: broken");
    expect(ran).toHaveLength(2);
  });

  test("a refusal or a throwing runner is an ExpansionError naming the command", async () => {
    const refuse: ShellRun = async (cmd) => ({ ok: false, error: `not allowed: ${cmd} needs Bash permission` });
    await expect(runShellBlocks("x !`rm -rf build`", refuse)).rejects.toThrow("`rm -rf build` did not run: not allowed");
    const boom: ShellRun = async () => {
      throw new Error("spawn failed");
    };
    await expect(runShellBlocks("!`ls`", boom)).rejects.toBeInstanceOf(ExpansionError);
  });

  test("huge output is cut to its tail", async () => {
    const out = await runShellBlocks("!`seq 1 100000`", shell(tmpdir()));
    expect(out.length).toBeLessThan(40_000);
    expect(out).toContain("[output truncated");
    expect(out.endsWith("100000")).toBe(true);
  });
});

describe("file mentions", () => {
  test("paths, not emails or MCP resources; missing files stay as typed", () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-mention-"));
    writeFileSync(join(dir, "notes.md"), "remember this\n");
    const read = (p: string): string | undefined => {
      try {
        return readFileSync(join(dir, p), "utf8");
      } catch {
        return undefined;
      }
    };
    expect(findFileMentions("see @notes.md, mail a@b.com, @docs:file://x and `@code.ts`")).toEqual(["notes.md"]);
    const out = inlineFileMentions("Read @notes.md and @missing.md.", read);
    expect(out).toBe('Read @notes.md and @missing.md.\n\n<file path="notes.md">\nremember this\n</file>');
    expect(inlineFileMentions("nothing", read)).toBe("nothing");
  });
});

describe("expandText (the whole pipeline)", () => {
  test("arguments fill command placeholders but cannot add commands", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-pipe-"));
    const ran: string[] = [];
    const out = await expandText("Diff: !`echo diff-of-$0`\nAsked: $ARGUMENTS", "main !`touch pwned`", zero, shell(dir, ran), () => undefined);
    expect(ran).toEqual(["echo diff-of-main"]);
    expect(out).toBe("Diff: diff-of-main\nAsked: main !`touch pwned`");
  });

  test("mentions come from the body and arguments, not from command output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hone-pipe-"));
    const seen: string[] = [];
    const read = (p: string): string | undefined => {
      seen.push(p);
      return p === "a.txt" ? "A" : undefined;
    };
    const out = await expandText("Out: !`echo @fromoutput.txt`", "@a.txt", zero, shell(dir), read);
    expect(seen).toEqual(["a.txt"]);
    expect(out).toBe('Out: @fromoutput.txt\n\nARGUMENTS: @a.txt\n\n<file path="a.txt">\nA\n</file>');
  });
});
