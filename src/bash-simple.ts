// One simple command → its CommandUse: the deny forms and allow form from peeling, the program,
// whether it is read-only or a file edit, the paths it reads and writes, and (through the Runner) the
// commands it runs from strings or `find -exec`. Also the working directory after `cd`/`pushd`/`popd`.
import type { CommandUse, PathUse } from "./bash-analysis.ts";
import { ASSIGNING, FILE_EDIT, isDangerousVar, SYSTEM_DIRS } from "./bash-commands.ts";
import { nestedCommands, type Stdin } from "./bash-nested.ts";
import { scanOptions } from "./bash-options.ts";
import { fileUse, SED_OPTIONS } from "./bash-paths.ts";
import { peel, substitute } from "./bash-peel.ts";
import { READ_ONLY, evaluatesVariables } from "./bash-readonly.ts";
import { basename, dirPattern, GLOB, resolvePath, SPAN, textArg, type Arg, type Dir } from "./bash-words.ts";
import { WILD, type Pattern } from "./pattern.ts";
import { sedScriptIsSafe } from "./sed-script.ts";

export interface Flow {
  /** Possible working directories after success / after failure. */
  ok: Dir[];
  fail: Dir[];
}

/** What the shell itself does around a command: redirections and where stdin comes from. */
export interface Io {
  reads: PathUse[];
  writes: PathUse[];
  stdin: Stdin;
}

export interface Runner {
  readonly home: string;
  readonly out: CommandUse[];
  /** Uses that evaluate variables as code (see evaluatesVariables). */
  readonly risky: Set<CommandUse>;
  /** Something in the command can put arbitrary text into a variable. */
  suspicious: boolean;
  /** Analyses a script given as text (undefined: unknown) in `dirs`: how many uses it added, where it may leave the shell. */
  runScript(text: string | undefined, dirs: Dir[], io: Io): { added: number; dirs: Dir[] };
}

const READS_SKIP = /^\/dev\/(null|stdin|zero|u?random|tty|fd\/\d+)$/;
const WRITES_SKIP = /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/;

export function pathUses(args: readonly Arg[], dirs: readonly Dir[], via: PathUse["via"], write: boolean, chroot = false): PathUse[] {
  const out: PathUse[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg.procSubst) continue;
    for (const dir of dirs) {
      const path = dirPattern(resolvePath(arg, dir, chroot));
      const text = path.every((p) => typeof p === "string") ? path.join("") : undefined;
      if (text !== undefined && (write ? WRITES_SKIP : READS_SKIP).test(text)) continue;
      const key = path.map((p) => (p === WILD ? "\u0001" : p)).join("");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ path, via });
    }
  }
  return out;
}

function formKey(form: readonly Pattern[]): string {
  return form.map((w) => w.map((p) => (p === WILD ? "\u0001" : p)).join("")).join("\u0000");
}

function patterns(form: readonly Arg[]): Pattern[] {
  return form.map((a) => a.pattern);
}

/** The program word names the standard program: a bare name or one in a system directory. */
function standardProgram(head: Arg): boolean {
  const text = head.text;
  if (text === undefined) return false;
  return !text.includes("/") || SYSTEM_DIRS.some((d) => text.startsWith(d) && !text.slice(d.length).includes("/"));
}

function denyForms(chain: readonly Arg[][], extra: readonly Arg[][]): Pattern[][] {
  const forms: Pattern[][] = [];
  const seen = new Set<string>();
  const add = (form: Pattern[]): void => {
    const key = formKey(form);
    if (seen.has(key)) return;
    seen.add(key);
    forms.push(form);
  };
  for (const form of [...chain, ...extra]) {
    add(patterns(form));
    // `/bin/rm -rf x` must meet a rule written for `rm`.
    const head = form[0];
    const text = head?.text;
    if (!head?.assign && text?.includes("/") && basename(text) !== "") add([[basename(text)], ...patterns(form.slice(1))]);
  }
  return forms;
}

/** Where `cd`/`pushd`/`popd` leave the shell, and what they read. */
function changeDir(program: string, args: readonly Arg[], dirs: readonly Dir[], home: string): { dirs: Dir[]; reads: Arg[] } {
  const operand = scanOptions(args, 0, {}).operands[0];
  const unknown: { dirs: Dir[]; reads: Arg[] } = { dirs: [[SPAN]], reads: [] };
  if (program === "popd") return unknown;
  if (!operand) return program === "pushd" ? unknown : { dirs: dirs.map(() => resolvePath(textArg(home), [])), reads: [textArg(home)] };
  if (operand.text === "-" || /^[+-]\d+$/.test(operand.text ?? "")) return unknown;
  return { dirs: dirs.map((d) => resolvePath(operand, d)), reads: [operand] };
}

function notes(r: Runner, program: string | undefined, core: readonly Arg[], args: readonly Arg[]): void {
  // Assignments and variable-setting builtins can plant code for a later arithmetic evaluation.
  if (args.some((a) => a.assign && (a.text === undefined || !/^[A-Za-z_]\w*\+?=-?\d*$/.test(a.text)))) r.suspicious = true;
  if (program === undefined || !ASSIGNING.has(program)) return;
  const first = core[1];
  // printf only assigns with -v (or a word that could turn out to be -v).
  if (program !== "printf" || (first !== undefined && (first.text === undefined || first.text.startsWith("-v")))) r.suspicious = true;
}

export function analyzeCommand(r: Runner, args: Arg[], dirs: Dir[], io: Io): Flow {
  const peeled = peel(args);
  const core = peeled.chain[peeled.chain.length - 1] ?? args;
  const head = core[0] as Arg;
  const pureAssignment = core.every((a) => a.assign !== undefined);
  const program = pureAssignment || head.text === undefined ? undefined : basename(head.text);
  const coreArgs = core.slice(1);
  notes(r, program, core, args);

  let coreDirs = dirs;
  for (const chdir of peeled.chdirs) coreDirs = coreDirs.map((d) => resolvePath(chdir, d));
  const standard = program !== undefined && standardProgram(head) && peeled.benign;
  const files = program !== undefined ? fileUse(program, coreArgs) : { reads: [], writes: [] };
  const moved = program === "cd" || program === "pushd" || program === "popd" ? changeDir(program, coreArgs, coreDirs, r.home) : undefined;
  // Expanding a glob lists its directory, whatever the command then does with the names.
  const globs = coreArgs.filter((a) => !a.assign && a.atoms.includes(GLOB) && !a.atoms.includes(SPAN));
  const reads = dedupe([...pathUses(peeled.reads, dirs, "argument", false), ...pathUses([...files.reads, ...globs, ...(moved?.reads ?? [])], coreDirs, "argument", false, peeled.chroot)]);
  const writes = [...pathUses(peeled.writes, dirs, "argument", true), ...pathUses(files.writes, coreDirs, "argument", true, peeled.chroot)];

  let readOnly = standard && READ_ONLY[program]?.(coreArgs) === true;
  let allowForm = patterns(peeled.chain[peeled.allowIndex] ?? args);
  if (pureAssignment) {
    // Setting a shell variable is harmless unless the name steers programs (PATH, LD_PRELOAD, ...).
    readOnly = core.every((a) => a.assign !== undefined && !isDangerousVar(a.assign.name));
    if (readOnly) allowForm = [];
  }
  const fileEdit = standard && FILE_EDIT.has(program) && (program !== "sed" || sedIsSafe(coreArgs));
  const use: CommandUse = {
    denyForms: denyForms(peeled.chain, peeled.extra),
    allowForm,
    readOnly,
    fileEdit,
    reads: [...reads, ...io.reads],
    writes: [...writes, ...io.writes],
  };
  if (program !== undefined) use.program = program;
  if (args.some((a) => a.risk) || evaluatesVariables(program, coreArgs)) r.risky.add(use);
  r.out.push(use);

  const nested = nestedCommands(program, core, io.stdin, peeled.scripts);
  // The nested commands share the outer command's redirections.
  const inner: Io = { reads: io.reads, writes: io.writes, stdin: undefined };
  let added = 0;
  let after: Dir[] = [];
  for (const script of nested.scripts) {
    const ran = r.runScript(script, coreDirs, inner);
    added += ran.added;
    after = [...after, ...ran.dirs];
  }
  if (nested.runsOnlyScripts && peeled.benign && added > 0 && nested.scripts.every((s) => s !== undefined)) use.transparent = true;
  for (const exec of nested.finds) {
    const words = exec.words.map((a) => substitute(a, "{}"));
    if (words.length > 0) analyzeCommand(r, words, exec.inFileDir ? [[SPAN]] : coreDirs, { reads: [], writes: [], stdin: undefined });
  }
  if (moved) return { ok: moved.dirs, fail: dirs };
  // eval and source run in this shell: a cd inside them moves it.
  if (program === "eval" && after.length > 0) return { ok: [...dirs, ...after], fail: [...dirs, ...after] };
  if (program === "source" || program === ".") return { ok: [[SPAN]], fail: [[SPAN]] };
  return { ok: dirs, fail: dirs };
}

function dedupe(uses: PathUse[]): PathUse[] {
  const seen = new Set<string>();
  return uses.filter((u) => {
    const key = u.path.map((p) => (p === WILD ? "\u0001" : p)).join("");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** sed edits only text: a static script with no command execution or file I/O of its own. */
function sedIsSafe(args: readonly Arg[]): boolean {
  const scan = scanOptions(args, 0, SED_OPTIONS);
  if (scan.dynamic || scan.opts.some((o) => o.name === "-f" || o.name === "--file")) return false;
  const given = scan.opts.filter((o) => o.name === "-e" || o.name === "--expression").map((o) => o.value);
  const scripts = given.length > 0 ? given : scan.operands.slice(0, 1);
  return scripts.length > 0 && scripts.every((s) => s?.text !== undefined && sedScriptIsSafe(s.text));
}

