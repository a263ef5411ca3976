import { type Problem, warning } from "../errors.js";
import { parseAmount } from "./amount.js";
import { type CostYield, createCostTally } from "./cost-tally.js";
import { assignEntity, type EntityRules, unknownTagText } from "./entity-assignment.js";
import type { Parsed } from "./json-shape.js";

/** Columns of a Cost and Usage Report (legacy CUR) that the snapshot reads. */
export const CUR_COLUMNS = {
  usageStart: "lineItem/UsageStartDate",
  productName: "product/ProductName",
  productCode: "lineItem/ProductCode",
  cost: "lineItem/UnblendedCost",
} as const;

/** Columns every CUR file must have (plus one of the two service columns). */
export const CUR_REQUIRED = [CUR_COLUMNS.usageStart, CUR_COLUMNS.cost] as const;

/** The CUR column holding a user-defined cost allocation tag. */
export function curTagColumn(tagKey: string): string {
  return `resourceTags/user:${tagKey}`;
}

/** Why a CUR header cannot be read, or undefined when it can. */
export function curHeaderProblem(header: readonly string[]): string | undefined {
  return header.includes(CUR_COLUMNS.productName) || header.includes(CUR_COLUMNS.productCode)
    ? undefined
    : `header has neither "${CUR_COLUMNS.productName}" nor "${CUR_COLUMNS.productCode}", so costs cannot be split by service`;
}

/** One line item of a CUR file, reduced to what the costs need. */
export interface CurLine {
  file: string;
  line: number;
  month: string;
  service: string;
  units: bigint;
  tag: string;
}

/** A CSV row as the CSV reader hands it over. */
export interface CurRow {
  cell: (header: string) => string;
  line: number;
}

/** What converting one row gives: a line item, or why the row is bad. */
export type CurRowResult = { record: CurLine } | { error: string; hint: string; column?: string };

/** Converts one CUR row; the service is the product name, else the product code. */
export function convertCurRow(row: CurRow, file: string, tagKey: string): CurRowResult {
  const start = row.cell(CUR_COLUMNS.usageStart).trim();
  if (!/^\d{4}-(0[1-9]|1[0-2])-\d{2}/.test(start))
    return {
      error: `usage start date "${start}" is not a date`,
      hint: "keep the report's ISO dates, e.g. 2026-10-01T00:00:00Z",
      column: CUR_COLUMNS.usageStart,
    };
  const service =
    row.cell(CUR_COLUMNS.productName).trim() || row.cell(CUR_COLUMNS.productCode).trim();
  if (service === "")
    return {
      error: "line item has no product name or product code",
      hint: `fill ${CUR_COLUMNS.productName} or ${CUR_COLUMNS.productCode}`,
    };
  const units = parseAmount(row.cell(CUR_COLUMNS.cost));
  if (units === undefined)
    return {
      error: "unblended cost is not a decimal number",
      hint: "keep the report's amounts as exported, e.g. 0.0123456789",
      column: CUR_COLUMNS.cost,
    };
  return {
    record: {
      file,
      line: row.line,
      month: start.slice(0, 7),
      service,
      units,
      tag: row.cell(curTagColumn(tagKey)),
    },
  };
}

/**
 * Monthly cost by service and entity from CUR line items, summed exactly and rounded to cents
 * once per month, service and entity. An unknown tag is warned about once, at its first line.
 */
export function tallyCurLines(lines: readonly CurLine[], rules: EntityRules): Parsed<CostYield> {
  const tally = createCostTally();
  const unknown = new Map<string, CurLine>();
  for (const item of lines) {
    const assigned = assignEntity(item.tag, rules);
    if (assigned.unknownTag !== undefined && !unknown.has(assigned.unknownTag))
      unknown.set(assigned.unknownTag, item);
    tally.add(item.month, item.service, assigned.entity, item.units);
  }
  const problems: Problem[] = [...unknown].map(([tag, first]) => {
    const { message, hint } = unknownTagText(rules, tag, "its costs are");
    return warning(first.file, first.line, message, hint);
  });
  return { value: tally.result(), problems };
}
