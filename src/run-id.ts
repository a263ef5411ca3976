import { randomUUID } from "node:crypto";

/** A run's id: its start time, sortable, and a random suffix so two runs in a second differ. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomUUID().slice(0, 8)}`;
}
