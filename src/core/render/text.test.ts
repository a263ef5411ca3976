import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PORTFOLIO, PORTFOLIO_ROLES } from "../../../test/helpers/cli.js";
import { computeTenant } from "../../../test/helpers/pipeline.js";
import { roleLabel } from "../analysis/strategy.js";
import type { Figure, Finding, Table } from "../analysis/types.js";
import type { SourceFreshness } from "../model/index.js";
import { formatValue } from "../reports/compose.js";
import type { Block, ReportDocument, Section } from "../reports/document.js";
import { renderText, TEXT_WIDTH } from "./text.js";

const columns = (line: string) => [...line].length;

/** A line may pass 72 columns only when it is one word that cannot be broken (a long URL). */
function overlong(text: string): string[] {
  return text.split("\n").filter((line) => columns(line) > TEXT_WIDTH && /\s/.test(line.trim()));
}

const source = (over: Partial<SourceFreshness> & { sourceId: string }): SourceFreshness => ({
  type: "ledger",
  records: 1,
  asOf: "2026-10-30",
  ageDays: 1,
  status: "fresh",
  ...over,
});

const figure = (over: Partial<Figure> & { id: string; label: string; value: number }): Figure => ({
  unit: "USD",
  asOf: "2026-10-31",
  sources: [],
  ...over,
});

const finding = (over: Partial<Finding> & { title: string }): Finding => ({
  fingerprint: "rule:subject",
  ruleId: "rule",
  category: "test",
  severity: "high",
  roles: ["cfo"],
  evidence: [],
  action: "Act.",
  effort: 1,
  impact: 2,
  ...over,
});

const fresh = (sources: string[] = ["bank"]): Section["freshness"] => ({
  asOf: "2026-10-30",
  status: "fresh",
  sources,
});

function doc(sections: Section[], over: Partial<ReportDocument> = {}): ReportDocument {
  return {
    id: "acme/2026-10/cfo",
    tenant: { id: "acme", name: "Acme Boats" },
    period: "2026-10",
    role: "cfo",
    title: "CFO report — Acme Boats, October 2026",
    subject: "CFO report",
    sources: [source({ sourceId: "bank", records: 120 })],
    sections,
    ...over,
  };
}

const oneBlock = (block: Block, over: Partial<ReportDocument> = {}) =>
  doc([{ id: "only", title: "Only", freshness: fresh(), blocks: [block] }], over);

/** The text of the first section's blocks (after its heading and freshness line). */
function body(text: string): string {
  const start = text.indexOf("1. Only\n-------\n\nData as of 2026-10-30.\n\n");
  expect(start, "section heading not found").toBeGreaterThan(0);
  return text.slice(start + "1. Only\n-------\n\nData as of 2026-10-30.\n\n".length);
}

describe("renderText", () => {
  it("lays out a small report as hand-checked plain text", () => {
    const document = doc(
      [
        {
          id: "summary",
          title: "Summary",
          freshness: { asOf: "2026-08-01", status: "stale", sources: ["bank", "crm"] },
          blocks: [
            {
              type: "paragraph",
              text: "Revenue rose for the second month in a row but stays below the monthly target; cloud spend fell.",
            },
            {
              type: "figures",
              figures: [
                figure({
                  id: "revenue",
                  label: "Revenue, Oct 2026",
                  value: 9000,
                  target: 10000,
                  previous: 7500,
                  basis: "Cash income of the month.",
                }),
                figure({
                  id: "cloud",
                  label: "Cloud cost",
                  value: 40,
                  unit: "USD/month",
                  target: 50,
                  previous: 50,
                  better: "lower",
                }),
              ],
            },
          ],
        },
        {
          id: "cash",
          title: "Cash",
          freshness: fresh(),
          blocks: [
            {
              type: "table",
              table: {
                id: "balances",
                title: "Balances",
                columns: [
                  { key: "account", label: "Account" },
                  { key: "balance", label: "Balance", unit: "USD" },
                ],
                rows: [
                  ["Checking", 12500],
                  ["Savings", 300],
                ],
              },
            },
            {
              type: "table",
              table: {
                id: "invoices",
                title: "Open invoices",
                columns: [
                  { key: "customer", label: "Customer" },
                  { key: "description", label: "Description" },
                  { key: "amount", label: "Amount", unit: "USD" },
                ],
                rows: [
                  [
                    "Harbor Cafe",
                    "Deposit for the summer charter season, invoiced twice because the first copy bounced",
                    1200,
                  ],
                  ["Ana", "", 80],
                ],
              },
            },
            {
              type: "chart",
              chart: {
                id: "revenue-by-month",
                title: "Revenue by month",
                kind: "line",
                unit: "USD",
                series: [
                  {
                    name: "Revenue",
                    points: [
                      { x: "2026-09", y: 7500 },
                      { x: "2026-10", y: 9000 },
                    ],
                  },
                  { name: "Target", points: [{ x: "2026-10", y: 10000 }] },
                ],
              },
            },
            {
              type: "findings",
              emptyText: "No findings.",
              findings: [
                finding({
                  title: "CRM export is stale",
                  evidence: [
                    {
                      text: "Last booking export 2026-08-01",
                      source: { sourceId: "crm", file: "data/crm.csv", line: 2 },
                    },
                    {
                      text: "No export since the CRM changed",
                      source: { sourceId: "handoffs", file: "data/handoffs/ops.md" },
                    },
                  ],
                  action: "Export bookings monthly.",
                  fingerprint: "stale-source:crm",
                }),
              ],
            },
          ],
        },
        {
          id: "follow-up",
          title: "Follow-up",
          freshness: { status: "empty", sources: [] },
          blocks: [
            {
              type: "tasks",
              emptyText: "No tasks.",
              tasks: [
                {
                  id: "t1",
                  title: "Export bookings",
                  status: "open",
                  owner: "Dana",
                  due: "2026-11-15",
                },
                { id: "t2", title: "Close September books", status: "done" },
              ],
            },
            { type: "findings", findings: [], emptyText: "No findings in this section." },
          ],
        },
      ],
      {
        sources: [
          source({ sourceId: "bank", records: 120 }),
          source({
            sourceId: "crm",
            type: "bookings",
            records: 8,
            asOf: "2026-08-01",
            ageDays: 91,
            status: "stale",
          }),
        ],
      },
    );
    expect(renderText(document)).toBe(
      [
        "CFO report — Acme Boats, October 2026",
        "=====================================",
        "",
        "Acme Boats · 2026-10 · CFO report · acme/2026-10/cfo",
        "",
        "Data freshness: 1 of 2 sources STALE: crm (91 days old).",
        "",
        "Source  Type      Records  As of       Status",
        "------  --------  -------  ----------  --------------",
        "bank    ledger        120  2026-10-30  fresh",
        "crm     bookings        8  2026-08-01  STALE, 91 days",
        "",
        "Contents",
        "  1. Summary",
        "  2. Cash",
        "  3. Follow-up",
        "",
        "1. Summary",
        "----------",
        "",
        "Data as of 2026-08-01 — STALE: crm (91 days old).",
        "",
        "Revenue rose for the second month in a row but stays below the monthly",
        "target; cloud spend fell.",
        "",
        "Revenue, Oct 2026: $9,000 (Below target)",
        "  Target $10,000. Up $1,500 (+20%) vs previous period ($7,500).",
        "  As of 2026-10-31. Cash income of the month.",
        "Cloud cost: $40/month (Within target)",
        "  Target $50/month. Down $10/month (−20%) vs previous period",
        "  ($50/month).",
        "  As of 2026-10-31.",
        "",
        "2. Cash",
        "-------",
        "",
        "Data as of 2026-10-30.",
        "",
        "Balances",
        "",
        "Account   Balance",
        "--------  -------",
        "Checking  $12,500",
        "Savings      $300",
        "",
        "Open invoices",
        "",
        "  Customer: Harbor Cafe",
        "  Description: Deposit for the summer charter season, invoiced twice",
        "    because the first copy bounced",
        "  Amount: $1,200",
        "",
        "  Customer: Ana",
        "  Amount: $80",
        "",
        "Revenue by month (chart data)",
        "",
        "         Revenue   Target",
        "-------  -------  -------",
        "2026-09   $7,500",
        "2026-10   $9,000  $10,000",
        "",
        "1. [HIGH] CRM export is stale",
        "   Evidence: Last booking export 2026-08-01 (data/crm.csv:2)",
        "   Evidence: No export since the CRM changed (data/handoffs/ops.md)",
        "   Next action: Export bookings monthly.",
        "   Effort: hours. Impact: material. Ref: stale-source:crm",
        "",
        "3. Follow-up",
        "------------",
        "",
        "No data behind this section.",
        "",
        "- Export bookings (Dana, due 2026-11-15, open)",
        "- Close September books (done)",
        "",
        "No findings in this section.",
        "",
      ].join("\n"),
    );
  });

  it("wraps table headers onto more lines before giving up on columns", () => {
    const table: Table = {
      id: "t",
      title: "Burn",
      columns: [
        { key: "month", label: "Month" },
        { key: "expenses", label: "Expenses of the business entities", unit: "USD" },
        { key: "income", label: "Income booked to income accounts", unit: "USD" },
      ],
      rows: [["2026-10", 8396.38, 7511]],
    };
    expect(body(renderText(oneBlock({ type: "table", table })))).toBe(
      [
        "Burn",
        "",
        "           Expenses of the  Income booked to",
        "Month    business entities   income accounts",
        "-------  -----------------  ----------------",
        "2026-10             $8,396            $7,511",
        "",
      ].join("\n"),
    );
  });

  it("numbers findings past nine with a matching hanging indent", () => {
    const findings = Array.from({ length: 10 }, (_, i) =>
      finding({
        title: `Finding number ${i + 1} has a title long enough to need a second line of text`,
      }),
    );
    const text = body(renderText(oneBlock({ type: "findings", findings, emptyText: "" })));
    expect(text).toContain(
      [
        "10. [HIGH] Finding number 10 has a title long enough to need a second",
        "    line of text",
        "    Next action: Act.",
      ].join("\n"),
    );
  });

  it("writes a long URL out whole on a line of its own", () => {
    const url = `https://example.com/reports/${"a".repeat(80)}?tenant=acme&period=2026-10`;
    const text = body(
      renderText(oneBlock({ type: "paragraph", text: `Read the full audit at ${url} today.` })),
    );
    expect(text).toBe(`Read the full audit at\n${url}\ntoday.\n`);
  });

  it("prints workspace text literally: no HTML entities, no Markdown markup", () => {
    const text = renderText(
      oneBlock({ type: "paragraph", text: 'Fish & <b>chips</b> "fresh" [menu](#menu) *now*' }),
    );
    expect(body(text)).toBe('Fish & <b>chips</b> "fresh" [menu](#menu) *now*\n');
    expect(text).not.toMatch(/&amp;|&lt;|\*\*|`|<a id=|\]\(#only\)/);
  });

  it("keeps control characters and line breaks in untrusted text from breaking the layout", () => {
    const text = renderText(
      oneBlock(
        {
          type: "table",
          table: {
            id: "t",
            title: "Rows\r\nBcc: x@example.com",
            columns: [
              { key: "a", label: "Na\tme" },
              { key: "b", label: "Amount", unit: "USD" },
            ],
            rows: [["Bob\u0000\u2028\u202Eevil\r\n  next", 5]],
          },
        },
        { tenant: { id: "acme", name: "Acme\r\nBoats\u0007" } },
      ),
    );
    expect(text).toContain("Acme Boats · 2026-10");
    expect(body(text)).toBe(
      [
        "Rows Bcc: x@example.com",
        "",
        "Na me          Amount",
        "-------------  ------",
        "Bob evil next      $5",
        "",
      ].join("\n"),
    );
    expect(text).not.toMatch(/[\p{Cc}\u2028\u2029\u202A-\u202E](?<!\n)/u);
  });

  it("flags stale sections by the stale sources they draw on", () => {
    const text = renderText(
      doc(
        [
          {
            id: "s",
            title: "S",
            freshness: { asOf: "2026-07-01", status: "stale", sources: ["bank", "cards"] },
            blocks: [],
          },
        ],
        {
          sources: [
            source({ sourceId: "bank", status: "stale", ageDays: 60, asOf: "2026-09-01" }),
            source({ sourceId: "cards", status: "stale", ageDays: 122, asOf: "2026-07-01" }),
            source({ sourceId: "crm", status: "stale", ageDays: 200, asOf: "2026-04-14" }),
            source({ sourceId: "kpis", status: "empty", records: 0, asOf: undefined }),
          ],
        },
      ),
    );
    expect(text).toContain(
      [
        "Data freshness: 3 of 4 sources STALE: bank (60 days old), cards (122",
        "days old), crm (200 days old).",
      ].join("\n"),
    );
    expect(text).toContain("kpis    ledger        0  —           empty\n");
    expect(text).toContain(
      "Data as of 2026-07-01 — STALE: bank (60 days old), cards (122 days old).",
    );
  });

  it("never writes a line past 72 columns unless it is one unbreakable word", () => {
    const messy = fc.oneof(
      fc.string({ unit: "binary", maxLength: 120 }),
      fc.string({ maxLength: 200 }),
      fc
        .array(
          fc.oneof(
            fc.constantFrom(" ", "\n", "\r\n", "\t", "\u2028", "\u0000", "\u00a0", "\u202e"),
            fc.string({ minLength: 1, maxLength: 90 }),
          ),
          { maxLength: 12 },
        )
        .map((parts) => parts.join("")),
    );
    const cell = fc.oneof(messy, fc.double({ noNaN: true, min: -1e9, max: 1e9 }));
    const document = fc
      .record({
        name: messy,
        title: messy,
        sectionTitle: messy,
        paragraph: messy,
        label: messy,
        basis: messy,
        labels: fc.array(messy, { minLength: 1, maxLength: 6 }),
        rows: fc.array(fc.array(cell, { minLength: 6, maxLength: 6 }), { maxLength: 3 }),
        findingTitle: messy,
        evidence: messy,
        file: messy,
        action: messy,
        fingerprint: messy,
        task: messy,
        owner: messy,
        seriesName: messy,
        x: messy,
        sourceId: messy,
      })
      .map(
        (r): ReportDocument =>
          doc(
            [
              {
                id: "s",
                title: r.sectionTitle,
                freshness: { asOf: "2026-10-30", status: "stale", sources: [r.sourceId] },
                blocks: [
                  { type: "paragraph", text: r.paragraph },
                  {
                    type: "figures",
                    figures: [
                      figure({ id: "f", label: r.label, value: 1, basis: r.basis, target: 2 }),
                    ],
                  },
                  {
                    type: "table",
                    table: {
                      id: "t",
                      title: r.title,
                      columns: r.labels.map((label, i) => ({ key: `c${i}`, label })),
                      rows: r.rows.map((row) => row.slice(0, r.labels.length)),
                    },
                  },
                  {
                    type: "findings",
                    emptyText: "",
                    findings: [
                      finding({
                        title: r.findingTitle,
                        evidence: [
                          { text: r.evidence, source: { sourceId: "x", file: r.file, line: 3 } },
                        ],
                        action: r.action,
                        fingerprint: r.fingerprint,
                      }),
                    ],
                  },
                  {
                    type: "chart",
                    chart: {
                      id: "c",
                      title: r.title,
                      kind: "bar",
                      unit: "USD",
                      series: [{ name: r.seriesName, points: [{ x: r.x, y: 12.5 }] }],
                    },
                  },
                  {
                    type: "tasks",
                    emptyText: "",
                    tasks: [{ id: "t", title: r.task, owner: r.owner, status: "open" }],
                  },
                ],
              },
            ],
            {
              title: r.title,
              tenant: { id: "t", name: r.name },
              sources: [
                source({ sourceId: r.sourceId, status: "stale", ageDays: 90 }),
                source({ sourceId: "bank" }),
              ],
            },
          ),
      );
    fc.assert(
      fc.property(document, (d) => {
        const text = renderText(d);
        expect(overlong(text)).toEqual([]);
        expect(text).not.toMatch(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069](?<!\n)/u);
      }),
      { numRuns: 300 },
    );
  });
});

/** What a reader must meet, in this order, in the text of a report (whitespace-normalised). */
function expectedOrder(document: ReportDocument): string[] {
  const sections = document.sections;
  return [
    ...sections.map((s, i) => `${i + 1}. ${s.title}`),
    ...sections.flatMap((s, i) => [
      `${i + 1}. ${s.title} -`,
      ...s.blocks.flatMap((block): string[] => {
        switch (block.type) {
          case "figures":
            return block.figures.map((f) => `${f.label}: ${formatValue(f.value, f.unit)}`);
          case "findings":
            return block.findings.map((f) => `[${f.severity.toUpperCase()}] ${f.title}`);
          case "table":
            return [block.table.title];
          case "chart":
            return [`${block.chart.title} (chart data)`];
          default:
            return [];
        }
      }),
    ]),
  ].map(normalise);
}

const normalise = (value: string) => value.replace(/\s+/g, " ").trim();

describe("plain text of the reference portfolio (2026-10)", async () => {
  const { reports } = await computeTenant(PORTFOLIO);

  it("has eight reports", () => {
    expect(reports.map((r) => r.role)).toEqual([...PORTFOLIO_ROLES]);
  });

  it.each(reports.map((r) => [r.role, r] as const))(
    "%s report fits 72 columns and keeps every title, figure and finding in order",
    (_role, report) => {
      const text = renderText(report);
      expect(overlong(text)).toEqual([]);
      const flat = normalise(text);
      let cursor = 0;
      for (const expected of expectedOrder(report)) {
        const at = flat.indexOf(expected, cursor);
        expect(at, `"${expected}" missing after offset ${cursor}`).toBeGreaterThanOrEqual(0);
        cursor = at + expected.length;
      }
      expect(text.split("\n").slice(0, 2)).toEqual([report.title, "=".repeat(report.title.length)]);
      expect(flat).toContain(
        `${report.tenant.name} · ${report.period} · ${roleLabel(report.role)} report · ${report.id}`,
      );
      for (const s of report.sources) expect(text).toMatch(new RegExp(`^${s.sourceId} `, "m"));
      expect(text).not.toMatch(/\*\*|`|<a id=|\]\(#|&amp;|&lt;|&gt;/);
    },
  );
});
