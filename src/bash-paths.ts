// Which arguments of a command name files it reads or writes. Paths come back as Args, made absolute
// by the caller; an Arg from wildArg() stands for "files nobody can name in advance" (a list read from
// a file, downloads named by the server). Commands not listed here report nothing.
import { parseFind } from "./bash-find.ts";
import { has, scanOptions, values, type OptSpec, type Scan } from "./bash-options.ts";
import { argFromAtoms, basename, GLOB, textArg, wildArg, type Arg } from "./bash-words.ts";

export interface FileUse {
  reads: Arg[];
  writes: Arg[];
}

interface PathSpec extends OptSpec {
  /** Which operands are read: all, all but the first (grep's pattern), the first, the first two. */
  reads?: "all" | "rest" | "first" | "two";
  /** Which operands are written. */
  writes?: "all" | "second";
  readOpts?: readonly string[];
  writeOpts?: readonly string[];
  /** Options meaning "read the files listed in this file". */
  listOpts?: readonly string[];
  /** No operand means the working directory. */
  cwdDefault?: boolean;
}

const GREP: PathSpec = {
  reads: "rest",
  short: "efABCmdD",
  long: ["regexp", "file", "after-context", "before-context", "context", "max-count", "label", "include", "exclude", "exclude-dir", "exclude-from", "devices", "directories", "binary-files", "group-separator"],
  longOptional: ["color", "colour"],
  readOpts: ["-f", "--file", "--exclude-from"],
};
const SUMS: PathSpec = { reads: "all", listOpts: ["-c", "--check"] };

const SPECS: Record<string, PathSpec> = {
  cat: { reads: "all" },
  tac: { reads: "all", short: "s", long: ["separator"] },
  rev: { reads: "all" },
  nl: { reads: "all", short: "bdfhilnsvw", long: ["body-numbering", "section-delimiter", "footer-numbering", "header-numbering", "line-increment", "join-blank-lines", "number-format", "number-separator", "starting-line-number", "number-width"] },
  head: { reads: "all", short: "nc", long: ["lines", "bytes"], numeric: true },
  tail: { reads: "all", short: "ncs", long: ["lines", "bytes", "pid", "sleep-interval", "max-unchanged-stats"], longOptional: ["follow"], numeric: true },
  wc: { reads: "all", listOpts: ["--files0-from"], long: ["files0-from"] },
  less: { reads: "all", short: "bhjkoOpPtTxyz", readOpts: ["-k"], writeOpts: ["-o", "-O"] },
  more: { reads: "all", short: "n" },
  sort: { reads: "all", short: "kotTS", long: ["key", "output", "field-separator", "temporary-directory", "buffer-size", "files0-from", "parallel", "compress-program", "sort", "batch-size", "random-source"], writeOpts: ["-o", "--output"], readOpts: ["--random-source"], listOpts: ["--files0-from"] },
  uniq: { reads: "first", writes: "second", short: "fsw", long: ["skip-fields", "skip-chars", "check-chars"], longOptional: ["group", "all-repeated"] },
  cut: { reads: "all", short: "bcdf", long: ["bytes", "characters", "delimiter", "fields", "output-delimiter"] },
  grep: GREP,
  egrep: GREP,
  fgrep: GREP,
  ls: { reads: "all", cwdDefault: true, short: "IwT", long: ["hide", "ignore", "format", "sort", "time", "block-size", "quoting-style", "indicator-style", "time-style", "width", "tabsize"], longOptional: ["color", "hyperlink"] },
  du: { reads: "all", cwdDefault: true, short: "BdtX", long: ["block-size", "max-depth", "threshold", "exclude", "exclude-from", "files0-from", "time-style"], longOptional: ["time"], readOpts: ["-X", "--exclude-from"], listOpts: ["--files0-from"] },
  tree: { reads: "all", cwdDefault: true, short: "LPIHTo", long: ["filelimit", "timefmt", "charset", "sort"], writeOpts: ["-o"] },
  stat: { reads: "all", short: "c", long: ["format", "printf"] },
  file: { reads: "all", short: "mfFeP", long: ["magic-file", "files-from", "separator", "exclude", "exclude-quiet", "parameter"], readOpts: ["-m", "--magic-file"], listOpts: ["-f", "--files-from"] },
  diff: { reads: "all", short: "CUFIDLSXx", long: ["to-file", "from-file", "label", "exclude", "exclude-from", "ifdef", "line-format", "horizon-lines", "starting-file", "width", "tabsize", "palette"], longOptional: ["color"], readOpts: ["--to-file", "--from-file", "-X", "--exclude-from"] },
  cmp: { reads: "two", short: "in", long: ["ignore-initial", "bytes"] },
  md5sum: SUMS, sha1sum: SUMS, sha224sum: SUMS, sha256sum: SUMS, sha384sum: SUMS, sha512sum: SUMS, b2sum: SUMS, cksum: SUMS,
  strings: { reads: "all", short: "ntTe", long: ["bytes", "radix", "target", "encoding"] },
  od: { reads: "all", short: "AjNtSw", long: ["address-radix", "skip-bytes", "read-bytes", "format", "strings", "width"] },
  hexdump: { reads: "all", short: "efns", readOpts: ["-f"] },
  xxd: { reads: "first", writes: "second", short: "cglosC" },
  base64: { reads: "first", short: "w", long: ["wrap"] },
  column: { reads: "all", short: "cstoNRHWlLdE" },
  source: { reads: "first" },
  ".": { reads: "first" },
  touch: { writes: "all", short: "dtr", long: ["date", "reference", "time"], readOpts: ["-r", "--reference"] },
  mkdir: { writes: "all", short: "m", long: ["mode"], longOptional: ["context"] },
  rmdir: { writes: "all" },
  rm: { writes: "all" },
  tee: { writes: "all" },
  shred: { writes: "all", short: "nsx", long: ["iterations", "size", "random-source"] },
  unlink: { writes: "all" },
  truncate: { writes: "all", short: "sr", long: ["size", "reference"], readOpts: ["-r", "--reference"] },
  mkfifo: { writes: "all", short: "m", long: ["mode"] },
  sponge: { writes: "all" },
};

const COPY: OptSpec = { short: "tS", long: ["target-directory", "suffix", "no-preserve", "sparse"], longOptional: ["backup", "preserve", "reflink", "update"] };

function operands(scan: Scan): Arg[] {
  return scan.operands.filter((a) => a.text !== "-");
}

function generic(spec: PathSpec, args: readonly Arg[]): FileUse {
  const scan = scanOptions(args, 0, spec);
  const ops = operands(scan);
  const use: FileUse = { reads: values(scan, ...(spec.readOpts ?? [])), writes: values(scan, ...(spec.writeOpts ?? [])) };
  const pick = { all: ops, rest: ops.slice(1), first: ops.slice(0, 1), two: ops.slice(0, 2) };
  if (spec.reads) use.reads.push(...pick[spec.reads]);
  if (spec.writes === "all") use.writes.push(...ops);
  if (spec.writes === "second") use.writes.push(...ops.slice(1, 2));
  if (spec.listOpts && has(scan, ...spec.listOpts)) use.reads.push(wildArg());
  if (spec.cwdDefault && ops.length === 0) use.reads.push(textArg("."));
  return use;
}

/** cp, mv, install, ln: the destination is -t DIR or the last operand. */
function copyLike(args: readonly Arg[], kind: "cp" | "mv" | "ln" | "install"): FileUse {
  const spec: OptSpec = kind === "install" ? { ...COPY, short: "tSgmo", long: [...(COPY.long ?? []), "group", "mode", "owner", "strip-program"] } : COPY;
  const scan = scanOptions(args, 0, spec);
  const ops = operands(scan);
  if (kind === "install" && has(scan, "-d", "--directory")) return { reads: [], writes: ops };
  const target = values(scan, "-t", "--target-directory")[0];
  let sources = ops;
  let dest: Arg[];
  const only = ops[0]?.text;
  if (target) dest = [target];
  // `ln -s /some/file` links it into the working directory under its own name.
  else if (kind === "ln" && ops.length === 1) dest = [only !== undefined && basename(only) !== "" ? textArg(basename(only)) : argFromAtoms([GLOB])];
  else {
    sources = ops.slice(0, -1);
    dest = ops.slice(-1);
  }
  // mv takes the sources away from where they were.
  const writes = kind === "mv" ? [...dest, ...sources] : dest;
  return { reads: kind === "ln" ? [] : sources, writes };
}

/** chmod MODE FILE..., chown OWNER FILE...: modes like `-w` look like options. */
function modeChange(args: readonly Arg[]): FileUse {
  const known = /^(-[RcfvhHLP]+|--(recursive|changes|silent|quiet|verbose|no-preserve-root|preserve-root|dereference|no-dereference|from=.*|reference=.*))$/s;
  const rest = args.filter((a) => a.text === undefined || !known.test(a.text));
  const reference = args.find((a) => a.text?.startsWith("--reference=") === true);
  const files = rest.filter((a) => a.text !== "--");
  return { reads: [], writes: reference ? files : files.slice(1) };
}

function grepLike(args: readonly Arg[], rg: boolean): FileUse {
  const spec: PathSpec = rg
    ? { reads: "rest", short: "efgtTAmMCjEr", long: ["regexp", "file", "glob", "iglob", "type", "type-not", "type-add", "after-context", "before-context", "context", "max-count", "max-columns", "threads", "encoding", "replace", "pre", "pre-glob", "hostname-bin", "ignore-file", "max-depth", "sort", "sortr", "max-filesize", "engine"], readOpts: ["-f", "--file", "--ignore-file"] }
    : GREP;
  const scan = scanOptions(args, 0, spec);
  const patternGiven = has(scan, "-e", "--regexp", "-f", "--file") || (rg && has(scan, "--files", "--type-list"));
  const use = generic({ ...spec, reads: patternGiven ? "all" : "rest" }, args);
  const recursive = rg || has(scan, "-r", "-R", "--recursive", "--dereference-recursive");
  if (recursive && operands(scan).length <= (patternGiven ? 0 : 1)) use.reads.push(textArg("."));
  return use;
}

function scriptFirst(args: readonly Arg[], spec: OptSpec, scriptOpts: readonly string[], fileOpts: readonly string[]): { scan: Scan; files: Arg[] } {
  const scan = scanOptions(args, 0, spec);
  const given = has(scan, ...scriptOpts, ...fileOpts);
  return { scan, files: operands(scan).slice(given ? 0 : 1) };
}

export const SED_OPTIONS: OptSpec = { short: "elf", attached: "i", long: ["expression", "file", "line-length"], longOptional: ["in-place"] };
const AWK: OptSpec = { short: "fvFE", long: ["file", "assign", "field-separator", "include", "load", "source", "exec"] };

const CUSTOM: Record<string, (args: readonly Arg[]) => FileUse> = {
  cp: (a) => copyLike(a, "cp"),
  mv: (a) => copyLike(a, "mv"),
  ln: (a) => copyLike(a, "ln"),
  install: (a) => copyLike(a, "install"),
  chmod: modeChange,
  chown: modeChange,
  chgrp: modeChange,
  grep: (a) => grepLike(a, false),
  egrep: (a) => grepLike(a, false),
  fgrep: (a) => grepLike(a, false),
  rg: (a) => grepLike(a, true),
  sed: (args) => {
    const { scan, files } = scriptFirst(args, SED_OPTIONS, ["-e", "--expression"], ["-f", "--file"]);
    const inPlace = has(scan, "-i", "--in-place");
    return { reads: [...files, ...values(scan, "-f", "--file")], writes: inPlace ? files : [] };
  },
  awk: (args) => {
    const { scan, files } = scriptFirst(args, AWK, [], ["-f", "--file", "-E", "--exec"]);
    return { reads: [...files.filter((a) => !a.assign), ...values(scan, "-f", "--file", "-E", "--exec")], writes: [] };
  },
  find: (args) => {
    const line = parseFind(args);
    const roots = line.roots.length > 0 ? line.roots : [textArg(".")];
    return { reads: [...roots, ...line.reads], writes: [...line.writes, ...(line.deletes ? roots : [])] };
  },
  jq: jqFiles,
  dd: (args) => {
    const use: FileUse = { reads: [], writes: [] };
    for (const a of args) {
      const t = a.text ?? "";
      if (t.startsWith("if=")) use.reads.push(textArg(t.slice(3)));
      else if (t.startsWith("of=")) use.writes.push(textArg(t.slice(3)));
      else if (a.text === undefined) use.writes.push(wildArg());
    }
    return use;
  },
  curl: (args) => {
    const spec: OptSpec = { short: "AbcCDdEeFHKmoPQrTtuUwXxYyz", long: ["output", "output-dir", "dump-header", "cookie-jar", "trace", "trace-ascii", "stderr", "libcurl", "etag-save", "config", "upload-file", "data", "data-binary", "header", "user", "request", "url", "proxy", "write-out", "max-time", "form", "cookie", "referer", "user-agent"] };
    const scan = scanOptions(args, 0, spec);
    const dirArg = values(scan, "--output-dir")[0];
    const dir = dirArg?.text;
    const inDir = (a: Arg): Arg => (dir && a.text !== undefined && !a.text.startsWith("/") ? textArg(`${dir}/${a.text}`) : a);
    const writes = values(scan, "-o", "--output").filter((a) => a.text !== "-").map(inDir);
    writes.push(...values(scan, "-D", "--dump-header", "-c", "--cookie-jar", "--trace", "--trace-ascii", "--stderr", "--libcurl", "--etag-save").filter((a) => a.text !== "-"));
    if (has(scan, "-O", "--remote-name", "--remote-name-all", "-J")) writes.push(anyIn(dirArg));
    return { reads: values(scan, "-K", "--config", "-T", "--upload-file"), writes };
  },
  wget: (args) => {
    const scan = scanOptions(args, 0, { short: "OoaPeiBtTwQUYlARD", long: ["output-document", "output-file", "append-output", "directory-prefix", "execute", "input-file", "base", "tries", "timeout", "wait", "quota", "user-agent", "level", "accept", "reject", "domains", "user", "password", "header"] });
    const document = values(scan, "-O", "--output-document").filter((a) => a.text !== "-");
    const logs = values(scan, "-o", "--output-file", "-a", "--append-output");
    const prefix = values(scan, "-P", "--directory-prefix")[0];
    const downloads = has(scan, "-O", "--output-document") || has(scan, "--spider") ? [] : [anyIn(prefix)];
    return { reads: values(scan, "-i", "--input-file"), writes: [...document, ...logs, ...downloads] };
  },
  tar: (args) => {
    const first = args[0]?.text;
    // Old style: `tar xzf a.tgz` is `tar -x -z -f a.tgz`.
    const norm = first && /^[A-Za-z]+$/.test(first) ? [textArg(`-${first}`), ...args.slice(1)] : [...args];
    const scan = scanOptions(norm, 0, { short: "fCbHKLNTVgX", long: ["file", "directory", "exclude", "files-from", "exclude-from", "transform", "owner", "group", "mode", "format", "use-compress-program"] });
    const archive = values(scan, "-f", "--file");
    const dir = values(scan, "-C", "--directory")[0];
    const creating = has(scan, "-c", "--create", "-r", "--append", "-u", "--update");
    if (creating) return { reads: operands(scan), writes: archive };
    // GNU tar drops `..` from member names unless told to keep absolute names.
    const anywhere = has(scan, "-P", "--absolute-names");
    if (has(scan, "-x", "--extract", "--get")) return { reads: archive, writes: [anywhere ? wildArg() : anyIn(dir)] };
    return { reads: archive, writes: [] };
  },
  unzip: (args) => {
    const scan = scanOptions(args, 0, { short: "dxP", long: [] });
    const dir = values(scan, "-d")[0];
    return { reads: operands(scan).slice(0, 1), writes: has(scan, "-l", "-t", "-v", "-Z") ? [] : [anyIn(dir)] };
  },
  patch: () => ({ reads: [], writes: [wildArg()] }),
  rsync: (args) => remoteCopy(args, { short: "eBfT", long: ["rsh", "filter", "exclude", "include", "exclude-from", "include-from", "files-from", "temp-dir", "partial-dir", "compare-dest", "copy-dest", "link-dest", "backup-dir", "suffix", "chmod", "chown", "log-file", "rsync-path"] }),
  scp: (args) => remoteCopy(args, { short: "cFiJloPS", long: [] }),
  git: (args) => {
    const scan = scanOptions(args, 0, { short: "C", long: ["output"] });
    return { reads: has(scan, "--no-index") ? operands(scan).slice(1) : [], writes: values(scan, "--output") };
  },
  // The lock file is created; script's log defaults to ./typescript.
  flock: (args) => {
    const end = scanOptions(args, 0, { short: "wEc", long: ["timeout", "conflict-exit-code", "command"], stopAtOperand: true }).end;
    const file = args[end];
    // `flock 9` locks an open descriptor.
    const fd = file?.text !== undefined && /^\d+$/.test(file.text) && end === args.length - 1;
    return { reads: [], writes: file && !fd ? [file] : [] };
  },
  script: (args) => {
    const ops = operands(scanOptions(args, 0, { short: "cEIOTBt", long: ["command", "log-in", "log-out", "log-timing", "echo", "logging-format"] }));
    return { reads: [], writes: ops.length > 0 ? ops.slice(0, 1) : [textArg("typescript")] };
  },
};

/** Files with names chosen at run time (downloads, archive members) inside `dir` (default: the working directory). */
function anyIn(dir: Arg | undefined): Arg {
  return argFromAtoms(dir ? [...dir.atoms, "/", GLOB] : [GLOB]);
}

function remoteCopy(args: readonly Arg[], spec: OptSpec): FileUse {
  const ops = operands(scanOptions(args, 0, spec));
  const local = (a: Arg): boolean => a.text === undefined || !/^[^/]*:/.test(a.text);
  return { reads: ops.slice(0, -1).filter(local), writes: ops.slice(-1).filter(local) };
}

/** jq FILTER FILE...: --arg and friends take two words, -f replaces the filter, --args ends the files. */
function jqFiles(args: readonly Arg[]): FileUse {
  const use: FileUse = { reads: [], writes: [] };
  let filterSeen = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as Arg;
    const t = a.text;
    if (t === "--args" || t === "--jsonargs") break;
    if (t === "--arg" || t === "--argjson") i += 2;
    else if (t === "--slurpfile" || t === "--rawfile") {
      const file = args[i + 2];
      if (file) use.reads.push(file);
      i += 2;
    } else if (t === "-f" || t === "--from-file") {
      const file = args[i + 1];
      if (file) use.reads.push(file);
      filterSeen = true;
      i++;
    } else if (t === "-L" || t === "--indent") i++;
    else if (t !== undefined && t.startsWith("-") && t !== "-") continue;
    else if (!filterSeen) filterSeen = true;
    else if (t !== "-") use.reads.push(a);
  }
  return use;
}

export function fileUse(program: string, args: readonly Arg[]): FileUse {
  const custom = CUSTOM[program];
  if (custom) return custom(args);
  const spec = SPECS[program];
  return spec ? generic(spec, args) : { reads: [], writes: [] };
}
