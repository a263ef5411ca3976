import { type Intelligence, requireFigure } from "../analysis/intelligence.js";
import type { Figure, Finding, Table } from "../analysis/types.js";
import type { SourceFreshness } from "../model/index.js";
import { fixedGrouped } from "../number-format.js";
import type { Block, ReportDocument, Section, SectionFreshness } from "./document.js";

/** Freshness of a section drawing on the given source types (or all sources when none given). */
export function freshnessOf(
  intelligence: Intelligence,
  sourceTypes?: readonly string[],
): SectionFreshness {
  const sources = intelligence.context.model.freshness.filter(
    (f) => sourceTypes === undefined || sourceTypes.includes(f.type),
  );
  const dated = sources.filter(
    (s): s is SourceFreshness & { asOf: string } => s.asOf !== undefined,
  );
  const oldest = dated.map((s) => s.asOf).sort()[0];
  const status: SourceFreshness["status"] = sources.some((s) => s.status === "stale")
    ? "stale"
    : dated.length === 0
      ? "empty"
      : "fresh";
  return {
    ...(oldest !== undefined ? { asOf: oldest } : {}),
    status,
    sources: sources.map((s) => s.sourceId),
  };
}

/** Builds a section whose freshness comes from the named source types. */
export function section(
  intelligence: Intelligence,
  id: string,
  title: string,
  sourceTypes: readonly string[] | undefined,
  blocks: Block[],
): Section {
  return { id, title, freshness: freshnessOf(intelligence, sourceTypes), blocks };
}

/** A paragraph block. */
export function paragraph(text: string): Block {
  return { type: "paragraph", text };
}

/** A block of figures looked up by id (each computed once per run). */
export function figures(intelligence: Intelligence, ids: readonly string[]): Block {
  return { type: "figures", figures: ids.map((id) => requireFigure(intelligence, id)) };
}

/** A table block. */
export function table(value: Table): Block {
  return { type: "table", table: value };
}

/** A findings block with the text shown when there are none. */
export function findingList(list: Finding[], emptyText: string): Block {
  return { type: "findings", findings: list, emptyText };
}

/** Formats a figure's value with its unit, for sentences: `$7,412/month`, `6 charters/month`. */
export function formatFigure(figure: Pick<Figure, "value" | "unit">): string {
  return formatValue(figure.value, figure.unit);
}

/** Formats a number by unit for prose and tables. */
export function formatValue(value: number, unit: Figure["unit"] | undefined): string {
  const whole = (n: number, digits = 0) => fixedGrouped(n, digits);
  switch (unit) {
    case "USD":
      return `${value < 0 ? "-" : ""}$${whole(Math.abs(value), Math.abs(value) < 100 && !Number.isInteger(value) ? 2 : 0)}`;
    case "USD/month":
      return `${formatValue(value, "USD")}/month`;
    case "percent":
      return `${whole(value, value < 10 && !Number.isInteger(value) ? 1 : 0)}%`;
    case "charters/month":
      return `${whole(value)} charter${value === 1 ? "" : "s"}/month`;
    case "contacts":
      return `${whole(value)} contacts`;
    case "months":
      return `${whole(value, 1)} months`;
    case "days":
      return `${whole(value)} ${value === 1 ? "day" : "days"}`;
    case "hours":
      return `${whole(value, Number.isInteger(value) ? 0 : 1)} ${value === 1 ? "hour" : "hours"}`;
    case "ratio":
      return whole(value, 2);
    default:
      return whole(value, Number.isInteger(value) ? 0 : 2);
  }
}

/** Wraps sections into a report document with its stable id `{tenant}/{period}/{role}`. */
export function reportDocument(
  intelligence: Intelligence,
  role: string,
  title: string,
  subject: string,
  sections: Section[],
): ReportDocument {
  const { model, period } = intelligence.context;
  return {
    id: `${model.tenant.id}/${period}/${role}`,
    tenant: { id: model.tenant.id, name: model.tenant.name },
    period,
    role,
    title,
    subject,
    sources: model.freshness,
    sections,
  };
}

/** A figures block of the ids that were computed, or nothing (a report must not fail because another area is absent). */
export function presentFigures(intelligence: Intelligence, ids: readonly string[]): Block[] {
  const present = ids.filter((id) => intelligence.figures.has(id));
  return present.length === 0 ? [] : [figures(intelligence, present)];
}
