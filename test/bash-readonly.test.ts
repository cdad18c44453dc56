import { describe, expect, test } from "bun:test";
import { analyzeBash } from "../src/bash-analysis.ts";
import { sedScriptIsSafe } from "../src/sed-script.ts";
import { CTX, uses } from "./support/bash-render.ts";

/** Whether every part of the command is read-only (what lets it run without a prompt). */
function readOnly(command: string): boolean {
  return uses(command).every((u) => u.ro);
}

describe("read-only allowlist", () => {
  const yes = [
    "ls -la src", "cat a b", "head -n 3 f", "tail -20 f", "wc -l f", "grep -rn foo src", "egrep x f", "fgrep x f", "rg -n foo src",
    "find . -name '*.ts' -type f -print", "find src -newer ref -maxdepth 2", "echo hi", "printf '%s\\n' a", "pwd", "which git", "whereis ls",
    "type cd", "command -v node", "command -V node", "file x", "stat x", "du -sh .", "df -h", "diff a b", "cmp a b", "sort -k2 -n f",
    "sort -u", "uniq -c f", "cut -d: -f1 f", "tr a-z A-Z", "nl f", "tac f", "rev f", "basename /a/b", "dirname /a/b", "realpath x",
    "readlink -f x", "date", "date +%Y-%m-%d", "date -d yesterday", "printenv HOME", "env", "env -u X", "id", "whoami", "uname -a",
    "hostname", "true", "false", "test -f x", "[ -d x ]", "[[ -n x ]]", "(( 1 + 2 ))", "jq .a f.json", "tree -L 2", "column -t f",
    "od -c f", "hexdump -C f", "strings f", "md5sum f", "sha256sum f", "seq 10", "sleep 1", "cd src", ":",
    "git status", "git log --oneline -5", "git diff HEAD~1 -- src", "git show HEAD:src/a.ts", "git branch", "git branch -a", "git branch -vv",
    "git branch --show-current", "git branch --list 'feat*'", "git tag", "git tag -l 'v*'", "git tag -n5", "git remote", "git remote -v",
    "git rev-parse HEAD", "git ls-files", "git blame f", "git describe --tags", "git shortlog -s", "git grep -n foo", "git --no-pager log",
    "timeout 5 ls", "nice -n 5 cat f", "time ls", "nohup ls", "xargs cat", "xargs -0 cat", "FOO=1 ls", "x=1", "out=$(git status)",
    "set -euo pipefail", "set -x", "set +e", "export NODE_ENV=test", "export FOO BAR=1", "exit 1", "ls || exit 1",
    "/bin/ls", "/usr/bin/cat f", "ls > out.txt", "cat <(ls)", "exec ls", "command ls --weird", "watch ls",
  ];
  test.each(yes)("%p is read-only", (command) => {
    expect(readOnly(command)).toBe(true);
  });

  const no = [
    "rm x", "sed -n p f", "awk '{print}' f", "python -c 'print(1)'", "node -e 1", "npm test", "make", "bash x.sh", "touch f", "mkdir d",
    "rg --pre=sh foo", "rg --pre sh foo", "rg --hostname-bin=sh foo", "rg $OPTS foo",
    "find . -exec rm {} \\;", "find . -execdir ls \\;", "find . -ok rm {} \\;", "find . -okdir rm {} \\;", "find . -delete",
    "find . -fprint out", "find . -fprint0 out", "find . -fprintf out %p", "find . -fls out", "find $DIR", "find . $ACTION", "find . -name $PAT",
    "printf -v x y", "printf $FMT", "file -C", "file --compile", "sort -o out f", "sort --output=out f", "sort -uo out f",
    "sort --compress-program=sh f", "sort $OPTS f", "uniq in out", "uniq $FILES", "date -s now", "date --set=now", "date 0101", "date $D",
    "env -S 'rm x'", "hostname newname", "tree -o out", "tree $OPTS",
    "git -c core.pager=sh log", "git -C /tmp status", "git --git-dir=x status", "git log --output=x", "git diff --output x", "git log -o x",
    "git grep -O foo", "git grep -nO foo", "git grep --open-files-in-pager=vim foo", "git branch -d x", "git branch -D x", "git branch newb",
    "git branch -m a b", "git tag v1", "git tag -d v1", "git tag -a v1 -m x", "git remote add o u", "git remote remove o", "git commit -m x",
    "git push", "git checkout x", "git log $OPTS", "git stash",
    "sudo ls", "sudo cat /etc/shadow", "doas ls", "env PATH=/x ls", "PATH=/x ls", "LD_PRELOAD=x cat f", "HOME=/tmp git status",
    "XDG_CONFIG_HOME=. git status", "RIPGREP_CONFIG_PATH=x rg foo", "NODE_OPTIONS=x ls", "GIT_DIR=x git log", "PAGER=x git log",
    "MANPAGER=x ls", "BASH_ENV=x ls", "IFS=x", "PATH=/tmp", "time -o log ls", "./ls", "bin/cat f", "$LS", "chroot /x ls",
    "set -k", "set -- a b", "set -o vi", "set $OPTS", "export PATH=/x", "export LD_PRELOAD", "export -f f",
  ];
  test.each(no)("%p is not read-only", (command) => {
    expect(readOnly(command)).toBe(false);
  });
});

describe("file edits (acceptEdits)", () => {
  const cases: [string, boolean][] = [
    ["mkdir -p a/b", true],
    ["touch f", true],
    ["rm -rf build", true],
    ["rmdir d", true],
    ["mv a b", true],
    ["cp -r a b", true],
    ["sed -i 's/a/b/g' f", true],
    ["sed -i -e '/x/d' -e 's|a|b|' f", true],
    ["sed -i '1i header' f", true],
    ["sed -i 'y/abc/xyz/' f", true],
    ["sed -i '/start/,/end/{s/a/b/;p}' f", true],
    ["timeout 5 rm f", true],
    ["sed -i 's/a/b/e' f", false],
    ["sed -i 's/a/b/w out' f", false],
    ["sed -i 'e id' f", false],
    ["sed -i '1r /etc/passwd' f", false],
    ["sed -i 'w /etc/x' f", false],
    ["sed -i -f script.sed f", false],
    ["sed -i \"$SCRIPT\" f", false],
    ["sudo rm f", false],
    ["xargs rm", true],
    ["env PATH=. rm f", false],
    ["./rm f", false],
    ["chmod 600 f", false],
    ["tee f", false],
  ];
  test.each(cases)("%p → %p", (command, edit) => {
    expect(uses(command).at(-1)?.edit).toBe(edit);
  });

  test("sed scripts", () => {
    expect(sedScriptIsSafe("s/a/b/g; /x/d; 1,5p; $!N; :a; ta; y/a/b/; 10q")).toBe(true);
    expect(sedScriptIsSafe("a text with e and w in it")).toBe(true);
    expect(sedScriptIsSafe("\\%x%s/a/b/I")).toBe(true);
    expect(sedScriptIsSafe("s/a/b/ge")).toBe(false);
    expect(sedScriptIsSafe("1e id")).toBe(false);
    expect(sedScriptIsSafe("W /tmp/x")).toBe(false);
    expect(sedScriptIsSafe("R /etc/passwd")).toBe(false);
    expect(sedScriptIsSafe("s/a/b")).toBe(false);
    expect(sedScriptIsSafe("s/a[/]/b/")).toBe(false);
  });
});

describe("code hidden in variables (arithmetic, ${!x}, test -v)", () => {
  const cases: [string, boolean][] = [
    ["echo $((1 + 2))", true],
    ["echo $((i + 1))", true],
    ["x=5; echo $((x + 1))", true],
    ["x='a[$(id)]'; echo $((x))", false],
    ["x=$(cat f); (( x > 1 ))", false],
    ["x=$(cat f); [[ $x -eq 1 ]]", false],
    ["x=$(cat f); [[ $x == 1 ]]", true],
    ["x=$(cat f); [ -v \"$x\" ]", false],
    ["x=$(cat f); echo ${!x}", false],
    ["x=$(cat f); echo ${x@P}", false],
    ["x=$(cat f); echo ${arr[x]}", false],
    ["x=$(cat f); echo ${arr[0]} ${#arr[@]} ${x:1:2}", true],
    ["read x < f; echo $((x))", false],
    ["for x in *; do echo $((x)); done", false],
    ["for i in 1 2 3; do echo $((i * 2)); done", true],
  ];
  test.each(cases)("%p: last command read-only %p", (command, ro) => {
    expect(uses(command).at(-1)?.ro).toBe(ro);
  });
});

describe("the brief's required behaviours, end to end", () => {
  test("deny forms see through wrappers, allow form keeps unsafe ones", () => {
    const r = analyzeBash("sudo -u root timeout 5 /bin/rm -rf /srv", CTX);
    expect(r.ok).toBe(true);
    const use = r.commands[0];
    expect(use?.program).toBe("rm");
    expect(use?.readOnly).toBe(false);
    expect(use?.fileEdit).toBe(false);
    expect(use?.writes.map((w) => w.via)).toEqual(["argument"]);
  });
});
