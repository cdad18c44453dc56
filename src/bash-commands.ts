// Data tables for Bash command analysis: which variable assignments can change what a command does,
// which programs only run another command (and how their options are shaped), and which commands the
// acceptEdits mode treats as file edits. Read-only checks are in bash-readonly.ts, paths in bash-paths.ts.
import type { OptSpec } from "./bash-options.ts";

/** Variables that change which code runs or where config is read from. */
const DANGEROUS_NAMES = new Set([
  "PATH", "BASH_ENV", "ENV", "IFS", "PS4", "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "CDPATH", "GLOBIGNORE",
  "FPATH", "ZDOTDIR", "HOME", "SHELL", "PAGER", "EDITOR", "VISUAL", "BROWSER", "NODE_OPTIONS", "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE", "PERLLIB", "JAVA_TOOL_OPTIONS", "CLASSPATH", "LESSOPEN", "LESSCLOSE", "LESSKEY",
  "RIPGREP_CONFIG_PATH", "CURL_HOME", "WGETRC", "GCONV_PATH", "NLSPATH", "LOCPATH", "HOSTALIASES", "OPENSSL_CONF",
  "VIMINIT", "EXINIT", "MYVIMRC", "KUBECONFIG", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HGRCPATH",
  "PHPRC", "PHP_INI_SCAN_DIR", "R_PROFILE", "R_PROFILE_USER", "R_ENVIRON", "R_ENVIRON_USER", "CC", "CXX", "LD",
  "AR", "MAKE", "RUSTC", "RUSTDOC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "GOENV", "GOTOOLCHAIN",
]);
const DANGEROUS_PREFIXES = ["LD_", "DYLD_", "GIT_", "PYTHON", "PERL", "RUBY", "BASH_", "XDG_", "NPM_CONFIG_", "YARN_", "CARGO_", "CGO_", "GEM_", "BUNDLE_", "PIP_", "LUA_", "SSH_", "SUDO_", "DOCKER_"];
const DANGEROUS_SUFFIXES = ["PAGER", "_OPTIONS", "_OPTS", "FLAGS", "_ASKPASS"];

export function isDangerousVar(name: string): boolean {
  const upper = name.toUpperCase();
  if (DANGEROUS_NAMES.has(name) || DANGEROUS_NAMES.has(upper)) return true;
  return DANGEROUS_PREFIXES.some((p) => upper.startsWith(p)) || DANGEROUS_SUFFIXES.some((s) => upper.endsWith(s));
}

export interface WrapperSpec extends OptSpec {
  /** Stripped from the allow form (sudo, env with options, ... are not). */
  safe?: boolean;
  /** Stripped only when it has no options at all (xargs, env). */
  safeBare?: boolean;
  /** Changes nothing about what the wrapped command may do: allowed wherever that command is. */
  benign: boolean;
  /** Options with which nothing is run (command -v, sudo -l). */
  noCommand?: readonly string[];
  /** Operands before the command (timeout's duration, chroot's root, flock's lock file). */
  operands?: number;
  /** Options may follow those operands (flock FILE -c CMD). */
  optionsAfterOperands?: boolean;
  /** NAME=value words may come before the command. */
  assignments?: boolean;
  /** Options whose value is a shell command string. */
  stringOpts?: readonly string[];
  /** Options naming the directory the command runs in. */
  chdirOpts?: readonly string[];
  /** Options naming a file the wrapper writes. */
  writeOpts?: readonly string[];
  /** Options naming a file the wrapper reads. */
  readOpts?: readonly string[];
  /** Runs the command under another root directory. */
  chroot?: boolean;
  /** The operands are joined into a string and run by `sh -c` (watch), unless one of these is given. */
  joinsUnless?: readonly string[];
  /** The lock or output file operand is written (flock). */
  writesOperand?: boolean;
  /** xargs: input words are appended (or substituted for the -I string). */
  xargs?: boolean;
  /** Runs the command as another user (never benign). */
  privileged?: boolean;
}

export const WRAPPERS: Record<string, WrapperSpec> = {
  timeout: { safe: true, benign: true, short: "sk", flags: "v", long: ["signal", "kill-after"], longFlags: ["preserve-status", "foreground", "verbose"], operands: 1 },
  time: { safe: true, benign: true, short: "of", flags: "pvqa", long: ["output", "format"], longFlags: ["portability", "verbose", "quiet", "append"], writeOpts: ["-o", "--output"] },
  nice: { safe: true, benign: true, short: "n", long: ["adjustment"], numeric: true },
  nohup: { safe: true, benign: true },
  stdbuf: { safe: true, benign: true, short: "ioe", long: ["input", "output", "error"] },
  command: { safe: true, benign: true, flags: "pvV", noCommand: ["-v", "-V"] },
  builtin: { safe: true, benign: true },
  noglob: { safe: true, benign: true },
  nocorrect: { safe: true, benign: true },
  xargs: {
    safeBare: true,
    benign: true,
    xargs: true,
    short: "IEnLPsdaS",
    attached: "iel",
    flags: "0rtpxo",
    long: ["arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"],
    longOptional: ["eof", "replace", "max-lines"],
    longFlags: ["null", "no-run-if-empty", "verbose", "interactive", "exit", "open-tty", "show-limits"],
    readOpts: ["-a", "--arg-file"],
  },
  env: {
    safeBare: true,
    benign: true,
    assignments: true,
    short: "uCS",
    flags: "i0v",
    long: ["unset", "chdir", "split-string"],
    longOptional: ["block-signal", "default-signal", "ignore-signal"],
    longFlags: ["ignore-environment", "null", "debug", "list-signal-handling"],
    chdirOpts: ["-C", "--chdir"],
    stringOpts: ["-S", "--split-string"],
  },
  exec: { benign: true, short: "a", flags: "cl" },
  setsid: { benign: true, flags: "cfw", longFlags: ["ctty", "fork", "wait"] },
  ionice: { benign: true, short: "cnpPu", flags: "t", long: ["class", "classdata", "pid", "pgid", "uid"], longFlags: ["ignore"], noCommand: ["-p", "-P", "-u", "--pid", "--pgid", "--uid"] },
  unbuffer: { benign: true, flags: "p" },
  busybox: { benign: true },
  toybox: { benign: true },
  taskset: { benign: true, flags: "acp", longFlags: ["all-tasks", "cpu-list", "pid"], operands: 1, noCommand: ["-p", "--pid"] },
  watch: {
    benign: true,
    short: "nq",
    flags: "bcCdegprtwx",
    long: ["interval", "equexit"],
    longOptional: ["differences"],
    longFlags: ["beep", "color", "no-color", "differences", "errexit", "chgexit", "precise", "no-rerun", "no-title", "no-wrap", "exec"],
    joinsUnless: ["-x", "--exec"],
  },
  flock: {
    benign: false,
    short: "wEc",
    flags: "sxenuoFv",
    long: ["timeout", "conflict-exit-code", "command"],
    longFlags: ["shared", "exclusive", "unlock", "nonblock", "nb", "close", "no-fork", "verbose"],
    operands: 1,
    optionsAfterOperands: true,
    stringOpts: ["-c", "--command"],
    writesOperand: true,
  },
  strace: { benign: true, short: "eoOpPsSuEabIX", flags: "cCdfFhiqrtTvVwxyzZDk", writeOpts: ["-o"], noCommand: ["-p"] },
  chroot: { benign: false, privileged: true, long: ["userspec", "groups"], longFlags: ["skip-chdir"], operands: 1, chroot: true },
  sudo: {
    benign: false,
    privileged: true,
    assignments: true,
    short: "ugpCDrtTUcR",
    flags: "AbEHiKklnPSsVvhe",
    long: ["user", "group", "prompt", "close-from", "chdir", "role", "type", "command-timeout", "other-user", "host", "chroot", "login-class"],
    longOptional: ["preserve-env"],
    longFlags: ["askpass", "background", "bell", "preserve-env", "preserve-groups", "set-home", "login", "remove-timestamp", "reset-timestamp", "non-interactive", "stdin", "shell", "list", "validate", "edit", "version", "help"],
    noCommand: ["-h", "-l", "-e", "-v", "-V", "-K", "--help", "--list", "--edit", "--validate", "--version", "--remove-timestamp"],
    chdirOpts: ["-D", "--chdir"],
  },
  doas: { benign: false, privileged: true, short: "uC", flags: "nsL", noCommand: ["-C", "-L"] },
  pkexec: { benign: false, privileged: true, long: ["user"], longFlags: ["disable-internal-agent", "keep-cwd"] },
  // zsh's `- cmd` precommand modifier.
  "-": { benign: false },
};

/**
 * Programs that run a command given in their later words with options not modelled here: every later
 * suffix becomes a deny form, so `ssh host rm -rf /` still meets a rule for `rm`.
 */
export const OPAQUE_RUNNERS = new Set([
  "nsenter", "unshare", "firejail", "systemd-run", "chrt", "prlimit", "numactl", "cgexec", "proot", "fakeroot", "fakechroot",
  "valgrind", "ltrace", "torsocks", "proxychains", "proxychains4", "caffeinate", "entr", "ssh", "runuser", "sg",
]);

/** Shells whose `-c` string (or stdin script) is parsed as more commands. */
export const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "posh", "yash", "rbash"]);
/** Shells with another syntax: their scripts are opaque. */
export const FOREIGN_SHELLS = new Set(["fish", "csh", "tcsh", "nu", "xonsh", "elvish", "pwsh", "powershell"]);

/** The commands acceptEdits lets through for paths inside the working directories. */
export const FILE_EDIT = new Set(["mkdir", "touch", "rm", "rmdir", "mv", "cp", "sed"]);

/** Builtins and commands that set shell variables from data (so a later arithmetic use can run code). */
export const ASSIGNING = new Set(["read", "mapfile", "readarray", "declare", "typeset", "local", "export", "readonly", "let", "getopts", "printf"]);

/** Directories whose programs are taken to be the standard ones (a `./cat` could be anything). */
export const SYSTEM_DIRS = ["/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/", "/opt/homebrew/bin/"];
