import path from "node:path";
import type { SourceConfig } from "../../../core/config.js";
import { hasErrors, type Problem, problem, warning } from "../../../core/errors.js";
import type { DeliveryBook } from "../../../core/model/index.js";
import type { DriverContext } from "../collect.js";
import type { DomainYield } from "../domain-yield.js";
import { listWorkspaceFiles, readWorkspaceText, toPosix } from "../workspace-files.js";
import type { FileRef } from "./cells.js";
import { CREW_COLUMNS, parseCrewCsv } from "./crew-csv.js";
import { crossReferences, type DeliveryRows } from "./cross-references.js";
import { DELIVERY_COLUMNS, parseDeliveriesCsv } from "./deliveries-csv.js";
import { DOCUMENT_COLUMNS, parseDocumentsCsv } from "./documents-csv.js";
import { LEG_COLUMNS, parseLegsCsv } from "./legs-csv.js";

/** The files of a deliveries folder, each with its header and parser. */
const FILES = {
  deliveries: { name: "deliveries.csv", columns: DELIVERY_COLUMNS },
  legs: { name: "legs.csv", columns: LEG_COLUMNS },
  crew: { name: "crew.csv", columns: CREW_COLUMNS },
  documents: { name: "documents.csv", columns: DOCUMENT_COLUMNS },
} as const;

type FileKey = keyof typeof FILES;

/** Reads a deliveries source folder (deliveries, legs, crew, documents) into one book. */
export async function readDeliveriesSource(
  source: Extract<SourceConfig, { type: "deliveries" }>,
  context: DriverContext,
): Promise<DomainYield<DeliveryBook>> {
  const folder = toPosix(source.path);
  const listing = await listWorkspaceFiles(context.workspace, source.path, ".csv");
  if (listing.problems.length > 0) return { records: 0, problems: listing.problems };
  const names = new Set(listing.files.map((file) => path.posix.basename(file)));
  const known = Object.values(FILES).map((f) => f.name);
  const problems: Problem[] = listing.files
    .filter((file) => !(known as string[]).includes(path.posix.basename(file)))
    .map((file) =>
      warning(
        file,
        undefined,
        "the deliveries folder does not use this file, so it is not read",
        `the folder holds ${known.join(", ")}; rename the file to one of them or move it out`,
      ),
    );
  const missing = Object.values(FILES).filter((f) => !names.has(f.name));
  for (const f of missing)
    problems.push(
      problem(
        `${folder}/${f.name}`,
        undefined,
        `${f.name} is missing from the deliveries folder`,
        `add it with the header row ${f.columns.join(",")} (see the folder's README.md)`,
      ),
    );
  if (missing.length > 0) return { records: 0, problems };

  const texts = await Promise.all(
    (Object.keys(FILES) as FileKey[]).map(async (key) => {
      const file = `${folder}/${FILES[key].name}`;
      const decoded = await readWorkspaceText(
        context.workspace,
        path.join(source.path, FILES[key].name),
      );
      problems.push(...decoded.problems);
      return [key, { text: decoded.text, ref: { sourceId: source.id, file } }] as const;
    }),
  );
  const read = Object.fromEntries(texts) as Record<FileKey, { text?: string; ref: FileRef }>;
  if (Object.values(read).some((r) => r.text === undefined)) return { records: 0, problems };
  const text = (key: FileKey) => read[key].text as string;

  const deliveries = parseDeliveriesCsv(text("deliveries"), read.deliveries.ref);
  const legs = parseLegsCsv(text("legs"), read.legs.ref);
  const crew = parseCrewCsv(text("crew"), read.crew.ref);
  const documents = parseDocumentsCsv(text("documents"), read.documents.ref);
  problems.push(...deliveries.problems, ...legs.problems, ...crew.problems, ...documents.problems);
  const rows: DeliveryRows = {
    deliveries: deliveries.deliveries,
    legs: legs.legs,
    crew: crew.crew,
    documents: documents.records,
  };
  // A row that failed to parse would make every reference to it look dangling: check the
  // references once each file reads cleanly.
  if (!hasErrors(problems)) problems.push(...crossReferences(rows));

  const asOf = asOfDate(rows, context.periodEnd);
  const records = [...rows.deliveries, ...rows.legs, ...rows.crew, ...rows.documents];
  // The folder is one export: every row describes the service as of its latest event.
  for (const record of records) record.provenance.asOf = asOf ?? context.periodEnd;
  const book: DeliveryBook = {
    entity: context.entities.resolve(source.entity) ?? source.entity,
    ...rows,
    provenance: { sourceId: source.id, file: folder, asOf: asOf ?? context.periodEnd },
  };
  return { book, ...(asOf !== undefined ? { asOf } : {}), records: records.length, problems };
}

/**
 * The latest delivery or leg date not after the period end: planned dates lie ahead by design
 * and expiry dates say nothing about how current the records are.
 */
function asOfDate(rows: DeliveryRows, periodEnd: string): string | undefined {
  let latest: string | undefined;
  for (const record of [...rows.deliveries, ...rows.legs])
    for (const date of [record.start, record.end])
      if (date <= periodEnd && (latest === undefined || date > latest)) latest = date;
  return latest;
}
