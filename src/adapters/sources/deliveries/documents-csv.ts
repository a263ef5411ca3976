import type { Problem } from "../../../core/errors.js";
import { DELIVERY_DOCUMENT_KINDS, type DeliveryDocument } from "../../../core/model/deliveries.js";
import { type FileRef, readRows } from "./cells.js";

/** Header of documents.csv. */
export const DOCUMENT_COLUMNS = ["holder", "kind", "document", "expires"] as const;

/** Parses documents.csv: insurance held per delivery and certifications held per person (pure). */
export function parseDocumentsCsv(
  text: string,
  ref: FileRef,
): { records: DeliveryDocument[]; problems: Problem[] } {
  return readRows(
    text,
    ref,
    DOCUMENT_COLUMNS,
    (cell, provenance): DeliveryDocument => ({
      holder: cell.text("holder", "delivery id (insurance) or person's name (certification)"),
      kind: cell.oneOf("kind", DELIVERY_DOCUMENT_KINDS),
      name: cell.text("document", "document's name, e.g. USCG 100-ton master license"),
      expires: cell.date("expires"),
      provenance,
    }),
  );
}
