import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CronFields,
  nextFireTime,
  nextFireTimes,
  parseScheduleExpression,
  previousFireTime,
} from "./cron.js";

// The rule under test, from the EventBridge Scheduler User Guide ("Schedule types on EventBridge
// Scheduler", section "Daylight savings time on EventBridge Scheduler"; also AWS re:Post knowledge
// center "eventbridge-scheduler-adjust-dst"): "When the time shifts forward in Spring, your
// schedule invocation gets skipped if the cron expression falls on a non-existent date and time.
// When the time shifts back in the Fall, your schedule runs only once and doesn't repeat its
// invocation." And for rate schedules in days: "days represents a 24-hour duration on the clock".

const at = (iso: string): Date => new Date(iso);
const iso = (dates: readonly Date[]): string[] => dates.map((d) => d.toISOString());
const upcoming = (text: string, zone: string, from: string, count: number): string[] =>
  iso(nextFireTimes(parseScheduleExpression(text), zone, at(from), count));
const previous = (text: string, zone: string, atOrBefore: string): string | undefined =>
  previousFireTime(parseScheduleExpression(text), zone, at(atOrBefore))?.toISOString();

describe("America/New_York", () => {
  // 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
  const NY = "America/New_York";

  it("skips a daily 02:30 on the spring-forward day (02:30 doesn't exist)", () => {
    expect(upcoming("cron(30 2 * * ? *)", NY, "2026-03-06T12:00:00Z", 3)).toEqual([
      "2026-03-07T07:30:00.000Z", // 02:30 EST
      "2026-03-09T06:30:00.000Z", // 02:30 EDT: the 8th has no 02:30
      "2026-03-10T06:30:00.000Z",
    ]);
    // Catch-up on the 8th finds the 7th's slot, not a phantom 03:00.
    expect(previous("cron(30 2 * * ? *)", NY, "2026-03-08T20:00:00Z")).toBe(
      "2026-03-07T07:30:00.000Z",
    );
  });

  it("runs a daily 01:30 once on the fall-back day, at the first (EDT) 01:30", () => {
    expect(upcoming("cron(30 1 * * ? *)", NY, "2026-10-30T12:00:00Z", 3)).toEqual([
      "2026-10-31T05:30:00.000Z",
      "2026-11-01T05:30:00.000Z", // 01:30 EDT; 01:30 EST (06:30Z) does not run
      "2026-11-02T06:30:00.000Z", // 01:30 EST
    ]);
    // Asked during the second 01:30-02:00, the next run is tomorrow's.
    expect(upcoming("cron(30 1 * * ? *)", NY, "2026-11-01T06:15:00Z", 1)).toEqual([
      "2026-11-02T06:30:00.000Z",
    ]);
  });

  it("skips the repeated hour for an every-15-minutes schedule", () => {
    expect(upcoming("cron(0/15 * * * ? *)", NY, "2026-11-01T04:50:00Z", 6)).toEqual([
      "2026-11-01T05:00:00.000Z", // 01:00 EDT
      "2026-11-01T05:15:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T05:45:00.000Z", // 01:45 EDT
      "2026-11-01T07:00:00.000Z", // 02:00 EST: 01:00-01:45 EST were already run
      "2026-11-01T07:15:00.000Z",
    ]);
    // During the second pass, the latest slot is the first pass's 01:45.
    expect(previous("cron(0/15 * * * ? *)", NY, "2026-11-01T06:40:00Z")).toBe(
      "2026-11-01T05:45:00.000Z",
    );
  });

  it("runs straight through the spring-forward gap for an every-15-minutes schedule", () => {
    expect(upcoming("cron(0/15 * * * ? *)", NY, "2026-03-08T06:20:00Z", 4)).toEqual([
      "2026-03-08T06:30:00.000Z", // 01:30 EST
      "2026-03-08T06:45:00.000Z", // 01:45 EST
      "2026-03-08T07:00:00.000Z", // 03:00 EDT: 02:00-02:45 don't exist
      "2026-03-08T07:15:00.000Z",
    ]);
  });

  it("keeps the local time of a weekday schedule across both transitions", () => {
    expect(upcoming("cron(0 9 ? * MON-FRI *)", NY, "2026-03-06T00:00:00Z", 2)).toEqual([
      "2026-03-06T14:00:00.000Z", // 09:00 EST
      "2026-03-09T13:00:00.000Z", // 09:00 EDT
    ]);
    expect(upcoming("cron(0 9 ? * MON-FRI *)", NY, "2026-10-30T00:00:00Z", 2)).toEqual([
      "2026-10-30T13:00:00.000Z", // 09:00 EDT
      "2026-11-02T14:00:00.000Z", // 09:00 EST
    ]);
  });

  it("counts rate(1 day) as 24 hours, so its local time moves with DST", () => {
    const start = at("2026-03-07T12:00:00Z"); // 07:00 EST
    expect(iso(nextFireTimes(parseScheduleExpression("rate(1 day)"), NY, start, 2, start))).toEqual(
      [
        "2026-03-08T12:00:00.000Z", // 08:00 EDT
        "2026-03-09T12:00:00.000Z",
      ],
    );
  });
});

describe("Europe/London", () => {
  // 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 02:00 BST -> 01:00 GMT.
  const LONDON = "Europe/London";

  it("skips 01:30 on the spring-forward day and runs it once on the fall-back day", () => {
    expect(upcoming("cron(30 1 * * ? *)", LONDON, "2026-03-28T00:00:00Z", 2)).toEqual([
      "2026-03-28T01:30:00.000Z", // GMT
      "2026-03-30T00:30:00.000Z", // BST: the 29th has no 01:30
    ]);
    expect(upcoming("cron(30 1 * * ? *)", LONDON, "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00.000Z", // 01:30 BST only
      "2026-10-26T01:30:00.000Z", // GMT
    ]);
  });

  it("runs the first Sunday run of a monthly-last-Sunday schedule on the changeover days", () => {
    // The last Sunday in March and October are the changeover days themselves.
    expect(upcoming("cron(30 1 ? * 1L *)", LONDON, "2026-03-01T00:00:00Z", 3)).toEqual([
      // 29 March: 01:30 doesn't exist, skipped.
      "2026-04-26T00:30:00.000Z",
      "2026-05-31T00:30:00.000Z",
      "2026-06-28T00:30:00.000Z",
    ]);
  });
});

describe("Australia/Lord_Howe (30-minute DST)", () => {
  // 2026-04-05 02:00 (+11) -> 01:30 (+10:30); 2026-10-04 02:00 (+10:30) -> 02:30 (+11).
  const LORD_HOWE = "Australia/Lord_Howe";

  it("skips 02:15 on the spring-forward day but not 02:45", () => {
    expect(upcoming("cron(15 2 * * ? *)", LORD_HOWE, "2026-10-02T00:00:00Z", 2)).toEqual([
      "2026-10-02T15:45:00.000Z", // 3 Oct 02:15 +10:30
      "2026-10-04T15:15:00.000Z", // 5 Oct 02:15 +11: 4 Oct has no 02:15
    ]);
    expect(upcoming("cron(45 2 * * ? *)", LORD_HOWE, "2026-10-03T00:00:00Z", 1)).toEqual([
      "2026-10-03T15:45:00.000Z", // 4 Oct 02:45 +11 exists
    ]);
  });

  it("runs 01:45 once on the fall-back day", () => {
    expect(upcoming("cron(45 1 * * ? *)", LORD_HOWE, "2026-04-03T00:00:00Z", 3)).toEqual([
      "2026-04-03T14:45:00.000Z", // 4 Apr 01:45 +11
      "2026-04-04T14:45:00.000Z", // 5 Apr 01:45 +11, the first of two
      "2026-04-05T15:15:00.000Z", // 6 Apr 01:45 +10:30
    ]);
  });
});

describe("zones without DST", () => {
  it("Asia/Kolkata is UTC+05:30 all year", () => {
    expect(upcoming("cron(0 9 * * ? *)", "Asia/Kolkata", "2026-03-07T00:00:00Z", 2)).toEqual([
      "2026-03-07T03:30:00.000Z",
      "2026-03-08T03:30:00.000Z",
    ]);
    expect(upcoming("cron(0 9 * * ? *)", "Asia/Kolkata", "2026-10-31T12:00:00Z", 2)).toEqual([
      "2026-11-01T03:30:00.000Z",
      "2026-11-02T03:30:00.000Z",
    ]);
  });

  it("evaluates the day fields in the zone, not in UTC", () => {
    // 00:30 on the 1st in Kolkata is still the last day of the previous month in UTC.
    expect(upcoming("cron(30 0 1 * ? *)", "Asia/Kolkata", "2026-03-04T00:00:00Z", 1)).toEqual([
      "2026-03-31T19:00:00.000Z",
    ]);
  });
});

// A brute-force reference that applies the documented rule literally: walk every UTC minute,
// read the local wall time with Intl, and fire when the fields match and this is the first time
// that wall time has been seen.
interface WallMinute {
  t: number;
  first: boolean;
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

function wallMinutes(zone: string, from: number, to: number): WallMinute[] {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    weekday: "short",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const seen = new Set<string>();
  const out: WallMinute[] = [];
  // Start early enough that a wall time repeated just after `from` was seen on its first pass.
  for (let t = from - 4 * 3_600_000; t <= to; t += 60_000) {
    const parts = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
    const key = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    out.push({
      t,
      first: !seen.has(key),
      year: Number(parts.year),
      month: Number(parts.month),
      day: Number(parts.day),
      weekday: weekdays.indexOf(parts.weekday ?? "") + 1,
      hour: Number(parts.hour),
      minute: Number(parts.minute),
    });
    seen.add(key);
  }
  return out;
}

function bruteForceFires(fields: CronFields, walls: readonly WallMinute[], from: number): number[] {
  const dom = fields.dayOfMonth;
  const dow = fields.dayOfWeek;
  return walls
    .filter(
      (w) =>
        w.t > from &&
        w.first &&
        ((dom.kind === "days" && dom.days.includes(w.day)) ||
          (dow.kind === "days" && dow.days.includes(w.weekday))) &&
        fields.minutes.includes(w.minute) &&
        fields.hours.includes(w.hour) &&
        fields.months.includes(w.month) &&
        fields.years.includes(w.year),
    )
    .map((w) => w.t);
}

const TRANSITIONS: ReadonlyArray<readonly [string, string]> = [
  ["America/New_York", "2026-03-08T07:00:00Z"],
  ["America/New_York", "2026-11-01T06:00:00Z"],
  ["Europe/London", "2026-03-29T01:00:00Z"],
  ["Europe/London", "2026-10-25T01:00:00Z"],
  ["Australia/Lord_Howe", "2026-04-04T15:00:00Z"],
  ["Australia/Lord_Howe", "2026-10-03T15:30:00Z"],
  // A two-hour shift (UTC+0 <-> UTC+2): the repeated span is 01:00-02:59.
  ["Antarctica/Troll", "2026-03-29T01:00:00Z"],
  ["Antarctica/Troll", "2026-10-25T01:00:00Z"],
];

const EXPRESSIONS = [
  "cron(* * * * ? *)",
  "cron(0/15 * * * ? *)",
  "cron(30 2 * * ? *)",
  "cron(30 1 * * ? *)",
  "cron(45 1,2 * * ? *)",
  "cron(10-20/5 0-3 * * ? *)",
  "cron(0/7 22-3 ? * SUN,MON *)",
  "cron(59 0/2 ? * * 2026)",
];

describe("agreement with a brute-force reading of the DST rule", () => {
  it.each(TRANSITIONS)("%s around %s", (zone, transition) => {
    const from = Date.parse(transition) - 30 * 3_600_000;
    const to = Date.parse(transition) + 30 * 3_600_000;
    const walls = wallMinutes(zone, from, to);
    for (const text of EXPRESSIONS) {
      const expr = parseScheduleExpression(text);
      if (expr.kind !== "cron") throw new Error("expected cron");
      const expected = bruteForceFires(expr.fields, walls, from);
      const actual: number[] = [];
      let cursor = new Date(from);
      while (true) {
        const next = nextFireTime(expr, zone, cursor);
        if (next === undefined || next.getTime() > to) break;
        expect(next.getTime()).toBeGreaterThan(cursor.getTime());
        cursor = next;
        actual.push(cursor.getTime());
      }
      expect(iso(actual.map((t) => new Date(t))), `${text} in ${zone}`).toEqual(
        iso(expected.map((t) => new Date(t))),
      );
      // previousFireTime agrees at each fire, just before it, and at arbitrary moments between.
      // Every fire near the transition, a sample elsewhere (keeps the every-minute case quick).
      const near = (t: number) => Math.abs(t - Date.parse(transition)) <= 4 * 3_600_000;
      for (let i = 1; i < expected.length; i++) {
        const fire = expected[i] ?? 0;
        if (!near(fire) && i % 17 !== 0) continue;
        const before = expected[i - 1] ?? 0;
        expect(previousFireTime(expr, zone, new Date(fire))?.getTime()).toBe(fire);
        expect(previousFireTime(expr, zone, new Date(fire - 1))?.getTime()).toBe(before);
        const between = before + Math.floor((fire - before) / 2);
        expect(previousFireTime(expr, zone, new Date(between))?.getTime()).toBe(before);
      }
    }
  });
});

describe("previousFireTime and nextFireTime are consistent", () => {
  it("next(t) is the first fire after t and previous(t) the last at or before it", () => {
    const zone = fc.constantFrom(...TRANSITIONS.map(([z]) => z), "Asia/Kolkata", "UTC");
    const moment = fc
      .tuple(
        fc.constantFrom(...TRANSITIONS.map(([, t]) => Date.parse(t))),
        fc.integer({
          min: -3 * 86_400_000,
          max: 3 * 86_400_000,
        }),
      )
      .map(([t, delta]) => new Date(t + delta));
    const expression = fc.constantFrom(
      ...EXPRESSIONS,
      "cron(0 0 L * ? *)",
      "cron(15 10 ? * 6L *)",
      "cron(0 12 15W * ? *)",
      "cron(0 9 ? * 2#1 *)",
      "cron(0 0 29 2 ? *)",
      "cron(0 6 1 1 ? 2026)",
    );
    fc.assert(
      fc.property(expression, zone, moment, (text, z, t) => {
        const expr = parseScheduleExpression(text);
        const next = nextFireTime(expr, z, t);
        const prev = previousFireTime(expr, z, t);
        if (next !== undefined) {
          expect(next.getTime()).toBeGreaterThan(t.getTime());
          expect(previousFireTime(expr, z, next)).toEqual(next);
          // Nothing fires strictly between t and next.
          expect(previousFireTime(expr, z, new Date(next.getTime() - 1))).toEqual(prev);
        }
        if (prev !== undefined) {
          expect(prev.getTime()).toBeLessThanOrEqual(t.getTime());
          expect(nextFireTime(expr, z, new Date(prev.getTime() - 1))).toEqual(prev);
          expect(nextFireTime(expr, z, prev)).toEqual(next);
        }
      }),
      { numRuns: 500 },
    );
  });
});
