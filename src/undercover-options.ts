// Option parsing for the commands undercover mode reads (git's parse-options and gh's pflag): which
// word carries which option's value, in every spelling (`-m x`, `-mx`, `-am x`, `--message x`,
// `--message=x`, git's `--mess=x` abbreviations, pflag's `-t=x`), where the positional arguments are,
// and which words could be options but are only known at run time.

export type OptKind = "flag" | "value" | "optional";

export interface OptDef {
  long?: string;
  short?: string;
  kind: OptKind;
}

export interface OptSpec {
  options: readonly OptDef[];
  /** git accepts any unambiguous prefix of a long option; pflag does not. */
  abbreviations: boolean;
  /** pflag reads `-t=x` as the value "x"; git keeps the "=". */
  shortEquals: boolean;
}

/** The words as the parser sees them: the literal text, or undefined when only known at run time. */
export interface OptWord {
  text: string | undefined;
  /** The literal text the word starts with ("" when it starts with an expansion). */
  head: string;
  /** Could turn out to start with "-" (an unknown word whose known start is not something else). */
  maybeOption: boolean;
}

export interface ParsedOpt {
  /** The long name when the option has one, else its letter. */
  name: string;
  /** Index of the word holding the option. */
  index: number;
  /** Index of the word holding the value (== index when attached); undefined for flags. */
  valueIndex?: number;
  /** The value's text (undefined: only known at run time, or no value). */
  value?: string;
  /** The option word is only this option: `-m`, `--message`, `--message=x`, not a cluster like `-am`. */
  plain: boolean;
  /** For an attached value, the option word's text before the value (`-am`, `--message=`). */
  prefix?: string;
}

export interface ParsedArgs {
  opts: ParsedOpt[];
  positionals: number[];
  /** Words in an option position whose text is unknown and could be an option. */
  unknown: number[];
}

export function spec(abbreviations: boolean, shortEquals: boolean, table: string): OptSpec {
  // "m|message=, a|all, S|gpg-sign?, trailer=": `=` takes a value, `?` an attached optional one.
  const options: OptDef[] = table
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")
    .map((entry) => {
      const kind: OptKind = entry.endsWith("=") ? "value" : entry.endsWith("?") ? "optional" : "flag";
      const names = entry.replace(/[=?]$/, "").split("|");
      const short = names.find((n) => n.length === 1);
      const long = names.find((n) => n.length > 1);
      return { kind, ...(short ? { short } : {}), ...(long ? { long } : {}) };
    });
  return { options, abbreviations, shortEquals };
}

function findLong(spec: OptSpec, name: string): OptDef | undefined {
  const exact = spec.options.find((o) => o.long === name);
  if (exact || !spec.abbreviations) return exact;
  const candidates = spec.options.filter((o) => o.long?.startsWith(name));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Parses words[from..] as options and operands; `--` ends the options. */
export function parseArgs(words: readonly OptWord[], from: number, spec: OptSpec): ParsedArgs {
  const out: ParsedArgs = { opts: [], positionals: [], unknown: [] };
  let i = from;
  const valueAt = (at: number): Pick<ParsedOpt, "valueIndex" | "value"> => {
    if (at >= words.length) return {};
    const text = words[at]?.text;
    return { valueIndex: at, ...(text === undefined ? {} : { value: text }) };
  };
  while (i < words.length) {
    const word = words[i] as OptWord;
    const text = word.text;
    if (text === undefined && word.head.startsWith("--") && word.head.includes("=")) {
      // `--message="$(cat <<'EOF' ...)"`: the option is known, its value is read by the caller.
      const eq = word.head.indexOf("=");
      const def = findLong(spec, word.head.slice(2, eq));
      out.opts.push({ name: def?.long ?? word.head.slice(2, eq), index: i, plain: true, valueIndex: i, prefix: word.head.slice(0, eq + 1) });
      i++;
      continue;
    }
    if (text === undefined) {
      (word.maybeOption ? out.unknown : out.positionals).push(i++);
      continue;
    }
    if (text === "--") {
      for (let k = i + 1; k < words.length; k++) out.positionals.push(k);
      break;
    }
    if (text.startsWith("--")) {
      const eq = text.indexOf("=");
      const name = text.slice(2, eq === -1 ? undefined : eq);
      const def = findLong(spec, name);
      const canonical = def?.long ?? name;
      if (def?.kind === "value" && eq === -1) {
        out.opts.push({ name: canonical, index: i, plain: true, ...valueAt(i + 1) });
        i += 2;
        continue;
      }
      const attached = eq === -1 ? {} : { valueIndex: i, value: text.slice(eq + 1), prefix: text.slice(0, eq + 1) };
      out.opts.push({ name: canonical, index: i, plain: true, ...attached });
      i++;
      continue;
    }
    if (text.startsWith("-") && text.length > 1) {
      i = parseCluster(words, i, text, spec, out, valueAt);
      continue;
    }
    out.positionals.push(i++);
  }
  return out;
}

function parseCluster(
  words: readonly OptWord[],
  i: number,
  text: string,
  spec: OptSpec,
  out: ParsedArgs,
  valueAt: (at: number) => Pick<ParsedOpt, "valueIndex" | "value">,
): number {
  for (let k = 1; k < text.length; k++) {
    const letter = text[k] ?? "";
    const def = spec.options.find((o) => o.short === letter);
    const name = def?.long ?? letter;
    const plain = k === 1;
    if (def?.kind === "value" || def?.kind === "optional") {
      let rest = text.slice(k + 1);
      let prefix = text.slice(0, k + 1);
      if (spec.shortEquals && rest.startsWith("=")) {
        rest = rest.slice(1);
        prefix += "=";
      }
      if (rest !== "" || def.kind === "optional") {
        out.opts.push({ name, index: i, plain, ...(rest === "" ? {} : { valueIndex: i, value: rest, prefix }) });
        return i + 1;
      }
      out.opts.push({ name, index: i, plain: plain && text.length === 2, ...valueAt(i + 1) });
      return i + 2;
    }
    out.opts.push({ name, index: i, plain: text.length === 2 });
  }
  return i + 1;
}

/** The options with one of these names, in order. */
export function optsNamed(parsed: ParsedArgs, ...names: string[]): ParsedOpt[] {
  return parsed.opts.filter((o) => names.includes(o.name));
}

export function hasOpt(parsed: ParsedArgs, ...names: string[]): boolean {
  return parsed.opts.some((o) => names.includes(o.name));
}
