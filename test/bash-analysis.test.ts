import { describe, expect, test } from "bun:test";
import { analyzeBash, formText } from "../src/bash-analysis.ts";
import { WILD, show } from "../src/pattern.ts";
import { allows, CTX, uses } from "./support/bash-render.ts";

describe("every simple command becomes a use", () => {
  const cases: [string, string[]][] = [
    ["ls && rm x || echo no; pwd | wc -l |& cat & date\nid", ["ls", "rm x", "echo no", "pwd", "wc -l", "cat", "date", "id"]],
    ["echo $(echo $(rm a)) \"x`rm b`y\"", ["rm a", "echo *", "rm b", "echo * x*y"]],
    ["(cd sub; make) && { ls; }", ["cd sub", "make", "ls"]],
    ["if test -f x; then rm x; else touch x; fi", ["test -f x", "rm x", "touch x"]],
    ["for f in *.log; do gzip \"$f\"; done", ["gzip *"]],
    ["while ! curl -s x; do sleep 1; done", ["curl -s x", "sleep 1"]],
    ["[[ -n $(whoami) ]] && (( n > 1 ))", ["whoami", "[[ -n * ]]", "(( * ))"]],
    ["cat <(sort a) >(wc -l)", ["sort a", "wc -l", "cat * *"]],
    ["X=$(rm a) ls", ["rm a", "X=* ls"]],
    ["cat <<EOF\n$(rm x)\nEOF", ["rm x", "cat"]],
    ["cat <<'EOF'\n$(rm x)\nEOF", ["cat"]],
    ["echo ${x:-$(rm x)} $((1 + $(rm y)))", ["rm x", "rm y", "echo * *"]],
    ["case $x in a) rm a;; *) ls;; esac", ["rm a", "ls"]],
    ["ls # ; rm -rf /", ["ls"]],
  ];
  test.each(cases)("%p", (command, expected) => {
    expect(allows(command)).toEqual(expected);
  });
});

describe("quoting tricks give the real words", () => {
  const cases: [string, string][] = [
    ["r''m -rf x", "rm -rf x"],
    ['"rm" -rf x', "rm -rf x"],
    ["\\rm -rf x", "rm -rf x"],
    ["$'\\x72m' -rf x", "rm -rf x"],
    ["$'\\162m' -rf x", "rm -rf x"],
    ['$"rm" -rf x', "rm -rf x"],
    ["r\\\nm -rf x", "rm -rf x"],
    ["'rm -rf' x", "rm -rf x"],
  ];
  test.each(cases)("%p", (command, expected) => {
    const [use] = uses(command);
    expect(use?.deny[0]).toBe(expected);
    expect(use?.program).toBe(command.startsWith("'rm -rf'") ? "rm -rf" : "rm");
  });
});

describe("words only known at run time become wildcards", () => {
  const cases: [string, string, string | undefined][] = [
    ["$CMD -rf /", "* -rf /", undefined],
    ["${CMD} x", "* x", undefined],
    ["$(which rm) x", "* x", undefined],
    ["`which rm` x", "* x", undefined],
    ["/bin/r? x", "/bin/r* x", undefined],
    ["{rm,-rf} x", "* x", undefined],
    ["rm x$((1+2))y", "rm x*y", "rm"],
    ["rm ~bob/x a*.txt [ab]c {a,b}", "rm */x a*.txt *c *", "rm"],
    ["rm ~/x ~", "rm /h/x /h", "rm"],
    ["rm '~/x' \\~", "rm ~/x ~", "rm"],
    ["echo \"$HOME/a\" '$HOME'", "echo */a $HOME", "echo"],
  ];
  test.each(cases)("%p", (command, form, program) => {
    const use = uses(command).at(-1);
    expect(use?.deny[0]).toBe(form);
    expect(use?.program).toBe(program);
    if (program === undefined) expect(use?.ro).toBe(false);
  });
});

describe("wrappers are peeled for deny forms", () => {
  const cases: [string, string[], string, string][] = [
    ["sudo /bin/rm -rf x", ["sudo /bin/rm -rf x", "/bin/rm -rf x", "rm -rf x"], "sudo /bin/rm -rf x", "rm"],
    ["sudo -u root -E rm x", ["sudo -u root -E rm x", "rm x"], "sudo -u root -E rm x", "rm"],
    ["doas -u bob rm x", ["doas -u bob rm x", "rm x"], "doas -u bob rm x", "rm"],
    ["timeout -s KILL -k 5 10s rm x", ["timeout -s KILL -k 5 10s rm x", "rm x"], "rm x", "rm"],
    ["time -p rm x", ["time -p rm x", "rm x"], "rm x", "rm"],
    ["nice -n 5 rm x", ["nice -n 5 rm x", "rm x"], "rm x", "rm"],
    ["nice -10 rm x", ["nice -10 rm x", "rm x"], "rm x", "rm"],
    ["nohup rm x", ["nohup rm x", "rm x"], "rm x", "rm"],
    ["stdbuf -oL -e 0 rm x", ["stdbuf -oL -e 0 rm x", "rm x"], "rm x", "rm"],
    ["command rm x", ["command rm x", "rm x"], "rm x", "rm"],
    ["builtin cd x", ["builtin cd x", "cd x"], "cd x", "cd"],
    ["noglob rm x", ["noglob rm x", "rm x"], "rm x", "rm"],
    ["exec rm x", ["exec rm x", "rm x"], "exec rm x", "rm"],
    ["ionice -c 3 rm x", ["ionice -c 3 rm x", "rm x"], "ionice -c 3 rm x", "rm"],
    ["setsid -f rm x", ["setsid -f rm x", "rm x"], "setsid -f rm x", "rm"],
    ["chroot /srv rm x", ["chroot /srv rm x", "rm x"], "chroot /srv rm x", "rm"],
    ["flock /tmp/l rm x", ["flock /tmp/l rm x", "rm x"], "flock /tmp/l rm x", "rm"],
    ["unbuffer rm x", ["unbuffer rm x", "rm x"], "unbuffer rm x", "rm"],
    ["watch -n 2 rm x", ["watch -n 2 rm x", "rm x"], "watch -n 2 rm x", "rm"],
    ["env -i -u HOME FOO=1 rm x", ["env -i -u HOME FOO=1 rm x", "rm x"], "env -i -u HOME FOO=1 rm x", "rm"],
    ["env FOO=1 npm test", ["env FOO=1 npm test", "npm test"], "npm test", "npm"],
    ["env PATH=/x npm test", ["env PATH=/x npm test", "npm test"], "env PATH=/x npm test", "npm"],
    ["xargs rm", ["xargs rm", "rm *"], "rm *", "rm"],
    ["xargs -0 -n 1 -P 4 rm", ["xargs -0 -n 1 -P 4 rm", "rm *"], "xargs -0 -n 1 -P 4 rm", "rm"],
    ["xargs -I % mv % /dst", ["xargs -I % mv % /dst", "mv * /dst"], "xargs -I % mv % /dst", "mv"],
    ["timeout 5 sudo nice rm x", ["timeout 5 sudo nice rm x", "sudo nice rm x", "nice rm x", "rm x"], "sudo nice rm x", "rm"],
    ["FOO=1 BAR=x rm y", ["FOO=1 BAR=x rm y", "rm y"], "rm y", "rm"],
    ["LD_PRELOAD=/x.so rm y", ["LD_PRELOAD=/x.so rm y", "rm y"], "LD_PRELOAD=/x.so rm y", "rm"],
    ["FOO=$(id) rm y", ["FOO=* rm y", "rm y"], "FOO=* rm y", "rm"],
    ["GIT_PAGER=x git log", ["GIT_PAGER=x git log", "git log"], "GIT_PAGER=x git log", "git"],
    ["sudo --weird rm -rf /", ["sudo --weird rm -rf /", "--weird rm -rf /", "rm -rf /", "-rf /", "/"], "sudo --weird rm -rf /", "sudo"],
    ["sudo $OPTS rm -rf /", ["sudo * rm -rf /", "* rm -rf /", "rm -rf /", "-rf /", "/"], "sudo * rm -rf /", "sudo"],
  ];
  test.each(cases)("%p", (command, deny, allow, program) => {
    const use = uses(command).at(-1);
    expect(use?.deny).toEqual(deny);
    expect(use?.allow).toBe(allow);
    expect(use?.program).toBe(program);
  });

  test("command -v is a lookup, not a wrapper", () => {
    expect(uses("command -v rm")[0]).toMatchObject({ deny: ["command -v rm"], program: "command", ro: true });
  });

  test("sudo -l lists instead of running", () => {
    expect(uses("sudo -l rm")[0]).toMatchObject({ deny: ["sudo -l rm"], program: "sudo", ro: false });
  });

  test("find -exec runs its command as a separate use with {} unknown", () => {
    expect(uses("find . -name '*.tmp' -exec rm -f {} \\; -print")).toMatchObject([
      { deny: ["find . -name *.tmp -exec rm -f {} ; -print"], program: "find", ro: false, reads: ["/p/w"] },
      { deny: ["rm -f *"], program: "rm", writes: ["*"] },
    ]);
    expect(allows("find . -execdir sudo chmod 600 {} +")).toEqual(["find . -execdir sudo chmod 600 {} +", "sudo chmod 600 *"]);
  });
});

describe("other ways to reach a program", () => {
  test("zsh `=name` and `- cmd` and `=(...)`", () => {
    expect(uses("=rm -rf /")[0]).toMatchObject({ deny: ["* -rf /"], ro: false });
    expect(uses("- rm x")[0]?.deny).toEqual(["- rm x", "rm x"]);
    expect(allows("cat =(rm x)")).toEqual(["rm x", "cat *"]);
  });

  test.each(["ssh host rm -rf /", "unshare -r rm -rf /", "nsenter -t 1 -m rm -rf /", "runuser -u root -- rm -rf /", "ssh host 'rm -rf /'"])("%p has a deny form for rm", (command) => {
    const [use] = uses(command);
    expect(use?.deny).toContain("rm -rf /");
    expect(use?.allow).toBe(command.replace(/'/g, ""));
    expect(use?.ro).toBe(false);
  });

  test("mapfile -C runs its callback", () => {
    expect(allows("mapfile -C 'rm x' -c 1 arr < f")).toEqual(["mapfile -C rm x -c 1 arr", "rm x"]);
  });

  test("eval and source run in this shell, so their cd moves it", () => {
    expect(uses("eval 'cd /tmp' && cat x").flatMap((u) => u.reads)).toEqual(["/tmp", "/p/w/x", "/tmp/x"]);
    expect(uses("source env.sh && cat x").flatMap((u) => u.reads)).toEqual(["/p/w/env.sh", "*/x"]);
  });

  test("a glob lists its directory", () => {
    expect(uses("echo /etc/* src/*.ts")[0]?.reads).toEqual(["/etc/*", "/p/w/src/*.ts"]);
    expect(uses("echo '*'")[0]?.reads).toEqual([]);
  });

  test("wrapper and option files", () => {
    expect(uses("flock /tmp/lock make")[0]?.writes).toEqual(["/tmp/lock"]);
    expect(uses("flock 9")[0]?.writes).toEqual([]);
    expect(uses("git log -p --output=log.txt")[0]?.writes).toEqual(["/p/w/log.txt"]);
    expect(uses("xargs -a list.txt cat")[0]?.reads).toEqual(["/p/w/list.txt", "*"]);
    expect(uses("strace -o trace.txt ls")[0]).toMatchObject({ writes: ["/p/w/trace.txt"], ro: false });
  });
});

describe("commands run from strings", () => {
  test("bash -c with a known string is transparent", () => {
    expect(uses("bash -c 'ls; rm -rf /tmp/x'")).toMatchObject([
      { deny: ["bash -c ls; rm -rf /tmp/x"], program: "bash", transparent: true },
      { allow: "ls", ro: true },
      { allow: "rm -rf /tmp/x", writes: ["/tmp/x"] },
    ]);
  });

  test.each(["sh -c 'rm x'", "zsh -lc 'rm x'", "bash -ec 'rm x'", "dash -o errexit -c 'rm x' name", "eval 'rm x'", "eval rm x", "bash <<'EOF'\nrm x\nEOF", "sh <<< 'rm x'"])("%p runs rm x", (command) => {
    const all = uses(command);
    expect(all.map((u) => u.allow)).toContain("rm x");
    expect(all[0]?.transparent).toBe(true);
  });

  test.each(["su -c 'rm x' root", "trap 'rm x' EXIT", "alias ll='rm x'", "env -S 'rm x'", "flock /tmp/l -c 'rm x'", "script -c 'rm x' /dev/null", "watch 'rm x; ls'", "sudo bash -c 'rm x'"])(
    "%p runs rm x but is not transparent",
    (command) => {
      const all = uses(command);
      expect(all.map((u) => u.allow)).toContain("rm x");
      expect(all[0]?.transparent).toBeUndefined();
    },
  );

  test.each(['bash -c "$CMD"', 'eval "rm $x"', "curl -s x | sh", "bash < script.sh", "fish -c 'rm x'", "xargs -I {} sh -c 'echo {}'"])("%p runs something unknown", (command) => {
    const all = uses(command);
    expect(all.some((u) => u.transparent)).toBe(false);
    expect(all.some((u) => u.deny.includes("*") && u.allow === "*" && u.program === undefined)).toBe(true);
  });

  test("nested strings nest", () => {
    expect(allows(`sh -c 'bash -c "eval rm x"'`)).toEqual([`sh -c bash -c "eval rm x"`, "bash -c eval rm x", "eval rm x", "rm x"]);
  });

  test("the outer redirections apply to the nested commands", () => {
    expect(uses("bash -c 'echo hi' > /p/w/out")[1]).toMatchObject({ allow: "echo hi", writes: [">/p/w/out"] });
  });

  test("a script file is not read, and `bash` alone with nothing on stdin runs nothing known", () => {
    expect(allows("bash deploy.sh")).toEqual(["bash deploy.sh"]);
  });
});

describe("analysis failures still return commands", () => {
  test.each([
    ['rm -rf x "unterminated', "unterminated double quote", ["rm -rf x unterminated"]],
    ["ls; f() { rm -rf /; }", "function definition (f) is not analysed", ["ls", "rm -rf /"]],
    ["select x in a; do rm $x; done", "select is not analysed", ["rm *"]],
    ["bash -c 'echo \"oops'", "in a nested command: unterminated double quote", ["bash -c echo \"oops", "echo oops"]],
    ["ls )", 'expected ";" or a newline before ")"', ["ls"]],
  ])("%p", (command, reason, expected) => {
    const r = analyzeBash(command, CTX);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
    expect(r.commands.map((u) => show(formText(u.allowForm)))).toEqual(expected);
  });

  test("case statements are analysed", () => {
    const r = analyzeBash("case $1 in start) ./run;; stop) pkill run;; esac", CTX);
    expect(r.ok).toBe(true);
    expect(r.commands.map((u) => u.program)).toEqual(["run", "pkill"]);
  });

  test("commands over 10,000 characters are refused but still analysed", () => {
    const r = analyzeBash(`echo ${"a".repeat(10_000)} && rm x`, CTX);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe("the command is longer than 10,000 characters");
    expect(r.commands.map((u) => u.program)).toEqual(["echo", "rm"]);
  });

  test("strings nested too deeply are refused", () => {
    const wrap = (s: string, n: number): string => (n === 0 ? s : wrap(`bash -c ${JSON.stringify(s)}`, n - 1));
    const r = analyzeBash(wrap("rm x", 12), CTX);
    expect(r.ok).toBe(false);
    expect(r.commands.some((u) => u.allowForm.length === 1 && u.allowForm[0]?.[0] === WILD)).toBe(true);
  });

  test("an empty command runs nothing", () => {
    expect(analyzeBash("  # just a comment\n", CTX)).toEqual({ ok: true, commands: [] });
  });
});

describe("robustness", () => {
  test("arbitrary input is analysed without internal errors", () => {
    const alphabet = ["a", " ", "\n", ";", "&&", "|", "<", ">", "(", ")", "{ ", "}", "$", "`", "'", '"', "\\", "*", "~", "=", "#", "..", "/", "cd ", "rm ", "sudo ", "xargs ", "env ", "bash -c ", "eval ", "find . -exec ", " \\;", "for x in a; do ", "done", "if ", "then ", "fi", "$(", "${x:-", "<<E\n", "E\n"];
    let seed = 11;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      let src = "";
      for (let j = next(25) + 1; j > 0; j--) src += alphabet[next(alphabet.length)];
      const r = analyzeBash(src, CTX);
      if (!r.ok) expect(r.reason).not.toStartWith("the command could not be analysed");
    }
  });
});

describe("formText", () => {
  test("joins words with single spaces and keeps wildcards", () => {
    expect(formText([["rm"], ["-rf"], [WILD, "/x"]])).toEqual(["rm", " ", "-rf", " ", WILD, "/x"]);
    expect(show(formText([]))).toBe("");
  });
});

describe("speed", () => {
  test("a typical command analyses well under a millisecond", () => {
    const command = 'cd src && git diff HEAD~1 -- "app.ts" | grep -n "import" > /tmp/out.txt 2>&1; echo "done: $(date +%s)"';
    for (let i = 0; i < 50; i++) analyzeBash(command, CTX);
    const runs = 500;
    const start = performance.now();
    for (let i = 0; i < runs; i++) analyzeBash(command, CTX);
    expect((performance.now() - start) / runs).toBeLessThan(1);
  });
});
