import type { Intelligence } from "../analysis/intelligence.js";
import type { Figure } from "../analysis/types.js";
import type { ReportKind } from "../config.js";
import { assembleBillingAuditReport, BILLING_AUDIT_SECTIONS } from "./billing-audit.js";
import type { ReportDocument } from "./document.js";
import { assembleRentalPropertyReport, RENTAL_PROPERTY_SECTIONS } from "./rental-property.js";
import { assembleYachtDeliveryReport, YACHT_DELIVERY_SECTIONS } from "./yacht-delivery.js";

/** The kinds of report that cover one ancillary entity each. */
export type DomainKind = "rental-property" | "yacht-delivery" | "billing-audit";

/** Domain report assemblers, apart from the C-suite ones so the CEO report can read them. */
export const DOMAIN_ASSEMBLERS: Readonly<
  Record<DomainKind, (intelligence: Intelligence, role: string) => ReportDocument>
> = {
  "rental-property": assembleRentalPropertyReport,
  "yacht-delivery": assembleYachtDeliveryReport,
  "billing-audit": assembleBillingAuditReport,
};

/** Required section ids of each domain report, in order. */
export const DOMAIN_SECTIONS: Readonly<Record<DomainKind, readonly string[]>> = {
  "rental-property": RENTAL_PROPERTY_SECTIONS,
  "yacht-delivery": YACHT_DELIVERY_SECTIONS,
  "billing-audit": BILLING_AUDIT_SECTIONS,
};

/**
 * The summary figures the CEO report repeats for each domain: the scale of the business and the
 * problems the owner may need to act on. The CEO email must stay under Gmail's clipping size, so
 * it carries these four and links to the domain report for the rest.
 */
export const CEO_DOMAIN_FIGURES: Readonly<Record<DomainKind, readonly string[]>> = {
  "rental-property": [
    "property-occupancy-rate-t12",
    "property-noi-t12",
    "property-late-payments",
    "property-open-communications",
  ],
  "yacht-delivery": [
    "delivery-completed",
    "delivery-margin",
    "delivery-over-budget",
    "delivery-crew-unconfirmed",
  ],
  "billing-audit": [
    "billing-invoiced",
    "billing-receivable",
    "billing-overdue",
    "billing-hours-unbilled",
  ],
};

/** One configured domain report as the CEO report shows it: its summary's headline figures. */
export interface DomainSummary {
  role: string;
  kind: DomainKind;
  title: string;
  figures: Figure[];
}

/**
 * The headline summary figures of every domain report the tenant's roles receive, assembled the same way
 * as the reports themselves, so the CEO report repeats their figure ids (the gate checks that
 * each id has one value across reports).
 */
export function domainSummaries(intelligence: Intelligence): DomainSummary[] {
  return Object.entries(intelligence.context.roles).flatMap(([role, described]) => {
    if (!isDomainKind(described.report)) return [];
    const document = DOMAIN_ASSEMBLERS[described.report](intelligence, role);
    const summary = document.sections.find((s) => s.id === "summary");
    const headline = new Set(CEO_DOMAIN_FIGURES[described.report]);
    const figures = (summary?.blocks ?? [])
      .flatMap((b) => (b.type === "figures" ? b.figures : []))
      .filter((f) => headline.has(f.id));
    return figures.length === 0
      ? []
      : [{ role, kind: described.report, title: described.title ?? role, figures }];
  });
}

function isDomainKind(kind: ReportKind): kind is DomainKind {
  return kind in DOMAIN_ASSEMBLERS;
}
