import { entityName, listWords, monthName, periodEnd, plural } from "../analysis/common.js";
import { findingsOf, type Intelligence, rankFindings } from "../analysis/intelligence.js";
import { roleLabel } from "../analysis/strategy.js";
import type { Table } from "../analysis/types.js";
import { AGENDA_SIZE, followUpAgenda } from "../follow-up/agenda.js";
import { revenueChart, revenueOnTarget } from "./cfo.js";
import {
  findingList,
  formatFigure,
  formatValue,
  paragraph,
  presentFigures,
  reportDocument,
  section,
  table,
} from "./compose.js";
import type { Block, ReportDocument, Section } from "./document.js";
import { domainSummaries } from "./domain-reports.js";

// The CEO report: what the owner holds, what is critically missing, which KPIs nobody measures,
// what is earned vs deferred, what is booked ahead, and the 30-day agenda ranked over every
// finding of every area.

/** The 30-day agenda: every finding ranked by severity, then impact per effort; owner and due date by rank. */
export function agendaTable(intelligence: Intelligence): Table {
  const top = followUpAgenda(intelligence).slice(0, AGENDA_SIZE);
  return {
    id: "agenda-30-day",
    title: `30-day agenda (top ${top.length} of ${intelligence.findings.length} findings)`,
    columns: [
      { key: "rank", label: "#", unit: "count" },
      { key: "action", label: "Action" },
      { key: "why", label: "Why" },
      { key: "owner", label: "Owner" },
      { key: "due", label: "Due" },
      { key: "severity", label: "Severity" },
    ],
    rows: top.map(({ finding, rank, owner, due }) => [
      rank,
      finding.action,
      finding.title,
      ownerLabel(intelligence, owner),
      due,
      finding.severity,
    ]),
  };
}

/** A role as the agenda names it: its label, and its configured title when that says more. */
function ownerLabel(intelligence: Intelligence, role: string): string {
  const title = intelligence.context.roles[role]?.title;
  return title !== undefined && title.toLowerCase() !== roleLabel(role).toLowerCase()
    ? `${roleLabel(role)} (${title})`
    : roleLabel(role);
}

function summary(intelligence: Intelligence): string {
  const { context } = intelligence;
  const shortfalls = findingsOf(intelligence, "critical-shortfall", "ceo");
  const missing = intelligence.figures.get("missing-kpi-count");
  const entities = intelligence.figures.get("entity-count");
  const assets = intelligence.figures.get("asset-count");
  const streams = intelligence.figures.get("revenue-stream-count");
  const value = intelligence.figures.get("pipeline-value");
  const booked = intelligence.figures.get("pipeline-bookings");
  const reach = intelligence.figures.get("pipeline-reach-days");
  const earned = intelligence.figures.get("revenue-earned-period");
  const deferred = intelligence.figures.get("revenue-deferred");
  const sentences: string[] = [];
  if (entities !== undefined && assets !== undefined && streams !== undefined)
    sentences.push(
      `${context.model.tenant.name} has ${plural(entities.value, "business entity", "business entities")}, ${plural(assets.value, "asset")} and ${plural(streams.value, "revenue stream")}.`,
    );
  if (shortfalls.length > 0) {
    const counts = (["critical", "high", "medium", "low"] as const)
      .map((s) => [s, shortfalls.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    sentences.push(
      `${plural(shortfalls.length, "critical shortfall")} (by severity: ${listWords(counts)}). Most urgent: ${shortfalls[0]?.title ?? ""}.`,
    );
  } else sentences.push("No critical shortfall was found.");
  if (missing !== undefined)
    sentences.push(
      missing.value === 0
        ? "Every KPI the roles expect has recent observations."
        : `${plural(missing.value, "expected KPI")} ${missing.value === 1 ? "has" : "have"} no observation in the last ${context.settings.trailingMonths} months.`,
    );
  const received = intelligence.figures.get("revenue-actual-period");
  const onTarget = revenueOnTarget(intelligence);
  if (received?.target !== undefined)
    sentences.push(
      `Revenue received in ${monthName(context.period)} was ${formatFigure(received)} against a target of ${formatValue(received.target, received.unit)}${onTarget !== undefined ? `; it ${onTarget}` : ""}.`,
    );
  if (earned !== undefined && deferred !== undefined)
    sentences.push(
      `Revenue earned in ${monthName(context.period)} was ${formatFigure(earned)}; ${formatFigure(deferred)} of cash received is deferred to later months.`,
    );
  if (value !== undefined && booked !== undefined)
    sentences.push(
      booked.value === 0
        ? `Nothing is booked after ${periodEnd(context.period)}.`
        : `${plural(booked.value, "open booking")} worth ${formatFigure(value)} ${booked.value === 1 ? "lies" : "lie"} ahead${reach !== undefined ? `, reaching ${formatFigure(reach)} past month end` : ""}.`,
    );
  const top = rankFindings(intelligence.findings)[0];
  if (top !== undefined)
    sentences.push(`First action on the 30-day agenda: ${lowerFirst(top.action)}`);
  return sentences.join(" ");
}

function lowerFirst(text: string): string {
  // Keep proper nouns and acronyms: only lower a capitalised ordinary word.
  return /^[A-Z][a-z]+\b/.test(text) && !/^[A-Z][a-z]+[A-Z]/.test(text)
    ? text.charAt(0).toLowerCase() + text.slice(1)
    : text;
}

function revenueRecognition(intelligence: Intelligence): Block[] {
  const recognition = intelligence.tables.get("revenue-recognition");
  const earned = intelligence.figures.get("revenue-earned-period");
  const deferred = intelligence.figures.get("revenue-deferred");
  const blocks: Block[] = [];
  if (earned !== undefined && deferred !== undefined)
    blocks.push(
      paragraph(
        `Earned in ${monthName(intelligence.context.period)}: ${formatFigure(earned)}. Deferred at ${periodEnd(intelligence.context.period)}: ${formatFigure(deferred)}, cash received for service not yet delivered. The accounting report has the full audit.`,
      ),
    );
  blocks.push(...presentFigures(intelligence, ["revenue-earned-period", "revenue-deferred"]));
  if (recognition !== undefined) blocks.push(table(recognition));
  if (blocks.length === 0)
    blocks.push(
      paragraph(
        "Revenue recognition has not been computed for this period: the accounting analysis produced no earned or deferred figures.",
      ),
    );
  const gaps = findingsOf(intelligence, "revenue-recognition", "ceo");
  if (gaps.length > 0) blocks.push(findingList(gaps, "No revenue-recognition gaps found."));
  return blocks;
}

function pipeline(intelligence: Intelligence): Block[] {
  const blocks: Block[] = [];
  const quotes = intelligence.figures.get("pipeline-open-quotes");
  const booked = intelligence.figures.get("pipeline-bookings");
  const reach = intelligence.figures.get("pipeline-reach-days");
  const balance = intelligence.figures.get("pipeline-balance");
  if (booked !== undefined && quotes !== undefined && reach !== undefined && balance !== undefined)
    blocks.push(
      paragraph(
        booked.value === 0
          ? `Nothing is booked or quoted after ${periodEnd(intelligence.context.period)}.`
          : `${plural(booked.value, "open booking")} ahead: ${booked.value - quotes.value} confirmed, ${quotes.value === 0 ? "no open inquiry or quote" : plural(quotes.value, "inquiry or quote", "inquiries or quotes")}. The furthest starts ${formatFigure(reach)} after month end; ${formatFigure(balance)} is still to collect.`,
      ),
    );
  blocks.push(
    ...presentFigures(intelligence, [
      "pipeline-bookings",
      "pipeline-value",
      "pipeline-balance",
      "pipeline-open-quotes",
      "pipeline-reach-days",
    ]),
  );
  for (const id of ["pipeline", "pipeline-detail"]) {
    const t = intelligence.tables.get(id);
    if (t !== undefined && t.rows.length > 0) blocks.push(table(t));
  }
  return blocks;
}

/**
 * The figures each domain report leads with, under the domain's name, so the owner sees the
 * rental, deliveries and client billing at a glance; absent when no role receives one.
 */
function domainSection(intelligence: Intelligence): Section[] {
  const summaries = domainSummaries(intelligence);
  if (summaries.length === 0) return [];
  const blocks = summaries.flatMap((s): Block[] => {
    const entity = intelligence.context.roles[s.role]?.entity;
    return [
      paragraph(
        `${entity !== undefined ? entityName(intelligence.context.model, entity) : s.title}: from the ${s.kind.replaceAll("-", " ")} report sent to ${s.title}.`,
      ),
      { type: "figures", figures: s.figures },
    ];
  });
  return [section(intelligence, "domain-reports", "Domain reports", undefined, blocks)];
}

/** The CEO report: inventory, critical shortfalls, missing KPIs, revenue recognition, pipeline, agenda. */
export function assembleCeoReport(intelligence: Intelligence, role = "ceo"): ReportDocument {
  const { context } = intelligence;
  const shortfalls = findingsOf(intelligence, "critical-shortfall", "ceo");
  const missingKpis = findingsOf(intelligence, "missing-kpi", "ceo");
  const agenda = agendaTable(intelligence);
  const inventoryTables = ["entity-inventory", "asset-inventory", "revenue-streams"]
    .map((id) => intelligence.tables.get(id))
    .filter((t): t is Table => t !== undefined);
  const missingTable = intelligence.tables.get("missing-kpis");
  const subjectParts = [
    "CEO",
    monthName(context.period, true),
    plural(shortfalls.length, "critical shortfall"),
    plural(missingKpis.length, "missing KPI"),
  ];
  const byArea = new Map<string, number>();
  for (const f of intelligence.findings) byArea.set(f.category, (byArea.get(f.category) ?? 0) + 1);
  return reportDocument(
    intelligence,
    role,
    `CEO report — ${context.model.tenant.name}, ${monthName(context.period)}`,
    subjectParts.join(" · "),
    [
      section(intelligence, "summary", "Summary", undefined, [
        paragraph(summary(intelligence)),
        ...presentFigures(intelligence, [
          "entity-count",
          "missing-kpi-count",
          "revenue-actual-period",
          "pipeline-value",
          "revenue-earned-period",
          "revenue-deferred",
        ]),
        ...revenueChart(intelligence),
      ]),
      section(
        intelligence,
        "asset-inventory",
        "Asset inventory",
        ["registry"],
        [
          ...presentFigures(intelligence, ["entity-count", "asset-count", "revenue-stream-count"]),
          ...inventoryTables.map(table),
        ],
      ),
      section(
        intelligence,
        "critical-shortfalls",
        `Critical shortfalls (${shortfalls.length})`,
        ["registry", "handoffs", "bookings"],
        [findingList(shortfalls, "No critical shortfall found in this period's data.")],
      ),
      section(
        intelligence,
        "missing-kpis",
        `Missing KPIs (${missingKpis.length})`,
        ["kpis"],
        [
          ...presentFigures(intelligence, ["missing-kpi-count"]),
          ...(missingTable !== undefined && missingTable.rows.length > 0
            ? [table(missingTable)]
            : []),
          findingList(missingKpis, "Every KPI the roles expect has recent observations."),
        ],
      ),
      section(
        intelligence,
        "revenue-recognition",
        "Revenue recognition",
        ["bookings", "ledger"],
        revenueRecognition(intelligence),
      ),
      section(intelligence, "pipeline", "Pipeline", ["bookings"], pipeline(intelligence)),
      ...domainSection(intelligence),
      section(intelligence, "agenda-30-day", "30-day agenda", undefined, [
        paragraph(
          intelligence.findings.length === 0
            ? "No findings this period, so the agenda is empty."
            : `Ranked over all ${plural(intelligence.findings.length, "finding")} of every area (by category: ${[
                ...byArea.entries(),
              ]
                .map(([category, n]) => `${category.replaceAll("-", " ")} ${n}`)
                .join(
                  ", ",
                )}) by severity, then impact per effort. The owner is the role that acts; due dates spread the work over the 30 days after ${periodEnd(context.period)}.`,
        ),
        ...(agenda.rows.length > 0 ? [table(agenda)] : []),
      ]),
    ],
  );
}
