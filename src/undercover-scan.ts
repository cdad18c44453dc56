// Finding what undercover mode keeps out of outgoing text: configured codenames and model names (whole
// words, any case), unreleased Claude model ids and versions, internal hosts and URLs, and AI
// attribution lines. Only attribution lines are ever removed (cleanText); the rest is reported, because
// rewriting prose silently would change what the author meant.
import { isUnreleasedModelId, isUnreleasedVersion, type ModelFamily, type UndercoverConfig } from "./undercover-config.ts";

export type FindingKind = "codename" | "model" | "url" | "attribution";

export interface Finding {
  kind: FindingKind;
  /** The text as it appears. */
  text: string;
  /** 1-based line and column in the scanned text. */
  line: number;
  column: number;
  /** Offset in the scanned text. */
  index: number;
  /** Where the text was going, set by the command gate ("the commit message (-m)", "src/a.ts:12"). */
  source?: string;
}

export interface ScanOptions {
  /** Kinds to look for (default: all). */
  kinds?: readonly FindingKind[];
}

interface Hit {
  kind: FindingKind;
  index: number;
  text: string;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A term as a whole word, any case: not preceded or followed by a letter, digit or underscore. */
function wordPattern(term: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(term)}(?![\\p{L}\\p{N}_])`, "giu");
}

function allMatches(text: string, re: RegExp, kind: FindingKind, keep: (m: RegExpExecArray) => boolean = () => true): Hit[] {
  const out: Hit[] = [];
  for (const m of text.matchAll(re)) if (keep(m)) out.push({ kind, index: m.index, text: m[0] });
  return out;
}

const MODEL_ID = /(?<![\w-])claude-[a-z0-9.]+(?:-[a-z0-9.]+)*(?:@\d{8})?(?::\d+)?/gi;
const FAMILY_VERSION = /(?<![\w.])(Opus|Sonnet|Haiku)\s+v?(\d)(?:\.(\d+))?(?![\w.]*\d)/g;
const CLAUDE_VERSION = /(?<![\w.])Claude\s+v?(\d)(?:\.(\d+))?(?![\w.]*\d)(?:\s+(Opus|Sonnet|Haiku)\b)?/g;

function modelHits(text: string, config: UndercoverConfig): Hit[] {
  const hits = allMatches(text, MODEL_ID, "model", (m) => isUnreleasedModelId(m[0].replace(/[.:]+$/, "")));
  hits.push(
    ...allMatches(text, FAMILY_VERSION, "model", (m) => {
      const version = m[3] === undefined ? (m[2] ?? "") : `${m[2]}.${m[3]}`;
      return isUnreleasedVersion((m[1] ?? "").toLowerCase() as ModelFamily, version);
    }),
    ...allMatches(text, CLAUDE_VERSION, "model", (m) => {
      const version = m[2] === undefined ? (m[1] ?? "") : `${m[1]}.${m[2]}`;
      const family = (m[3]?.toLowerCase() ?? "claude") as ModelFamily;
      return isUnreleasedVersion(family, version);
    }),
  );
  for (const name of config.modelNames) hits.push(...allMatches(text, wordPattern(name), "model"));
  return hits;
}

/** Internal hosts and URL prefixes, each extended to the end of the link it starts. */
function urlHits(text: string, config: UndercoverConfig): Hit[] {
  const hits: Hit[] = [];
  const tail = "[^\\s<>\"'`)\\]}]*";
  for (const host of config.internalHosts) {
    const name = host.replace(/^\*?\./, "");
    const sub = host.startsWith("*.") || host.startsWith(".") ? "(?:[a-z0-9-]+\\.)*" : "";
    const re = new RegExp(`(?:[a-z][a-z0-9+.-]*://)?(?:[^\\s@/]+@)?(?<![\\w.-])${sub}${escapeRegExp(name)}(?![\\w-]|\\.[a-z0-9])${tail}`, "gi");
    hits.push(...allMatches(text, re, "url"));
  }
  for (const prefix of config.internalUrls) {
    const bare = prefix.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
    const re = new RegExp(`(?:[a-z][a-z0-9+.-]*://)?(?<![\\w.-])${escapeRegExp(bare)}${tail}`, "gi");
    hits.push(...allMatches(text, re, "url"));
  }
  return hits;
}

const TRAILER = /^\s*(?:co-authored-by|signed-off-by|assisted-by|generated-by|ai-assisted-by)\s*[:=].*(?:\bclaude\b|\banthropic\b|\bhone\b|\bcopilot\b|\bchatgpt\b|\bgpt-\d)/i;
// A line that starts with the robot emoji and says generated/written, or starts (after list or quote
// markers) with "Generated with Claude ...": prose that merely mentions a tool is left alone.
const GENERATED = /^\s*(?:🤖.*\b(?:generated|created|written|made)\b|[-*_>\s]*(?:generated|created|written|made)\s+(?:with|by|using)\s+\[?(?:claude|hone\b|anthropic|an ai\b))/i;

/** Whole lines that credit an AI: co-author trailers and "Generated with ..." lines. */
function attributionHits(text: string): Hit[] {
  const hits: Hit[] = [];
  let index = 0;
  for (const line of text.split("\n")) {
    const body = line.replace(/\r$/, "");
    if (TRAILER.test(body) || GENERATED.test(body)) hits.push({ kind: "attribution", index, text: body });
    index += line.length + 1;
  }
  return hits;
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return { line, column: index - before.lastIndexOf("\n") };
}

/** Everything undercover mode would keep out of this text, in order; overlapping matches are kept once. */
export function scanText(text: string, config: UndercoverConfig, options: ScanOptions = {}): Finding[] {
  const kinds = new Set(options.kinds ?? ["codename", "model", "url", "attribution"]);
  const hits: Hit[] = [];
  if (kinds.has("attribution") && !config.allowAttribution) hits.push(...attributionHits(text));
  if (kinds.has("codename")) for (const name of config.codenames) hits.push(...allMatches(text, wordPattern(name), "codename"));
  if (kinds.has("model")) hits.push(...modelHits(text, config));
  if (kinds.has("url")) hits.push(...urlHits(text, config));
  // In text order, the longest match first; a match inside an earlier one of the same kind is the same finding.
  hits.sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  const out: Finding[] = [];
  for (const hit of hits) {
    const covered = out.some((f) => f.kind === hit.kind && hit.index >= f.index && hit.index + hit.text.length <= f.index + f.text.length);
    if (!covered) out.push({ ...hit, ...position(text, hit.index) });
  }
  return out;
}

export interface Cleaned {
  text: string;
  /** The attribution lines taken out. */
  removed: Finding[];
  /** What is still there and cannot be removed silently (codenames, model names, internal URLs). */
  blocking: Finding[];
}

/** Drops attribution lines (and the blank lines they leave); reports the rest without touching it. */
export function cleanText(text: string, config: UndercoverConfig): Cleaned {
  const findings = scanText(text, config);
  const removed = findings.filter((f) => f.kind === "attribution");
  if (removed.length === 0) return { text, removed, blocking: findings };
  const drop = new Set(removed.map((f) => f.line));
  const lines = text.split("\n").filter((_, i) => !drop.has(i + 1));
  let out = lines.join("\n").replace(/\n(?:[ \t]*\n){2,}/g, "\n\n");
  const trailingNewline = text.endsWith("\n");
  out = out.replace(/\s+$/, "");
  if (trailingNewline && out !== "") out += "\n";
  // What blocks is what the cleaned text still carries, with its new positions.
  return { text: out, removed, blocking: scanText(out, config).filter((f) => f.kind !== "attribution") };
}

/** A short description of a finding for a person or the model: `codename "Falcon" (line 2)`. */
export function describeFinding(f: Finding): string {
  const what = f.kind === "codename" ? "internal codename" : f.kind === "model" ? "unreleased model name" : f.kind === "url" ? "internal URL or host" : "AI attribution line";
  const shown = f.text.length > 80 ? `${f.text.slice(0, 77)}...` : f.text;
  return `${what} "${shown}"${f.source ? ` in ${f.source}` : ""}${f.line > 1 || f.source === undefined ? ` (line ${f.line})` : ""}`;
}
