// `find`'s command line: the start paths, the actions that run commands (-exec, -execdir, -ok, -okdir)
// or write (-delete, -fprint, -fls), and whether some word only known at run time could turn into one.
import { mayBeOption, type Arg } from "./bash-words.ts";

export interface FindExec {
  /** The command words; `{}` is still literal here. */
  words: Arg[];
  /** -execdir / -okdir run in each file's directory. */
  inFileDir: boolean;
}

export interface FindLine {
  roots: Arg[];
  execs: FindExec[];
  deletes: boolean;
  /** Files written by -fprint, -fprint0, -fprintf, -fls. */
  writes: Arg[];
  /** Files read by -newer, -samefile, -files0-from ... */
  reads: Arg[];
  /** A word only known at run time sits where an action could be. */
  dynamic: boolean;
}

const ONE_VALUE = new Set([
  "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-type", "-xtype", "-size",
  "-perm", "-user", "-group", "-uid", "-gid", "-mtime", "-atime", "-ctime", "-mmin", "-amin", "-cmin", "-maxdepth",
  "-mindepth", "-links", "-inum", "-fstype", "-used", "-printf", "-lname", "-ilname", "-context", "-regextype",
]);
const READ_VALUE = new Set(["-newer", "-anewer", "-cnewer", "-samefile", "-files0-from"]);
const WRITE_VALUE = new Set(["-fprint", "-fprint0", "-fls"]);
const EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);

export function parseFind(args: readonly Arg[]): FindLine {
  const line: FindLine = { roots: [], execs: [], deletes: false, writes: [], reads: [], dynamic: false };
  let i = 0;
  // Leading options: -H -L -P, -D debugopts, -O level.
  while (i < args.length) {
    const t = args[i]?.text;
    if (t === "-H" || t === "-L" || t === "-P") i++;
    else if (t === "-D" || (t !== undefined && /^-O\d*$/.test(t))) i += t === "-D" || t === "-O" ? 2 : 1;
    else break;
  }
  for (; i < args.length; i++) {
    const arg = args[i] as Arg;
    const t = arg.text;
    if (t !== undefined && (t.startsWith("-") || t === "(" || t === "!" || t === ")" || t === ",")) break;
    if (t === undefined && mayBeOption(arg)) line.dynamic = true;
    line.roots.push(arg);
  }
  while (i < args.length) {
    const arg = args[i] as Arg;
    const t = arg.text;
    i++;
    if (t === undefined) {
      line.dynamic = true;
      continue;
    }
    if (EXEC.has(t)) {
      const words: Arg[] = [];
      while (i < args.length) {
        const w = args[i] as Arg;
        i++;
        if (w.text === ";") break;
        if (w.text === "+" && words[words.length - 1]?.text === "{}") break;
        words.push(w);
      }
      line.execs.push({ words, inFileDir: t === "-execdir" || t === "-okdir" });
    } else if (t === "-delete") line.deletes = true;
    else if (WRITE_VALUE.has(t) || t === "-fprintf") {
      const target = args[i];
      if (target) line.writes.push(target);
      i += t === "-fprintf" ? 2 : 1;
    } else if (READ_VALUE.has(t)) {
      const target = args[i];
      if (target) line.reads.push(target);
      i++;
    } else if (ONE_VALUE.has(t) || /^-newer[aBcmt][aBcmt]$/.test(t)) {
      // A split value could inject an action.
      if (args[i]?.split) line.dynamic = true;
      i++;
    }
  }
  return line;
}
