import { withEntity } from "../cloud/entity-assignment.js";
import {
  AWS_LIST_PRICES,
  BYTES_PER_GB,
  HOURS_PER_MONTH,
  LAMBDA_MEMORY_REVIEW_MB,
  type ListPrices,
} from "../cloud/list-prices.js";
import type { CloudAccount, TenantModel, Traced } from "../model/index.js";
import { grouped } from "../number-format.js";
import { plural } from "./common.js";
import { bestMatch, contentWords } from "./content-words.js";

/** Where a saving was found: computed from an AWS account's resources, or listed in the registry. */
export type SavingOrigin = "aws" | "registry";

/** What the savings table says of a registry saving instead of an estimate's arithmetic. */
export const REGISTRY_BASIS = "listed in the registry";

/** One change that would lower the monthly bill, with the arithmetic behind its estimate. */
export interface SavingOpportunity extends Traced {
  origin: SavingOrigin;
  entity?: string;
  /** The resources or the registry component it is about. */
  subject: string;
  action: string;
  /** Estimated monthly saving; 0 when the data cannot price it. */
  monthlyCents: number;
  /** How the estimate was computed, with the prices and quantities used. */
  basis: string;
  /** For an AWS finding: the registry component that lists the same change, if one does. */
  alsoListedOn?: string;
}

/**
 * Savings from the AWS accounts (log groups kept forever, provisioned DynamoDB capacity,
 * unattached Elastic IPs, Lambda memory worth measuring, distributions serving the same origin),
 * then the registry's listed savings that no AWS finding already describes (same entity, at
 * least MIN_FIX_OVERLAP shared content words), so one change is never counted twice.
 */
export function savingOpportunities(
  model: TenantModel,
  period: string,
  prices: ListPrices = AWS_LIST_PRICES,
): SavingOpportunity[] {
  const observed = model.cloudAccounts.flatMap((account) =>
    ACCOUNT_RULES.flatMap((rule) => rule(account, { period, prices })),
  );
  const listed: SavingOpportunity[] = model.systems.flatMap((system) =>
    (system.savings ?? []).map((saving) => ({
      origin: "registry" as const,
      entity: system.entity,
      subject: system.name,
      action: saving.action,
      monthlyCents: saving.monthlyCents,
      basis: REGISTRY_BASIS,
      provenance: system.provenance,
    })),
  );
  const remaining: SavingOpportunity[] = [];
  for (const item of listed) {
    const twin = describedBy(item, observed);
    if (twin === undefined) remaining.push(item);
    else twin.alsoListedOn ??= item.subject;
  }
  return [...observed, ...remaining];
}

/** The AWS finding sharing the most content words with a registry saving, if enough are. */
function describedBy(
  listed: SavingOpportunity,
  observed: readonly SavingOpportunity[],
): SavingOpportunity | undefined {
  return bestMatch(contentWords(listed.action), observed, (candidate) =>
    candidate.entity === listed.entity && candidate.alsoListedOn === undefined
      ? contentWords(candidate.action)
      : undefined,
  );
}

interface RuleContext {
  period: string;
  prices: ListPrices;
}

type AccountRule = (account: CloudAccount, context: RuleContext) => SavingOpportunity[];

function found(
  account: CloudAccount,
  entity: string | undefined,
  fields: Pick<SavingOpportunity, "subject" | "action" | "monthlyCents" | "basis">,
): SavingOpportunity {
  return {
    origin: "aws",
    ...withEntity(entity ?? account.entity),
    ...fields,
    provenance: account.provenance,
  };
}

/** Log groups that never expire keep every byte ever written, billed each month. */
const unboundedLogRetention: AccountRule = (account, { prices }) => {
  const groups = account.logGroups.filter(
    (g) => g.retentionDays === null && (g.storedBytes ?? 0) > 0,
  );
  return byEntity(groups).map(([entity, mine]) => {
    const bytes = mine.reduce((sum, g) => sum + (g.storedBytes ?? 0), 0);
    const gb = bytes / BYTES_PER_GB;
    return found(account, entity, {
      subject: namesOf(
        mine.map((g) => g.name),
        "log group",
      ),
      action: `Set a retention period on ${plural(mine.length, "log group")} that never expire`,
      monthlyCents: Math.round(gb * prices.logStorageGbMonth * 100),
      basis: `at most ${gb.toFixed(1)} GB stored × ${dollars(prices.logStorageGbMonth)} per GB-month: a retention period deletes what is older than it`,
    });
  });
};

/** Provisioned capacity is billed every hour whether a request comes or not. */
const provisionedCapacity: AccountRule = (account, { prices }) =>
  account.tables
    .filter((t) => t.billingMode === "PROVISIONED")
    .flatMap((table) => {
      const read = table.readCapacity ?? 0;
      const write = table.writeCapacity ?? 0;
      const hourly = read * prices.dynamoReadUnitHour + write * prices.dynamoWriteUnitHour;
      const monthlyCents = Math.round(hourly * HOURS_PER_MONTH * 100);
      if (monthlyCents === 0) return [];
      const items = table.itemCount !== undefined ? `, ${grouped(table.itemCount)} items` : "";
      return [
        found(account, table.entity, {
          subject: `DynamoDB table ${table.name}${items}`,
          action: `Switch table ${table.name} from provisioned capacity (${read} read, ${write} write units) to on-demand`,
          monthlyCents,
          basis: `at most the provisioned charge: (${read} × ${dollars(prices.dynamoReadUnitHour)} + ${write} × ${dollars(prices.dynamoWriteUnitHour)}) per hour × ${HOURS_PER_MONTH} h; on-demand bills only the requests made`,
        }),
      ];
    });

/** An Elastic IP that serves nothing is still billed by the hour. */
const unattachedAddresses: AccountRule = (account, { prices }) =>
  account.addresses
    .filter((a) => !a.attached)
    .map((address) =>
      found(account, address.entity, {
        subject: `Elastic IP ${address.publicIp}${address.allocationId !== undefined ? ` (${address.allocationId})` : ""}`,
        action: `Release the unattached Elastic IP ${address.publicIp}`,
        monthlyCents: Math.round(prices.publicIpv4Hour * HOURS_PER_MONTH * 100),
        basis: `${dollars(prices.publicIpv4Hour)} per hour × ${HOURS_PER_MONTH} h`,
      }),
    );

/**
 * Lambda bills memory × duration, so memory above what a function uses is paid on every call.
 * The collectors see no memory usage, so the estimate scales the account's Lambda bill by the
 * function's share of configured memory and the cut to the review threshold.
 */
const largeLambdaMemory: AccountRule = (account, { period }) => {
  const large = account.functions.filter((f) => f.memoryMb > LAMBDA_MEMORY_REVIEW_MB);
  if (large.length === 0) return [];
  const bill = serviceBill(account, "AWS Lambda", period);
  const totalMemory = account.functions.reduce((sum, f) => sum + f.memoryMb, 0);
  return large.map((fn) => {
    const share = fn.memoryMb / totalMemory;
    const cut = 1 - LAMBDA_MEMORY_REVIEW_MB / fn.memoryMb;
    return found(account, fn.entity, {
      subject: `Lambda function ${fn.name} (${fn.memoryMb} MB)`,
      action: `Measure the memory ${fn.name} uses and lower it from ${fn.memoryMb} MB`,
      monthlyCents: bill === undefined ? 0 : Math.round(bill.cents * share * cut),
      basis:
        bill === undefined
          ? "not priced: the account has no Lambda cost data"
          : `${bill.month} Lambda bill ${dollars(bill.cents / 100)} × ${Math.round(share * 100)}% of configured memory × ${Math.round(cut * 100)}% cut to ${LAMBDA_MEMORY_REVIEW_MB} MB`,
    });
  });
};

/** Two enabled distributions in front of one origin pay twice for one site. */
const duplicateDistributions: AccountRule = (account, { period }) => {
  const enabled = account.distributions.filter((d) => d.enabled && d.origins.length > 0);
  const byOrigin = new Map<string, typeof enabled>();
  for (const d of enabled) {
    const key = [...d.origins].sort().join(" ");
    byOrigin.set(key, [...(byOrigin.get(key) ?? []), d]);
  }
  const bill = serviceBill(account, "Amazon CloudFront", period);
  return [...byOrigin.entries()]
    .filter(([, group]) => group.length > 1)
    .map(([origin, group]) => {
      const extra = group.length - 1;
      const perDistribution = bill === undefined ? undefined : bill.cents / enabled.length;
      return found(account, group[0]?.entity, {
        subject: `CloudFront distributions ${group.map((d) => d.id).join(", ")}`,
        action: `Retire ${plural(extra, "duplicate distribution")} of origin ${origin}`,
        monthlyCents: perDistribution === undefined ? 0 : Math.round(perDistribution * extra),
        basis:
          perDistribution === undefined
            ? "not priced: the account has no CloudFront cost data"
            : `${bill?.month} CloudFront bill ${dollars((bill?.cents ?? 0) / 100)} ÷ ${enabled.length} enabled distributions × ${extra}`,
      });
    });
};

const ACCOUNT_RULES: readonly AccountRule[] = [
  unboundedLogRetention,
  provisionedCapacity,
  unattachedAddresses,
  largeLambdaMemory,
  duplicateDistributions,
];

/** The account's cost of one service in the reported month, else the latest month before it. */
function serviceBill(
  account: CloudAccount,
  service: string,
  period: string,
): { month: string; cents: number } | undefined {
  const months = [
    ...new Set(account.costs.filter((c) => c.month <= period).map((c) => c.month)),
  ].sort();
  const month = months.at(-1);
  if (month === undefined) return undefined;
  const cents = account.costs
    .filter((c) => c.month === month && c.service === service)
    .reduce((sum, c) => sum + c.amountCents, 0);
  return cents > 0 ? { month, cents } : undefined;
}

/** Records grouped by entity, in first-seen order. */
function byEntity<T extends { entity?: string }>(
  records: readonly T[],
): [string | undefined, T[]][] {
  const groups = new Map<string | undefined, T[]>();
  for (const r of records) groups.set(r.entity, [...(groups.get(r.entity) ?? []), r]);
  return [...groups.entries()];
}

/** "Log groups a, b, c": every name, since the reader must find each one. */
function namesOf(names: readonly string[], noun: string): string {
  const label = names.length === 1 ? noun : `${noun}s`;
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} ${names.join(", ")}`;
}

/** A price or amount in dollars, with only the decimals it has (0.00013, 0.03, 10.76). */
function dollars(amount: number): string {
  return `$${amount >= 1 ? amount.toFixed(2) : String(amount)}`;
}
