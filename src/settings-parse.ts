// Reads one settings source (strict JSON here; TOML in settings-toml.ts) into the camelCase settings key space, keeping a
// way back from any key path to the file's own spelling and its line and column, so every error and
// every permission rule can point at the exact place it came from. Never writes anything.
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";

export type KeyPath = (string | number)[];
export type Plain = Record<string, unknown>;

export interface Where {
  key: string;
  line?: number;
  column?: number;
}

/** One parsed file: its data in settings key space and a locator back into its text. */
export interface ParsedSource {
  data: Plain;
  /** `atKey` points at the property name instead of its value (for unknown-key warnings). */
  where: (path: KeyPath, atKey?: boolean) => Where;
  /** Keys the format itself knows are unknown (e.g. `[api] foo` in TOML), as settings-space paths. */
  unknown: KeyPath[];
}

export class SettingsError extends Error {
  override name = "SettingsError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly key: string | undefined,
    readonly problem: string,
  ) {
    const at = line === undefined ? "" : `:${line}:${column ?? 1}`;
    super(`${file}${at}: ${key ? `${key}: ` : ""}${problem}`);
  }
}

export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export function isPlain(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Sets an own property even for names like `__proto__`, which plain assignment would treat specially. */
export function setOwn(target: Plain, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** 1-based line and column for a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const JSON_PROBLEMS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected content after the end of the JSON value",
  InvalidCommentToken: "comments are not allowed in settings JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

function jsonProblem(text: string, error: ParseError): string {
  const before = text.slice(0, error.offset).trimEnd();
  // jsonc-parser reports a trailing comma as a missing value or name; say what the user actually did.
  if (before.endsWith(",") && /^\s*[\]}]/.test(text.slice(error.offset))) return "trailing commas are not allowed";
  const name = printParseErrorCode(error.error);
  return JSON_PROBLEMS[name] ?? name;
}

export function parseJsonSource(raw: string, file: string): ParsedSource {
  const text = raw.startsWith("\uFEFF") ? raw.slice(1) : raw;
  // An empty file (e.g. just created with `touch`) holds no settings rather than being an error.
  if (text.trim() === "") return { data: {}, where: (path) => ({ key: formatKeyPath(path) }), unknown: [] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw new SettingsError(file, line, column, undefined, jsonProblem(text, first));
  }
  let data: unknown;
  try {
    // JSON.parse (not the tree's values) keeps keys like "__proto__" as ordinary own properties.
    data = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(file, 1, 1, undefined, error instanceof Error ? error.message : String(error));
  }
  if (!isPlain(data) || !root) throw new SettingsError(file, 1, 1, undefined, "expected a JSON object at the top level");
  const tree = root;
  const where = (path: KeyPath, atKey = false): Where => {
    const key = formatKeyPath(path);
    let node: Node | undefined;
    for (let n = path.length; n >= 0 && !node; n--) node = findNodeAtLocation(tree, path.slice(0, n));
    if (!node) return { key };
    const target = atKey && node.parent?.type === "property" ? (node.parent.children?.[0] ?? node) : node;
    return { key, ...lineColumn(text, target.offset) };
  };
  return { data, where, unknown: [] };
}
