// The slice of the Language Server Protocol hone speaks: the result shapes it reads (positions are
// 0-based, characters in UTF-16 code units), the capabilities it announces and the initialize request.
import { pathToFileURL } from "node:url";

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  uri: string;
  range: Range;
}

export interface LocationLink {
  targetUri: string;
  targetRange: Range;
  targetSelectionRange: Range;
}

export interface Diagnostic {
  range: Range;
  /** 1 error, 2 warning, 3 information, 4 hint; absent means the client decides (treated as error). */
  severity?: number;
  code?: number | string;
  source?: string;
  message: string;
}

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

/** The flat form of documentSymbol and workspace/symbol results (WorkspaceSymbol may omit the range). */
export interface SymbolInformation {
  name: string;
  kind: number;
  containerName?: string;
  location: Location | { uri: string };
}

export interface MarkupContent {
  kind: string;
  value: string;
}

export type MarkedString = string | { language: string; value: string };

export interface Hover {
  contents: MarkupContent | MarkedString | MarkedString[];
  range?: Range;
}

export interface CallHierarchyItem {
  name: string;
  kind: number;
  detail?: string;
  uri: string;
  range: Range;
  selectionRange: Range;
  data?: unknown;
}

export interface CallHierarchyIncomingCall {
  from: CallHierarchyItem;
  fromRanges: Range[];
}

export interface CallHierarchyOutgoingCall {
  to: CallHierarchyItem;
  fromRanges: Range[];
}

/** SymbolKind numbers (1-based in the protocol) as words. */
const SYMBOL_KINDS = [
  "File", "Module", "Namespace", "Package", "Class", "Method", "Property", "Field", "Constructor", "Enum",
  "Interface", "Function", "Variable", "Constant", "String", "Number", "Boolean", "Array", "Object", "Key",
  "Null", "EnumMember", "Struct", "Event", "Operator", "TypeParameter",
];

export function symbolKindName(kind: number): string {
  return SYMBOL_KINDS[kind - 1] ?? "Symbol";
}

export function fileUri(absPath: string): string {
  return pathToFileURL(absPath).href;
}

const ALL_SYMBOL_KINDS = SYMBOL_KINDS.map((_, i) => i + 1);

/** What hone can consume; servers use it to pick result shapes (hierarchical symbols, markdown hovers). */
export function clientCapabilities(): Record<string, unknown> {
  return {
    general: { positionEncodings: ["utf-16"] },
    workspace: {
      workspaceFolders: true,
      configuration: true,
      symbol: { symbolKind: { valueSet: ALL_SYMBOL_KINDS } },
    },
    window: { workDoneProgress: false },
    textDocument: {
      synchronization: { didSave: false, willSave: false, willSaveWaitUntil: false, dynamicRegistration: false },
      publishDiagnostics: { relatedInformation: false, versionSupport: true, codeDescriptionSupport: false },
      hover: { contentFormat: ["markdown", "plaintext"] },
      definition: { linkSupport: true },
      implementation: { linkSupport: true },
      references: {},
      documentSymbol: { hierarchicalDocumentSymbolSupport: true, symbolKind: { valueSet: ALL_SYMBOL_KINDS } },
      callHierarchy: { dynamicRegistration: false },
    },
  };
}

export function initializeParams(root: string, initializationOptions: unknown): Record<string, unknown> {
  const uri = fileUri(root);
  const name = root.split(/[\\/]/).filter(Boolean).pop() ?? root;
  return {
    // Servers built on vscode-languageserver exit on their own when this process is gone.
    processId: process.pid,
    clientInfo: { name: "hone" },
    rootUri: uri,
    rootPath: root,
    workspaceFolders: [{ uri, name }],
    capabilities: clientCapabilities(),
    ...(initializationOptions === undefined ? {} : { initializationOptions }),
  };
}
