// Parsed words as the analysis sees them (Arg): the value as a wildcard pattern, whether it can split
// into several words, and "atoms" that keep apart the two kinds of unknown text a path can hold: a glob
// (stays inside one path segment, never matches `.` or `..`) and an expansion (anything, `/` and `..`
// included). Paths are made absolute lexically, never by looking at the filesystem.
import { WILD, type Pattern } from "./pattern.ts";
import type { Word } from "./shell-ast.ts";

export const GLOB: unique symbol = Symbol("glob");
export const SPAN: unique symbol = Symbol("span");
export type Atom = string | typeof GLOB | typeof SPAN;

export interface Arg {
  pattern: Pattern;
  /** The text when fully known. */
  text: string | undefined;
  atoms: Atom[];
  /** Holds an unquoted expansion, so it may become several words (or none). */
  split: boolean;
  /** See Part.risk in shell-ast.ts. */
  risk: boolean;
  /** A process substitution: names a pipe, not a file. */
  procSubst: boolean;
  /** `NAME=value` / `NAME+=value` shape; `dynamic` when the value is only known at run time. */
  assign?: { name: string; dynamic: boolean };
}

export function atomsPattern(atoms: readonly Atom[]): Pattern {
  const out: (string | typeof WILD)[] = [];
  for (const a of atoms) {
    if (typeof a !== "string") {
      if (out[out.length - 1] !== WILD) out.push(WILD);
    } else if (a !== "") {
      const last = out[out.length - 1];
      if (typeof last === "string") out[out.length - 1] = last + a;
      else out.push(a);
    }
  }
  return out;
}

export function argFromAtoms(atoms: Atom[], extra: Partial<Arg> = {}): Arg {
  const pattern = atomsPattern(atoms);
  const text = pattern.every((p) => typeof p === "string") ? pattern.join("") : undefined;
  return { pattern, text, atoms, split: false, risk: false, procSubst: false, ...extra };
}

export function textArg(text: string): Arg {
  return argFromAtoms([text]);
}

/** An argument nothing is known about (xargs input, a value from a dynamic string). */
export function wildArg(): Arg {
  return argFromAtoms([SPAN], { split: true });
}

export function toArg(word: Word, home: string): Arg {
  const first = word.parts[0];
  const assign = first?.k === "lit" && !first.quoted ? /^([A-Za-z_]\w*)\+?=/.exec(first.text) : null;
  const atoms: Atom[] = [];
  let dynamicValue = false;
  for (const p of word.parts) {
    if (p.k === "lit") atoms.push(p.text);
    // No globbing happens in an assignment's value.
    else if (p.k === "glob") atoms.push(assign ? p.text : GLOB);
    else if (p.k === "tilde" && p.user === "") atoms.push(home);
    else {
      atoms.push(SPAN);
      dynamicValue = true;
    }
  }
  const split = !assign && word.parts.some((p) => p.k === "expand" && !p.quoted);
  const risk = word.parts.some((p) => p.k === "expand" && p.risk);
  const extra: Partial<Arg> = { split, risk, procSubst: word.procSubst };
  if (assign) extra.assign = { name: assign[1] ?? "", dynamic: dynamicValue };
  return argFromAtoms(atoms, extra);
}

/** The argument without its first `n` characters (which must be literal): `-o$f` → `$f`. */
export function sliceArg(arg: Arg, n: number): Arg {
  const atoms = [...arg.atoms];
  let left = n;
  while (left > 0 && typeof atoms[0] === "string") {
    const head = atoms[0];
    if (head.length > left) {
      atoms[0] = head.slice(left);
      left = 0;
    } else {
      atoms.shift();
      left -= head.length;
    }
  }
  return argFromAtoms(atoms, { split: arg.split, risk: arg.risk });
}

/** The literal text the argument starts with. */
export function staticPrefix(arg: Arg): string {
  const head = arg.atoms[0];
  return typeof head === "string" ? head : "";
}

/** Whether the argument could be (or split into) an option: `-x`, `--name`. */
export function mayBeOption(arg: Arg): boolean {
  if (arg.text !== undefined) return arg.text.startsWith("-");
  if (arg.split) return true;
  const head = arg.atoms.find((a) => a !== "");
  return head === undefined || typeof head !== "string" || head.startsWith("-");
}

export function basename(text: string): string {
  const trimmed = text.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

// ---- paths ----

/** A directory: absolute atoms (starting with "/"), or starting with SPAN when not known. */
export type Dir = Atom[];

export function dirFromString(path: string): Dir {
  return normalizePath([path.startsWith("/") ? path : `/${path}`]);
}

/** The absolute path an argument names, relative to `cwd`; `chroot` puts every result under an unknown root. */
export function resolvePath(arg: Arg, cwd: Dir, chroot = false): Dir {
  const atoms = arg.atoms;
  const lastSpan = atoms.lastIndexOf(SPAN);
  let full: Atom[];
  if (lastSpan >= 0) full = atoms.slice(lastSpan);
  else if (staticPrefix(arg).startsWith("/")) full = atoms;
  else full = [...cwd, "/", ...atoms];
  const path = normalizePath(full);
  return chroot && path[0] !== SPAN ? [SPAN, ...path] : path;
}

/** Drops `.` and empty segments and applies `..` lexically; an unknown segment before `..` makes the result unknown there. */
export function normalizePath(full: Atom[]): Dir {
  const segs: Atom[][] = [[]];
  for (const a of full) {
    if (typeof a !== "string") {
      segs[segs.length - 1]?.push(a);
      continue;
    }
    a.split("/").forEach((piece, i) => {
      if (i > 0) segs.push([]);
      if (piece !== "") segs[segs.length - 1]?.push(piece);
    });
  }
  const first = segs[0] ?? [];
  let head: Atom[] | undefined = first.length > 0 ? first : undefined;
  const out: Atom[][] = [];
  for (const seg of segs.slice(1)) {
    const text = seg.every((a) => typeof a === "string") ? seg.join("") : undefined;
    if (text === "" || text === ".") continue;
    if (text === "..") {
      if (out.length > 0) out.pop();
      else if (head) head = [SPAN];
      continue;
    }
    // `.*` can match `..` itself: from here on the path could be anywhere.
    if (text === undefined && (seg[0] === "." || seg[0] === "..")) {
      head = [SPAN];
      out.length = 0;
      continue;
    }
    out.push(seg);
  }
  const result: Atom[] = head ? [...head] : out.length === 0 ? ["/"] : [];
  for (const seg of out) result.push("/", ...seg);
  return result;
}

export function dirPattern(dir: Dir): Pattern {
  return atomsPattern(dir);
}

export function dirKey(dir: Dir): string {
  return dir.map((a) => (a === SPAN ? "\u0001" : a === GLOB ? "\u0002" : a)).join("");
}
