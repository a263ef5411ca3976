import type { Figure, Finding, Table } from "../analysis/types.js";
import type { SourceFreshness } from "../model/index.js";

/** A declarative chart: rendered to SVG/PNG by the renderers of a later issue. */
export interface ChartSpec {
  id: string;
  title: string;
  kind: "line" | "bar";
  /** Series of points; x is a category such as `2026-10`. */
  series: { name: string; points: { x: string; y: number }[] }[];
  unit: Figure["unit"];
}

/** A follow-up task shown in a report (filled by the follow-up issue). */
export interface TaskItem {
  id: string;
  title: string;
  status: "open" | "doing" | "done" | "wont-do";
  owner?: string;
  due?: string;
}

/** One block of a section's content. */
export type Block =
  | { type: "paragraph"; text: string }
  | { type: "figures"; figures: Figure[] }
  | { type: "table"; table: Table }
  | { type: "findings"; findings: Finding[]; emptyText: string }
  | { type: "chart"; chart: ChartSpec }
  | { type: "tasks"; tasks: TaskItem[]; emptyText: string };

/** How current the data behind a section is. */
export interface SectionFreshness {
  /** Oldest as-of date among the sources the section draws on. */
  asOf?: string;
  status: SourceFreshness["status"];
  sources: string[];
}

/** A stable, addressable part of a report. */
export interface Section {
  /** Anchor id, stable across months (e.g. `burn-rate`). */
  id: string;
  title: string;
  freshness: SectionFreshness;
  blocks: Block[];
}

/** A format-neutral report: what every renderer turns into HTML, text, Markdown or JSON. */
export interface ReportDocument {
  /** `{tenant}/{period}/{role}` */
  id: string;
  tenant: { id: string; name: string };
  period: string;
  role: string;
  title: string;
  subject: string;
  /** Every source of the tenant with its as-of date and status, for the report header. */
  sources: SourceFreshness[];
  sections: Section[];
}
