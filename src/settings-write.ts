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

/** A settings file's text and parsed data ("{}" when it does not exist yet). */
function readSettingsFile(path: string): { text: string; data: Record<string, unknown> } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "{}\n";
  }
  // The same strict reading as the loader: a file it would reject is reported, never rewritten.
  const data = text.trim() === "" ? {} : parseJsonSource(text, path).data;
  return { text, data: data as Record<string, unknown> };
}

async function writeSetting(path: string, text: string, keyPath: string[], value: unknown): Promise<void> {
  const base = text.trim() === "" ? "{}\n" : text;
  const edits = modify(base, keyPath, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  await atomicWrite(path, new TextEncoder().encode(applyEdits(base, edits)));
}

/** Sets one key (`["outputStyle"]`, `["permissions", "defaultMode"]`) in a settings file, keeping the rest. */
export async function setSetting(path: string, keyPath: string[], value: unknown): Promise<void> {
  const { text } = readSettingsFile(path);
  await writeSetting(path, text, keyPath, value);
}

/** Adds rules to permissions.<kind> (skipping ones already there); returns those added. */
export async function rememberRules(cwd: string, rules: string[], kind: RuleKind = "allow"): Promise<string[]> {
  const path = localSettingsPath(cwd);
  const { text, data } = readSettingsFile(path);
  const existing = (data as { permissions?: Record<string, unknown> }).permissions?.[kind];
  const current = Array.isArray(existing) ? existing.filter((r): r is string => typeof r === "string") : [];
  const added = rules.filter((r, i) => !current.includes(r) && rules.indexOf(r) === i);
  if (added.length === 0) return [];
  await writeSetting(path, text, ["permissions", kind], [...current, ...added]);
  return added;
}
