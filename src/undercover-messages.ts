// Judging the texts a command sends out (commit messages, titles, bodies, trailers): each is scanned,
// attribution lines are cleaned out by rewriting the words that carry the text, and anything else,
// or a text only known when the command runs, blocks the command with a reason saying what and where.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { UndercoverConfig } from "./undercover-config.ts";
import type { ParsedOpt } from "./undercover-options.ts";
import { cleanText, describeFinding, type Finding } from "./undercover-scan.ts";
import { shellQuote, stdinText, wordValue, type Edit, type SimpleCommand } from "./undercover-shell.ts";

/** What checking one command (or part of one) concluded. */
export interface Verdict {
  blocks: string[];
  removed: Finding[];
  edits: Edit[];
}

export const emptyVerdict = (): Verdict => ({ blocks: [], removed: [], edits: [] });

export type EmptyText = "block" | "keep" | "drop";

export interface MessageSource {
  /** "the commit message (-m)". */
  label: string;
  text: string | undefined;
  /** Why the text is unknown (when text is undefined). */
  why?: string;
  /** The words that would carry the cleaned text instead; undefined when it cannot be put back. */
  rewrite?: (cleaned: string) => Omit<Edit, "command"> | undefined;
  /** What an empty cleaned text means: refuse it, keep it empty, or drop the option (a trailer, an extra -m). */
  empty?: EmptyText;
}

export function blockReason(findings: readonly Finding[]): string {
  return findings.map(describeFinding).join("; ");
}

/**
 * Checks each source; attribution is rewritten away when every source that had some can be rewritten.
 * Returns the cleaned texts (in order), so callers can tell when nothing would be left.
 */
export function judgeMessages(sources: readonly MessageSource[], command: SimpleCommand, config: UndercoverConfig, verdict: Verdict): string[] {
  const cleanedTexts: string[] = [];
  for (const source of sources) {
    if (source.text === undefined) {
      verdict.blocks.push(`${source.label} is only known when the command runs (${source.why ?? "it is not literal text"}); undercover mode checks text before it leaves, so write it out literally (a quoted string or a quoted heredoc)`);
      continue;
    }
    const cleaned = cleanText(source.text, config);
    cleanedTexts.push(cleaned.text);
    const blocking = cleaned.blocking.map((f) => ({ ...f, source: source.label }));
    if (blocking.length > 0) verdict.blocks.push(blockReason(blocking));
    if (cleaned.removed.length === 0) continue;
    const removed = cleaned.removed.map((f) => ({ ...f, source: source.label }));
    const edit = source.rewrite?.(cleaned.text);
    if (edit === undefined || (cleaned.text.trim() === "" && (source.empty ?? "block") === "block")) {
      verdict.blocks.push(`${blockReason(removed)}: remove it and run the command again`);
      continue;
    }
    verdict.removed.push(...removed);
    verdict.edits.push({ command, ...edit });
  }
  return cleanedTexts;
}

/** A message given inline: the value word is replaced, keeping the option word (or its attached prefix). */
export function inlineSource(label: string, opt: ParsedOpt, command: SimpleCommand, empty: EmptyText = "block"): MessageSource {
  const at = opt.valueIndex;
  const word = at === undefined ? undefined : command.words[at];
  if (at === undefined || !word) return { label, text: undefined, why: "its value is missing" };
  const value = wordValue(word);
  const attached = at === opt.index;
  const text = "text" in value ? (attached ? value.text.slice((opt.prefix ?? "").length) : value.text) : undefined;
  const rewrite = (cleaned: string): Omit<Edit, "command"> | undefined => {
    if (cleaned.trim() === "" && empty === "drop" && opt.plain) return { from: opt.index, to: at, words: [] };
    if (!attached) return { from: at, to: at, words: [shellQuote(cleaned)] };
    return opt.prefix === undefined ? undefined : { from: at, to: at, words: [shellQuote(opt.prefix + cleaned)] };
  };
  return { label, text, ...("why" in value ? { why: value.why } : {}), rewrite, empty };
}

const MAX_MESSAGE_FILE = 1_000_000;

function readMessageFile(path: string): string | undefined {
  try {
    if (statSync(path).size > MAX_MESSAGE_FILE) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * A message read from a file (`-F path`, `--body-file path`, `-` for stdin): a plain option is rewritten
 * into the inline one (`-m '<cleaned>'`, `--body '<cleaned>'`).
 */
export function fileSource(label: string, opt: ParsedOpt, command: SimpleCommand, cwd: string, inline: { short?: string; long: string }, empty: EmptyText = "block"): MessageSource {
  const at = opt.valueIndex;
  const word = at === undefined ? undefined : command.words[at];
  if (at === undefined || !word) return { label, text: undefined, why: "its file is missing" };
  const value = wordValue(word);
  if ("why" in value) return { label, text: undefined, why: value.why };
  const name = at === opt.index ? value.text.slice((opt.prefix ?? "").length) : value.text;
  let text: string | undefined;
  let why: string | undefined;
  if (name === "-") {
    text = stdinText(command.redirects);
    why = "it is read from stdin, which is not a heredoc";
  } else {
    text = readMessageFile(isAbsolute(name) ? name : resolve(cwd, name));
    why = `the file ${name} could not be read`;
  }
  const rewrite = (cleaned: string): Omit<Edit, "command"> | undefined => {
    if (!opt.plain) return undefined;
    if (at === opt.index) return { from: at, to: at, words: [shellQuote(`${inline.long}=${cleaned}`)] };
    return { from: opt.index, to: at, words: [inline.short ?? inline.long, shellQuote(cleaned)] };
  };
  return { label: `${label} from ${name === "-" ? "stdin" : name}`, text, ...(text === undefined ? { why } : {}), rewrite, empty };
}
