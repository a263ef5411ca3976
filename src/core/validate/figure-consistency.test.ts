import { describe, expect, it } from "vitest";
import {
  batch,
  figure,
  figures,
  paragraph,
  report,
  section,
  table,
} from "../../../test/gate/fixtures.js";
import type { Figure, Unit } from "../analysis/types.js";
import type { Block } from "../reports/document.js";
import { figureConsistencyGate } from "./figure-consistency.js";

/** Messages for one CFO report made of the given blocks, one section each. */
function messages(...blocks: Block[]): string[] {
  const sections = blocks.map((b, i) => section(`s${i}`, b));
  return figureConsistencyGate(batch([report("cfo", sections)])).map((p) => p.message);
}

/** Messages for the given figures plus one more, whose value each call sets. */
const plus =
  (shown: Figure[], id: string, unit: Unit) =>
  (value: number): string[] =>
    messages(figures(...shown, figure(id, value, unit)));

const breakEvenFigures = (units: number, contribution: number, fixed: number): Figure[] => [
  figure("break-even-charters", units, "charters/month"),
  figure("contribution-per-unit", contribution, "USD"),
  figure("fixed-costs-monthly", fixed, "USD/month"),
];

describe("figure consistency: one figure, one value", () => {
  it("reports a figure shown with two values in two reports, where the second shows it", () => {
    const problems = figureConsistencyGate(
      batch([
        report("ceo", [section("summary", figures(figure("revenue", 7511, "USD")))]),
        report("cfo", [section("revenue-targets", figures(figure("revenue", 7510.67, "USD")))]),
      ]),
    );
    expect(problems).toEqual([
      {
        gate: "figure-consistency",
        report: "acme/2026-10/cfo",
        section: "revenue-targets",
        message:
          'figure "revenue" is 7511 USD in section summary of acme/2026-10/ceo but 7510.67 USD in section revenue-targets of acme/2026-10/cfo',
        fix: expect.stringContaining("computed once per run"),
      },
    ]);
  });

  it("reports a unit that differs, and accepts the same figure quoted twice", () => {
    const twice = (b: Figure) =>
      figureConsistencyGate(
        batch([
          report("ceo", [section("a", figures(figure("burn", 745, "USD/month")))]),
          report("cfo", [section("b", figures(b))]),
        ]),
      ).map((p) => p.message);
    expect(twice(figure("burn", 745, "USD/month"))).toEqual([]);
    expect(twice(figure("burn", 745, "USD"))).toEqual([
      'figure "burn" is $745/month in section a of acme/2026-10/ceo but $745 in section b of acme/2026-10/cfo',
    ]);
  });

  it("reports a table shown differently in two reports", () => {
    const recognition = (earned: number) =>
      table("revenue-recognition", [["entity"], ["earned", "USD"]], [["JADA", earned]]);
    const problems = figureConsistencyGate(
      batch([
        report("ceo", [section("revenue-recognition", recognition(1840))]),
        report("accounting", [section("revenue-recognition", recognition(1841))]),
      ]),
    );
    expect(problems.map((p) => [p.report, p.message])).toEqual([
      [
        "acme/2026-10/accounting",
        'table "revenue-recognition" in section revenue-recognition of acme/2026-10/accounting differs from the same table in section revenue-recognition of acme/2026-10/ceo',
      ],
    ]);
  });
});

describe("figure consistency: cross-checks", () => {
  it("accepts a break-even rounded up to whole units, and an exact fit", () => {
    expect(messages(figures(...breakEvenFigures(6, 1300, 7225)))).toEqual([]);
    expect(messages(figures(...breakEvenFigures(6, 1300, 7800)))).toEqual([]);
    // Fixed costs are shown rounded to the cent: 7,800.004 still needs exactly 6 units.
    expect(messages(figures(...breakEvenFigures(6, 1300, 7800.004)))).toEqual([]);
    expect(messages(figures(...breakEvenFigures(0, 1300, 0)))).toEqual([]);
  });

  it("reports a break-even that does not cover the fixed costs, or covers them with a unit to spare", () => {
    expect(messages(figures(...breakEvenFigures(5, 1300, 7225)))).toEqual([
      'break-even "break-even-charters" of 5 × $1,300 contribution = $6,500 does not cover $7,225 of fixed costs: $7,225 ÷ $1,300 rounds up to 6',
    ]);
    expect(messages(figures(...breakEvenFigures(7, 1300, 7225)))).toEqual([
      'break-even "break-even-charters" of 7 × $1,300 contribution = $9,100 covers $7,225 of fixed costs, and so does 6: $7,225 ÷ $1,300 rounds up to 6',
    ]);
  });

  it("checks the break-even that counts uncategorised outflows as fixed", () => {
    const with_ = plus(
      [
        ...breakEvenFigures(6, 1300, 7225),
        figure("uncategorised-outflow-monthly", 171.48, "USD/month"),
      ],
      "break-even-charters-with-uncategorised",
      "charters/month",
    );
    expect(with_(6)).toEqual([]);
    expect(with_(5)).toHaveLength(1);
    expect(with_(5)[0]).toContain("does not cover $7,396 of fixed costs plus uncategorised");
  });

  it("checks net burn against burn less income within a cent", () => {
    const net = plus(
      [
        figure("burn-rate-average", 8441.86, "USD/month"),
        figure("income-average", 7697.26, "USD/month"),
      ],
      "net-burn-average",
      "USD/month",
    );
    expect(net(744.6)).toEqual([]);
    expect(net(744.61)).toEqual([]);
    expect(net(744.62)).toEqual([
      'net burn "net-burn-average" is $745/month but burn $8,442/month less income $7,697/month is $745/month',
    ]);
  });

  it("checks burn rates are in order", () => {
    const burn = (low: number, average: number, high: number) =>
      messages(
        figures(
          figure("burn-rate-low", low, "USD/month"),
          figure("burn-rate-average", average, "USD/month"),
          figure("burn-rate-high", high, "USD/month"),
        ),
      );
    expect(burn(8286, 8442, 8563)).toEqual([]);
    expect(burn(8286, 8600, 8563)).toEqual([
      "burn rates are out of order: low $8,286/month, average $8,600/month, high $8,563/month",
    ]);
  });

  it("checks figures against the table they summarise", () => {
    const burnTable = table(
      "burn-by-month",
      [["month"], ["expenses", "USD"], ["income", "USD"], ["net", "USD"]],
      [
        ["2026-09", 8286.25, 7617.81, 668.44],
        ["2026-10", 8396.1, 7510.67, 885.43],
      ],
    );
    expect(
      messages(
        burnTable,
        figures(
          figure("burn-rate-low", 8286.25, "USD/month"),
          figure("burn-rate-high", 8396.1, "USD/month"),
          figure("burn-rate-average", 8341.18, "USD/month"),
          figure("net-burn-average", 776.94, "USD/month"),
        ),
      ),
    ).toEqual([]);
    expect(messages(burnTable, figures(figure("burn-rate-average", 8441.18, "USD/month")))).toEqual(
      [
        'figure "burn-rate-average" is $8,441/month but the mean of column "expenses" of table "burn-by-month" is $8,341/month',
      ],
    );
  });

  it("checks each month's net burn in the burn table", () => {
    expect(
      messages(
        table(
          "burn-by-month",
          [["month"], ["expenses", "USD"], ["income", "USD"], ["net", "USD"]],
          [["2026-10", 8396.1, 7510.67, 800]],
        ),
      ),
    ).toEqual([
      'table "burn-by-month", 2026-10: expenses $8,396 less income $7,511 is $885, not the $800 net burn shown',
    ]);
  });

  it("sums body rows, checks Total rows and counts rows", () => {
    const recognition = (total: number) =>
      table(
        "revenue-recognition",
        [["entity"], ["earned", "USD"]],
        [
          ["JADA", 1840],
          ["QueenofSanDiego", 7150],
          ["Total", total],
        ],
      );
    const earned = figures(figure("revenue-earned-period", 8990, "USD"));
    expect(messages(recognition(8990), earned)).toEqual([]);
    expect(messages(recognition(9000), earned)).toEqual([
      'the Total row of table "revenue-recognition" shows $9,000 in column "earned" but its rows sum to $8,990',
    ]);
    expect(
      messages(
        table("missing-kpis", [["kpi"]], [["nps"], ["churn"]]),
        figures(figure("missing-kpi-count", 3, "count")),
      ),
    ).toEqual(['figure "missing-kpi-count" is 3 but table "missing-kpis" has 2 rows']);
  });

  it("checks the revenue gap, the target the actual is measured against, and the target table", () => {
    const revenue = (gap: number, targetRow: number, horizon: number) =>
      messages(
        figures(
          figure("revenue-actual-period", 7511, "USD", { target: 9500 }),
          figure("revenue-target-period", 9500, "USD"),
          figure("revenue-gap-period", gap, "USD"),
          figure("revenue-target-horizon", horizon, "USD/month"),
        ),
        table(
          "revenue-targets",
          [["month"], ["target", "USD"], ["actual", "USD"], ["gap", "USD"]],
          [
            ["2026-10", targetRow, 7511, 7511 - targetRow],
            ["2026-11", 10000, "—", "—"],
          ],
        ),
      );
    expect(revenue(-1989, 9500, 10000)).toEqual([]);
    expect(revenue(-1889, 9500, 10000)).toEqual([
      '"revenue-gap-period" is -$1,889 but revenue $7,511 less target $9,500 is -$1,989',
    ]);
    expect(revenue(-1989, 9400, 11000)).toEqual([
      '"revenue-target-period" is $9,500 but table "revenue-targets" shows $9,400 for 2026-10',
      '"revenue-target-horizon" is $11,000/month but table "revenue-targets" ends 2026-11 at $10,000',
    ]);
  });

  it("checks units sold against break-even, and the email blast case", () => {
    expect(
      messages(
        figures(figure("break-even-charters", 6, "charters/month")),
        table(
          "units-sold-by-month",
          [["month"], ["sold", "count"], ["breakEven", "count"], ["gap", "count"]],
          [
            ["2026-09", 3, 6, 3],
            ["2026-10", 3, 6, 2],
          ],
        ),
      ),
    ).toEqual(['table "units-sold-by-month", 2026-10: 3 sold against 6 is 3 short, not 2']);
    const blast = (value: number) =>
      messages(
        figures(figure("email-blast-value-low", value, "USD")),
        table(
          "email-blast-case",
          [
            ["campaign"],
            ["case"],
            ["contacts", "count"],
            ["bookings", "count"],
            ["per", "USD"],
            ["value", "USD"],
          ],
          [["Blast", "low", 3676, 6.62, 1500, value]],
        ),
      );
    // 6.62 bookings are shown rounded: 6.6168 × $1,500 = $9,925.20.
    expect(blast(9925.2)).toEqual([]);
    expect(blast(9990)).toEqual([
      'table "email-blast-case", Blast (low): 6.62 bookings × $1,500 is $9,930, not the $9,990 shown',
    ]);
  });

  it("checks the uncategorised share to the shown tenth of a percent", () => {
    const share = plus(
      [figure("ledger-rows", 953, "count"), figure("uncategorised-rows", 65, "count")],
      "uncategorised-share",
      "percent",
    );
    expect(share(6.8)).toEqual([]);
    expect(share(7.8)).toEqual(['"uncategorised-share" is 7.8% but 65 of 953 rows is 6.8%']);
  });

  it("skips a check whose figures are not shown", () => {
    expect(messages(figures(figure("break-even-charters", 99, "charters/month")))).toEqual([]);
  });
});

describe("figure consistency: no orphan amounts", () => {
  const shown = figures(
    figure("burn-rate-low", 8286.25, "USD/month"),
    figure("contribution-per-unit", 1300, "USD", {
      basis: "price $1,650 minus variable cost $350.",
    }),
    figure("aws-monthly-savings", 25, "USD/month"),
    figure("revenue-gap-period", -1989, "USD"),
  );
  const rules = table(
    "policy-checks",
    [["rule"], ["result"]],
    [["no-saas", "1 row in breach ($800)"]],
  );
  const orphans = (text: string, subject?: string) =>
    figureConsistencyGate(
      batch([report("cfo", [section("summary", paragraph(text), shown, rules)], subject)]),
    );

  it("accepts amounts from figures (value or basis) and table cells, within the shown rounding", () => {
    expect(
      orphans(
        "Burn was $8,286/month ($8.3K, $8,286.25 to the cent); price $1,650, cost $350, contribution $1,300; " +
          "$1,989 short; $800 HUBSPOT; $25/month saved, $300 a year.",
        "CFO · burn $8.3K/month",
      ),
    ).toEqual([]);
  });

  it("reports an amount no figure or table cell of the report shows", () => {
    expect(orphans("Burn was $8,286/month and $4,321 went nowhere.")).toEqual([
      {
        gate: "figure-consistency",
        report: "acme/2026-10/cfo",
        section: "summary",
        message:
          '"$4,321" in section summary of acme/2026-10/cfo matches no figure or table cell of the report',
        fix: expect.stringContaining("must quote a figure or table cell"),
      },
    ]);
  });

  it("holds amounts to the precision they are shown with", () => {
    expect(orphans("Burn was $8,286.30.").map((p) => p.message)).toEqual([
      '"$8,286.30" in section summary of acme/2026-10/cfo matches no figure or table cell of the report',
    ]);
    expect(orphans("Burn was $8.4K.")).toHaveLength(1);
  });

  it("allows twelve times a monthly amount only when the prose says per year", () => {
    expect(orphans("$25/month saved, $300 in all.")).toHaveLength(1);
    expect(orphans("$25/month saved, $301 a year.")).toHaveLength(1);
  });

  it("checks the subject too", () => {
    expect(orphans("Burn was $8,286/month.", "CFO · burn $9.9K").map((p) => p.message)).toEqual([
      '"$9.9K" in the subject of acme/2026-10/cfo matches no figure or table cell of the report',
    ]);
  });

  it("does not trace an amount to another report", () => {
    const problems = figureConsistencyGate(
      batch([
        report("ceo", [section("summary", paragraph("Burn was $8,286/month."))]),
        report("cfo", [section("burn", shown)]),
      ]),
    );
    expect(problems.map((p) => p.report)).toEqual(["acme/2026-10/ceo"]);
  });
});
