// Standard five-field cron expressions (minute hour day-of-month month day-of-week) in local time:
// parsing with errors that name the field, and finding the next matching minute by skipping whole
// months, days and hours that cannot match instead of testing every minute.

export interface CronSpec {
  /** The expression as given (trimmed). */
  readonly source: string;
  readonly minutes: ReadonlySet<number>; // 0-59
  readonly hours: ReadonlySet<number>; // 0-23
  readonly daysOfMonth: ReadonlySet<number>; // 1-31
  readonly months: ReadonlySet<number>; // 1-12
  readonly daysOfWeek: ReadonlySet<number>; // 0-6, 0 = Sunday (7 is folded to 0)
  /**
   * Whether the day fields were written with a leading `*`. As in Vixie cron, when neither starts
   * with `*` a day matches if EITHER matches; otherwise both must match.
   */
  readonly dayOfMonthStar: boolean;
  readonly dayOfWeekStar: boolean;
}

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of names[0]: 1 for months (jan = 1), 0 for weekdays (sun = 0). */
  nameBase?: number;
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const FIELDS: readonly FieldDef[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  // 7 is accepted as a second spelling of Sunday.
  { name: "day-of-week", min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

export class CronParseError extends Error {
  override name = "CronParseError";
}

function fieldError(def: FieldDef, text: string, why: string): CronParseError {
  return new CronParseError(`cron ${def.name} field "${text}": ${why}`);
}

function parseValue(def: FieldDef, text: string, whole: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < def.min || value > def.max) throw fieldError(def, whole, `${value} is outside ${def.min}-${def.max}`);
    return value;
  }
  const index = def.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return index + (def.nameBase ?? 0);
  const hint = def.names ? `a number ${def.min}-${def.max} or a name (${def.names[0]}..${def.names[def.names.length - 1]})` : `a number ${def.min}-${def.max}`;
  throw fieldError(def, whole, `"${text}" is not ${hint}`);
}

/** One comma-separated part: `*`, `n`, `a-b`, each optionally followed by `/step`. */
function parsePart(def: FieldDef, part: string, whole: string, into: Set<number>): void {
  if (part === "") throw fieldError(def, whole, "empty list item");
  const [range = "", stepText, extra] = part.split("/");
  if (extra !== undefined) throw fieldError(def, whole, `"${part}" has more than one "/"`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw fieldError(def, whole, `step "${stepText}" must be a positive whole number`);
    step = Number(stepText);
  }
  let low: number;
  let high: number;
  if (range === "*") {
    low = def.min;
    high = def.max === 7 ? 6 : def.max; // `*` in day-of-week means 0-6; 7 would repeat Sunday
  } else {
    const bounds = range.split("-");
    if (bounds.length > 2 || bounds.some((b) => b === "")) throw fieldError(def, whole, `"${range}" is not a value or a range a-b`);
    low = parseValue(def, bounds[0] ?? "", whole);
    // `a/n` (no upper bound) runs to the end of the field, as in most crons.
    high = bounds.length === 2 ? parseValue(def, bounds[1] ?? "", whole) : stepText !== undefined ? def.max : low;
    if (low > high) throw fieldError(def, whole, `range ${range} runs backwards`);
  }
  for (let v = low; v <= high; v += step) into.add(def.max === 7 && v === 7 ? 0 : v);
}

function parseField(def: FieldDef, text: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) parsePart(def, part, text, values);
  return values;
}

/** Parses a five-field expression; throws CronParseError naming the field at fault. */
export function parseCron(text: string): CronSpec {
  const source = text.trim();
  const parts = source.split(/\s+/).filter((p) => p !== "");
  if (parts.length !== 5) {
    throw new CronParseError(
      `cron expression "${source}" has ${parts.length} field${parts.length === 1 ? "" : "s"}; expected 5: minute hour day-of-month month day-of-week (e.g. "*/15 9-17 * * mon-fri")`,
    );
  }
  const sets = FIELDS.map((def, i) => parseField(def, parts[i] ?? ""));
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return {
    source,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOfMonthStar: (parts[2] ?? "").startsWith("*"),
    dayOfWeekStar: (parts[4] ?? "").startsWith("*"),
  };
}

function dayMatches(spec: CronSpec, date: Date): boolean {
  const dom = spec.daysOfMonth.has(date.getDate());
  const dow = spec.daysOfWeek.has(date.getDay());
  if (spec.dayOfMonthStar || spec.dayOfWeekStar) return dom && dow;
  return dom || dow;
}

function firstAtOrAfter(values: ReadonlySet<number>, from: number, max: number): number | undefined {
  for (let v = from; v <= max; v++) if (values.has(v)) return v;
  return undefined;
}

/** `candidate` if it lies after `t`; otherwise the next whole hour after `t` (guards DST repeats). */
function forward(t: Date, candidate: Date): Date {
  if (candidate.getTime() > t.getTime()) return candidate;
  return new Date(t.getTime() + (60 - t.getMinutes()) * 60_000 - t.getSeconds() * 1000 - t.getMilliseconds());
}

/**
 * How many years ahead to look before calling a spec impossible: Feb 29 on a given weekday can be 40
 * years away (across 2100); an impossible spec costs at most one check per day of these years.
 */
const SEARCH_YEARS = 50;

/**
 * The first minute strictly after `after` (local time) that the spec matches, or undefined when none
 * exists within the next years (e.g. `0 0 31 2 *`). Local times skipped by a DST change never match;
 * a repeated hour matches once.
 */
export function nextMatch(spec: CronSpec, after: Date): Date | undefined {
  const start = new Date(after.getTime());
  start.setSeconds(0, 0);
  let t = new Date(start.getTime() + 60_000);
  const lastYear = t.getFullYear() + SEARCH_YEARS;
  while (t.getFullYear() <= lastYear) {
    const year = t.getFullYear();
    const month = t.getMonth();
    if (!spec.months.has(month + 1)) {
      t = forward(t, new Date(year, month + 1, 1, 0, 0));
      continue;
    }
    if (!dayMatches(spec, t)) {
      t = forward(t, new Date(year, month, t.getDate() + 1, 0, 0));
      continue;
    }
    const hour = firstAtOrAfter(spec.hours, t.getHours(), 23);
    if (hour === undefined) {
      t = forward(t, new Date(year, month, t.getDate() + 1, 0, 0));
      continue;
    }
    if (hour !== t.getHours()) {
      t = forward(t, new Date(year, month, t.getDate(), hour, 0));
      continue;
    }
    const minute = firstAtOrAfter(spec.minutes, t.getMinutes(), 59);
    if (minute === undefined) {
      t = forward(t, new Date(year, month, t.getDate(), hour + 1, 0));
      continue;
    }
    // Same hour: move by elapsed time so a repeated (DST) hour is not re-entered from its first copy.
    return new Date(t.getTime() + (minute - t.getMinutes()) * 60_000);
  }
  return undefined;
}
