// Commands that run other commands given as text: `bash -c STRING`, `eval`, `su -c`, `trap`, `alias`,
// `env -S`, `flock -c`, `script -c`, `watch`, a shell reading a heredoc, and `find -exec`. The strings
// are handed back for parsing; a string only known at run time comes back as undefined.
import { parseFind, type FindExec } from "./bash-find.ts";
import { FOREIGN_SHELLS, SHELLS } from "./bash-commands.ts";
import { has, scanOptions, values } from "./bash-options.ts";
import type { Arg } from "./bash-words.ts";

export interface Nested {
  /** Scripts to analyse; undefined stands for one nobody can read in advance. */
  scripts: (string | undefined)[];
  /** The outer command only runs the scripts (bash -c, eval): allowed when they are. */
  runsOnlyScripts: boolean;
  finds: FindExec[];
}

/** What the command's standard input holds: a known script, unknown text (a pipe, a file), or nothing. */
export type Stdin = { text: string | undefined } | undefined;

const NONE: Nested = { scripts: [], runsOnlyScripts: false, finds: [] };

function textOf(arg: Arg | undefined): string | undefined {
  return arg?.text;
}

function joined(args: readonly Arg[]): string | undefined {
  return args.every((a) => a.text !== undefined) ? args.map((a) => a.text).join(" ") : undefined;
}

/** `sh [options] -c STRING`, `sh script`, or `sh` reading its script from stdin. */
function shell(args: readonly Arg[], stdin: Stdin, foreign: boolean): Nested {
  let command = false;
  let i = 0;
  for (; i < args.length; i++) {
    const t = args[i]?.text;
    if (t === undefined) return { scripts: [undefined], runsOnlyScripts: false, finds: [] };
    if (t === "--" || t === "-") {
      i++;
      break;
    }
    if (t === "--rcfile" || t === "--init-file") i++;
    else if (t.startsWith("--")) continue;
    else if (/^[-+][A-Za-z]+$/.test(t)) {
      if (t.startsWith("-") && t.includes("c")) command = true;
      // -o/-O take the option name as the next word.
      for (const c of t.slice(1)) if (c === "o" || c === "O") i++;
    } else break;
  }
  if (command) {
    if (i >= args.length) return NONE;
    const text = foreign ? undefined : textOf(args[i]);
    return { scripts: [text], runsOnlyScripts: !foreign && text !== undefined, finds: [] };
  }
  // A script file: its contents are not known here.
  if (i < args.length) return NONE;
  if (!stdin) return NONE;
  const text = foreign ? undefined : stdin.text;
  return { scripts: [text], runsOnlyScripts: text !== undefined, finds: [] };
}

const SHELLISH = /[;&|<>$`'"(){}*?[\]~\n\\#]/;

export function nestedCommands(program: string | undefined, core: readonly Arg[], stdin: Stdin, joinedByWrapper: readonly Arg[]): Nested {
  const args = core.slice(1);
  const found: Nested = { scripts: [], runsOnlyScripts: false, finds: [] };
  // watch: the words are joined and run through `sh -c`.
  if (joinedByWrapper.length > 0) {
    const text = joined(joinedByWrapper);
    if (text === undefined || SHELLISH.test(text)) found.scripts.push(text);
  }
  if (program === undefined) return found;
  const add = (more: Nested): Nested => ({ scripts: [...found.scripts, ...more.scripts], runsOnlyScripts: more.runsOnlyScripts && found.scripts.length === 0, finds: more.finds });
  if (SHELLS.has(program)) return add(shell(args, stdin, false));
  if (FOREIGN_SHELLS.has(program)) return add(shell(args, stdin, true));
  switch (program) {
    case "eval": {
      if (args.length === 0) return found;
      const text = joined(args);
      return add({ scripts: [text], runsOnlyScripts: text !== undefined, finds: [] });
    }
    case "mapfile":
    case "readarray": {
      // -C names code run for every -c lines read.
      const scan = scanOptions(args, 0, { short: "dnOsuCc" });
      return add({ scripts: values(scan, "-C").map(textOf), runsOnlyScripts: false, finds: [] });
    }
    case "su":
    case "runuser": {
      const scan = scanOptions(args, 0, { short: "cgGswu", long: ["command", "session-command", "group", "supp-group", "shell", "whitelist-environment", "user"] });
      return add({ scripts: values(scan, "-c", "--command", "--session-command").map(textOf), runsOnlyScripts: false, finds: [] });
    }
    case "trap": {
      const scan = scanOptions(args, 0, { stopAtOperand: true });
      const ops = args.slice(scan.end);
      if (ops.length < 2 || ops[0]?.text === "-" || ops[0]?.text === "") return found;
      return add({ scripts: [textOf(ops[0])], runsOnlyScripts: false, finds: [] });
    }
    case "alias": {
      const scripts = args.filter((a) => a.text === undefined || a.text.includes("=")).map((a) => (a.text === undefined ? undefined : a.text.slice(a.text.indexOf("=") + 1)));
      return add({ scripts, runsOnlyScripts: false, finds: [] });
    }
    case "env": {
      const scan = scanOptions(args, 0, { short: "uCS", long: ["unset", "chdir", "split-string"], stopAtOperand: true });
      const split = values(scan, "-S", "--split-string");
      if (split.length === 0) return found;
      return add({ scripts: [joined([...split, ...args.slice(scan.end)])], runsOnlyScripts: false, finds: [] });
    }
    case "flock":
    case "script": {
      const scan = scanOptions(args, 0, { short: program === "flock" ? "wEc" : "cEIOTBt", long: ["command", "timeout", "conflict-exit-code", "log-in", "log-out", "log-timing", "echo"] });
      if (!has(scan, "-c", "--command")) return found;
      return add({ scripts: values(scan, "-c", "--command").map(textOf), runsOnlyScripts: false, finds: [] });
    }
    case "find":
      return add({ scripts: [], runsOnlyScripts: false, finds: parseFind(args).execs });
  }
  return found;
}
