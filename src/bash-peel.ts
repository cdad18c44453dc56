// Peeling a simple command down to the program it finally runs: leading assignments, then wrappers
// (sudo, env, timeout, nice, xargs, ...) one layer at a time. Every layer's form is kept for deny
// checks; the allow form stops at the first layer that is not safe to ignore.
import { OPAQUE_RUNNERS, WRAPPERS, isDangerousVar, type WrapperSpec } from "./bash-commands.ts";
import { has, scanOptions, values } from "./bash-options.ts";
import { argFromAtoms, basename, SPAN, wildArg, type Arg, type Atom } from "./bash-words.ts";

export interface Peeled {
  /** The command as written, then after each layer; the last is the core (program + its args). */
  chain: Arg[][];
  /** Index in `chain` of the allow form. */
  allowIndex: number;
  /** Every layer is benign: the command may do exactly what its core does. */
  benign: boolean;
  /** Further deny forms: when a wrapper's options are not understood, every later suffix. */
  extra: Arg[][];
  /** Directories the core runs in, relative to the previous one (env -C, sudo -D); SPAN for unknown. */
  chdirs: Arg[];
  chroot: boolean;
  reads: Arg[];
  writes: Arg[];
  /** Command strings a layer hands to `sh -c` (watch). */
  scripts: Arg[];
}

export function isSafeAssignment(arg: Arg): boolean {
  return arg.assign !== undefined && !arg.assign.dynamic && !isDangerousVar(arg.assign.name);
}

interface Step {
  next: Arg[] | undefined;
  safe: boolean;
  benign: boolean;
}

const MAX_LAYERS = 16;
const MAX_SUFFIXES = 40;

export function peel(args: Arg[]): Peeled {
  const out: Peeled = { chain: [args], allowIndex: 0, benign: true, extra: [], chdirs: [], chroot: false, reads: [], writes: [], scripts: [] };
  let form = args;
  let safeSoFar = true;
  for (let layer = 0; layer < MAX_LAYERS; layer++) {
    const step = peelStep(form, out);
    if (!step) break;
    if (!step.next) {
      // Options not understood: the command could start at any later word.
      out.benign = false;
      for (let i = 1; i < form.length && i <= MAX_SUFFIXES; i++) out.extra.push(form.slice(i));
      break;
    }
    form = step.next;
    out.chain.push(form);
    out.benign &&= step.benign;
    if (safeSoFar && step.safe) out.allowIndex = out.chain.length - 1;
    else safeSoFar = false;
  }
  return out;
}

function peelStep(form: Arg[], out: Peeled): Step | undefined {
  const head = form[0];
  if (!head) return undefined;
  if (head.assign) {
    let k = 0;
    while (form[k]?.assign) k++;
    if (k === form.length) return undefined;
    const safe = form.slice(0, k).every(isSafeAssignment);
    return { next: form.slice(k), safe, benign: safe };
  }
  if (head.text === undefined) return undefined;
  if (OPAQUE_RUNNERS.has(basename(head.text))) return { next: undefined, safe: false, benign: false };
  const spec = WRAPPERS[basename(head.text)];
  if (!spec) return undefined;
  return wrapperStep(form, spec, out);
}

function wrapperStep(form: Arg[], spec: WrapperSpec, out: Peeled): Step | undefined {
  const scan = scanOptions(form, 1, { ...spec, stopAtOperand: true }, true);
  if (scan.dynamic || scan.unknown.length > 0) return { next: undefined, safe: false, benign: false };
  if (spec.noCommand && has(scan, ...spec.noCommand)) return undefined;
  if (spec.stringOpts && has(scan, ...spec.stringOpts)) return undefined;
  let i = scan.end;
  const operands = form.slice(i, i + (spec.operands ?? 0));
  i += operands.length;
  if (operands.length < (spec.operands ?? 0)) return undefined;
  if (spec.optionsAfterOperands) {
    const more = scanOptions(form, i, { ...spec, stopAtOperand: true }, true);
    if (more.dynamic || more.unknown.length > 0) return { next: undefined, safe: false, benign: false };
    if (spec.stringOpts && has(more, ...spec.stringOpts)) return undefined;
    scan.opts.push(...more.opts);
    i = more.end;
  }
  const assignments: Arg[] = [];
  while (spec.assignments && form[i]?.assign) assignments.push(form[i++] as Arg);
  if (i >= form.length) return undefined;
  let next = form.slice(i);

  const writes = [...values(scan, ...(spec.writeOpts ?? [])), ...(spec.writesOperand ? operands : [])];
  out.writes.push(...writes);
  out.reads.push(...values(scan, ...(spec.readOpts ?? [])));
  out.chdirs.push(...values(scan, ...(spec.chdirOpts ?? [])));
  if (spec.chroot) out.chroot = true;
  // A login shell (sudo -i) starts in the target user's home.
  if (spec.privileged && has(scan, "-i", "--login")) out.chdirs.push(wildArg());
  if (spec.xargs) next = xargsCommand(next, scan.opts);
  if (spec.joinsUnless && !has(scan, ...spec.joinsUnless)) out.scripts.push(...next);

  const assignmentsSafe = assignments.every(isSafeAssignment);
  const bare = scan.opts.length === 0 && assignmentsSafe;
  const safe = writes.length === 0 && ((spec.safe === true && assignmentsSafe) || (spec.safeBare === true && bare));
  const benign = spec.benign && writes.length === 0 && assignmentsSafe;
  return { next, safe, benign };
}

/** xargs appends input words to the command, or substitutes them for the -I string. */
function xargsCommand(command: Arg[], opts: { name: string; value: Arg | undefined }[]): Arg[] {
  let replace: string | undefined;
  for (const o of opts) {
    if (o.name === "-I" || o.name === "--replace" || o.name === "-i") replace = o.value?.text ?? (o.name === "-I" ? undefined : "{}");
  }
  if (replace === undefined) return [...command, wildArg()];
  return command.map((a) => substitute(a, replace));
}

/** Replaces every occurrence of `placeholder` in the argument's literal text with unknown text. */
export function substitute(arg: Arg, placeholder: string): Arg {
  if (placeholder === "" || !arg.atoms.some((a) => typeof a === "string" && a.includes(placeholder))) return arg;
  const atoms: Atom[] = [];
  for (const a of arg.atoms) {
    if (typeof a !== "string") {
      atoms.push(a);
      continue;
    }
    a.split(placeholder).forEach((piece, i) => {
      if (i > 0) atoms.push(SPAN);
      atoms.push(piece);
    });
  }
  return argFromAtoms(atoms, { split: arg.split, risk: arg.risk });
}
