import type { EntityResolver } from "../../core/entity-resolver.js";
import type { Problem } from "../../core/errors.js";
import { periodEnd } from "../../core/freshness.js";
import type { KpiValue } from "../../core/model/index.js";
import { type RowResult, readCsvTable } from "./csv-table.js";
import { isPeriod, parseDecimal } from "./values.js";

const COLUMNS = ["kpi", "entity", "period", "value", "unit"] as const;

/** Parses a KPI observations or targets CSV (`kpi,entity,period,value,unit`) (pure). */
export function parseKpiCsv(
  text: string,
  options: { sourceId: string; file: string; delimiter: string; onBadRow: "fail" | "skip" },
  entities: EntityResolver,
): { values: KpiValue[]; problems: Problem[] } {
  const { records, problems } = readCsvTable<KpiValue>(
    text,
    {
      file: options.file,
      delimiter: options.delimiter,
      onBadRow: options.onBadRow,
      required: COLUMNS,
    },
    (row): RowResult<KpiValue> => {
      const kpi = row.cell("kpi").trim();
      if (!/^[a-z0-9][a-z0-9-]*$/.test(kpi))
        return {
          error: `kpi id "${kpi}" is not a slug`,
          hint: "use lowercase letters, digits and dashes, e.g. monthly-revenue",
          column: "kpi",
        };
      const entityRef = row.cell("entity").trim();
      const entity = entityRef === "" ? undefined : entities.resolve(entityRef);
      if (entityRef !== "" && entity === undefined)
        return {
          error: `unknown entity "${entityRef}"`,
          hint: `use one of: ${entities.known()}, or leave it empty for a tenant-wide KPI`,
          column: "entity",
        };
      const period = row.cell("period").trim();
      if (!isPeriod(period))
        return {
          error: `period "${period}" is not a YYYY-MM month`,
          hint: "write the month as YYYY-MM, e.g. 2026-10",
          column: "period",
        };
      const value = parseDecimal(row.cell("value"));
      if (value === undefined)
        return {
          error: `value "${row.cell("value")}" is not a number`,
          hint: "write a plain number such as 1250 or 0.42",
          column: "value",
        };
      const record: KpiValue = {
        kpi,
        period,
        value,
        unit: row.cell("unit").trim(),
        provenance: {
          sourceId: options.sourceId,
          file: options.file,
          line: row.line,
          asOf: periodEnd(period),
        },
      };
      if (entity !== undefined) record.entity = entity;
      return { record };
    },
  );
  return { values: records, problems };
}
