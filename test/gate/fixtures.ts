import type { Figure, Table, Unit } from "../../src/core/analysis/types.js";
import type { EntityConfig, TenantConfig } from "../../src/core/config.js";
import type { Block, ReportDocument, Section } from "../../src/core/reports/document.js";
import type { GateInput, ValidationSettings } from "../../src/core/validate/types.js";

// Small hand-built batches for the gates' unit tests: pure data, no workspace, no rendering.

/** Gate settings with nothing downgraded, nothing allowed and the default transport limits. */
export const DEFAULT_SETTINGS: ValidationSettings = {
  downgrade: [],
  allowSecrets: [],
  sourceBlockAfterDays: {},
  limits: {
    htmlBytes: 102 * 1024,
    messageBytes: 40 * 1024 * 1024,
    subjectChars: 998,
    recipients: 50,
  },
};

/** An entity as the config would hold it. */
export function entity(
  id: string,
  name: string,
  aliases: string[] = [],
  domains: string[] = [],
): EntityConfig {
  return { id, name, kind: "business", aliases, domains };
}

/** A figure with today's defaults; `extra` sets target, previous, basis or sources. */
export function figure(id: string, value: number, unit: Unit, extra: Partial<Figure> = {}): Figure {
  return { id, label: id, value, unit, asOf: "2026-10-31", sources: [], ...extra };
}

/** A table from column keys (with units) and rows. */
export function table(
  id: string,
  columns: [key: string, unit?: Unit][],
  rows: Table["rows"],
): Block {
  return {
    type: "table",
    table: {
      id,
      title: id,
      columns: columns.map(([key, unit]) => ({ key, label: key, ...(unit ? { unit } : {}) })),
      rows,
    },
  };
}

/** A figures block. */
export function figures(...list: Figure[]): Block {
  return { type: "figures", figures: list };
}

/** A paragraph block. */
export function paragraph(text: string): Block {
  return { type: "paragraph", text };
}

/** A fresh section with the given blocks. */
export function section(id: string, ...blocks: Block[]): Section {
  return { id, title: id, freshness: { status: "fresh", sources: [] }, blocks };
}

/** A report of tenant `acme` for 2026-10. */
export function report(role: string, sections: Section[], subject = `${role} · Oct 2026`) {
  const document: ReportDocument = {
    id: `acme/2026-10/${role}`,
    tenant: { id: "acme", name: "Acme" },
    period: "2026-10",
    role,
    title: `${role} report`,
    subject,
    sources: [],
    sections,
  };
  return document;
}

/** The gates' input for a batch of documents of a tenant with the given entities. */
export function batch(documents: ReportDocument[], entities: EntityConfig[] = []): GateInput {
  return {
    tenant: { id: "acme", name: "Acme", entities, roles: {} } as unknown as TenantConfig,
    period: "2026-10",
    sources: [],
    reports: documents.map((document) => ({
      document,
      outputs: [{ name: "subject", text: document.subject }],
      htmlBytes: 0,
      messageBytes: 0,
      recipientsPerMessage: 1,
    })),
    secrets: [],
    settings: DEFAULT_SETTINGS,
  };
}
