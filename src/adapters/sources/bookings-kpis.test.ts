import { describe, expect, it } from "vitest";
import { createEntityResolver } from "../../core/entity-resolver.js";
import { parseBookingsCsv } from "./bookings-csv.js";
import { parseKpiCsv } from "./kpis-csv.js";

const entities = createEntityResolver([
  {
    id: "qsd",
    name: "QueenofSanDiego",
    kind: "business",
    aliases: ["Queen of San Diego"],
    domains: [],
  },
]);
const options = { sourceId: "s", file: "data/f.csv", delimiter: ",", onBadRow: "fail" as const };
const HEADER =
  "id,entity,stream,customer,channel,booked_on,service_start,service_end,status,total,deposit,paid";

describe("parseBookingsCsv", () => {
  it("reads bookings in any column order, straddling month ends", () => {
    const text = `status,${HEADER.replace(",status", "")}\nconfirmed,b-1,Queen of San Diego,private-charter,Ana,direct,2026-10-10,2026-10-31,2026-11-01,3300,825,825\n`;
    const { bookings, problems } = parseBookingsCsv(text, options, entities);
    expect(problems).toEqual([]);
    expect(bookings).toEqual([
      {
        id: "b-1",
        entity: "qsd",
        stream: "private-charter",
        customer: "Ana",
        channel: "direct",
        bookedOn: "2026-10-10",
        serviceStart: "2026-10-31",
        serviceEnd: "2026-11-01",
        status: "confirmed",
        totalCents: 330000,
        depositCents: 82500,
        paidCents: 82500,
        provenance: { sourceId: "s", file: "data/f.csv", line: 2, asOf: "2026-10-10" },
      },
    ]);
  });

  it("reports unknown entities, bad statuses, reversed dates and duplicate ids by line", () => {
    const rows = [
      "b-1,qsd,,A,direct,2026-10-01,2026-10-02,2026-10-02,completed,100,0,100",
      "b-2,Queen of Sandiego,,A,direct,2026-10-01,2026-10-02,2026-10-02,completed,100,0,100",
      "b-3,qsd,,A,direct,2026-10-01,2026-10-02,2026-10-02,booked,100,0,100",
      "b-4,qsd,,A,direct,2026-10-01,2026-10-05,2026-10-02,completed,100,0,100",
      "b-1,qsd,,A,direct,2026-10-01,2026-10-02,2026-10-02,completed,100,0,100",
    ];
    const { problems } = parseBookingsCsv(`${HEADER}\n${rows.join("\n")}\n`, options, entities);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [3, 'unknown entity "Queen of Sandiego"'],
      [4, 'status "booked" is not one of inquiry, quoted, confirmed, completed, cancelled'],
      [5, "service_end 2026-10-02 is before service_start 2026-10-05"],
      [6, 'duplicate booking id "b-1" (first used on line 2)'],
    ]);
  });
});

describe("parseKpiCsv", () => {
  it("reads tenant-wide and per-entity values; as-of is the period end", () => {
    const text =
      "kpi,entity,period,value,unit\nemail-list-size,,2026-10,3676,contacts\nwebsite-sessions,qsd,2026-09,1240.5,sessions\n";
    const { values, problems } = parseKpiCsv(text, options, entities);
    expect(problems).toEqual([]);
    expect(values.map((v) => [v.kpi, v.entity, v.value, v.provenance.asOf])).toEqual([
      ["email-list-size", undefined, 3676, "2026-10-31"],
      ["website-sessions", "qsd", 1240.5, "2026-09-30"],
    ]);
  });

  it("rejects bad periods, values and ids with a column", () => {
    const text =
      "kpi,entity,period,value,unit\nNPS Score,,2026-10,40,pts\nnps,,10/2026,40,pts\nnps,,2026-10,forty,pts\n";
    const { problems } = parseKpiCsv(text, options, entities);
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [2, 1],
      [3, 3],
      [4, 4],
    ]);
  });
});
