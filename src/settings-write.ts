// "Yes, and don't ask again": approved rules are added to the project's .hone/settings.local.json.
// The file is edited in place (comments, order and formatting kept), written atomically, and a file
// that does not parse is left alone with an error rather than rewritten.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { atomicWrite } from "./file-io.ts";
import type { RuleKind } from "./permission-rules.ts";
import { SettingsError } from "./settings-parse.ts";

export function localSettingsPath(cwd: string): string {
  return join(cwd, ".hone", "settings.local.json");
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

/** Adds rules to permissions.<kind> (skipping ones already there); returns those added. */
export async function rememberRules(cwd: string, rules: string[], kind: RuleKind = "allow"): Promise<string[]> {
  const path = localSettingsPath(cwd);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "{}\n";
  }
  const errors: ParseError[] = [];
  const data = parse(text, errors, { allowTrailingComma: false }) as unknown;
  const first = errors[0];
  if (first) throw new SettingsError(path, lineOf(text, first.offset), undefined, undefined, `${printParseErrorCode(first.error)}; not changed`);
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new SettingsError(path, 1, undefined, undefined, "expected an object; not changed");
  const existing = (data as { permissions?: Record<string, unknown> }).permissions?.[kind];
  const current = Array.isArray(existing) ? existing.filter((r): r is string => typeof r === "string") : [];
  const added = rules.filter((r, i) => !current.includes(r) && rules.indexOf(r) === i);
  if (added.length === 0) return [];
  const edits = modify(text, ["permissions", kind], [...current, ...added], { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  await atomicWrite(path, new TextEncoder().encode(applyEdits(text, edits)));
  return added;
}
