import type { Gate } from "./types.js";

// Freshness: a stale source is always labelled in the reports (header and section); it blocks
// delivery only past the configured `blockAfterDays`, globally or per source.

/** Sources older than their block threshold at period end stop the batch. */
export const freshnessGate: Gate = (input) =>
  input.sources.flatMap((source) => {
    const limit =
      input.settings.sourceBlockAfterDays[source.sourceId] ?? input.settings.blockAfterDays;
    if (limit === undefined) return [];
    if (source.status === "empty") {
      return [
        {
          gate: "freshness" as const,
          message: `source ${source.sourceId} (${source.type}) holds no data for tenant ${input.tenant.id}`,
          fix: `add the ${source.type} export covering ${input.period}, or remove the source from exec-intel.yaml`,
        },
      ];
    }
    if (source.ageDays === undefined || source.ageDays <= limit) return [];
    return [
      {
        gate: "freshness" as const,
        message: `source ${source.sourceId} (${source.type}) ends ${source.asOf ?? "?"}, ${source.ageDays} days before the end of ${input.period} (block after ${limit} days)`,
        fix: `export fresh ${source.type} data covering ${input.period}, or raise validation.freshness.blockAfterDays`,
      },
    ];
  });
