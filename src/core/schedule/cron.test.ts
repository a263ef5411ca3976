import { Cron } from "croner";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkTimeZone,
  nextFireTime,
  nextFireTimes,
  parseScheduleExpression,
  previousFireTime,
  type ScheduleExpression,
  ScheduleExpressionError,
} from "./cron.js";

const at = (iso: string): Date => new Date(iso);
const iso = (dates: readonly Date[]): string[] => dates.map((d) => d.toISOString());
const parse = (text: string): ScheduleExpression => parseScheduleExpression(text);
/** The next `count` fire times after `from`, in UTC unless a zone is given, as ISO strings. */
const upcoming = (text: string, from: string, count: number, zone = "UTC"): string[] =>
  iso(nextFireTimes(parse(text), zone, at(from), count));

// A Wednesday, mid-day, used as "now" by most examples.
const WED = "2026-03-04T12:34:56Z";

describe("AWS documentation examples", () => {
  // Source: Amazon EventBridge User Guide, "Creating an Amazon EventBridge rule that runs on a
  // schedule" / "Cron expressions reference" (awsdocs/amazon-eventbridge-user-guide,
  // doc_source/eb-create-rule-schedule.md), table "Examples". EventBridge Scheduler's "Schedule
  // types on EventBridge Scheduler" page uses the same cron syntax, evaluated in the schedule's zone.
  it("cron(0 10 * * ? *): run at 10:00 am (UTC+0) every day", () => {
    expect(upcoming("cron(0 10 * * ? *)", WED, 3)).toEqual([
      "2026-03-05T10:00:00.000Z",
      "2026-03-06T10:00:00.000Z",
      "2026-03-07T10:00:00.000Z",
    ]);
  });

  it("cron(15 12 * * ? *): run at 12:15 pm (UTC+0) every day", () => {
    // 12:15 today has passed at 12:34:56.
    expect(upcoming("cron(15 12 * * ? *)", WED, 2)).toEqual([
      "2026-03-05T12:15:00.000Z",
      "2026-03-06T12:15:00.000Z",
    ]);
  });

  it("cron(0 18 ? * MON-FRI *): run at 6:00 pm (UTC+0) every Monday through Friday", () => {
    expect(upcoming("cron(0 18 ? * MON-FRI *)", WED, 4)).toEqual([
      "2026-03-04T18:00:00.000Z",
      "2026-03-05T18:00:00.000Z",
      "2026-03-06T18:00:00.000Z",
      "2026-03-09T18:00:00.000Z", // Saturday and Sunday skipped
    ]);
  });

  it("cron(0 8 1 * ? *): run at 8:00 am (UTC+0) every 1st day of the month", () => {
    expect(upcoming("cron(0 8 1 * ? *)", WED, 3)).toEqual([
      "2026-04-01T08:00:00.000Z",
      "2026-05-01T08:00:00.000Z",
      "2026-06-01T08:00:00.000Z",
    ]);
  });

  it("cron(0/15 * * * ? *): run every 15 minutes", () => {
    expect(upcoming("cron(0/15 * * * ? *)", WED, 3)).toEqual([
      "2026-03-04T12:45:00.000Z",
      "2026-03-04T13:00:00.000Z",
      "2026-03-04T13:15:00.000Z",
    ]);
  });

  it("cron(0/10 * ? * MON-FRI *): run every 10 minutes Monday through Friday", () => {
    expect(upcoming("cron(0/10 * ? * MON-FRI *)", "2026-03-06T23:45:00Z", 3)).toEqual([
      "2026-03-06T23:50:00.000Z", // Friday
      "2026-03-09T00:00:00.000Z", // Monday
      "2026-03-09T00:10:00.000Z",
    ]);
  });

  it("cron(0/5 8-17 ? * MON-FRI *): every 5 minutes Monday-Friday between 8:00 am and 5:55 pm", () => {
    expect(upcoming("cron(0/5 8-17 ? * MON-FRI *)", "2026-03-04T17:52:00Z", 3)).toEqual([
      "2026-03-04T17:55:00.000Z",
      "2026-03-05T08:00:00.000Z",
      "2026-03-05T08:05:00.000Z",
    ]);
  });

  it("cron(0/30 20-2 ? * MON-FRI *): every 30 minutes, evening into the next morning (wrapping range)", () => {
    // The guide's meaning reads "between 10:00 pm on the starting day to 2:00 am on the following
    // day", although 20 is 8:00 pm. The fields are applied as written: hours 20,21,22,23,0,1,2 on
    // Monday-Friday, so Friday evening runs and Saturday early morning does not.
    expect(upcoming("cron(0/30 20-2 ? * MON-FRI *)", "2026-03-06T19:00:00Z", 14)).toEqual([
      "2026-03-06T20:00:00.000Z",
      "2026-03-06T20:30:00.000Z",
      "2026-03-06T21:00:00.000Z",
      "2026-03-06T21:30:00.000Z",
      "2026-03-06T22:00:00.000Z",
      "2026-03-06T22:30:00.000Z",
      "2026-03-06T23:00:00.000Z",
      "2026-03-06T23:30:00.000Z",
      "2026-03-09T00:00:00.000Z",
      "2026-03-09T00:30:00.000Z",
      "2026-03-09T01:00:00.000Z",
      "2026-03-09T01:30:00.000Z",
      "2026-03-09T02:00:00.000Z",
      "2026-03-09T02:30:00.000Z",
    ]);
  });

  // Same page, AWS CLI put-rule examples under the table.
  it("cron(0 12 * * ? *): every day at 12:00pm UTC+0", () => {
    expect(upcoming("cron(0 12 * * ? *)", WED, 1)).toEqual(["2026-03-05T12:00:00.000Z"]);
  });

  it("cron(5,35 14 * * ? *): every day at 2:05pm and 2:35pm UTC+0", () => {
    expect(upcoming("cron(5,35 14 * * ? *)", WED, 3)).toEqual([
      "2026-03-04T14:05:00.000Z",
      "2026-03-04T14:35:00.000Z",
      "2026-03-05T14:05:00.000Z",
    ]);
  });

  it("cron(15 10 ? * 6L 2019-2022): 10:15am on the last Friday of each month, 2019 to 2022", () => {
    expect(upcoming("cron(15 10 ? * 6L 2019-2022)", "2019-01-01T00:00:00Z", 2)).toEqual([
      "2019-01-25T10:15:00.000Z", // 31 Jan 2019 is a Thursday
      "2019-02-22T10:15:00.000Z",
    ]);
    const expr = parse("cron(15 10 ? * 6L 2019-2022)");
    expect(nextFireTime(expr, "UTC", at("2022-12-01T00:00:00Z"))).toEqual(
      at("2022-12-30T10:15:00Z"),
    );
    // The Year range has passed: no more fire times.
    expect(nextFireTime(expr, "UTC", at("2022-12-30T10:15:00Z"))).toBeUndefined();
    expect(nextFireTimes(expr, "UTC", at("2022-10-01T00:00:00Z"), 10)).toHaveLength(3);
  });

  // Same page, "Wildcards" list: each wildcard's worked example.
  it("1/10 in Minutes: every tenth minute starting from the first (1, 11, 21, 31, ...)", () => {
    expect(upcoming("cron(1/10 * * * ? *)", WED, 3)).toEqual([
      "2026-03-04T12:41:00.000Z",
      "2026-03-04T12:51:00.000Z",
      "2026-03-04T13:01:00.000Z",
    ]);
  });

  it("JAN,FEB,MAR in Month: January, February and March", () => {
    expect(upcoming("cron(0 0 1 JAN,FEB,MAR ? *)", WED, 4)).toEqual([
      "2027-01-01T00:00:00.000Z",
      "2027-02-01T00:00:00.000Z",
      "2027-03-01T00:00:00.000Z",
      "2028-01-01T00:00:00.000Z",
    ]);
  });

  it("1-15 in Day-of-month: days 1 through 15", () => {
    expect(upcoming("cron(0 0 1-15 * ? *)", "2026-03-14T12:00:00Z", 3)).toEqual([
      "2026-03-15T00:00:00.000Z",
      "2026-04-01T00:00:00.000Z",
      "2026-04-02T00:00:00.000Z",
    ]);
  });

  it("3W in Day-of-month: the weekday closest to the 3rd, never leaving the month", () => {
    expect(upcoming("cron(0 0 3W * ? *)", "2026-01-01T00:00:00Z", 5)).toEqual([
      "2026-01-02T00:00:00.000Z", // 3 Jan 2026 is a Saturday: Friday the 2nd
      "2026-02-03T00:00:00.000Z", // Tuesday
      "2026-03-03T00:00:00.000Z",
      "2026-04-03T00:00:00.000Z",
      "2026-05-04T00:00:00.000Z", // 3 May is a Sunday: Monday the 4th
    ]);
  });

  it("3#2 in Day-of-week: the second Tuesday of the month", () => {
    expect(upcoming("cron(0 0 ? * 3#2 *)", "2026-03-01T00:00:00Z", 3)).toEqual([
      "2026-03-10T00:00:00.000Z",
      "2026-04-14T00:00:00.000Z",
      "2026-05-12T00:00:00.000Z",
    ]);
  });

  it("L in Day-of-week: the last day of the week, Saturday", () => {
    expect(upcoming("cron(0 0 ? * L *)", WED, 2)).toEqual([
      "2026-03-07T00:00:00.000Z",
      "2026-03-14T00:00:00.000Z",
    ]);
  });

  // Source: AWS Lambda Developer Guide, schedule-expression table ("10:15 AM (UTC) every day",
  // "9:00 AM on the first Monday of each month"); the table was read as quoted in third-party
  // code, not from the page itself.
  it("cron(15 10 * * ? *): 10:15 AM (UTC) every day", () => {
    expect(upcoming("cron(15 10 * * ? *)", WED, 1)).toEqual(["2026-03-05T10:15:00.000Z"]);
  });

  it("cron(0 9 ? * 2#1 *): 9:00 AM on the first Monday of each month", () => {
    expect(upcoming("cron(0 9 ? * 2#1 *)", WED, 3)).toEqual([
      "2026-04-06T09:00:00.000Z",
      "2026-05-04T09:00:00.000Z",
      "2026-06-01T09:00:00.000Z",
    ]);
  });

  // Source: the brief, built on the guide's L and W wildcard definitions.
  it("cron(0 0 L * ? *): midnight on the last day of every month, leap years included", () => {
    expect(upcoming("cron(0 0 L * ? *)", "2026-02-10T00:00:00Z", 3)).toEqual([
      "2026-02-28T00:00:00.000Z",
      "2026-03-31T00:00:00.000Z",
      "2026-04-30T00:00:00.000Z",
    ]);
    expect(upcoming("cron(0 0 L * ? *)", "2028-02-01T00:00:00Z", 1)).toEqual([
      "2028-02-29T00:00:00.000Z",
    ]);
  });

  it("cron(0 0 ? * 6L *): midnight on the last Friday of every month", () => {
    expect(upcoming("cron(0 0 ? * 6L *)", WED, 3)).toEqual([
      "2026-03-27T00:00:00.000Z", // 31 March is a Tuesday
      "2026-04-24T00:00:00.000Z", // 30 April is a Thursday
      "2026-05-29T00:00:00.000Z", // 29 May is the Friday itself
    ]);
    // FRIL is the same day by name.
    expect(upcoming("cron(0 0 ? * FRIL *)", WED, 3)).toEqual(
      upcoming("cron(0 0 ? * 6L *)", WED, 3),
    );
  });

  it("cron(0 12 15W * ? *): noon on the weekday nearest the 15th", () => {
    expect(upcoming("cron(0 12 15W * ? *)", "2026-01-01T00:00:00Z", 8)).toEqual([
      "2026-01-15T12:00:00.000Z",
      "2026-02-16T12:00:00.000Z", // Sunday the 15th: Monday
      "2026-03-16T12:00:00.000Z", // Sunday the 15th: Monday
      "2026-04-15T12:00:00.000Z",
      "2026-05-15T12:00:00.000Z",
      "2026-06-15T12:00:00.000Z",
      "2026-07-15T12:00:00.000Z",
      "2026-08-14T12:00:00.000Z", // Saturday the 15th: Friday
    ]);
  });

  // Source: EventBridge User Guide (same page), "Rate Expressions" examples; EventBridge Scheduler
  // User Guide, "Schedule types on EventBridge Scheduler", create-schedule example rate(5 minutes).
  // A rate schedule's first occurrence is its StartDate (the anchor).
  const START = at("2026-03-04T12:00:00Z");
  it.each([
    ["rate(1 minute)", "2026-03-04T12:35:00.000Z", "2026-03-04T12:34:00.000Z"],
    ["rate(5 minutes)", "2026-03-04T12:35:00.000Z", "2026-03-04T12:30:00.000Z"],
    ["rate(1 hour)", "2026-03-04T13:00:00.000Z", "2026-03-04T12:00:00.000Z"],
    ["rate(1 day)", "2026-03-05T12:00:00.000Z", "2026-03-04T12:00:00.000Z"],
    ["rate(7 days)", "2026-03-11T12:00:00.000Z", "2026-03-04T12:00:00.000Z"],
  ])("%s fires every interval from its start time", (text, next, previous) => {
    const expr = parse(text);
    expect(nextFireTime(expr, "UTC", at(WED), START)?.toISOString()).toBe(next);
    expect(previousFireTime(expr, "UTC", at(WED), START)?.toISOString()).toBe(previous);
  });
});

describe("parseScheduleExpression", () => {
  it("parses the six cron fields with AWS numbering (1 = SUN) and names", () => {
    const expr = parse("  cron(0/20 22-1 ? jan,Jul sun-TUE 2026-2027)  ");
    expect(expr).toEqual({
      kind: "cron",
      source: "cron(0/20 22-1 ? jan,Jul sun-TUE 2026-2027)",
      fields: {
        minutes: [0, 20, 40],
        hours: [0, 1, 22, 23],
        dayOfMonth: { kind: "any" },
        months: [1, 7],
        dayOfWeek: { kind: "days", days: [1, 2, 3] },
        years: [2026, 2027],
      },
    });
  });

  it("parses the day rules L, nW, n#k and nL", () => {
    const fieldsOf = (text: string) => {
      const expr = parse(text);
      if (expr.kind !== "cron") throw new Error("expected cron");
      return expr.fields;
    };
    expect(fieldsOf("cron(0 0 L * ? *)").dayOfMonth).toEqual({ kind: "last" });
    expect(fieldsOf("cron(0 0 15W * ? *)").dayOfMonth).toEqual({ kind: "nearestWeekday", day: 15 });
    expect(fieldsOf("cron(0 0 ? * MON#2 *)").dayOfWeek).toEqual({ kind: "nth", day: 2, nth: 2 });
    expect(fieldsOf("cron(0 0 ? * 6L *)").dayOfWeek).toEqual({ kind: "last", day: 6 });
    expect(fieldsOf("cron(0 0 ? * L *)").dayOfWeek).toEqual({ kind: "days", days: [7] });
    expect(fieldsOf("cron(0 0 * * ? *)").dayOfMonth).toEqual({
      kind: "days",
      days: Array.from({ length: 31 }, (_, i) => i + 1),
    });
    expect(fieldsOf("cron(*/20 0-12/6 ? * * 2026/100)")).toMatchObject({
      minutes: [0, 20, 40],
      hours: [0, 6, 12],
      years: [2026, 2126],
    });
  });

  it("parses rate expressions", () => {
    expect(parse("rate(5 minutes)")).toEqual({
      kind: "rate",
      source: "rate(5 minutes)",
      value: 5,
      unit: "minute",
      everyMs: 300_000,
    });
    expect(parse("rate(1 hour)")).toMatchObject({ unit: "hour", everyMs: 3_600_000 });
    expect(parse("rate(7 days)")).toMatchObject({ unit: "day", everyMs: 604_800_000 });
  });

  // Every rejection names the field or token, says why, and shows a valid example.
  it.each([
    ["", /expression is empty.*Example: cron\(0 6 2 \* \? \*\)/],
    ["0 6 2 * ? *", /wrapped in cron\(\.\.\.\)\. Example: cron\(0 6 2 \* \? \*\)/],
    ["at(2026-03-04T12:00:00)", /one-time schedule/],
    ["every(5 minutes)", /unknown expression type "every"/],
    ["cron(0 6 2 * ?)", /6 fields .*got 5; a Unix crontab has 5.*Example: cron\(0 6 2 \* \? \*\)/],
    ["cron(0 0 6 2 * ? *)", /6 fields .*got 7/],
    [
      "cron(0 6 2 * * *)",
      /Day-of-month "2" and Day-of-week "\*" are both set.*cron\(0 6 2 \* \? \*\)/,
    ],
    ["cron(0 6 * * * *)", /are both set; AWS needs \? in exactly one/],
    ["cron(0 6 ? * ? *)", /both \?; exactly one of them must be \?/],
    ["cron(? 6 2 * ? *)", /Minutes field "\?": \? is only allowed in Day-of-month or Day-of-week/],
    ["cron(60 6 2 * ? *)", /Minutes field "60": 60 is out of range 0-59\. Example: cron\(0\/15/],
    ["cron(0 24 2 * ? *)", /Hours field "24": 24 is out of range 0-23/],
    ["cron(0 6 32 * ? *)", /Day-of-month field "32": 32 is out of range 1-31/],
    ["cron(0 6 0 * ? *)", /Day-of-month field "0": 0 is out of range 1-31/],
    ["cron(0 6 2 13 ? *)", /Month field "13": 13 is out of range 1-12 or JAN-DEC/],
    ["cron(0 6 ? * 0 *)", /Day-of-week field "0": 0 is out of range 1-7 or SUN-SAT \(1 = SUN\)/],
    ["cron(0 6 ? * 8 *)", /Day-of-week field "8": 8 is out of range 1-7/],
    ["cron(0 6 2 * ? 2200)", /Year field "2200": 2200 is out of range 1970-2199/],
    ["cron(0 6 2 * ? 1969)", /Year field "1969": 1969 is out of range 1970-2199/],
    ["cron(0 6 2 * ? 2027-2026)", /Year field "2027-2026": the range starts after it ends/],
    [
      "cron(0 6 2 JANUARY ? *)",
      /Month field "JANUARY": unknown value "JANUARY"; use 1-12 or JAN-DEC/,
    ],
    [
      "cron(0 6 ? * MONDAY *)",
      /Day-of-week field "MONDAY": unknown value "MONDAY"; use 1-7 or SUN-SAT/,
    ],
    ["cron(x 6 2 * ? *)", /Minutes field "x": "x" is not a number in 0-59/],
    ["cron(0/0 6 2 * ? *)", /Minutes field "0\/0": the increment after \/ must not be 0/],
    ["cron(0/60 6 2 * ? *)", /the increment 60 is larger than the field's range 0-59/],
    ["cron(0/x 6 2 * ? *)", /the increment after \/ must be a whole number/],
    ["cron(0,,5 6 2 * ? *)", /Minutes field "0,,5": the list has an empty value/],
    ["cron(0 6 ? * */2 *)", /Day-of-week field "\*\/2": AWS doesn't allow the \/ increment/],
    ["cron(0 L 2 * ? *)", /Hours field "L": L is only allowed in Day-of-month or Day-of-week/],
    [
      "cron(0 6 L,15 * ? *)",
      /Day-of-month field "L,15": L \(the last day of the month\) must stand alone/,
    ],
    ["cron(0 6 L-2 * ? *)", /Day-of-month field "L-2": L .* must stand alone/],
    ["cron(0 6 W * ? *)", /Day-of-month field "W": W takes exactly one day number.*cron\(0 12 15W/],
    ["cron(0 6 1-5W * ? *)", /Day-of-month field "1-5W": W takes exactly one day number/],
    ["cron(0 6 32W * ? *)", /Day-of-month field "32W": 32 is out of range 1-31/],
    ["cron(0 6 ? * 3W *)", /Day-of-week field "3W": W is only allowed in Day-of-month/],
    ["cron(0 6 2#1 * ? *)", /Day-of-month field "2#1": # is only allowed in Day-of-week/],
    [
      "cron(0 6 ? * 2#6 *)",
      /Day-of-week field "2#6": occurrence 6 is out of range 1-5.*cron\(0 9 \? \* 2#1 \*\)/,
    ],
    ["cron(0 6 ? * 2#0 *)", /occurrence 0 is out of range 1-5/],
    ["cron(0 6 ? * 8#1 *)", /Day-of-week field "8#1": 8 is out of range 1-7/],
    ["cron(0 6 ? * 3#1,6#3 *)", /with # the field can hold only one expression/],
    ["cron(0 6 ? * 6L,2 *)", /Day-of-week field "6L": L can't be combined with other values/],
    ["cron(0 6 ? * 9L *)", /Day-of-week field "9L": 9 is out of range 1-7/],
    ["rate(0 minutes)", /value field "0": the value must be greater than zero.*rate\(5 minutes\)/],
    [
      "rate(1 minutes)",
      /unit field "minutes": a value of 1 takes the singular unit: rate\(1 minute\)/,
    ],
    [
      "rate(5 minute)",
      /unit field "minute": a value above 1 takes the plural unit: rate\(5 minutes\)/,
    ],
    ["rate(1 hours)", /singular unit: rate\(1 hour\)/],
    ["rate(5 hour)", /plural unit: rate\(5 hours\)/],
    ["rate(2 day)", /plural unit: rate\(2 days\)/],
    [
      "rate(30 seconds)",
      /unit field "seconds": the unit must be one of minute, minutes, hour, hours, day, days/,
    ],
    ["rate(5 Minutes)", /unit field "Minutes": the unit must be one of/],
    ["rate(1.5 hours)", /value field "1.5": the value must be a positive whole number/],
    ["rate(-1 minutes)", /value field "-1": the value must be a positive whole number/],
    ["rate(5)", /rate needs two parts, a value and a unit, got 1/],
  ])("rejects %j", (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  it("throws a ScheduleExpressionError that carries the field, token and example", () => {
    let caught: unknown;
    try {
      parse("cron(0 6 ? * 0 *)");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScheduleExpressionError);
    expect(caught).toBeInstanceOf(Error);
    const error = caught as ScheduleExpressionError;
    expect(error.name).toBe("ScheduleExpressionError");
    expect(error.input).toBe("cron(0 6 ? * 0 *)");
    expect(error.field).toBe("Day-of-week");
    expect(error.token).toBe("0");
    expect(error.example).toMatch(/^cron\(/);
  });
});

describe("checkTimeZone", () => {
  it("accepts IANA names", () => {
    for (const zone of ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe"]) {
      expect(() => checkTimeZone(zone)).not.toThrow();
    }
  });

  it.each([
    [
      "Mars/Olympus_Mons",
      /Invalid time zone "Mars\/Olympus_Mons": not an IANA time zone name.*America\/New_York/,
    ],
    ["+05:30", /not a UTC offset/],
    ["", /time zone is empty/],
  ])("rejects %j", (zone, message) => {
    expect(() => checkTimeZone(zone)).toThrow(ScheduleExpressionError);
    expect(() => checkTimeZone(zone)).toThrow(message);
  });

  it("is applied by the fire-time functions", () => {
    const expr = parse("cron(0 6 2 * ? *)");
    expect(() => nextFireTime(expr, "Nowhere/Special", at(WED))).toThrow(/Invalid time zone/);
    expect(() => previousFireTime(expr, "Nowhere/Special", at(WED))).toThrow(/Invalid time zone/);
  });
});

describe("nextFireTime / previousFireTime", () => {
  const daily = parse("cron(0 6 2 * ? *)");

  it("is strictly after `after`, and previous is at or before", () => {
    expect(nextFireTime(daily, "UTC", at("2026-03-02T06:00:00Z"))).toEqual(
      at("2026-04-02T06:00:00Z"),
    );
    expect(nextFireTime(daily, "UTC", at("2026-03-02T05:59:59.999Z"))).toEqual(
      at("2026-03-02T06:00:00Z"),
    );
    expect(previousFireTime(daily, "UTC", at("2026-03-02T06:00:00Z"))).toEqual(
      at("2026-03-02T06:00:00Z"),
    );
    expect(previousFireTime(daily, "UTC", at("2026-03-02T05:59:59.999Z"))).toEqual(
      at("2026-02-02T06:00:00Z"),
    );
  });

  it("gives the latest missed slot for catch-up after downtime", () => {
    const everyDay = parse("cron(0 6 * * ? *)");
    // Down from 1 to 10 March: the latest missed slot is 10 March 06:00, run once.
    expect(previousFireTime(everyDay, "Europe/London", at("2026-03-10T07:30:00Z"))).toEqual(
      at("2026-03-10T06:00:00Z"),
    );
  });

  it("ends with a year-bounded schedule", () => {
    const once = parse("cron(0 6 1 1 ? 2027)");
    expect(nextFireTimes(once, "UTC", at(WED), 5)).toEqual([at("2027-01-01T06:00:00Z")]);
    expect(nextFireTime(once, "UTC", at("2027-01-01T06:00:00Z"))).toBeUndefined();
    expect(previousFireTime(once, "UTC", at("2026-12-31T23:59:00Z"))).toBeUndefined();
    expect(previousFireTime(once, "UTC", at("2099-01-01T00:00:00Z"))).toEqual(
      at("2027-01-01T06:00:00Z"),
    );
    expect(nextFireTime(parse("cron(0 0 1 1 ? 2199)"), "UTC", at("2199-01-01T00:00:00Z"))).toBe(
      undefined,
    );
  });

  it("handles month ends: day 31 only in 31-day months", () => {
    expect(upcoming("cron(0 0 31 * ? *)", "2026-01-31T00:00:00Z", 4)).toEqual([
      "2026-03-31T00:00:00.000Z",
      "2026-05-31T00:00:00.000Z",
      "2026-07-31T00:00:00.000Z",
      "2026-08-31T00:00:00.000Z",
    ]);
  });

  it("fires on 29 February only in leap years", () => {
    const leap = parse("cron(0 0 29 2 ? *)");
    expect(iso(nextFireTimes(leap, "UTC", at("2026-01-01T00:00:00Z"), 3))).toEqual([
      "2028-02-29T00:00:00.000Z",
      "2032-02-29T00:00:00.000Z",
      "2036-02-29T00:00:00.000Z",
    ]);
    // 2100 is not a leap year.
    expect(nextFireTime(leap, "UTC", at("2096-03-01T00:00:00Z"))).toEqual(
      at("2104-02-29T00:00:00Z"),
    );
    expect(previousFireTime(leap, "UTC", at("2027-06-01T00:00:00Z"))).toEqual(
      at("2024-02-29T00:00:00Z"),
    );
  });

  it("returns undefined quickly for a date that never exists", () => {
    const never = parse("cron(0 0 30 2 ? *)");
    expect(nextFireTime(never, "America/New_York", at(WED))).toBeUndefined();
    expect(previousFireTime(never, "America/New_York", at(WED))).toBeUndefined();
  });

  it("keeps W inside the month", () => {
    // 1 Aug 2026 is a Saturday: Monday the 3rd, not Friday 31 July.
    expect(upcoming("cron(0 0 1W 8 ? *)", "2026-07-01T00:00:00Z", 1)).toEqual([
      "2026-08-03T00:00:00.000Z",
    ]);
    // 31 May 2026 is a Sunday: Friday the 29th, not Monday 1 June; April has no 31st.
    expect(upcoming("cron(0 0 31W 4,5 ? *)", "2026-04-01T00:00:00Z", 1)).toEqual([
      "2026-05-29T00:00:00.000Z",
    ]);
  });

  it("treats the anchor of a cron schedule as its start date", () => {
    const start = at("2026-03-20T00:00:00Z");
    expect(nextFireTime(daily, "UTC", at(WED), start)).toEqual(at("2026-04-02T06:00:00Z"));
    expect(nextFireTime(parse("cron(0 0 * * ? *)"), "UTC", at(WED), start)).toEqual(start);
    expect(previousFireTime(daily, "UTC", at("2026-03-25T00:00:00Z"), start)).toBeUndefined();
    expect(previousFireTime(daily, "UTC", at("2026-04-25T00:00:00Z"), start)).toEqual(
      at("2026-04-02T06:00:00Z"),
    );
  });

  it("anchors rate schedules at the start time, and needs one", () => {
    const every5 = parse("rate(5 minutes)");
    const start = at("2026-03-04T12:02:30Z");
    expect(nextFireTime(every5, "UTC", at("2026-03-04T11:00:00Z"), start)).toEqual(start);
    expect(nextFireTime(every5, "UTC", start, start)).toEqual(at("2026-03-04T12:07:30Z"));
    expect(previousFireTime(every5, "UTC", at("2026-03-04T12:02:29Z"), start)).toBeUndefined();
    expect(previousFireTime(every5, "UTC", start, start)).toEqual(start);
    expect(iso(nextFireTimes(every5, "UTC", start, 2, start))).toEqual([
      "2026-03-04T12:07:30.000Z",
      "2026-03-04T12:12:30.000Z",
    ]);
    expect(() => nextFireTime(every5, "UTC", start)).toThrow(/pass the anchor/);
  });

  it("rejects bad arguments", () => {
    expect(() => nextFireTime(daily, "UTC", new Date(Number.NaN))).toThrow(RangeError);
    expect(() => nextFireTimes(daily, "UTC", at(WED), -1)).toThrow(RangeError);
    expect(nextFireTimes(daily, "UTC", at(WED), 0)).toEqual([]);
  });

  it("answers well under a millisecond", () => {
    const expr = parse("cron(0/5 8-17 ? * MON-FRI *)");
    let cursor: Date | undefined = at("2026-01-01T00:00:00Z");
    const started = performance.now();
    for (let i = 0; i < 2_000 && cursor; i++)
      cursor = nextFireTime(expr, "America/New_York", cursor);
    for (let i = 0; i < 2_000; i++) {
      previousFireTime(expr, "Europe/London", new Date(Date.UTC(2026, 0, 1) + i * 3_700_000));
    }
    expect((performance.now() - started) / 4_000).toBeLessThan(0.5);
  });
});

// Croner (a dependency) as an independent oracle where its semantics equal AWS's: a zone without
// DST, no wrap-around ranges, no L alone in Day-of-week. See cron.ts for where croner differs.
describe("agreement with croner outside DST", () => {
  const value = (min: number, max: number) => fc.integer({ min, max });
  const plain = (min: number, max: number) =>
    fc.oneof(
      fc.constant("*"),
      value(min, max).map(String),
      fc
        .tuple(value(min, max), value(min, max))
        .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.tuple(value(min, max), value(1, Math.max(1, max - min))).map(([a, s]) => `${a}/${s}`),
      fc.tuple(value(min, max), value(min, max)).map(([a, b]) => `${a},${b}`),
    );
  const days = fc.oneof(
    // AWS allows no / in Day-of-week.
    plain(1, 7).map((dow) => ({ aws: `? * ${dow.includes("/") ? "*" : dow}` })),
    value(1, 7).map((d) => ({ aws: `? * ${d}L` })),
    fc.tuple(value(1, 7), value(1, 5)).map(([d, n]) => ({ aws: `? * ${d}#${n}` })),
    plain(1, 31).map((dom) => ({ aws: `${dom} * ?` })),
    fc.constant({ aws: "L * ?" }),
    value(1, 31).map((d) => ({ aws: `${d}W * ?` })),
  );
  const expression = fc
    .record({
      minutes: plain(0, 59),
      hours: plain(0, 23),
      days,
      months: plain(1, 12),
      years: fc.constantFrom("*", "2026-2030", "2027", "2026/2"),
    })
    .map(({ minutes, hours, days, months, years }) => {
      const [dom = "", , dow = ""] = days.aws.split(" ");
      return {
        aws: `cron(${minutes} ${hours} ${dom} ${months} ${dow} ${years})`,
        // Croner: seconds first, `?` as wildcard, last weekday as d#L, years field the same.
        croner: `0 ${minutes} ${hours} ${dom === "?" ? "*" : dom} ${months} ${
          dow === "?" ? "*" : dow.replace(/^(\d)L$/, "$1#L")
        } ${years}`,
      };
    });
  const moment = fc
    .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 11, 31) })
    .map((t) => new Date(t));

  it("gives the same next fire times in UTC and Asia/Kolkata (no DST)", () => {
    fc.assert(
      fc.property(
        expression,
        moment,
        fc.constantFrom("UTC", "Asia/Kolkata"),
        (expr, from, zone) => {
          const ours = nextFireTimes(parse(expr.aws), zone, from, 3);
          const theirs = new Cron(expr.croner, {
            timezone: zone,
            alternativeWeekdays: true,
            mode: "7-part",
            sloppyRanges: true, // for AWS's `a/n` (from a to the field's end)
          }).nextRuns(3, from);
          expect(iso(ours)).toEqual(iso(theirs));
        },
      ),
      { numRuns: 300 },
    );
  });
});
