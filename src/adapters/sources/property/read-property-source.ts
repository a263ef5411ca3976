import path from "node:path";
import type { SourceConfig } from "../../../core/config.js";
import { hasErrors, type Problem, problem, warning } from "../../../core/errors.js";
import { latestDate } from "../../../core/freshness.js";
import type { PropertyBook } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import { readCsvTable } from "../csv-table.js";
import type { DomainYield } from "../domain-yield.js";
import { listWorkspaceFiles, readWorkspaceText, toPosix } from "../workspace-files.js";
import { checkPropertyRecords } from "./property-checks.js";
import { PROPERTY_FILES, type PropertyFile, type PropertyRecords } from "./property-files.js";
import { convertRow } from "./row-cells.js";

type RentalSource = Extract<SourceConfig, { type: "rental" }>;

const FILE_NAMES = Object.values(PROPERTY_FILES).map((f) => f.name);

/** Reads a rental source folder (units, leases, charges, payments, maintenance, expenses, communications) into one property book. */
export async function readPropertySource(
  source: RentalSource,
  context: DriverContext,
): Promise<DomainYield<PropertyBook>> {
  const folder = toPosix(source.path);
  const listed = await listWorkspaceFiles(context.workspace, source.path, ".csv");
  if (listed.problems.length > 0) return { records: 0, problems: listed.problems };
  const problems: Problem[] = listed.files
    .filter((file) => !FILE_NAMES.includes(path.posix.basename(file)))
    .map((file) =>
      warning(
        file,
        undefined,
        `"${path.posix.basename(file)}" is not a file of a rental folder, so it is not read`,
        `rename it to one of ${FILE_NAMES.join(", ")}, or move it out of ${folder}`,
      ),
    );
  const records = {} as Record<keyof PropertyRecords, unknown[]>;
  for (const [key, spec] of Object.entries(PROPERTY_FILES) as [
    keyof PropertyRecords,
    PropertyFile<unknown>,
  ][]) {
    const read = await readFile(source, context, spec, listed.files);
    records[key] = read.records;
    problems.push(...read.problems);
  }
  const typed = records as unknown as PropertyRecords;
  // References are only worth checking once every row reads: a bad row would cascade.
  if (!hasErrors(problems)) problems.push(...checkPropertyRecords(typed));
  const asOf = activityDate(typed);
  const count = Object.values(records).reduce((n, list) => n + list.length, 0);
  return {
    book: {
      entity: context.entities.resolve(source.entity) ?? source.entity,
      ...typed,
      provenance: { sourceId: source.id, file: folder, asOf: asOf ?? context.periodEnd },
    },
    ...(asOf !== undefined ? { asOf } : {}),
    records: count,
    problems,
  };
}

async function readFile(
  source: RentalSource,
  context: DriverContext,
  spec: PropertyFile<unknown>,
  present: readonly string[],
): Promise<{ records: unknown[]; problems: Problem[] }> {
  const file = toPosix(path.join(source.path, spec.name));
  if (!present.includes(file))
    return {
      records: [],
      problems: [
        problem(
          file,
          undefined,
          `required file ${spec.name} is missing from the rental folder`,
          `add ${spec.name} with the header row ${spec.required.join(",")} (it may have no data rows)`,
        ),
      ],
    };
  const decoded = await readWorkspaceText(context.workspace, file);
  if (decoded.text === undefined) return { records: [], problems: decoded.problems };
  const options = { file, delimiter: ",", onBadRow: "fail", required: spec.required } as const;
  const read = readCsvTable(decoded.text, options, (row) =>
    convertRow(row, (cells) =>
      spec.convert(cells, (asOf) => ({
        sourceId: source.id,
        file,
        line: row.line,
        asOf: asOf ?? context.periodEnd,
      })),
    ),
  );
  return { records: read.records, problems: [...decoded.problems, ...read.problems] };
}

/** Latest date something happened (payment, job, expense, message); scheduled charges are not activity. */
function activityDate(records: PropertyRecords): string | undefined {
  return latestDate([
    ...records.payments.map((p) => p.date),
    ...records.maintenance.map((t) => t.completed ?? t.opened),
    ...records.expenses.map((e) => e.date),
    ...records.communications.map((m) => m.date),
  ]);
}
