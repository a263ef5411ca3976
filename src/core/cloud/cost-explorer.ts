import { z } from "zod";
import type { Problem } from "../errors.js";
import { parseAmount } from "./amount.js";
import { type CostTally, type CostYield, createCostTally } from "./cost-tally.js";
import { assignEntity, type EntityRules, unknownTagText } from "./entity-assignment.js";
import type { JsonDocument, JsonPath } from "./json-document.js";
import { commandHint, type Parsed, problemAtPath, readShape, warningAtPath } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const metricSchema = z.object({ Amount: z.string(), Unit: z.string().optional() });

const costAndUsageSchema = z.object({
  GroupDefinitions: z.array(z.object({ Type: z.string(), Key: z.string() })).optional(),
  ResultsByTime: z.array(
    z.object({
      TimePeriod: z.object({
        Start: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-\d{2}$/, "a date written YYYY-MM-DD"),
      }),
      Total: z.record(z.string(), metricSchema).optional(),
      Groups: z
        .array(
          z.object({
            Keys: z.array(z.string()).min(1),
            Metrics: z.object({ UnblendedCost: metricSchema }),
          }),
        )
        .optional(),
    }),
  ),
  NextPageToken: z.string().optional(),
});

type CostAndUsage = z.output<typeof costAndUsageSchema>;

/** Where the service and the entity tag sit in each group's `Keys`. */
interface KeyLayout {
  service: (keys: readonly string[]) => string | undefined;
  tag: (keys: readonly string[]) => string | undefined;
}

/**
 * Monthly cost by service (and entity, when grouped by the entity tag too) from `aws ce
 * get-cost-and-usage`. Amounts are summed exactly and rounded to cents once per month, service
 * and entity. A tag key reads `entity$value`; `entity$` alone is an untagged cost.
 */
export function parseCostAndUsage(
  document: JsonDocument,
  options: { rules: EntityRules; currency: string },
): Parsed<CostYield> {
  const tally = createCostTally();
  const { value, problems } = readShape(document, costAndUsageSchema, SNAPSHOT.costs.command);
  if (value === undefined) return { value: tally.result(), problems };
  const layout = keyLayout(document, value, options.rules.tagKey, problems);
  if (layout === undefined) return { value: tally.result(), problems };
  problems.push(...readGroups(document, value, layout, tally, options));
  if ((value.NextPageToken ?? "") !== "")
    problems.push(
      warningAtPath(
        document,
        ["NextPageToken"],
        "the cost data is cut short: Cost Explorer returned one page of several",
        "run the command again with --next-page-token and merge the ResultsByTime, or ask for fewer months",
      ),
    );
  return { value: tally.result(), problems };
}

function keyLayout(
  document: JsonDocument,
  data: CostAndUsage,
  tagKey: string,
  problems: Problem[],
): KeyLayout | undefined {
  const tagPrefix = `${tagKey}$`;
  const definitions = data.GroupDefinitions;
  if (definitions === undefined) {
    const ungrouped = data.ResultsByTime.findIndex(
      (r) => (r.Groups ?? []).length === 0 && Number(r.Total?.UnblendedCost?.Amount ?? 0) !== 0,
    );
    if (ungrouped !== -1) {
      problems.push(notGroupedByService(document, ["ResultsByTime", ungrouped, "Total"]));
      return undefined;
    }
    // Hand-trimmed output: the service is the key without a `$`, the tag the one with ours.
    return {
      service: (keys) => keys.find((k) => !k.includes("$")),
      tag: (keys) => keys.find((k) => k.startsWith(tagPrefix))?.slice(tagPrefix.length),
    };
  }
  const serviceAt = definitions.findIndex((d) => d.Type === "DIMENSION" && d.Key === "SERVICE");
  if (serviceAt === -1) {
    problems.push(notGroupedByService(document, ["GroupDefinitions"]));
    return undefined;
  }
  const tagAt = definitions.findIndex((d) => d.Type === "TAG");
  const otherTag = tagAt !== -1 && definitions[tagAt]?.Key !== tagKey;
  if (otherTag)
    problems.push(
      warningAtPath(
        document,
        ["GroupDefinitions", tagAt],
        `costs are grouped by the tag "${definitions[tagAt]?.Key}", not the entity tag "${tagKey}": that tag is ignored`,
        `group by Type=TAG,Key=${tagKey}, or set entityTag on the source to the tag you use`,
      ),
    );
  return {
    service: (keys) => keys[serviceAt],
    tag: (keys) => {
      if (tagAt === -1 || otherTag) return undefined;
      const key = keys[tagAt] ?? "";
      return key.startsWith(tagPrefix) ? key.slice(tagPrefix.length) : undefined;
    },
  };
}

function readGroups(
  document: JsonDocument,
  data: CostAndUsage,
  layout: KeyLayout,
  tally: CostTally,
  options: { rules: EntityRules; currency: string },
): Problem[] {
  const problems: Problem[] = [];
  const unknownTags = new Map<string, JsonPath>();
  let unitWarned = false;
  data.ResultsByTime.forEach((result, r) => {
    const month = result.TimePeriod.Start.slice(0, 7);
    tally.cover(month);
    (result.Groups ?? []).forEach((group, g) => {
      const at: JsonPath = ["ResultsByTime", r, "Groups", g];
      const metric = group.Metrics.UnblendedCost;
      const service = layout.service(group.Keys);
      const units = parseAmount(metric.Amount);
      if (service === undefined || service === "") {
        problems.push(
          problemAtPath(
            document,
            [...at, "Keys"],
            "this group has no service name",
            commandHint(SNAPSHOT.costs.command),
          ),
        );
        return;
      }
      if (units === undefined) {
        problems.push(
          problemAtPath(
            document,
            [...at, "Metrics", "UnblendedCost", "Amount"],
            "the amount is not a decimal number",
            commandHint(SNAPSHOT.costs.command),
          ),
        );
        return;
      }
      if (!unitWarned && metric.Unit !== undefined && metric.Unit !== options.currency) {
        unitWarned = true;
        problems.push(
          warningAtPath(
            document,
            [...at, "Metrics", "UnblendedCost", "Unit"],
            `costs are in ${metric.Unit}, the tenant reports in ${options.currency}; amounts are taken as they are`,
            "capture costs in the tenant's currency, or set the tenant's currency to match",
          ),
        );
      }
      const assigned = assignEntity(layout.tag(group.Keys), options.rules);
      if (assigned.unknownTag !== undefined && !unknownTags.has(assigned.unknownTag))
        unknownTags.set(assigned.unknownTag, [...at, "Keys"]);
      tally.add(month, service, assigned.entity, units);
    });
  });
  for (const [tag, path] of unknownTags) {
    const { message, hint } = unknownTagText(options.rules, tag, "its costs are");
    problems.push(warningAtPath(document, path, message, hint));
  }
  return problems;
}

function notGroupedByService(document: JsonDocument, path: JsonPath): Problem {
  return problemAtPath(
    document,
    path,
    "costs are not grouped by service",
    `run it with --group-by Type=DIMENSION,Key=SERVICE; ${commandHint(SNAPSHOT.costs.command)}`,
  );
}
