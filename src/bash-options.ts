// Command-line option scanning shared by the wrapper, read-only and path tables: short clusters
// (`-rf`, `-n5`, `-o file`), long options (`--name=v`, `--name v`), `--`, and words only known at run
// time, which are flagged whenever they could turn out to be options.
import { mayBeOption, sliceArg, staticPrefix, type Arg } from "./bash-words.ts";

export interface OptSpec {
  /** Short options taking a value (the rest of the cluster or the next word). */
  short?: string;
  /** Short options whose value can only be attached (`sed -i.bak`, `xargs -i{}`). */
  attached?: string;
  /** Short options known to take no value; only checked when `strict`. */
  flags?: string;
  /** Long options taking a value (`--name=v` or `--name v`). */
  long?: readonly string[];
  /** Long options whose value can only follow `=`. */
  longOptional?: readonly string[];
  /** Long options known to take no value; only checked when `strict`. */
  longFlags?: readonly string[];
  /** Stop at the first operand instead of reading options after it (wrappers, POSIX style). */
  stopAtOperand?: boolean;
  /** `-5` is an option (nice, head, tail). */
  numeric?: boolean;
}

export interface Opt {
  /** `-x` or `--name`. */
  name: string;
  value: Arg | undefined;
}

export interface Scan {
  opts: Opt[];
  operands: Arg[];
  /** Index of the first word not consumed (the command, for wrappers). */
  end: number;
  /** Some word only known at run time could be an option, or an option's name is not fully known. */
  dynamic: boolean;
  /** Options outside the spec's known set (only tracked when `strict`). */
  unknown: string[];
}

export function scanOptions(args: readonly Arg[], from: number, spec: OptSpec, strict = false): Scan {
  const scan: Scan = { opts: [], operands: [], end: args.length, dynamic: false, unknown: [] };
  const known = (name: string): boolean => {
    if (name.startsWith("--")) {
      const n = name.slice(2);
      return [...(spec.long ?? []), ...(spec.longOptional ?? []), ...(spec.longFlags ?? [])].includes(n);
    }
    const c = name.slice(1);
    if (c.length === 1 && `${spec.short ?? ""}${spec.attached ?? ""}${spec.flags ?? ""}`.includes(c)) return true;
    return spec.numeric === true && /^-\d+$/.test(name);
  };
  const add = (name: string, value: Arg | undefined): void => {
    scan.opts.push({ name, value });
    if (strict && !known(name)) scan.unknown.push(name);
  };
  let i = from;
  while (i < args.length) {
    const arg = args[i] as Arg;
    const prefix = staticPrefix(arg);
    if (arg.text === "--") {
      scan.end = i + 1;
      if (!spec.stopAtOperand) {
        scan.operands.push(...args.slice(i + 1));
        scan.end = args.length;
      }
      return scan;
    }
    if (!prefix.startsWith("-") || arg.text === "-") {
      if (arg.text === undefined && mayBeOption(arg)) scan.dynamic = true;
      if (spec.stopAtOperand) {
        scan.end = i;
        return scan;
      }
      scan.operands.push(arg);
      i++;
      continue;
    }
    const complete = arg.text !== undefined;
    if (prefix.startsWith("--")) {
      const eq = prefix.indexOf("=");
      if (eq >= 0) add(prefix.slice(0, eq), sliceArg(arg, eq + 1));
      else if (!complete) {
        scan.dynamic = true;
        add(prefix, undefined);
      } else if (spec.long?.includes(prefix.slice(2))) {
        add(prefix, args[i + 1]);
        i++;
      } else add(prefix, undefined);
      i++;
      continue;
    }
    if (spec.numeric && /^-\d+$/.test(prefix) && complete) {
      add(prefix, undefined);
      i++;
      continue;
    }
    let j = 1;
    for (; j < prefix.length; j++) {
      const c = prefix[j] as string;
      if (spec.short?.includes(c)) {
        const rest = sliceArg(arg, j + 1);
        if (j + 1 < prefix.length || !complete) add(`-${c}`, rest);
        else {
          add(`-${c}`, args[i + 1]);
          i++;
        }
        break;
      }
      if (spec.attached?.includes(c)) {
        add(`-${c}`, j + 1 < prefix.length || !complete ? sliceArg(arg, j + 1) : undefined);
        break;
      }
      add(`-${c}`, undefined);
    }
    // The cluster ran into unknown text: more options could hide there.
    if (j >= prefix.length && !complete) scan.dynamic = true;
    i++;
  }
  scan.end = args.length;
  return scan;
}

export function has(scan: Scan, ...names: string[]): boolean {
  return scan.opts.some((o) => names.includes(o.name));
}

export function values(scan: Scan, ...names: string[]): Arg[] {
  return scan.opts.filter((o) => names.includes(o.name) && o.value !== undefined).map((o) => o.value as Arg);
}

