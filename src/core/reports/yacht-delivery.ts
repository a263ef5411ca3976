import { entityName, listWords, monthName, plural, shortMonth } from "../analysis/common.js";
import {
  completedDeliveries,
  costDelivery,
  DELIVERY_REPORT,
  deliveryBookOf,
  documentGaps,
  nameOf,
  openDeliveries,
  routeOf,
} from "../analysis/deliveries.js";
import {
  findingsOf,
  type Intelligence,
  requireFigure,
  requireTable,
} from "../analysis/intelligence.js";
import { roleLabel } from "../analysis/strategy.js";
import type { Figure } from "../analysis/types.js";
import type { DeliveryBook } from "../model/deliveries.js";
import { chartOf } from "./charts.js";
import {
  figures,
  findingList,
  formatFigure,
  formatValue,
  paragraph,
  reportDocument,
  section,
  table,
} from "./compose.js";
import type { Block, ReportDocument, Section } from "./document.js";

/** Section ids of the yacht-delivery report, in order. */
export const YACHT_DELIVERY_SECTIONS: readonly string[] = [
  "summary",
  "deliveries",
  "cost-vs-quote",
  "upcoming",
  "crew",
  "documents",
];

const TITLES: Readonly<Record<string, string>> = {
  summary: "Summary",
  deliveries: "Deliveries and distance",
  "cost-vs-quote": "Cost against quote",
  upcoming: "Under way and upcoming",
  crew: "Crew",
  documents: "Documents",
};

const SOURCES = ["deliveries"];

function part(intelligence: Intelligence, id: string, blocks: Block[]): Section {
  return section(intelligence, id, TITLES[id] ?? id, SOURCES, blocks);
}

const figure = (intelligence: Intelligence, id: string): Figure => requireFigure(intelligence, id);

/** "9 deliveries", "1 delivery". */
const deliveries = (n: number) => plural(n, "delivery", "deliveries");

function whole(value: number): string {
  return formatValue(Math.round(value), "USD");
}

function summary(intelligence: Intelligence, book: DeliveryBook): Section {
  const { model, period } = intelligence.context;
  const value = (id: string) => figure(intelligence, id).value;
  const completed = value("delivery-completed");
  const window = figure(intelligence, "delivery-completed").label.split(", ").at(-1) ?? "";
  const over = value("delivery-over-budget");
  const losses = completedDeliveries(book, period).filter((c) => c.marginCents < 0);
  const underWay = openDeliveries(book).filter((d) => d.status === "under-way");
  const upcoming = value("delivery-upcoming");
  const short = value("delivery-crew-unconfirmed");
  const gaps = value("delivery-document-gaps");
  const sentences = [
    completed === 0
      ? `${entityName(model, book.entity)} completed no deliveries in ${window}.`
      : `${entityName(model, book.entity)} completed ${deliveries(completed)} in ${window} (${value("delivery-completed-period")} in ${monthName(period)}), sailing ${formatValue(value("delivery-nautical-miles"), "count")} nautical miles with ${formatFigure(figure(intelligence, "delivery-crew-days"))} of crew time.`,
  ];
  if (completed > 0)
    sentences.push(
      `Quotes of ${formatFigure(figure(intelligence, "delivery-revenue"))} against ${formatFigure(figure(intelligence, "delivery-cost"))} of actual cost left a margin of ${formatFigure(figure(intelligence, "delivery-margin"))} (${formatFigure(figure(intelligence, "delivery-margin-percent"))}, ${formatFigure(figure(intelligence, "delivery-margin-average"))} per delivery), at ${formatFigure(figure(intelligence, "delivery-cost-per-nm"))} per nautical mile.`,
    );
  sentences.push(
    over === 0
      ? "No delivery ran over its cost budget."
      : `${deliveries(over)} ran over budget${losses.length > 0 ? `; ${listWords(losses.map((c) => `${nameOf(c.delivery)} lost ${whole(-c.marginCents / 100)}`))}` : ""}.`,
  );
  const open = [
    ...underWay.map((d) => {
      const sailed = costDelivery(book, d).nm;
      return `${nameOf(d)} is under way (${formatValue(sailed, "count")} of ${formatValue(d.plannedNm, "count")} nm sailed)`;
    }),
    upcoming === 0
      ? "no delivery is upcoming"
      : `${deliveries(upcoming)} ${upcoming === 1 ? "is" : "are"} upcoming`,
  ];
  sentences.push(
    `${capitalise(listWords(open))}. ${short === 0 ? "Every upcoming delivery has its crew confirmed" : short === upcoming && upcoming > 1 ? `${upcoming === 2 ? "Neither upcoming delivery" : `None of the ${upcoming} upcoming deliveries`} has its full crew confirmed` : `${short} of the ${upcoming} upcoming ${upcoming === 1 ? "delivery" : "deliveries"} ${short === 1 ? "lacks" : "lack"} confirmed crew`}, and ${gaps === 0 ? "every document the open deliveries need is on file" : `${plural(gaps, "document")} the open deliveries need ${gaps === 1 ? "is" : "are"} missing or expired`}.`,
  );
  return part(intelligence, "summary", [
    paragraph(sentences.join(" ")),
    // The CEO report repeats these under "Domain reports", so they are the report's headline.
    figures(intelligence, [
      "delivery-completed",
      "delivery-nautical-miles",
      "delivery-margin",
      "delivery-cost-per-nm",
      "delivery-over-budget",
      "delivery-crew-unconfirmed",
      "delivery-document-gaps",
    ]),
  ]);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function deliveriesSection(intelligence: Intelligence, book: DeliveryBook): Section {
  const list = requireTable(intelligence, "delivery-completed-list");
  const completed = completedDeliveries(book, intelligence.context.period);
  const longest = [...completed].sort((a, b) => b.nm - a.nm)[0];
  const blocks: Block[] = [
    figures(intelligence, [
      "delivery-completed",
      "delivery-completed-period",
      "delivery-nautical-miles",
      "delivery-crew-days",
    ]),
  ];
  if (longest === undefined) {
    blocks.push(paragraph("No delivery was completed in the window."));
  } else {
    blocks.push(
      paragraph(
        `The longest passage was ${nameOf(longest.delivery)}, ${routeOf(longest.delivery)}: ${formatValue(longest.nm, "count")} nm from ${longest.delivery.start} to ${longest.delivery.end}. Distances are the legs as sailed; cancelled deliveries are left out.`,
      ),
      table(list),
      ...chartOf(intelligence, "delivery-by-month", {
        id: "delivery-by-month",
        title: "Quoted fees and actual cost by month of arrival",
        kind: "bar",
        series: [
          { key: "quote", name: "Quoted fees" },
          { key: "cost", name: "Actual cost" },
        ],
      }),
    );
  }
  return part(intelligence, "deliveries", blocks);
}

function costVsQuote(intelligence: Intelligence): Section {
  const over = findingsOf(intelligence, "delivery-over-budget", DELIVERY_REPORT);
  const breakdown = requireTable(intelligence, "delivery-cost-breakdown");
  const biggest = breakdown.rows
    .filter((r) => r[0] !== "Total")
    .sort((a, b) => (b[1] as number) - (a[1] as number))[0];
  const blocks: Block[] = [
    figures(intelligence, [
      "delivery-revenue",
      "delivery-cost",
      "delivery-margin",
      "delivery-margin-average",
      "delivery-margin-percent",
      "delivery-cost-per-nm",
      "delivery-over-budget",
    ]),
  ];
  if (biggest !== undefined)
    blocks.push(
      paragraph(
        `Each quote is a fixed fee with a cost budget inside it; actual cost is every leg's fuel, marina and other costs plus crew day rate × days. ${String(biggest[0])} was the largest share of cost (${formatValue(biggest[1] as number, "USD")}, ${formatValue(biggest[2] as number, "percent")}).`,
      ),
      table(breakdown),
    );
  blocks.push(
    findingList(over, "Every completed or under-way delivery stayed within its cost budget."),
  );
  return part(intelligence, "cost-vs-quote", blocks);
}

function upcomingSection(intelligence: Intelligence, book: DeliveryBook): Section {
  const crew = findingsOf(intelligence, "delivery-crew-unconfirmed", DELIVERY_REPORT);
  const open = requireTable(intelligence, "delivery-open");
  const blocks: Block[] = [
    figures(intelligence, ["delivery-under-way", "delivery-upcoming", "delivery-crew-unconfirmed"]),
  ];
  if (open.rows.length === 0) blocks.push(paragraph("No delivery is under way or planned."));
  else
    blocks.push(
      paragraph(
        `${plural(open.rows.length, "delivery", "deliveries")} ${open.rows.length === 1 ? "is" : "are"} under way or planned, the last departing ${openDeliveries(book).at(-1)?.start}. An upcoming delivery is short of crew while any position on it is unconfirmed.`,
      ),
      table(open),
    );
  blocks.push(findingList(crew, "Every delivery departing soon has its crew confirmed."));
  return part(intelligence, "upcoming", blocks);
}

function crewSection(intelligence: Intelligence, book: DeliveryBook): Section {
  const crew = requireTable(intelligence, "delivery-crew");
  const rows = crew.rows.filter((r) => r[0] !== "Total");
  const [top] = rows;
  const days = figure(intelligence, "delivery-crew-days").value;
  if (top === undefined || days === 0)
    return part(intelligence, "crew", [
      paragraph("Nobody crewed a completed delivery in the window."),
    ]);
  const topDays = top[3] as number;
  const completed = completedDeliveries(book, intelligence.context.period);
  const skippers = new Map<string, number>();
  for (const c of completed.flatMap((d) => d.crew.filter((m) => m.role === "skipper")))
    skippers.set(c.person, (skippers.get(c.person) ?? 0) + 1);
  const [lead] = [...skippers.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const share = `${topDays} of the ${formatValue(days, "days")} of crew time (${Math.round((topDays / days) * 100)}%)`;
  const sentences = [`${plural(rows.length, "person", "people")} crewed the completed deliveries.`];
  if (lead === undefined || lead[0] !== top[0])
    sentences.push(`${String(top[0])} (${String(top[1])}) sailed ${share}.`);
  if (lead !== undefined)
    sentences.push(
      `${lead[0]} skippered ${lead[1]} of the ${deliveries(completed.length)}${lead[0] === top[0] ? ` and sailed ${share}` : ""}${lead[1] * 2 > completed.length ? ": the service depends on one skipper" : ""}.`,
    );
  return part(intelligence, "crew", [paragraph(sentences.join(" ")), table(crew)]);
}

function documentsSection(intelligence: Intelligence, book: DeliveryBook): Section {
  const list = findingsOf(intelligence, "delivery-document-gap", DELIVERY_REPORT);
  const checks = requireTable(intelligence, "delivery-documents");
  const gaps = documentGaps(book, intelligence.context.period);
  const blocks: Block[] = [figures(intelligence, ["delivery-document-gaps"])];
  if (checks.rows.length > 0)
    blocks.push(
      paragraph(
        `Each open delivery needs the vessel's insurance and, for each person aboard, a USCG license (skipper) or STCW certificate (mate, crew), valid through arrival. ${checks.rows.length - gaps.length} of ${checks.rows.length} are on file and valid.`,
      ),
      table(checks),
    );
  blocks.push(
    findingList(list, "Every open delivery has its insurance and crew certifications on file."),
  );
  return part(intelligence, "documents", blocks);
}

/** The yacht-delivery report: deliveries, distance, cost against quote, open deliveries, crew and documents. */
export function assembleYachtDeliveryReport(
  intelligence: Intelligence,
  role: string,
): ReportDocument {
  const { context } = intelligence;
  const { model, period } = context;
  const book = deliveryBookOf(context);
  const covered = book?.entity ?? context.roles[role]?.entity;
  const title = `Yacht delivery report — ${entityName(model, covered)}, ${monthName(period)}`;
  const who = context.roles[role]?.title ?? roleLabel(role);
  if (book === undefined) {
    const none = paragraph(
      `No deliveries source holds records for ${entityName(model, covered)}: add a source of type deliveries to exec-intel.yaml.`,
    );
    return reportDocument(
      intelligence,
      role,
      title,
      [who, shortMonth(period), "no delivery records"].join(" · "),
      YACHT_DELIVERY_SECTIONS.map((id) => part(intelligence, id, [none])),
    );
  }
  const value = (id: string) => figure(intelligence, id).value;
  const subject = [
    who,
    shortMonth(period),
    `${deliveries(value("delivery-completed"))}, ${formatValue(value("delivery-nautical-miles"), "count")} nm`,
    `margin ${whole(value("delivery-margin"))} (${formatFigure(figure(intelligence, "delivery-margin-percent"))})`,
    `${value("delivery-over-budget")} over budget`,
  ].join(" · ");
  return reportDocument(intelligence, role, title, subject, [
    summary(intelligence, book),
    deliveriesSection(intelligence, book),
    costVsQuote(intelligence),
    upcomingSection(intelligence, book),
    crewSection(intelligence, book),
    documentsSection(intelligence, book),
  ]);
}
