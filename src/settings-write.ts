// "Yes, and don't ask again": approved rules are added to the project's .hone/settings.local.json.
// The file is edited in place (comments, order and formatting kept), written atomically, and a file
// that does not parse is left alone with an error rather than rewritten.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { atomicWrite } from "./file-io.ts";
import type { RuleKind } from "./permission-rules.ts";
import { parseJsonSource } from "./settings-parse.ts";

export function localSettingsPath(cwd: string): string {
  return join(cwd, ".hone", "settings.local.json");
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
  // The same strict reading as the loader: a file it would reject is reported, never rewritten.
  const data = text.trim() === "" ? {} : parseJsonSource(text, path).data;
  const existing = (data as { permissions?: Record<string, unknown> }).permissions?.[kind];
  const current = Array.isArray(existing) ? existing.filter((r): r is string => typeof r === "string") : [];
  const added = rules.filter((r, i) => !current.includes(r) && rules.indexOf(r) === i);
  if (added.length === 0) return [];
  const edits = modify(text, ["permissions", kind], [...current, ...added], { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  await atomicWrite(path, new TextEncoder().encode(applyEdits(text, edits)));
  return added;
}
