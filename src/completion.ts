// Completion in the input box: which `/command` or `@path` token the cursor is in, ranking slash
// commands, and putting a chosen completion into the text. Pure functions over { text, cursor }.

export interface TextState {
  text: string;
  /** Offset into text (UTF-16 units). */
  cursor: number;
}

/** A half-open range [start, end) of the text. */
export interface TextRange {
  start: number;
  end: number;
}

export interface SlashToken extends TextRange {
  /** The name typed so far, without the slash, up to the cursor. */
  partial: string;
}

export interface MentionToken extends TextRange {
  /** The path typed so far, without `@` and quotes, up to the cursor. */
  query: string;
  quoted: boolean;
}

export interface CommandInfo {
  name: string;
  description: string;
  argumentHint?: string;
  /** Where it comes from, e.g. "built-in", "project", "plugin", "mcp". */
  source?: string;
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

/** The command name being typed: the input starts with `/` and the cursor is inside the name. */
export function slashToken(text: string, cursor: number): SlashToken | undefined {
  if (!text.startsWith("/")) return undefined;
  let end = 1;
  while (end < text.length && !isSpace(text[end])) end++;
  if (cursor < 1 || cursor > end) return undefined;
  return { start: 0, end, partial: text.slice(1, cursor) };
}

/** The part users think of as the name: after a plugin's `plugin:` or an MCP prompt's `mcp__server__`. */
export function shortName(name: string): string {
  const afterColon = name.slice(name.lastIndexOf(":") + 1);
  const mcp = afterColon.lastIndexOf("__");
  return afterColon.startsWith("mcp__") && mcp > 3 ? afterColon.slice(mcp + 2) : afterColon;
}

function slashRank(name: string, query: string): number | undefined {
  const full = name.toLowerCase();
  const short = shortName(full);
  if (full === query || short === query) return 0;
  if (full.startsWith(query)) return 1;
  if (short.startsWith(query)) return 2;
  if (full.includes(query)) return 3;
  return undefined;
}

/** Commands matching a partial name: exact, then name prefix, then short-name prefix, then substring. */
export function completeSlash<T extends CommandInfo>(partial: string, commands: readonly T[], limit = 8): T[] {
  const query = partial.toLowerCase();
  const seen = new Set<string>();
  const ranked: Array<{ command: T; rank: number }> = [];
  for (const command of commands) {
    if (seen.has(command.name)) continue; // the first definition of a name wins, as when running it
    seen.add(command.name);
    const rank = query === "" ? 1 : slashRank(command.name, query);
    if (rank !== undefined) ranked.push({ command, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || (a.command.name < b.command.name ? -1 : a.command.name > b.command.name ? 1 : 0));
  return ranked.slice(0, limit).map((r) => r.command);
}

/** The `@path` token under the cursor: `@` at the start or after whitespace; `@"..."` may hold spaces. */
export function mentionToken(text: string, cursor: number): MentionToken | undefined {
  // Walk back to the start of the token; a quoted token may contain spaces, so look for `@"` first.
  const quoteStart = text.lastIndexOf('@"', cursor - 1);
  if (quoteStart >= 0 && (quoteStart === 0 || isSpace(text[quoteStart - 1])) && cursor >= quoteStart + 2) {
    const close = text.indexOf('"', quoteStart + 2);
    if (close < 0 || cursor <= close) {
      const end = close < 0 ? text.length : close + 1;
      return { start: quoteStart, end, query: text.slice(quoteStart + 2, cursor), quoted: true };
    }
  }
  let start = cursor;
  while (start > 0 && !isSpace(text[start - 1])) start--;
  if (text[start] !== "@" || cursor === start) return undefined;
  let end = cursor;
  while (end < text.length && !isSpace(text[end])) end++;
  if (text[start + 1] === '"') return undefined; // a closed quoted token, cursor after it
  return { start, end, query: text.slice(start + 1, cursor), quoted: false };
}

/** How a chosen path is written as a mention: quoted when it holds whitespace. */
export function mentionText(path: string): string {
  return /\s/.test(path) ? `@"${path}"` : `@${path}`;
}

/**
 * Replace `range` with `replacement` (e.g. "/compact", "@src/", `@"my dir/"`). A directory keeps
 * completing: the cursor stays right after the slash (inside the quotes). Anything else is followed by
 * a space, unless one is already there.
 */
export function applyCompletion(state: TextState, range: TextRange, replacement: string): TextState {
  const before = state.text.slice(0, range.start);
  const after = state.text.slice(range.end);
  const isDir = replacement.endsWith("/") || replacement.endsWith('/"');
  if (isDir) {
    const cursor = before.length + replacement.length - (replacement.endsWith('"') ? 1 : 0);
    return { text: before + replacement + after, cursor };
  }
  const spaced = isSpace(after[0]) ? after : ` ${after}`;
  return { text: before + replacement + spaced, cursor: before.length + replacement.length + 1 };
}
