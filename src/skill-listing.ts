// The skill listing the model sees each turn (level 1 of progressive disclosure): one line per
// model-invocable skill, kept within a character budget by trimming the longest descriptions first
// and, if that is not enough, naming the rest in a closing note.
import type { ExtensionScope, SkillDef } from "./extension-types.ts";

/** Longest single entry, whatever the budget. */
export const MAX_ENTRY_CHARS = 1_536;
/** Descriptions are not trimmed below this before entries start being dropped. */
const MIN_DESCRIPTION_CHARS = 60;
const FALLBACK_BUDGET = 8_000;

export const LISTING_INTRO =
  "These skills are available through the Skill tool. When one matches the task, call Skill with its name first and follow the instructions it returns:";

/** 1% of the context window, at ~4 characters per token; 8,000 characters when the window is unknown. */
export function listingBudget(contextWindowTokens?: number): number {
  if (contextWindowTokens === undefined || !Number.isFinite(contextWindowTokens) || contextWindowTokens <= 0) return FALLBACK_BUDGET;
  return Math.floor(contextWindowTokens * 0.01 * 4);
}

const SCOPE_ORDER: ExtensionScope[] = ["bundled", "user", "project", "plugin", "cli", "mcp"];

function byScopeThenName(a: SkillDef, b: SkillDef): number {
  return SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

interface Entry {
  name: string;
  /** Description and when_to_use, whitespace collapsed. */
  about: string;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

function line(entry: Entry, maxAbout = Infinity): string {
  const head = `- ${entry.name}`;
  if (entry.about === "") return cut(head, MAX_ENTRY_CHARS);
  const room = Math.min(maxAbout, MAX_ENTRY_CHARS - head.length - 2);
  return cut(`${head}: ${cut(entry.about, room)}`, MAX_ENTRY_CHARS);
}

function entryOf(skill: SkillDef): Entry {
  const flat = (s: string | undefined): string => (s ?? "").replace(/\s+/g, " ").trim();
  const description = flat(skill.description);
  const when = flat(skill.whenToUse);
  const about = when === "" ? description : description === "" ? when : `${description} (${when})`;
  return { name: skill.name, about };
}

function render(lines: string[], note?: string): string {
  return [LISTING_INTRO, ...lines, ...(note ? [note] : [])].join("\n");
}

/** "(N more skills: a, b, …)" naming as many as fit in `room` characters. */
function moreNote(names: string[], room: number): string {
  const text = (k: number): string => {
    const count = `${names.length} more skill${names.length === 1 ? "" : "s"}`;
    if (k === 0) return `(${count})`;
    return `(${count}: ${names.slice(0, k).join(", ")}${k < names.length ? ", …" : ""})`;
  };
  let shown = names.length;
  while (shown > 0 && text(shown).length > room) shown--;
  return text(shown);
}

/**
 * The listing of model-invocable skills in a stable order (bundled, user, project, plugin; then by
 * name), or "" when there are none. Entries are capped at 1,536 characters; the whole text stays
 * within `budgetChars` (unless even the introduction and a bare note do not fit).
 */
export function renderSkillListing(skills: SkillDef[], budgetChars: number): string {
  const entries = skills.filter((s) => !s.disableModelInvocation).sort(byScopeThenName).map(entryOf);
  if (entries.length === 0) return "";
  const full = render(entries.map((e) => line(e)));
  if (full.length <= budgetChars) return full;

  // Find the largest description cap that fits; the longest descriptions are the ones it shortens.
  const longest = Math.max(...entries.map((e) => e.about.length));
  const fits = (cap: number): boolean => render(entries.map((e) => line(e, cap))).length <= budgetChars;
  if (fits(MIN_DESCRIPTION_CHARS)) {
    let low = MIN_DESCRIPTION_CHARS;
    let high = longest;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(mid)) low = mid;
      else high = mid - 1;
    }
    return render(entries.map((e) => line(e, low)));
  }

  // Still too long: keep the first entries at the minimum length and name every other one in a note
  // (a name costs less than its entry, so dropping converges); names are cut only as a last resort.
  const lines = entries.map((e) => line(e, MIN_DESCRIPTION_CHARS));
  for (let kept = lines.length - 1; kept > 0; kept--) {
    const rest = entries.slice(kept).map((e) => e.name);
    const room = budgetChars - render(lines.slice(0, kept)).length - 1;
    const note = moreNote(rest, Infinity);
    if (note.length <= room) return render(lines.slice(0, kept), note);
  }
  return render([], moreNote(entries.map((e) => e.name), budgetChars - LISTING_INTRO.length - 1));
}
