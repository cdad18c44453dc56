// Language server results as compact text for the model: locations as `path:line:col: <source line>`,
// hovers as their text, symbols as an indented outline, call hierarchy items with their call sites.
// Lines and columns are shown 1-based, as editors show them; paths relative to the project when inside.
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  CallHierarchyIncomingCall,
  CallHierarchyItem,
  CallHierarchyOutgoingCall,
  DocumentSymbol,
  Hover,
  Location,
  LocationLink,
  MarkedString,
  Range,
  SymbolInformation,
} from "./lsp-protocol.ts";
import { symbolKindName } from "./lsp-protocol.ts";

const MAX_LOCATIONS = 500;
const MAX_LINE_TEXT = 200;

/** Shows paths relative to the project and reads source lines, each file once. */
export class SourceView {
  private readonly files = new Map<string, Promise<string[] | undefined>>();

  constructor(private readonly root: string) {}

  path(uri: string): string {
    let abs: string;
    try {
      abs = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
    } catch {
      return uri;
    }
    const rel = relative(this.root, abs);
    return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
  }

  async line(uri: string, line: number): Promise<string | undefined> {
    let lines = this.files.get(uri);
    if (!lines) {
      lines = readFile(fileURLToPath(uri), "utf8").then(
        (text) => text.split(/\r?\n/),
        () => undefined,
      );
      this.files.set(uri, lines);
    }
    const text = (await lines)?.[line]?.trim();
    if (text === undefined) return undefined;
    return text.length > MAX_LINE_TEXT ? `${text.slice(0, MAX_LINE_TEXT)}…` : text;
  }

  /** `path:line:col` (1-based). */
  at(uri: string, range: Range): string {
    return `${this.path(uri)}:${range.start.line + 1}:${range.start.character + 1}`;
  }
}

function isLink(value: Location | LocationLink): value is LocationLink {
  return "targetUri" in value;
}

/** Location, Location[] or LocationLink[] (or null) as plain locations. */
export function toLocations(result: unknown): Location[] {
  if (!result) return [];
  const list = (Array.isArray(result) ? result : [result]) as (Location | LocationLink)[];
  return list.filter((l) => l && typeof l === "object").map((l) => (isLink(l) ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : l));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One line per location with its source text, sorted by file and position; `what` names them ("reference"). */
export async function formatLocations(locations: Location[], view: SourceView, what: string): Promise<string> {
  const sorted = [...locations].sort((a, b) => view.path(a.uri).localeCompare(view.path(b.uri)) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const shown = sorted.slice(0, MAX_LOCATIONS);
  const lines = await Promise.all(
    shown.map(async (l) => {
      const text = await view.line(l.uri, l.range.start.line);
      return text === undefined || text === "" ? view.at(l.uri, l.range) : `${view.at(l.uri, l.range)}: ${text}`;
    }),
  );
  const files = new Set(sorted.map((l) => l.uri)).size;
  const head = `${plural(sorted.length, what)}${files > 1 ? ` in ${files} files` : ""}:`;
  const more = sorted.length > shown.length ? [`… and ${sorted.length - shown.length} more`] : [];
  return [head, ...lines, ...more].join("\n");
}

function markedText(value: MarkedString): string {
  if (typeof value === "string") return value;
  return "```" + value.language + "\n" + value.value + "\n```";
}

/** A hover's contents as text (markdown kept as written), or "" when it has none. */
export function hoverText(hover: Hover | null | undefined): string {
  if (!hover || hover.contents === undefined || hover.contents === null) return "";
  const c = hover.contents;
  if (Array.isArray(c)) return c.map(markedText).filter((t) => t.trim() !== "").join("\n\n").trim();
  if (typeof c === "object" && "kind" in c) return c.value.trim();
  return markedText(c).trim();
}

function lineSpan(range: Range): string {
  const start = range.start.line + 1;
  const end = range.end.line + 1;
  return end > start ? `lines ${start}-${end}` : `line ${start}`;
}

function isDocumentSymbol(value: DocumentSymbol | SymbolInformation): value is DocumentSymbol {
  return "selectionRange" in value;
}

function outline(symbols: DocumentSymbol[], depth: number, out: string[]): void {
  const sorted = [...symbols].sort((a, b) => a.range.start.line - b.range.start.line);
  for (const s of sorted) {
    const detail = s.detail && s.detail.trim() !== "" ? ` ${s.detail.trim()}` : "";
    out.push(`${"  ".repeat(depth)}${symbolKindName(s.kind)} ${s.name}${detail} (${lineSpan(s.range)})`);
    if (s.children?.length) outline(s.children, depth + 1, out);
  }
}

/** documentSymbol results: an indented outline, or a flat list for servers that send SymbolInformation. */
export function formatDocumentSymbols(result: unknown, view: SourceView, file: string): string {
  const list = (Array.isArray(result) ? result : []) as (DocumentSymbol | SymbolInformation)[];
  if (list.length === 0) return `No symbols found in ${file}.`;
  const out: string[] = [];
  if (list.every(isDocumentSymbol)) outline(list as DocumentSymbol[], 0, out);
  else out.push(...formatSymbolList(list.filter((s): s is SymbolInformation => !isDocumentSymbol(s)), view));
  return `Symbols in ${file}:\n${out.join("\n")}`;
}

/** Flat symbols (workspace/symbol): `Kind name (in Container) - path:line:col`. */
export function formatSymbolList(symbols: SymbolInformation[], view: SourceView): string[] {
  return symbols.slice(0, MAX_LOCATIONS).map((s) => {
    const container = s.containerName ? ` (in ${s.containerName})` : "";
    const where = "range" in s.location ? view.at(s.location.uri, s.location.range) : view.path(s.location.uri);
    return `${symbolKindName(s.kind)} ${s.name}${container} - ${where}`;
  });
}

/** `Kind name - path:line:col` plus the item's detail. */
export function itemLine(item: CallHierarchyItem, view: SourceView): string {
  const detail = item.detail && item.detail.trim() !== "" ? ` [${item.detail.trim()}]` : "";
  return `${symbolKindName(item.kind)} ${item.name} - ${view.at(item.uri, item.selectionRange)}${detail}`;
}

function sites(ranges: Range[]): string {
  return ranges.map((r) => `${r.start.line + 1}:${r.start.character + 1}`).join(", ");
}

export function formatIncoming(item: CallHierarchyItem, calls: CallHierarchyIncomingCall[], view: SourceView): string {
  if (calls.length === 0) return `No callers of ${item.name} found.`;
  const lines = calls.map((c) => `${itemLine(c.from, view)}\n  calls it at ${view.path(c.from.uri)} ${sites(c.fromRanges)}`);
  return `${plural(calls.length, "caller")} of ${item.name}:\n${lines.join("\n")}`;
}

export function formatOutgoing(item: CallHierarchyItem, calls: CallHierarchyOutgoingCall[], view: SourceView): string {
  if (calls.length === 0) return `${item.name} calls nothing the server knows of.`;
  const lines = calls.map((c) => `${itemLine(c.to, view)}\n  called at ${view.path(item.uri)} ${sites(c.fromRanges)}`);
  return `${item.name} calls ${plural(calls.length, "function")}:\n${lines.join("\n")}`;
}
