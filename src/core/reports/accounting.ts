import { profitabilityRoadmap, quarterOf } from "../analysis/accounting.js";
import { monthName, monthRange, periodEnd, plural, shortMonth } from "../analysis/common.js";
import { auditMonths } from "../analysis/finance.js";
import { findingsOf, type Intelligence } from "../analysis/intelligence.js";
import { figureOf, figuresPresent, sentences, shown, tablePresent } from "./cfo.js";
import { findingList, formatFigure, paragraph, reportDocument, section } from "./compose.js";
import type { ReportDocument, Section } from "./document.js";

function summarySection(intelligence: Intelligence): Section {
  const { period, settings } = intelligence.context;
  const f = (id: string) => shown(intelligence, id);
  const end = periodEnd(period);
  const noSystem = findingsOf(intelligence, "accounting-system", "accounting");
  const roadmap = profitabilityRoadmap(intelligence.context);
  const met = roadmap.filter((m) => m.met === true).length;
  const wrong = figureOf(intelligence, "miscategorised-rows");
  const text = sentences([
    f("revenue-earned-period") !== undefined &&
      `Bookings earned ${f("revenue-earned-period")} in ${monthName(period)}; the ledger shows ${f("income-ledger-period")} of income, counted when cash arrived.`,
    f("revenue-deferred") !== undefined &&
      `At ${end}, ${f("revenue-deferred")} received for later service is deferred revenue, and ${f("revenue-receivable")} is earned but unpaid.`,
    f("uncategorised-share") !== undefined &&
      `${f("uncategorised-rows")} of ${f("ledger-rows")} ledger rows (${f("uncategorised-share")}) have no category, in ${plural(figureOf(intelligence, "uncategorised-patterns")?.value ?? 0, "description pattern")}.`,
    wrong !== undefined &&
      wrong.value > 0 &&
      `${plural(wrong.value, "row")} carr${wrong.value === 1 ? "ies" : "y"} a category that contradicts the direction of the money.`,
    noSystem.length > 0 && `${noSystem[0]?.title}.`,
    roadmap.length > 0 &&
      `${plural(roadmap.length, "milestone")} lead to a profitable month by ${quarterOf(settings.planningHorizon)}; ${met === 0 ? "none is met yet" : `${met} met`}.`,
  ]);
  return section(
    intelligence,
    "summary",
    "Summary",
    ["ledger", "bookings", "registry", "handoffs"],
    [
      paragraph(text === "" ? "No ledger or booking data for this period." : text),
      ...figuresPresent(intelligence, [
        "revenue-earned-period",
        "income-ledger-period",
        "revenue-deferred",
        "revenue-receivable",
        "uncategorised-share",
        "uncategorised-outflow-share",
      ]),
    ],
  );
}

function recognitionSection(intelligence: Intelligence): Section {
  const { period } = intelligence.context;
  const end = periodEnd(period);
  const earned = figureOf(intelligence, "revenue-earned-period");
  const text =
    earned === undefined
      ? "No bookings, so nothing to recognise."
      : sentences([
          `Revenue is earned when the service is delivered, day by day for services that run several days.`,
          "Cash for a service not yet delivered is a liability (customer deposits) until the service date.",
          "Payments are spread over the service days the same way, so a service running over the period end can be part deferred and part receivable.",
          `Bookings earned ${formatFigure(earned)} in ${shortMonth(period)} against ${shown(intelligence, "income-ledger-period")} of cash income in the ledger.`,
          `At ${end}: ${shown(intelligence, "revenue-deferred")} deferred, ${shown(intelligence, "revenue-receivable")} receivable.`,
        ]);
  return section(
    intelligence,
    "revenue-recognition",
    "Revenue recognition",
    ["bookings", "ledger"],
    [
      paragraph(text),
      ...figuresPresent(intelligence, [
        "revenue-earned-period",
        "income-ledger-period",
        "revenue-deferred",
        "revenue-receivable",
      ]),
      ...tablePresent(intelligence, "revenue-recognition"),
      ...tablePresent(intelligence, "revenue-recognition-detail"),
      findingList(
        findingsOf(intelligence, "revenue-recognition", "accounting"),
        "Every deposit for later service sits in a liability account.",
      ),
    ],
  );
}

function chartSection(intelligence: Intelligence): Section {
  const inUse = figureOf(intelligence, "chart-accounts-in-use");
  const proposed = figureOf(intelligence, "chart-accounts-proposed");
  const text =
    inUse === undefined || proposed === undefined
      ? "No ledger rows yet, so no accounts are in use."
      : sentences([
          `The ledger uses ${plural(inUse.value, "account")}: the bank, card and processor accounts of the exports and the categories the rules assign.`,
          `The proposal adds ${plural(proposed.value, "account")} from a generic small-business template, marked proposed.`,
          "Numbers follow statement order: 1000 assets, 2000 liabilities, 3000 equity, 4000 income, 5000 cost of sales, 6000 expenses, 9000 transfers.",
        ]);
  return section(
    intelligence,
    "chart-of-accounts",
    "Chart of accounts",
    ["ledger"],
    [paragraph(text), ...tablePresent(intelligence, "chart-of-accounts")],
  );
}

function categorisationSection(intelligence: Intelligence): Section {
  const share = figureOf(intelligence, "uncategorised-share");
  const wrong = figureOf(intelligence, "miscategorised-rows");
  const window = monthRange(auditMonths(intelligence.context));
  const text =
    share === undefined
      ? "No ledger rows in the audit year."
      : sentences([
          `Over ${window}, ${shown(intelligence, "uncategorised-rows")} of ${shown(intelligence, "ledger-rows")} rows (${formatFigure(share)}) matched no category rule: ${shown(intelligence, "uncategorised-outflow-share")} of outflow dollars.`,
          `They fall into ${plural(figureOf(intelligence, "uncategorised-patterns")?.value ?? 0, "description pattern")}; one rule per pattern clears them.`,
          wrong !== undefined &&
            (wrong.value === 0
              ? "No categorised row contradicts the direction of its money."
              : `${plural(wrong.value, "row")} carr${wrong.value === 1 ? "ies" : "y"} a category that contradicts the direction of its money.`),
        ]);
  return section(
    intelligence,
    "expense-categorisation",
    "Expense categorisation",
    ["ledger"],
    [
      paragraph(text),
      ...figuresPresent(intelligence, [
        "ledger-rows",
        "uncategorised-rows",
        "uncategorised-share",
        "uncategorised-outflow-share",
        "miscategorised-rows",
      ]),
      ...tablePresent(intelligence, "uncategorised-patterns"),
      findingList(
        findingsOf(intelligence, "categorisation", "accounting"),
        "Every ledger row has a category that fits its direction.",
      ),
    ],
  );
}

function systemSection(intelligence: Intelligence): Section {
  const count = figureOf(intelligence, "accounting-system-count");
  const findings = findingsOf(intelligence, "accounting-system", "accounting");
  const text =
    count === undefined
      ? "The registry lists no systems."
      : count.value > 0
        ? `The registry lists ${plural(count.value, "accounting system")}.`
        : sentences([
            `None of the systems in the registry is an accounting ledger.`,
            findings.length === 0 &&
              "No handoff note says receipts live only in email, so this is not raised as a finding.",
          ]);
  return section(
    intelligence,
    "accounting-system",
    "Accounting system",
    ["registry", "handoffs"],
    [paragraph(text), findingList(findings, "An accounting system is in place.")],
  );
}

function roadmapSection(intelligence: Intelligence): Section {
  const { settings } = intelligence.context;
  const roadmap = profitabilityRoadmap(intelligence.context);
  const text =
    roadmap.length === 0
      ? "Not enough data to plan milestones."
      : sentences([
          `${plural(roadmap.length, "milestone")} to a profitable month by ${quarterOf(settings.planningHorizon)}, each measured from this month's data.`,
          "Each one makes the next measurable: clean books, then volume, then revenue, then profit.",
        ]);
  return section(
    intelligence,
    "profitability-roadmap",
    "Profitability roadmap",
    ["ledger", "bookings", "kpis"],
    [paragraph(text), ...tablePresent(intelligence, "profitability-roadmap")],
  );
}

/** The Accounting report: revenue recognition, chart of accounts, categorisation, system and roadmap. */
export function assembleAccountingReport(
  intelligence: Intelligence,
  role = "accounting",
): ReportDocument {
  const { model, period } = intelligence.context;
  const deferred = figureOf(intelligence, "revenue-deferred");
  const share = figureOf(intelligence, "uncategorised-share");
  const noSystem = findingsOf(intelligence, "accounting-system", "accounting").length > 0;
  const subject = [
    "Accounting",
    shortMonth(period),
    deferred !== undefined
      ? `${formatFigure({ ...deferred, value: Math.round(deferred.value) })} deferred`
      : undefined,
    share !== undefined ? `${formatFigure(share)} uncategorised` : undefined,
    noSystem ? "no accounting system" : undefined,
  ]
    .filter((p): p is string => p !== undefined)
    .join(" · ");
  return reportDocument(
    intelligence,
    role,
    `Accounting report — ${model.tenant.name}, ${monthName(period)}`,
    subject,
    [
      summarySection(intelligence),
      recognitionSection(intelligence),
      chartSection(intelligence),
      categorisationSection(intelligence),
      systemSection(intelligence),
      roadmapSection(intelligence),
    ],
  );
}
