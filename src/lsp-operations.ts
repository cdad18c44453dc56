// The LSP tool's nine operations: the request each one sends for a 1-based editor position (converted to
// the protocol's 0-based one), and the text the model gets back, with empty results said plainly.
import type { LspClient } from "./lsp-client.ts";
import {
  formatDocumentSymbols,
  formatIncoming,
  formatLocations,
  formatOutgoing,
  formatSymbolList,
  hoverText,
  itemLine,
  toLocations,
  type SourceView,
} from "./lsp-format.ts";
import { LspServerError } from "./lsp-process.ts";
import type { CallHierarchyIncomingCall, CallHierarchyItem, CallHierarchyOutgoingCall, Hover, Position, SymbolInformation } from "./lsp-protocol.ts";

export const LSP_OPERATIONS = [
  "goToDefinition",
  "findReferences",
  "hover",
  "documentSymbol",
  "workspaceSymbol",
  "goToImplementation",
  "prepareCallHierarchy",
  "incomingCalls",
  "outgoingCalls",
] as const;

export type LspOperation = (typeof LSP_OPERATIONS)[number];

export interface OperationInput {
  client: LspClient;
  operation: LspOperation;
  uri: string;
  /** The file's text as sent to the server. */
  text: string;
  /** 1-based, as editors show them. */
  line: number;
  character: number;
  view: SourceView;
  /** The file as shown to the model (relative to the project when inside). */
  display: string;
  signal: AbortSignal;
}

/** The 0-based protocol position, or an error saying how the 1-based one misses the file. */
export function toPosition(text: string, line: number, character: number, display: string): Position {
  const lines = text.split(/\r?\n/);
  if (line < 1 || line > lines.length) throw new LspServerError(`Line ${line} is outside ${display}, which has ${lines.length} line${lines.length === 1 ? "" : "s"} (lines are 1-based).`);
  const content = lines[line - 1] ?? "";
  if (character < 1 || character > content.length + 1) {
    throw new LspServerError(`Character ${character} is outside line ${line} of ${display}, which has ${content.length} characters (characters are 1-based).\nLine ${line}: ${content.trim()}`);
  }
  return { line: line - 1, character: character - 1 };
}

/** The identifier around a position (workspaceSymbol's query), or "" when the position is not on one. */
export function wordAt(text: string, position: Position): string {
  const content = text.split(/\r?\n/)[position.line] ?? "";
  const isWord = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch);
  let start = position.character;
  let end = position.character;
  while (start > 0 && isWord(content[start - 1])) start--;
  while (isWord(content[end])) end++;
  return content.slice(start, end);
}

function nothingAt(input: OperationInput, what: string): string {
  const content = input.text.split(/\r?\n/)[input.line - 1]?.trim() ?? "";
  return `No ${what} found at ${input.display}:${input.line}:${input.character}. Check that the position is on the symbol's name.\nLine ${input.line}: ${content}`;
}

async function callItems(input: OperationInput, position: Position): Promise<CallHierarchyItem[]> {
  const items = await input.client.request<CallHierarchyItem[] | null>("textDocument/prepareCallHierarchy", { textDocument: { uri: input.uri }, position }, input.signal);
  return Array.isArray(items) ? items : [];
}

export async function runOperation(input: OperationInput): Promise<string> {
  const { client, uri, view, signal } = input;
  const position = toPosition(input.text, input.line, input.character, input.display);
  const at = { textDocument: { uri }, position };
  switch (input.operation) {
    case "goToDefinition":
    case "goToImplementation": {
      const method = input.operation === "goToDefinition" ? "textDocument/definition" : "textDocument/implementation";
      const what = input.operation === "goToDefinition" ? "definition" : "implementation";
      const locations = toLocations(await client.request(method, at, signal));
      return locations.length === 0 ? nothingAt(input, what) : formatLocations(locations, view, what);
    }
    case "findReferences": {
      const locations = toLocations(await client.request("textDocument/references", { ...at, context: { includeDeclaration: true } }, signal));
      return locations.length === 0 ? nothingAt(input, "references") : formatLocations(locations, view, "reference");
    }
    case "hover": {
      const text = hoverText(await client.request<Hover | null>("textDocument/hover", at, signal));
      return text === "" ? nothingAt(input, "hover information") : text;
    }
    case "documentSymbol":
      return formatDocumentSymbols(await client.request("textDocument/documentSymbol", { textDocument: { uri } }, signal), view, input.display);
    case "workspaceSymbol": {
      const query = wordAt(input.text, position);
      const found = await client.request<SymbolInformation[] | null>("workspace/symbol", { query }, signal);
      const list = Array.isArray(found) ? found : [];
      const label = query === "" ? "all symbols" : `"${query}"`;
      if (list.length === 0) return `No workspace symbols match ${label}.`;
      return `Workspace symbols matching ${label}:\n${formatSymbolList(list, view).join("\n")}`;
    }
    case "prepareCallHierarchy": {
      const items = await callItems(input, position);
      return items.length === 0 ? nothingAt(input, "call hierarchy item") : items.map((i) => itemLine(i, view)).join("\n");
    }
    case "incomingCalls":
    case "outgoingCalls": {
      const items = await callItems(input, position);
      if (items.length === 0) return nothingAt(input, "function or method");
      const parts: string[] = [];
      for (const item of items) {
        if (input.operation === "incomingCalls") {
          const calls = await client.request<CallHierarchyIncomingCall[] | null>("callHierarchy/incomingCalls", { item }, signal);
          parts.push(formatIncoming(item, calls ?? [], view));
        } else {
          const calls = await client.request<CallHierarchyOutgoingCall[] | null>("callHierarchy/outgoingCalls", { item }, signal);
          parts.push(formatOutgoing(item, calls ?? [], view));
        }
      }
      return parts.join("\n\n");
    }
  }
}
