// Commands and paths that try to get around permission rules. `evil` stands for a program a deny rule
// covers (tests put a real `evil` on PATH that leaves a marker when it runs); `.env` holds a secret that
// Read(.env) denies; protected/ is covered by Edit(protected/**). Every entry must end in zero runs of
// evil, zero reads of the secret and zero writes under protected/.

/** Ways to run `evil` that a deny rule on it must catch. */
export const DENIED_COMMANDS: string[] = [
  // plain, with arguments, with paths
  "evil", "evil --now", "evil -rf /", "  evil  ", "\tevil", "EVIL_MODE=1 evil", "$EVILDIR/evil", "./bin/evil", "bin/evil", "../project/bin/evil",
  // quoting tricks
  "e''vil", 'e""vil', '"evil"', "'evil'", "\\evil", "e\\vil", "$'\\x65vil'", "$'\\145vil'", "$'e'vil", '"e"v"i"l', "'e'\"v\"il", "$\"evil\"",
  // separators and chaining
  "true && evil", "false || evil", "true; evil", "true;evil", "true&&evil", "true||evil", "ls | evil", "ls |& evil", "ls|evil",
  "evil & wait", "true &\nevil", "true\nevil", "true\n\nevil", "echo a;\n evil", "! evil", "true && false || evil",
  // grouping, subshells, control flow
  "(evil)", "( evil )", "{ evil; }", "(true; (evil))", "if true; then evil; fi", "if evil; then true; fi", "if false; then true; else evil; fi",
  "for i in 1; do evil; done", "for i in 1 2; do echo $i; evil; done", "while evil; do break; done", "until evil; do break; done",
  "[[ -n x ]] && evil", "(( 1 )) && evil", "true && { false || evil; }",
  // substitutions
  "echo $(evil)", "echo `evil`", 'echo "$(evil)"', 'echo "`evil`"', "X=$(evil)", "X=`evil` true", 'echo "${X:-$(evil)}"', "echo $(echo $(evil))",
  "cat <(evil)", "echo x > >(evil)", "diff <(evil) <(true)", "echo $( (evil) )", "ls $(evil)", "test -n \"$(evil)\"", "echo $((1))$(evil)",
  "cat <<EOF\n$(evil)\nEOF", "cat <<EOF\n`evil`\nEOF", "ls > $(evil)", "ls 2>`evil`",
  // wrappers
  "env evil", "env X=1 evil", "env -i evil", "env -u HOME evil", "env -- evil", "timeout 5 evil", "timeout -s KILL 5 evil", "timeout -k 1 5 evil",
  "nice evil", "nice -n 5 evil", "nohup evil", "stdbuf -oL evil", "command evil", "builtin evil", "exec evil", "time evil", "time -p evil",
  "noglob evil", "setsid evil", "sudo evil", "sudo -u root evil", "sudo -E evil", "doas evil", "ionice -c 3 evil", "nohup nice -n 1 timeout 9 evil",
  "xargs evil", "echo | xargs evil", "echo x | xargs -n 1 evil", "echo x | xargs -I{} evil {}", "echo x | xargs -0 evil", "printf 'a\\0' | xargs -0 -P 2 evil",
  "find . -maxdepth 0 -exec evil \\;", "find . -maxdepth 0 -exec evil {} +", "find . -maxdepth 0 -execdir evil {} \\;", "find . -maxdepth 0 -ok evil \\;",
  // shells and eval
  "bash -c evil", "bash -c 'evil'", 'sh -c "evil"', "bash -lc 'evil'", "sh -ec 'true; evil'", "bash -c 'true && evil'", 'bash -c "bash -c \'evil\'"',
  "dash -c evil", "eval evil", "eval 'evil'", 'eval "e""vil"', "eval 'true;' evil", "trap evil EXIT", "trap 'evil' EXIT; true", "su -c evil",
  "sh -c 'ls | evil'", "bash -c \"$(echo evil)\"", "eval \"$(echo evil)\"", "env sh -c evil", "timeout 5 bash -c 'evil'", "xargs sh -c 'evil'",
  // variables and expansions standing in for the program
  "$CMD", "${CMD}", "$CMD --flag", "e=evil; $e", "X=evil; $X", "${X:-evil}", "\"$X\"", "$(echo evil)", "`echo evil`", "ev$@il", "ev${NOTHING}il",
  "{evil,true}", "ev*l", "ev?l", "ev[i]l", "~/evil", "$HOME/evil",
  // redirections around the call
  "evil > /dev/null", "evil 2>&1", "evil < /dev/null", ">/dev/null evil", "2>/dev/null evil", "evil >> out.log", "evil &> out.log", "evil <<< hi",
  "evil <<EOF\nx\nEOF",
];

/** Reads of the secret and writes under protected/ that Read(.env) / Edit(protected/**) must stop. */
export const DENIED_FILE_COMMANDS: string[] = [
  "cat .env", "cat ./.env", "cat sub/../.env", "cat ./sub/./../.env", "cat \"$PWD/.env\"", "cat $PWD/.env", "cat .e*", "cat .en?", "cat < .env",
  "head -n 1 .env", "tail .env", "grep KEY .env", "less .env", "sort .env", "cp .env copy.txt", "cd sub && cat ../.env", "cd sub; cat ../.env",
  "cat $(echo .env)", "cat `echo .env`", "cat link-to-env", "echo x > protected/a.txt", "echo x >> protected/a.txt", "touch protected/a.txt",
  "cp README protected/a.txt", "mv README protected/a.txt", "rm protected/keep.txt", "tee protected/a.txt < README", "echo x > ./protected/a.txt",
  "cd protected && touch a.txt", "echo x > $PWD/protected/a.txt", "mkdir protected/newdir", "sed -i s/a/b/ protected/keep.txt", "ln -s /etc protected/etc",
  "chmod 777 protected/keep.txt", "echo x 2> protected/err.txt", "echo x &> protected/all.txt", "truncate -s 0 protected/keep.txt", "dd if=README of=protected/a.txt",
];

/** Tool-call paths (Read, Write, Edit) that must not reach .env or protected/. `link-to-env` is a symlink to .env; `sub` a folder. */
export const DENIED_PATHS: { tool: "Read" | "Write" | "Edit"; path: string }[] = [
  { tool: "Read", path: ".env" }, { tool: "Read", path: "./.env" }, { tool: "Read", path: "sub/../.env" }, { tool: "Read", path: "sub/./.././.env" },
  { tool: "Read", path: "link-to-env" }, { tool: "Read", path: "sub//..//.env" }, { tool: "Read", path: "../project/.env" }, { tool: "Read", path: "sub/link-up/.env" },
  { tool: "Write", path: "protected/a.txt" }, { tool: "Write", path: "./protected/b.txt" }, { tool: "Write", path: "sub/../protected/c.txt" },
  { tool: "Write", path: "link-to-protected/d.txt" }, { tool: "Edit", path: "protected/keep.txt" }, { tool: "Write", path: ".env" }, { tool: "Edit", path: "link-to-env" },
];

/** Commands that an allow rule for a harmless prefix must not let through (they chain or smuggle evil). */
export const PREFIX_ABUSE: { allow: string; command: string }[] = [
  { allow: "Bash(echo *)", command: "echo hi && evil" },
  { allow: "Bash(echo *)", command: "echo hi; evil" },
  { allow: "Bash(echo *)", command: "echo $(evil)" },
  { allow: "Bash(echo *)", command: "echo `evil`" },
  { allow: "Bash(echo *)", command: "echo hi | evil" },
  { allow: "Bash(echo *)", command: "echo hi\nevil" },
  { allow: "Bash(echo *)", command: "echo hi > /etc/evil-target" },
  { allow: "Bash(git status)", command: "git status; evil" },
  { allow: "Bash(git status:*)", command: "git status && evil" },
  { allow: "Bash(git log:*)", command: "git log --output=/tmp/x; evil" },
  { allow: "Bash(ls:*)", command: "ls `evil`" },
  { allow: "Bash(ls *)", command: "ls || evil" },
  { allow: "Bash(npm test)", command: "npm test & evil" },
  { allow: "Bash(timeout *)", command: "timeout 5 evil" },
];
