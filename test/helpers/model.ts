import type {
  AnalysisContext,
  AnalysisSettings,
  ReportRole,
} from "../../src/core/analysis/types.js";
import { type ReportKind, reportKindOf } from "../../src/core/config.js";
import type {
  Booking,
  Channel,
  Entity,
  HandoffItem,
  HandoffNote,
  TenantModel,
  Transaction,
} from "../../src/core/model/index.js";
import { emptyTenantModel } from "../../src/core/model/index.js";

/** An empty tenant model with the given entities, for hand-computed unit tests. */
export function emptyModel(entities: Entity[] = [business("alpha", "Alpha")]): TenantModel {
  return emptyTenantModel(
    { id: "t", name: "Test tenant", currency: "USD", timezone: "UTC" },
    entities,
  );
}

/** A business entity. */
export function business(id: string, name: string): Entity {
  return { id, name, kind: "business", aliases: [], domains: [] };
}

/** Provenance for synthetic records. */
export function at(file = "data/test.csv", line = 1, asOf = "2026-10-31") {
  return { sourceId: "test", file, line, asOf };
}

/** A transaction of `dollars` (negative = outflow) on `date` in `category`. */
export function txn(
  date: string,
  dollars: number,
  category: string | undefined,
  entity = "alpha",
  description = "TEST",
): Transaction {
  const t: Transaction = {
    id: `t:${date}:${dollars}:${category}`,
    entity,
    date,
    description,
    amountCents: Math.round(dollars * 100),
    currency: "USD",
    sourceAccount: "assets:bank",
    provenance: at("data/ledger.csv", 1, date),
  };
  if (category !== undefined) t.category = category;
  return t;
}

/** A role as tests write it: its report defaults to the role id (ceo, cto, ...). */
type TestRole = Omit<ReportRole, "report"> & { report?: ReportKind };

/** An analysis context over a model with default settings (override any). */
export function contextFor(
  model: TenantModel,
  overrides: Partial<AnalysisSettings> = {},
  roles: Record<string, TestRole> = {},
  period = "2026-10",
): AnalysisContext {
  return {
    model,
    period,
    settings: {
      trailingMonths: 6,
      planningHorizon: "2027-03",
      variableCostAccounts: ["expenses:cost-of-sales"],
      cloudCostAccount: "expenses:software:cloud",
      thresholds: {},
      ...overrides,
    },
    roles: Object.fromEntries(
      Object.entries(roles).map(([id, role]) => [
        id,
        { ...role, report: role.report ?? reportKindOf(id, {}) ?? "ceo" },
      ]),
    ),
  };
}

/** A booking of `dollars` total for entity `alpha` (override any field). */
export function booking(
  id: string,
  status: Booking["status"],
  serviceStart: string,
  dollars: number,
  overrides: Partial<Booking> = {},
): Booking {
  return {
    id,
    entity: "alpha",
    customer: "Customer",
    channel: "website",
    bookedOn: "2026-09-01",
    serviceStart,
    serviceEnd: serviceStart,
    status,
    totalCents: Math.round(dollars * 100),
    depositCents: 0,
    paidCents: 0,
    provenance: at("data/bookings.csv", 2, "2026-09-01"),
    ...overrides,
  };
}

/** A channel of entity `alpha` (override any field). */
export function channel(
  id: string,
  kind: Channel["kind"],
  status: Channel["status"],
  overrides: Partial<Channel> = {},
): Channel {
  return {
    id,
    entity: "alpha",
    kind,
    name: id,
    status,
    prerequisites: [],
    provenance: at("data/registry.yaml", 1, "2026-10-28"),
    ...overrides,
  };
}

/** A handoff note for `entity` whose items are `[section, text, severity?, tags?]` tuples. */
export function handoffNote(
  id: string,
  entity: string,
  items: [HandoffItem["section"], string, HandoffItem["severity"]?, string[]?][],
): HandoffNote {
  const file = `data/handoffs/${id}.md`;
  return {
    id,
    entity,
    title: `${id} note`,
    updated: "2026-10-01",
    stack: [],
    provenance: at(file, 1, "2026-10-01"),
    items: items.map(([section, text, severity, tags], i) => ({
      section,
      text,
      tags: tags ?? [],
      ...(severity !== undefined ? { severity } : {}),
      provenance: at(file, i + 2, "2026-10-01"),
    })),
  };
}
