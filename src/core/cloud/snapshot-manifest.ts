import { z } from "zod";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const manifestSchema = z.object({
  capturedAt: z
    .string()
    .refine(isCalendarDate, "capturedAt must be a date written YYYY-MM-DD, e.g. 2026-10-31"),
});

/** The day the snapshot was captured, from `snapshot.json` (`{ "capturedAt": "YYYY-MM-DD" }`). */
export function parseSnapshotManifest(document: JsonDocument): Parsed<string | undefined> {
  const { value, problems } = readShape(document, manifestSchema, SNAPSHOT.manifest.command);
  return { value: value?.capturedAt, problems };
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
