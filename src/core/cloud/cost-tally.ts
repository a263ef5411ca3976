import type { CloudCost } from "../model/index.js";
import { amountToCents } from "./amount.js";
import { withEntity } from "./entity-assignment.js";

/** Costs read from Cost Explorer or a Cost and Usage Report, and the months they cover. */
export interface CostYield {
  costs: CloudCost[];
  /** Every month (YYYY-MM) the data covers, even months that cost nothing; sorted. */
  months: string[];
}

/** Sums exact amounts per month, service and entity, and rounds each sum to cents once. */
export interface CostTally {
  add(month: string, service: string, entity: string | undefined, units: bigint): void;
  /** Marks a month as covered even when nothing was spent in it. */
  cover(month: string): void;
  result(): CostYield;
}

/** A new empty tally. */
export function createCostTally(): CostTally {
  const sums = new Map<
    string,
    { month: string; service: string; entity?: string; units: bigint }
  >();
  const months = new Set<string>();
  return {
    add(month, service, entity, units) {
      months.add(month);
      const key = JSON.stringify([month, service, entity ?? null]);
      const sum = sums.get(key);
      if (sum !== undefined) sum.units += units;
      else sums.set(key, { month, service, ...withEntity(entity), units });
    },
    cover(month) {
      months.add(month);
    },
    result() {
      const costs = [...sums.values()]
        .map(({ units, ...rest }): CloudCost => ({ ...rest, amountCents: amountToCents(units) }))
        // A service that rounds to nothing (free tier, sub-cent usage) is not a cost line.
        .filter((cost) => cost.amountCents !== 0)
        .sort(
          (a, b) =>
            a.month.localeCompare(b.month) ||
            a.service.localeCompare(b.service) ||
            (a.entity ?? "").localeCompare(b.entity ?? ""),
        );
      return { costs, months: [...months].sort() };
    },
  };
}
