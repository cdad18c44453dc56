import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { nextMatch, parseCron, type CronSpec } from "../src/cron.ts";
import { at } from "./support/cron-fixture.ts";


const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
function show(date: Date | undefined): string {
  if (!date) return "never";
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())} ${DAYS[date.getDay()]}`;
}

function next(cron: string, after: Date): string {
  return show(nextMatch(parseCron(cron), after));
}

function sorted(set: ReadonlySet<number>): number[] {
  return [...set].sort((a, b) => a - b);
}

function fields(spec: CronSpec): number[][] {
  return [spec.minutes, spec.hours, spec.daysOfMonth, spec.months, spec.daysOfWeek].map(sorted);
}

describe("parseCron", () => {
  test("steps, ranges and weekday names", () => {
    const spec = parseCron("  */15 9-17 * * mon-fri ");
    expect(spec.source).toBe("*/15 9-17 * * mon-fri");
    expect(fields(spec)).toEqual([
      [0, 15, 30, 45],
      [9, 10, 11, 12, 13, 14, 15, 16, 17],
      Array.from({ length: 31 }, (_, i) => i + 1),
      Array.from({ length: 12 }, (_, i) => i + 1),
      [1, 2, 3, 4, 5],
    ]);
    expect(spec.dayOfMonthStar).toBe(true);
    expect(spec.dayOfWeekStar).toBe(false);
  });

  test("lists, stepped ranges, month names in any case, a/n running to the field's end", () => {
    expect(fields(parseCron("0,30 1-9/4 1,15 JAN,Jul 0"))).toEqual([[0, 30], [1, 5, 9], [1, 15], [1, 7], [0]]);
    expect(sorted(parseCron("5/20 * * * *").minutes)).toEqual([5, 25, 45]);
    expect(sorted(parseCron("* * */10 * *").daysOfMonth)).toEqual([1, 11, 21, 31]);
  });

  test("7 is Sunday, alone and at the end of a range; * covers each weekday once", () => {
    expect(sorted(parseCron("0 0 * * 7").daysOfWeek)).toEqual([0]);
    expect(sorted(parseCron("0 0 * * 5-7").daysOfWeek)).toEqual([0, 5, 6]);
    expect(sorted(parseCron("0 0 * * */2").daysOfWeek)).toEqual([0, 2, 4, 6]);
    expect(sorted(parseCron("0 0 * * sun,SAT").daysOfWeek)).toEqual([0, 6]);
  });

  test("errors name the field and the reason", () => {
    const cases: Array<[string, RegExp]> = [
      ["* * * *", /has 4 fields; expected 5/],
      ["* * * * * *", /has 6 fields/],
      ["", /has 0 fields/],
      ["60 * * * *", /minute field "60": 60 is outside 0-59/],
      ["* 24 * * *", /hour field "24": 24 is outside 0-23/],
      ["* * 0 * *", /day-of-month field "0": 0 is outside 1-31/],
      ["* * 32 * *", /day-of-month field "32"/],
      ["* * * 13 *", /month field "13": 13 is outside 1-12/],
      ["* * * * 8", /day-of-week field "8": 8 is outside 0-7/],
      ["*/0 * * * *", /minute field "\*\/0": step "0" must be a positive whole number/],
      ["*/x * * * *", /step "x"/],
      ["* 5-1 * * *", /hour field "5-1": range 5-1 runs backwards/],
      ["1,,2 * * * *", /minute field "1,,2": empty list item/],
      ["* * * * funday", /day-of-week field "funday": "funday" is not a number 0-7 or a name \(sun..sat\)/],
      ["* * * mon *", /month field "mon"/],
      ["* * 1-2-3 * *", /"1-2-3" is not a value or a range/],
      ["1/2/3 * * * *", /more than one "\/"/],
      ["-5 * * * *", /minute field "-5"/],
      ["* * * * mon-sun", /range mon-sun runs backwards/],
    ];
    for (const [text, message] of cases) expect(() => parseCron(text)).toThrow(message);
  });
});

describe("nextMatch", () => {
  test("is strictly after the given minute and ignores its seconds", () => {
    expect(next("*/15 * * * *", at(2025, 1, 15, 10, 15))).toBe("2025-01-15 10:30 Wed");
    expect(next("*/15 * * * *", at(2025, 1, 15, 10, 14, 59))).toBe("2025-01-15 10:15 Wed");
    expect(next("* * * * *", at(2025, 1, 15, 10, 15, 30))).toBe("2025-01-15 10:16 Wed");
    const result = nextMatch(parseCron("* * * * *"), at(2025, 1, 15, 10, 15, 30));
    expect(result?.getSeconds()).toBe(0);
    expect(result?.getMilliseconds()).toBe(0);
  });

  test("crosses hour, day, month and year boundaries", () => {
    expect(next("5 * * * *", at(2025, 1, 15, 10, 6))).toBe("2025-01-15 11:05 Wed");
    expect(next("0 9 * * *", at(2025, 1, 15, 17, 0))).toBe("2025-01-16 09:00 Thu");
    expect(next("0 0 1 * *", at(2025, 1, 31, 23, 59))).toBe("2025-02-01 00:00 Sat");
    expect(next("* * * * *", at(2025, 12, 31, 23, 59))).toBe("2026-01-01 00:00 Thu");
    expect(next("0 0 1 1 *", at(2025, 6, 10))).toBe("2026-01-01 00:00 Thu");
    expect(next("30 14 25 12 *", at(2025, 12, 25, 14, 30))).toBe("2026-12-25 14:30 Fri");
  });

  test("skips months too short for the day", () => {
    expect(next("0 0 31 * *", at(2025, 4, 1))).toBe("2025-05-31 00:00 Sat");
    expect(next("0 0 30 * *", at(2025, 1, 31))).toBe("2025-03-30 00:00 Sun");
  });

  test("finds Feb 29 in the next leap year, skipping 2100", () => {
    expect(next("0 12 29 2 *", at(2025, 3, 1))).toBe("2028-02-29 12:00 Tue");
    expect(next("0 12 29 2 *", at(2097, 3, 1))).toBe("2104-02-29 12:00 Fri");
  });

  test("day-of-month OR day-of-week when both are restricted", () => {
    // Jan 2025: the 3rd and the 10th are Fridays, the 13th a Monday.
    expect(next("0 0 13 * fri", at(2025, 1, 1))).toBe("2025-01-03 00:00 Fri");
    expect(next("0 0 13 * fri", at(2025, 1, 10))).toBe("2025-01-13 00:00 Mon");
    expect(next("0 0 13 * fri", at(2025, 1, 13))).toBe("2025-01-17 00:00 Fri");
  });

  test("AND when either day field starts with *", () => {
    expect(next("0 0 * * fri", at(2025, 1, 1))).toBe("2025-01-03 00:00 Fri");
    expect(next("0 0 13 * *", at(2025, 1, 1))).toBe("2025-01-13 00:00 Mon");
    // Odd days that are Mondays: Jan 13 and 27 2025.
    expect(next("0 0 */2 * mon", at(2025, 1, 1))).toBe("2025-01-13 00:00 Mon");
    expect(next("0 0 */2 * mon", at(2025, 1, 13))).toBe("2025-01-27 00:00 Mon");
  });

  test("weekday ranges and Sunday as 7", () => {
    expect(next("0 9 * * 1-5", at(2025, 1, 17, 9, 0))).toBe("2025-01-20 09:00 Mon");
    expect(next("0 9 * * 7", at(2025, 1, 15))).toBe("2025-01-19 09:00 Sun");
  });

  test("impossible dates never match", () => {
    for (const cron of ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *"]) {
      expect(nextMatch(parseCron(cron), at(2025, 1, 1))).toBeUndefined();
    }
    // With a weekday too, the OR rule makes it possible.
    expect(next("0 0 31 2 mon", at(2025, 1, 1))).toBe("2025-02-03 00:00 Mon");
  });

  test("a sequence of matches is increasing and complete", () => {
    const spec = parseCron("0,30 8-9 * * mon,wed");
    const seen: string[] = [];
    let t: Date | undefined = at(2025, 1, 13); // Monday
    for (let i = 0; i < 6; i++) {
      t = nextMatch(spec, t as Date);
      seen.push(show(t));
    }
    expect(seen).toEqual([
      "2025-01-13 08:00 Mon",
      "2025-01-13 08:30 Mon",
      "2025-01-13 09:00 Mon",
      "2025-01-13 09:30 Mon",
      "2025-01-15 08:00 Wed",
      "2025-01-15 08:30 Wed",
    ]);
  });
});

// DST rules need a zone with DST: checked in a child process so this process's TZ is untouched.
test("DST: a skipped local time does not match, a repeated hour matches once", () => {
  const script = `
    const { nextMatch, parseCron } = await import(${JSON.stringify(join(import.meta.dir, "../src/cron.ts"))});
    const iso = (d) => d ? d.toISOString() : "never";
    const out = {
      springSkip: iso(nextMatch(parseCron("30 2 * * *"), new Date(2025, 2, 9, 0, 0))),
      fallFirst: iso(nextMatch(parseCron("30 1 * * *"), new Date(2025, 10, 2, 0, 0))),
      fallAfter: iso(nextMatch(parseCron("30 1 * * *"), new Date("2025-11-02T05:30:00Z"))),
      hourly: [],
    };
    let t = new Date("2025-11-02T03:30:00Z");
    for (let i = 0; i < 4; i++) { t = nextMatch(parseCron("0 * * * *"), t); out.hourly.push(t.toISOString()); }
    console.log(JSON.stringify(out));
  `;
  const run = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, TZ: "America/New_York" }, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(JSON.parse(run.stdout)).toEqual({
    // 02:30 does not exist on Mar 9 2025 in New York: the next 02:30 is Mar 10 (EDT, UTC-4).
    springSkip: "2025-03-10T06:30:00.000Z",
    // Nov 2: 01:30 happens first in EDT (05:30Z) and again in EST (06:30Z); only the first matches.
    fallFirst: "2025-11-02T05:30:00.000Z",
    fallAfter: "2025-11-03T06:30:00.000Z",
    // Hourly across the change: 00:00 EDT, 01:00 EDT, then 02:00 EST (the repeated 01:00 is skipped).
    hourly: ["2025-11-02T04:00:00.000Z", "2025-11-02T05:00:00.000Z", "2025-11-02T07:00:00.000Z", "2025-11-02T08:00:00.000Z"],
  });
});
