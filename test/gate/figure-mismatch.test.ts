import { beforeAll, describe, expect, it } from "vitest";
import type { Figure, Table } from "../../src/core/analysis/types.js";
import type { Block, ReportDocument } from "../../src/core/reports/document.js";
import { figureConsistencyGate } from "../../src/core/validate/figure-consistency.js";
import type { GateInput } from "../../src/core/validate/index.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { gateInputFor } from "./helpers.js";

// Figure-mismatch corpus: the reference portfolio's real batch for 2026-10 passes; each case
// changes one thing in a copy of it (a figure in one report, a broken identity, an amount in
// prose) and must come back as a figure-consistency problem at the right report and section.

/** One planted inconsistency and the problem it must produce. */
interface Case {
  name: string;
  edit: (batch: Edits) => void;
  report: string;
  section: string;
  message: string;
}

/** Ways to change a copy of the real batch. */
class Edits {
  constructor(readonly input: GateInput) {}

  document(role: string): ReportDocument {
    const found = this.input.reports.find((r) => r.document.role === role)?.document;
    if (found === undefined) throw new Error(`no ${role} report`);
    return found;
  }

  blocks(role: string, section: string): Block[] {
    const found = this.document(role).sections.find((s) => s.id === section);
    if (found === undefined) throw new Error(`no section ${section} in the ${role} report`);
    return found.blocks;
  }

  /**
   * Changes a figure wherever one report's section shows it (or the whole report's). Reports
   * share figure objects, so the changed figure is a copy: the other reports keep theirs.
   */
  figure(role: string, id: string, change: (f: Figure) => void, section?: string): void {
    let changed = 0;
    for (const s of this.document(role).sections) {
      if (section !== undefined && s.id !== section) continue;
      for (const b of s.blocks) {
        if (b.type !== "figures") continue;
        b.figures = b.figures.map((f) => {
          if (f.id !== id) return f;
          const copy = { ...f };
          change(copy);
          changed += 1;
          return copy;
        });
      }
    }
    expect(changed, `figure ${id} in the ${role} report`).toBeGreaterThan(0);
  }

  /** Sets a figure in every report (shared objects are changed once per showing: keep it idempotent). */
  everywhere(id: string, change: (f: Figure) => void): void {
    for (const r of this.input.reports) {
      for (const s of r.document.sections) {
        for (const b of s.blocks) {
          if (b.type !== "figures") continue;
          for (const f of b.figures) if (f.id === id) change(f);
        }
      }
    }
  }

  table(role: string, id: string): Table {
    for (const s of this.document(role).sections) {
      for (const b of s.blocks) if (b.type === "table" && b.table.id === id) return b.table;
    }
    throw new Error(`no table ${id} in the ${role} report`);
  }

  /** Replaces text in the first paragraph of a section that contains it. */
  prose(role: string, section: string, from: string, to: string): void {
    const paragraph = this.blocks(role, section).find(
      (b): b is Extract<Block, { type: "paragraph" }> =>
        b.type === "paragraph" && b.text.includes(from),
    );
    expect(paragraph, `"${from}" in ${role}/${section}`).toBeDefined();
    if (paragraph !== undefined) paragraph.text = paragraph.text.replace(from, to);
  }
}

const CASES: Case[] = [
  {
    name: "a figure with another value in one section of the same report",
    edit: (e) => e.figure("cfo", "burn-rate-low", (f) => (f.value = 8300), "summary"),
    report: "portfolio/2026-10/cfo",
    section: "burn-rate",
    message: 'figure "burn-rate-low" is $8,300/month in section summary',
  },
  {
    name: "a figure with another value in another report",
    edit: (e) => e.figure("ceo", "revenue-actual-period", (f) => (f.value = 7611)),
    report: "portfolio/2026-10/cfo",
    section: "summary",
    message:
      'figure "revenue-actual-period" is $7,611 in section summary of portfolio/2026-10/ceo but $7,511 in section summary of portfolio/2026-10/cfo',
  },
  {
    name: "a figure with another unit in another report",
    edit: (e) => e.figure("accounting", "revenue-deferred", (f) => (f.unit = "USD/month")),
    report: "portfolio/2026-10/accounting",
    section: "summary",
    message: 'figure "revenue-deferred" is $1,623 in section summary of portfolio/2026-10/ceo',
  },
  {
    name: "a break-even one charter short",
    edit: (e) => e.everywhere("break-even-charters", (f) => (f.value = 5)),
    report: "portfolio/2026-10/cfo",
    section: "summary",
    message:
      'break-even "break-even-charters" of 5 × $1,300 contribution = $6,500 does not cover $7,225 of fixed costs',
  },
  {
    name: "a contribution that makes the break-even too high",
    edit: (e) => e.everywhere("contribution-per-unit", (f) => (f.value = 1500)),
    report: "portfolio/2026-10/cfo",
    section: "summary",
    message: "covers $7,225 of fixed costs, and so does 5",
  },
  {
    name: "net burn that is not burn less income",
    edit: (e) => e.everywhere("income-average", (f) => (f.value = 7597.26)),
    report: "portfolio/2026-10/cfo",
    section: "summary",
    message:
      'net burn "net-burn-average" is $745/month but burn $8,442/month less income $7,597/month is $845/month',
  },
  {
    name: "a monthly net burn that is not that month's expenses less income",
    edit: (e) => {
      const row = e.table("cfo", "burn-by-month").rows[5];
      if (row !== undefined) row[4] = 985.9;
    },
    report: "portfolio/2026-10/cfo",
    section: "burn-rate",
    message:
      'table "burn-by-month", 2026-10: expenses $8,396 less income $7,511 is $886, not the $986',
  },
  {
    name: "a revenue gap that is not actual less target",
    edit: (e) => e.everywhere("revenue-gap-period", (f) => (f.value = -1889)),
    report: "portfolio/2026-10/cfo",
    section: "revenue-targets",
    message: '"revenue-gap-period" is -$1,889 but revenue $7,511 less target $9,500 is -$1,989',
  },
  {
    name: "a Total row that is not the sum of its rows",
    edit: (e) => {
      for (const role of ["ceo", "accounting"]) {
        const total = e.table(role, "revenue-recognition").rows.at(-1);
        if (total !== undefined) total[4] = 1722.5;
      }
    },
    report: "portfolio/2026-10/ceo",
    section: "revenue-recognition",
    message: 'the Total row of table "revenue-recognition" shows $1,723 in column "deferred"',
  },
  {
    name: "an email blast value that is not bookings × value per booking",
    edit: (e) => {
      const row = e.table("cmo", "email-blast-case").rows[0];
      if (row !== undefined) row[8] = 19925.2;
    },
    report: "portfolio/2026-10/cmo",
    section: "email-blast-case",
    message: "6.62 bookings × $1,500 is $9,930, not the $19,925 shown",
  },
  {
    name: "an amount in a summary sentence that no figure shows",
    edit: (e) =>
      e.prose("cfo", "summary", "Income averaged $7,697/month.", "Income averaged $7,797/month."),
    report: "portfolio/2026-10/cfo",
    section: "summary",
    message:
      '"$7,797" in section summary of portfolio/2026-10/cfo matches no figure or table cell of the report',
  },
  {
    name: "an annual amount that is not twelve times the monthly one",
    edit: (e) => e.prose("cto", "cloud-costs", "($301 a year)", "($360 a year)"),
    report: "portfolio/2026-10/cto",
    section: "cloud-costs",
    message: '"$360" in section cloud-costs of portfolio/2026-10/cto matches no figure',
  },
  {
    name: "an amount in the subject that no figure shows",
    edit: (e) => {
      const cfo = e.document("cfo");
      expect(cfo.subject).toContain("$8.3K");
      cfo.subject = cfo.subject.replace("$8.3K", "$9.9K");
    },
    report: "portfolio/2026-10/cfo",
    section: "",
    message: '"$9.9K" in the subject of portfolio/2026-10/cfo matches no figure',
  },
];

describe("figure-mismatch corpus on the reference portfolio", () => {
  let real: GateInput;

  beforeAll(async () => {
    real = (await gateInputFor(PORTFOLIO)).input;
  }, 60_000);

  it("passes the real batch with zero problems", () => {
    expect(figureConsistencyGate(real)).toEqual([]);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s is a problem", (_, c) => {
    const copy = structuredClone(real);
    c.edit(new Edits(copy));
    const problems = figureConsistencyGate(copy);
    const hit = problems.find((p) => p.message.includes(c.message));
    expect(
      hit,
      `no problem saying ${c.message} in ${JSON.stringify(problems, null, 1)}`,
    ).toBeDefined();
    expect(hit?.gate).toBe("figure-consistency");
    expect(hit?.report).toBe(c.report);
    expect(hit?.section ?? "").toBe(c.section);
    expect(hit?.fix.length).toBeGreaterThan(20);
  });
});
