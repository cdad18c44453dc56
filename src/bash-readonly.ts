// The read-only allowlist: commands that run without a prompt when their options are all harmless.
// Each check sees the words after the program name. Words only known at run time count against a
// command whenever they could turn into one of its harmful options (`sort $x` could be `sort -o f`).
import { isDangerousVar } from "./bash-commands.ts";
import { parseFind } from "./bash-find.ts";
import { has, scanOptions, type OptSpec } from "./bash-options.ts";
import { mayBeOption, type Arg } from "./bash-words.ts";

type Check = (args: readonly Arg[]) => boolean;

const always: Check = () => true;

/** Read-only unless one of `bad` is given or a run-time word could be an option. */
function without(spec: OptSpec, bad: readonly string[]): Check {
  return (args) => {
    const scan = scanOptions(args, 0, spec);
    return !scan.dynamic && !has(scan, ...bad);
  };
}

const GIT_READ_ONLY = new Set(["status", "log", "diff", "show", "branch", "tag", "remote", "rev-parse", "ls-files", "blame", "describe", "shortlog", "grep"]);

/** Listing forms of `git branch` / `git tag`: only these options; patterns only with --list. */
function gitListing(args: readonly string[], flags: readonly string[], valued: readonly string[], shortFlags: string): boolean {
  let listed = false;
  let patterns = 0;
  for (let i = 0; i < args.length; i++) {
    const t = args[i] as string;
    const name = t.replace(/=.*$/s, "");
    const cluster = /^-[A-Za-z]+$/.test(t) && [...t.slice(1)].every((c) => shortFlags.includes(c));
    if (t === "--list" || (cluster && t.includes("l"))) listed = true;
    else if (cluster) continue;
    else if (valued.includes(t)) i++;
    else if (valued.includes(name) || flags.includes(t) || flags.includes(name)) continue;
    else if (t.startsWith("-")) return false;
    else patterns++;
  }
  return patterns === 0 || listed;
}

const BRANCH_FLAGS = ["--all", "--remotes", "--verbose", "--show-current", "--no-color", "--color", "--column", "--no-column", "--no-merged", "--merged", "--ignore-case", "--abbrev", "--no-abbrev", "--omit-empty"];
const LISTING_VALUES = ["--sort", "--contains", "--no-contains", "--points-at", "--merged", "--no-merged", "--format"];
const TAG_FLAGS = ["--column", "--no-column", "--ignore-case", "--color", "--omit-empty"];

function gitReadOnly(args: readonly Arg[]): boolean {
  let i = 0;
  // --no-pager only stops a pager; every other global option (-c, -C, --git-dir, ...) disqualifies.
  while (args[i]?.text === "--no-pager") i++;
  const sub = args[i]?.text;
  if (sub === undefined || !GIT_READ_ONLY.has(sub)) return false;
  const rest = args.slice(i + 1);
  if (rest.some((a) => a.text === undefined && mayBeOption(a))) return false;
  const texts = rest.map((a) => a.text ?? "");
  if (texts.some((t) => t === "--output" || t.startsWith("--output="))) return false;
  if (sub === "grep") return !texts.some((t) => t.startsWith("--open-files-in-pager") || /^-[^-]*O/.test(t));
  if (texts.includes("-o")) return false;
  if (sub === "branch") return gitListing(texts, BRANCH_FLAGS, LISTING_VALUES, "arvil");
  if (sub === "tag") return gitListing(texts.map((t) => t.replace(/^-n\d+$/, "-n")), TAG_FLAGS, LISTING_VALUES, "lni");
  if (sub === "remote") return texts.every((t) => t === "-v" || t === "--verbose");
  return true;
}

const RG: OptSpec = {
  short: "efgtTAmMCjEr",
  long: ["regexp", "file", "glob", "iglob", "type", "type-not", "type-add", "type-clear", "after-context", "before-context", "context", "max-count", "max-columns", "threads", "encoding", "replace", "pre", "pre-glob", "hostname-bin", "hyperlink-format", "ignore-file", "max-depth", "colors", "path-separator", "sort", "sortr", "context-separator", "field-match-separator", "field-context-separator", "max-filesize", "dfa-size-limit", "regex-size-limit", "engine"],
};
const SORT: OptSpec = { short: "kotTS", long: ["key", "output", "field-separator", "temporary-directory", "buffer-size", "files0-from", "parallel", "compress-program", "sort", "batch-size", "random-source"] };

export const READ_ONLY: Record<string, Check> = {
  ...Object.fromEntries(
    [
      "ls", "cat", "head", "tail", "wc", "grep", "egrep", "fgrep", "echo", "pwd", "which", "whereis", "type", "stat", "du",
      "df", "diff", "cmp", "cut", "tr", "nl", "tac", "rev", "basename", "dirname", "realpath", "readlink", "printenv", "id",
      "whoami", "uname", "true", "false", "test", "[", "[[", "((", ":", "jq", "column", "od", "hexdump", "strings", "md5sum",
      "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "seq", "sleep", "cd", "pushd", "popd",
      // Shell control flow: changes nothing outside the shell.
      "exit", "return", "break", "continue", "wait", "shift",
    ].map((name) => [name, always]),
  ),
  set: setOptions,
  export: exportNames,
  rg: without(RG, ["--pre", "--hostname-bin"]),
  find: (args) => {
    const line = parseFind(args);
    return !line.dynamic && line.execs.length === 0 && !line.deletes && line.writes.length === 0;
  },
  printf: (args) => {
    const first = args[0];
    if (first === undefined) return true;
    if (first.text === undefined) return !mayBeOption(first);
    return !first.text.startsWith("-v");
  },
  command: (args) => args.length === 0 || has(scanOptions(args, 0, { stopAtOperand: true }), "-v", "-V"),
  file: without({ short: "mfFeP", long: ["magic-file", "files-from", "separator", "exclude", "exclude-quiet", "parameter"] }, ["-C", "--compile"]),
  sort: without(SORT, ["-o", "--output", "--compress-program"]),
  uniq: (args) => {
    const scan = scanOptions(args, 0, { short: "fsw", long: ["skip-fields", "skip-chars", "check-chars"], longOptional: ["group", "all-repeated"] });
    return !args.some((a) => a.split) && scan.operands.length <= 1;
  },
  date: (args) => {
    const scan = scanOptions(args, 0, { short: "dfrI", long: ["date", "file", "reference", "set"], longOptional: ["iso-8601", "rfc-3339", "resolution"] });
    return !scan.dynamic && !has(scan, "-s", "--set") && scan.operands.every((a) => a.text?.startsWith("+") === true);
  },
  env: (args) => !has(scanOptions(args, 0, { short: "uCS", long: ["unset", "chdir", "split-string"] }), "-S", "--split-string"),
  hostname: (args) => args.length === 0,
  tree: without({ short: "LPIHTo", long: ["filelimit", "timefmt", "charset", "sort", "fromfile"] }, ["-o"]),
  git: gitReadOnly,
};

const SET_NAMES = new Set(["errexit", "nounset", "xtrace", "pipefail", "verbose", "noclobber", "noglob", "errtrace"]);

/** `set -euo pipefail` and the like; not -k (assignments anywhere go to the environment) or new positional parameters. */
function setOptions(args: readonly Arg[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const t = args[i]?.text;
    if (t === undefined || !/^[-+][euxvCfEo]+$/.test(t)) return false;
    if (!t.includes("o")) continue;
    const name = args[++i]?.text;
    if (name === undefined || !SET_NAMES.has(name)) return false;
  }
  return true;
}

/** `export NAME[=value]...` for names that do not steer programs (the same test as leading assignments). */
function exportNames(args: readonly Arg[]): boolean {
  return args.every((a) => {
    if (a.assign) return !isDangerousVar(a.assign.name);
    const t = a.text;
    return t !== undefined && (t === "-n" || t === "-p" || (/^[A-Za-z_]\w*$/.test(t) && !isDangerousVar(t)));
  });
}

const ARITH_TEST = new Set(["-eq", "-ne", "-lt", "-le", "-gt", "-ge"]);

/**
 * Whether running the command evaluates a variable's value as code: arithmetic naming variables,
 * `${!x}`, `test -v 'a[...]'`, `[[ x -eq y ]]` with non-numeric operands. Harmless unless the same
 * command can put something into a variable first, which the caller decides.
 */
export function evaluatesVariables(program: string | undefined, args: readonly Arg[]): boolean {
  if (args.some((a) => a.risk)) return true;
  if (program === "test" || program === "[") return args.some((a) => a.text === "-v" || a.split);
  if (program !== "[[") return false;
  return args.some((a, i) => {
    if (a.text === "-v") return true;
    if (a.text === undefined || !ARITH_TEST.has(a.text)) return false;
    return [args[i - 1], args[i + 1]].some((x) => x === undefined || x.text === undefined || !/^\s*-?\d+\s*$/.test(x.text));
  });
}
