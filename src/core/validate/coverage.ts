import { reportKindOf } from "../config.js";
import type { Block, Section } from "../reports/document.js";
import { REQUIRED_SECTIONS } from "../reports/index.js";
import type { Gate, GateProblem } from "./types.js";

// Coverage: every configured role got its report, every required section is there and says
// something, and no report goes out without a single figure.

/** Every configured (or requested) role produced a complete, non-empty report. */
export const coverageGate: Gate = (input) => {
  const problems: GateProblem[] = [];
  const roles = Object.keys(input.tenant.roles).filter(
    (role) => input.requestedRoles === undefined || input.requestedRoles.includes(role),
  );
  for (const role of roles) {
    const report = input.reports.find((r) => r.document.role === role);
    if (report === undefined) {
      problems.push({
        gate: "coverage",
        message: `role "${role}" of tenant ${input.tenant.id} produced no report`,
        fix: `the "${role}" report failed to render; run \`exec-intel run --dry-run --report ${role}\` and report the error`,
      });
      continue;
    }
    const { document } = report;
    const kind = reportKindOf(role, input.tenant.roles[role] ?? {});
    for (const id of kind !== undefined ? REQUIRED_SECTIONS[kind] : []) {
      const section = document.sections.find((s) => s.id === id);
      if (section === undefined) {
        problems.push({
          gate: "coverage",
          report: document.id,
          section: id,
          message: `required section "${id}" is missing`,
          fix: "this is a defect in the report assembler; report it with the run id",
        });
      } else if (!section.blocks.some(hasContent)) {
        problems.push({
          gate: "coverage",
          report: document.id,
          section: id,
          message: `section "${section.title}" is empty`,
          fix: `add the data it draws on (sources: ${section.freshness.sources.join(", ") || "none configured"})`,
        });
      }
    }
    const figureCount = document.sections
      .flatMap((s) => s.blocks)
      .reduce((n, b) => n + (b.type === "figures" ? b.figures.length : 0), 0);
    if (figureCount === 0) {
      problems.push({
        gate: "coverage",
        report: document.id,
        message: "the report shows no figures",
        fix: "check that its sources hold data for the period (`exec-intel validate` lists them)",
      });
    }
    for (const section of document.sections) problems.push(...silentFindings(document.id, section));
  }
  return problems;
};

function hasContent(block: Block): boolean {
  switch (block.type) {
    case "paragraph":
      return block.text.trim() !== "";
    case "figures":
      return block.figures.length > 0;
    case "table":
      return block.table.rows.length > 0;
    case "findings":
      return block.findings.length > 0 || block.emptyText.trim() !== "";
    case "chart":
      return block.chart.series.some((s) => s.points.length > 0);
    case "tasks":
      return block.tasks.length > 0 || block.emptyText.trim() !== "";
  }
}

/** A findings list with nothing in it and nothing said about why: the reader cannot tell "none" from "not checked". */
function silentFindings(report: string, section: Section): GateProblem[] {
  return section.blocks
    .filter((b) => b.type === "findings" && b.findings.length === 0 && b.emptyText.trim() === "")
    .map(() => ({
      gate: "coverage" as const,
      report,
      section: section.id,
      message: `section "${section.title}" lists no findings and does not say why`,
      fix: "this is a defect in the report assembler: an empty findings list must state what was checked",
    }));
}
