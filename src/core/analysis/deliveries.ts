import type {
  CrewAssignment,
  CrewRole,
  Delivery,
  DeliveryBook,
  DeliveryDocument,
  DeliveryDocumentKind,
  DeliveryLeg,
} from "../model/deliveries.js";
import { bookFigures, latestAsOf, monthName, monthRange, periodEnd, plural } from "./common.js";
import { grouper } from "./group-by.js";
import { monthOf, toCurrency, trailingMonths } from "./money.js";
import type { AnalysisContext, AnalysisOutput, Figure, Table } from "./types.js";

// The yacht-delivery analysis: what the completed deliveries of the last twelve months sailed,
// cost and earned against their quotes, and what the open ones (under way, upcoming) still lack
// in crew and documents. Money stays in cents until a figure or cell is made.

/** The report kind whose role names the delivery entity (and whose findings these are). */
export const DELIVERY_REPORT = "yacht-delivery";

/** Completed deliveries are read over a year, so the seasons (Mexico in autumn, north in spring) all show. */
export const DELIVERY_WINDOW_MONTHS = 12;

/** The book the yacht-delivery report covers: its role's entity, else the first one. */
export function deliveryBookOf(context: AnalysisContext): DeliveryBook | undefined {
  const books = context.model.deliveryBooks;
  const entity = Object.values(context.roles).find(
    (r) => r.report === DELIVERY_REPORT && r.entity !== undefined,
  )?.entity;
  return books.find((b) => b.entity === entity) ?? books[0];
}

/** The months of the window ending with the period, oldest first. */
export function deliveryWindow(period: string): string[] {
  return trailingMonths(period, DELIVERY_WINDOW_MONTHS);
}

/** "San Diego → Cabo San Lucas". */
export function routeOf(delivery: Delivery): string {
  return `${delivery.origin} → ${delivery.destination}`;
}

/** "EYD-106 Marlin Run". */
export function nameOf(delivery: Delivery): string {
  return `${delivery.id} ${delivery.vessel}`;
}

/** A delivery with its legs, crew and what they add up to (costs in cents). */
export interface DeliveryCosting {
  delivery: Delivery;
  legs: DeliveryLeg[];
  crew: CrewAssignment[];
  nm: number;
  fuelCents: number;
  marinaCents: number;
  otherCents: number;
  /** Crew pay: day rate × days, planned days until the delivery is completed. */
  crewCents: number;
  crewDays: number;
  /** Legs sailed plus crew pay: the actual cost once completed, the cost committed so far before. */
  costCents: number;
  /** Quote less cost. */
  marginCents: number;
  /** Cost less the quote's cost budget (positive: over budget). */
  overBudgetCents: number;
}

// Legs, crew and documents are joined to deliveries and people many times a run (per delivery,
// per crew member, from analyses, rules and reports alike); scanning the whole list for each made
// the analysis grow with the square of the book. Each list is grouped once by its join key and the
// grouping kept per list (a book is not changed once read; a list whose length changed is grouped
// anew). A group keeps the list's order, as a filter would.
function grouped<T>(keyOf: (item: T) => string): (list: readonly T[], key: string) => readonly T[] {
  const groups = grouper(keyOf);
  return (list, key) => groups(list).get(key) ?? [];
}

const legsOf = grouped((l: DeliveryLeg) => l.delivery);
const crewGroup = grouped((c: CrewAssignment) => c.delivery);
const documentKey = (kind: DeliveryDocumentKind, holder: string) =>
  `${kind}\u0000${holder.toLowerCase()}`;
const documentsOf = grouped((d: DeliveryDocument) => documentKey(d.kind, d.holder));

/** A delivery's crew positions, in the book's order. */
function crewOf(book: DeliveryBook, delivery: Delivery): readonly CrewAssignment[] {
  return crewGroup(book.crew, delivery.id);
}

/** Adds up one delivery's legs and crew. */
export function costDelivery(book: DeliveryBook, delivery: Delivery): DeliveryCosting {
  const legs = [...legsOf(book.legs, delivery.id)].sort((a, b) => a.leg - b.leg);
  const crew = [...crewOf(book, delivery)];
  const sum = <T>(list: readonly T[], of: (item: T) => number) =>
    list.reduce((s, item) => s + of(item), 0);
  const fuelCents = sum(legs, (l) => l.fuelCents);
  const marinaCents = sum(legs, (l) => l.marinaCents);
  const otherCents = sum(legs, (l) => l.otherCents);
  const crewCents = sum(crew, (c) => Math.round(c.dayRateCents * c.days));
  const costCents = fuelCents + marinaCents + otherCents + crewCents;
  return {
    delivery,
    legs,
    crew,
    nm: sum(legs, (l) => l.nm),
    fuelCents,
    marinaCents,
    otherCents,
    crewCents,
    crewDays: sum(crew, (c) => c.days),
    costCents,
    marginCents: delivery.quoteCents - costCents,
    overBudgetCents: costCents - delivery.budgetCents,
  };
}

/** Deliveries completed (by arrival date) within the window, costed, in date order. */
export function completedDeliveries(book: DeliveryBook, period: string): DeliveryCosting[] {
  const months = new Set(deliveryWindow(period));
  return book.deliveries
    .filter((d) => d.status === "completed" && months.has(monthOf(d.end)))
    .sort((a, b) => a.end.localeCompare(b.end) || a.id.localeCompare(b.id))
    .map((d) => costDelivery(book, d));
}

/** True for a delivery that has not left yet. */
export function isUpcoming(delivery: Delivery): boolean {
  return delivery.status === "planned" || delivery.status === "confirmed";
}

/** Deliveries under way or upcoming, by departure. */
export function openDeliveries(book: DeliveryBook): Delivery[] {
  return book.deliveries
    .filter((d) => d.status === "under-way" || isUpcoming(d))
    .sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
}

/** Crew positions of a delivery nobody has confirmed yet. */
export function unconfirmedCrew(book: DeliveryBook, delivery: Delivery): CrewAssignment[] {
  return crewOf(book, delivery).filter((c) => !c.confirmed);
}

/** True when a delivery has a skipper who said yes. */
export function hasConfirmedSkipper(book: DeliveryBook, delivery: Delivery): boolean {
  return crewOf(book, delivery).some((c) => c.role === "skipper" && c.confirmed);
}

/** Upcoming deliveries short of crew: an unconfirmed position, or no skipper at all. */
export function crewShortDeliveries(book: DeliveryBook): Delivery[] {
  return openDeliveries(book).filter(
    (d) => isUpcoming(d) && (unconfirmedCrew(book, d).length > 0 || crewOf(book, d).length === 0),
  );
}

/** The certification each crew role must hold. */
export const REQUIRED_CERTIFICATION: Readonly<Record<CrewRole, DeliveryDocumentKind>> = {
  skipper: "uscg-license",
  mate: "stcw",
  crew: "stcw",
};

/** Words for a document kind. */
export const DOCUMENT_LABEL: Readonly<Record<DeliveryDocumentKind, string>> = {
  insurance: "insurance",
  "uscg-license": "USCG license",
  stcw: "STCW certificate",
};

/** One document an open delivery needs, and whether the files show it valid through arrival. */
export interface DocumentCheck {
  delivery: Delivery;
  /** The delivery id (insurance) or the person (certification). */
  holder: string;
  kind: DeliveryDocumentKind;
  /** The crew position that needs it (certifications). */
  member?: CrewAssignment;
  /** The document on file with the latest expiry, if any. */
  document?: DeliveryDocument;
  /** valid: through arrival; lapses: valid at the period end but not through arrival. */
  status: "valid" | "expired" | "lapses" | "missing";
}

/** Every document the open deliveries need: insurance per delivery, a certification per crew member. */
export function documentChecks(book: DeliveryBook, period: string): DocumentCheck[] {
  const end = periodEnd(period);
  const check = (
    delivery: Delivery,
    holder: string,
    kind: DeliveryDocumentKind,
    member?: CrewAssignment,
  ): DocumentCheck => {
    const held = [...documentsOf(book.documents, documentKey(kind, holder))].sort((a, b) =>
      b.expires.localeCompare(a.expires),
    );
    const document = held[0];
    const status =
      document === undefined
        ? "missing"
        : document.expires >= delivery.end
          ? "valid"
          : document.expires < end
            ? "expired"
            : "lapses";
    return {
      delivery,
      holder,
      kind,
      status,
      ...(member !== undefined ? { member } : {}),
      ...(document !== undefined ? { document } : {}),
    };
  };
  return openDeliveries(book).flatMap((delivery) => [
    check(delivery, delivery.id, "insurance"),
    ...crewOf(book, delivery).map((c) =>
      check(delivery, c.person, REQUIRED_CERTIFICATION[c.role], c),
    ),
  ]);
}

/** Document checks that fail: missing, expired, or lapsing before arrival. */
export function documentGaps(book: DeliveryBook, period: string): DocumentCheck[] {
  return documentChecks(book, period).filter((c) => c.status !== "valid");
}

/** Costed deliveries whose cost runs above their budget by more than the tolerance (percent). */
export function overBudget(
  costings: readonly DeliveryCosting[],
  tolerancePercent: number,
): DeliveryCosting[] {
  return costings.filter(
    (c) => c.costCents > c.delivery.budgetCents * (1 + tolerancePercent / 100),
  );
}

/** Completed deliveries in the window plus those under way (cost committed so far). */
export function budgetedDeliveries(book: DeliveryBook, period: string): DeliveryCosting[] {
  return [
    ...completedDeliveries(book, period),
    ...book.deliveries.filter((d) => d.status === "under-way").map((d) => costDelivery(book, d)),
  ];
}

/** Tolerance of the over-budget rule (config `analysis.thresholds`), shared with the figure. */
export const OVER_BUDGET_TOLERANCE_KEY = "delivery-over-budget.tolerancePercent";

const sumOf = (list: readonly DeliveryCosting[], of: (c: DeliveryCosting) => number) =>
  list.reduce((s, c) => s + of(c), 0);

/** Figures and tables of the yacht-delivery report; nothing when the tenant has no delivery book. */
export function analyseDeliveries(context: AnalysisContext): AnalysisOutput {
  const book = deliveryBookOf(context);
  if (book === undefined) return { figures: [], tables: [] };
  const { period } = context;
  const window = monthRange(deliveryWindow(period));
  const asOf = latestAsOf([book], periodEnd(period));
  const completed = completedDeliveries(book, period);
  const deliveries = completed.map((c) => c.delivery);
  const legs = completed.flatMap((c) => c.legs);
  const crew = completed.flatMap((c) => c.crew);
  const open = openDeliveries(book);
  const upcoming = open.filter(isUpcoming);
  const underWay = open.filter((d) => d.status === "under-way");
  const tolerance = context.settings.thresholds[OVER_BUDGET_TOLERANCE_KEY] ?? 0;
  const over = overBudget(budgetedDeliveries(book, period), tolerance);
  const short = crewShortDeliveries(book);
  const gaps = documentGaps(book, period);

  const nm = sumOf(completed, (c) => c.nm);
  const quoteCents = sumOf(completed, (c) => c.delivery.quoteCents);
  const costCents = sumOf(completed, (c) => c.costCents);
  const marginCents = quoteCents - costCents;
  const crewDays = sumOf(completed, (c) => c.crewDays);
  const inPeriod = completed.filter((c) => monthOf(c.delivery.end) === period);
  const completedNote = `${plural(completed.length, "delivery", "deliveries")} completed ${window}`;

  const figure = bookFigures(book, () => asOf);
  const figures: Figure[] = [
    figure(
      "delivery-completed",
      `Deliveries completed, ${window}`,
      completed.length,
      "count",
      deliveries,
      "Deliveries with status completed whose arrival falls in the window.",
    ),
    figure(
      "delivery-completed-period",
      `Deliveries completed, ${monthName(period)}`,
      inPeriod.length,
      "count",
      inPeriod.map((c) => c.delivery),
      "Completed deliveries arriving in the month reported.",
    ),
    figure(
      "delivery-under-way",
      "Deliveries under way",
      underWay.length,
      "count",
      underWay,
      "Deliveries with status under-way.",
    ),
    figure(
      "delivery-upcoming",
      "Deliveries upcoming",
      upcoming.length,
      "count",
      upcoming,
      "Deliveries with status planned or confirmed.",
    ),
    figure(
      "delivery-nautical-miles",
      `Nautical miles sailed, ${window}`,
      nm,
      "count",
      legs,
      `Sum of the legs of the ${completedNote}.`,
    ),
    figure(
      "delivery-crew-days",
      `Crew days, ${window}`,
      crewDays,
      "days",
      crew,
      `Days paid to each crew member, summed over the ${completedNote}.`,
    ),
    figure(
      "delivery-revenue",
      `Quoted fees, ${window}`,
      toCurrency(quoteCents),
      "USD",
      deliveries,
      `Sum of the quotes of the ${completedNote}.`,
    ),
    figure(
      "delivery-cost",
      `Actual cost, ${window}`,
      toCurrency(costCents),
      "USD",
      [...legs, ...crew],
      "Fuel, marina and other costs of every leg, plus crew day rate × days.",
      "lower",
    ),
    figure(
      "delivery-margin",
      `Margin, ${window}`,
      toCurrency(marginCents),
      "USD",
      [...deliveries, ...legs, ...crew],
      "Quoted fees less actual cost.",
    ),
    figure(
      "delivery-margin-average",
      "Margin per delivery",
      completed.length === 0 ? 0 : Math.round(marginCents / completed.length) / 100,
      "USD",
      [...deliveries, ...legs, ...crew],
      `Margin divided by ${completed.length}.`,
    ),
    figure(
      "delivery-margin-percent",
      "Margin, share of fees",
      quoteCents === 0 ? 0 : Math.round((marginCents / quoteCents) * 1000) / 10,
      "percent",
      [...deliveries, ...legs, ...crew],
      "Margin divided by quoted fees.",
    ),
    figure(
      "delivery-cost-per-nm",
      "Cost per nautical mile",
      nm === 0 ? 0 : Math.round(costCents / nm) / 100,
      "USD",
      [...legs, ...crew],
      "Actual cost divided by nautical miles sailed.",
      "lower",
    ),
    figure(
      "delivery-over-budget",
      "Deliveries over budget",
      over.length,
      "count",
      over.map((c) => c.delivery),
      `Completed (${window}) or under-way deliveries whose cost exceeds the quote's cost budget${tolerance > 0 ? ` by more than ${tolerance}%` : ""}.`,
      "lower",
    ),
    figure(
      "delivery-crew-unconfirmed",
      "Upcoming deliveries without confirmed crew",
      short.length,
      "count",
      short,
      "Upcoming deliveries with a crew position not confirmed, or no crew at all.",
      "lower",
    ),
    figure(
      "delivery-document-gaps",
      "Documents missing or expired",
      gaps.length,
      "count",
      gaps.map((g) => g.document ?? g.member ?? g.delivery),
      "Insurance per open delivery and each crew member's certification, not valid through arrival.",
      "lower",
    ),
  ];

  return {
    figures,
    tables: [
      completedTable(completed, window),
      byMonthTable(completed, period),
      costBreakdownTable(completed, window),
      openTable(book, open, period),
      crewTable(completed, window),
      documentsTable(documentChecks(book, period)),
    ],
  };
}

/** "EYD-106 Marlin Run, Cabo San Lucas → San Diego" (one table cell keeps an email table narrow). */
export function withRoute(delivery: Delivery): string {
  return `${nameOf(delivery)}, ${routeOf(delivery)}`;
}

function completedTable(completed: readonly DeliveryCosting[], window: string): Table {
  const money = (cents: number) => toCurrency(cents);
  return {
    id: "delivery-completed-list",
    title: `Completed deliveries, ${window}`,
    columns: [
      { key: "delivery", label: "Delivery" },
      { key: "arrived", label: "Arrived" },
      { key: "nm", label: "nm", unit: "count" },
      { key: "quote", label: "Quote", unit: "USD" },
      { key: "budget", label: "Cost budget", unit: "USD" },
      { key: "cost", label: "Actual cost", unit: "USD" },
      { key: "margin", label: "Margin", unit: "USD" },
    ],
    rows: [
      ...completed.map((c) => [
        withRoute(c.delivery),
        c.delivery.end,
        c.nm,
        money(c.delivery.quoteCents),
        money(c.delivery.budgetCents),
        money(c.costCents),
        money(c.marginCents),
      ]),
      ...(completed.length > 1
        ? [
            [
              "Total",
              "",
              sumOf(completed, (c) => c.nm),
              money(sumOf(completed, (c) => c.delivery.quoteCents)),
              money(sumOf(completed, (c) => c.delivery.budgetCents)),
              money(sumOf(completed, (c) => c.costCents)),
              money(sumOf(completed, (c) => c.marginCents)),
            ],
          ]
        : []),
    ],
  };
}

function byMonthTable(completed: readonly DeliveryCosting[], period: string): Table {
  return {
    id: "delivery-by-month",
    title: "Completed deliveries by month of arrival",
    columns: [
      { key: "month", label: "Month" },
      { key: "deliveries", label: "Deliveries", unit: "count" },
      { key: "nm", label: "Nautical miles", unit: "count" },
      { key: "quote", label: "Quoted fees", unit: "USD" },
      { key: "cost", label: "Actual cost", unit: "USD" },
    ],
    rows: deliveryWindow(period).map((month) => {
      const mine = completed.filter((c) => monthOf(c.delivery.end) === month);
      return [
        month,
        mine.length,
        sumOf(mine, (c) => c.nm),
        toCurrency(sumOf(mine, (c) => c.delivery.quoteCents)),
        toCurrency(sumOf(mine, (c) => c.costCents)),
      ];
    }),
  };
}

function costBreakdownTable(completed: readonly DeliveryCosting[], window: string): Table {
  const parts: [string, number][] = [
    ["Crew pay", sumOf(completed, (c) => c.crewCents)],
    ["Fuel", sumOf(completed, (c) => c.fuelCents)],
    ["Marinas", sumOf(completed, (c) => c.marinaCents)],
    ["Other (clearance, travel)", sumOf(completed, (c) => c.otherCents)],
  ];
  const total = parts.reduce((s, [, cents]) => s + cents, 0);
  return {
    id: "delivery-cost-breakdown",
    title: `Where the cost went, ${window}`,
    columns: [
      { key: "part", label: "Cost" },
      { key: "amount", label: "Amount", unit: "USD" },
      { key: "share", label: "Share", unit: "percent" },
    ],
    rows:
      total === 0
        ? []
        : [
            ...parts.map(([part, cents]) => [
              part,
              toCurrency(cents),
              Math.round((cents / total) * 1000) / 10,
            ]),
            // The shares are rounded, so the Total row states none rather than a sum that is not 100.
            ["Total", toCurrency(total), ""],
          ],
  };
}

function openTable(book: DeliveryBook, open: readonly Delivery[], period: string): Table {
  // Gaps per delivery, counted once rather than by scanning every gap for each open delivery.
  const gapCount = new Map<Delivery, number>();
  for (const g of documentGaps(book, period))
    gapCount.set(g.delivery, (gapCount.get(g.delivery) ?? 0) + 1);
  return {
    id: "delivery-open",
    title: "Deliveries under way and upcoming",
    columns: [
      { key: "delivery", label: "Delivery" },
      { key: "status", label: "Status" },
      { key: "departs", label: "Departs" },
      { key: "plannedNm", label: "Planned nm", unit: "count" },
      { key: "sailedNm", label: "Sailed nm", unit: "count" },
      { key: "crew", label: "Crew confirmed" },
      { key: "documents", label: "Documents" },
    ],
    rows: open.map((d) => {
      const crew = crewOf(book, d);
      const confirmed = crew.filter((c) => c.confirmed).length;
      const gaps = gapCount.get(d) ?? 0;
      return [
        withRoute(d),
        d.status,
        d.start,
        d.plannedNm,
        costDelivery(book, d).nm,
        crew.length === 0 ? "no crew listed" : `${confirmed} of ${crew.length}`,
        gaps === 0 ? "all on file" : plural(gaps, "gap"),
      ];
    }),
  };
}

function crewTable(completed: readonly DeliveryCosting[], window: string): Table {
  const people = new Map<string, CrewAssignment[]>();
  for (const c of completed.flatMap((d) => d.crew)) {
    const places = people.get(c.person);
    if (places === undefined) people.set(c.person, [c]);
    else places.push(c);
  }
  const rows = [...people.entries()]
    .map(([person, places]) => ({
      person,
      roles: [...new Set(places.map((p) => p.role))].join(", "),
      deliveries: places.length,
      days: places.reduce((s, p) => s + p.days, 0),
      payCents: places.reduce((s, p) => s + Math.round(p.dayRateCents * p.days), 0),
    }))
    .sort((a, b) => b.days - a.days || a.person.localeCompare(b.person));
  return {
    id: "delivery-crew",
    title: `Crew days by person, ${window}`,
    columns: [
      { key: "person", label: "Person" },
      { key: "roles", label: "Role" },
      { key: "deliveries", label: "Deliveries", unit: "count" },
      { key: "days", label: "Days", unit: "days" },
      { key: "pay", label: "Pay", unit: "USD" },
    ],
    rows: [
      ...rows.map((r) => [r.person, r.roles, r.deliveries, r.days, toCurrency(r.payCents)]),
      ...(rows.length > 1
        ? [
            [
              "Total",
              "",
              rows.reduce((s, r) => s + r.deliveries, 0),
              rows.reduce((s, r) => s + r.days, 0),
              toCurrency(rows.reduce((s, r) => s + r.payCents, 0)),
            ],
          ]
        : []),
    ],
  };
}

/** What a failed check says in a table or finding. */
export function checkStatus(check: DocumentCheck): string {
  const expires = check.document?.expires;
  switch (check.status) {
    case "valid":
      return "valid";
    case "missing":
      return "missing";
    case "expired":
      return `expired ${expires}`;
    case "lapses":
      return `expires ${expires}, before arrival`;
  }
}

function documentsTable(checks: readonly DocumentCheck[]): Table {
  return {
    id: "delivery-documents",
    title: "Documents the open deliveries need",
    columns: [
      { key: "delivery", label: "Delivery" },
      { key: "holder", label: "Holder" },
      { key: "document", label: "Document" },
      { key: "through", label: "Needed through" },
      { key: "status", label: "Status" },
    ],
    rows: checks.map((c) => [
      nameOf(c.delivery),
      c.member !== undefined ? `${c.holder} (${c.member.role})` : "vessel",
      c.document?.name ?? DOCUMENT_LABEL[c.kind],
      c.delivery.end,
      checkStatus(c),
    ]),
  };
}
