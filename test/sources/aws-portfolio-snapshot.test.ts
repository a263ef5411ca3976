import { beforeAll, describe, expect, it } from "vitest";
import {
  type AwsSnapshotSource,
  type AwsSnapshotYield,
  readAwsSnapshot,
} from "../../src/adapters/sources/aws/read-aws-snapshot.js";
import type { DriverContext } from "../../src/adapters/sources/collect.js";
import { loadWorkspaceConfig } from "../../src/adapters/workspace/config-file.js";
import type { TenantConfig } from "../../src/core/config.js";
import { createEntityResolver } from "../../src/core/entity-resolver.js";
import type { CloudAccount } from "../../src/core/model/index.js";
import { PORTFOLIO } from "../helpers/cli.js";

// What the ledger's AWS charges say, month by month (cents): the snapshot must agree exactly.
const MONTHS = [
  "2025-11",
  "2025-12",
  "2026-01",
  "2026-02",
  "2026-03",
  "2026-04",
  "2026-05",
  "2026-06",
  "2026-07",
  "2026-08",
  "2026-09",
  "2026-10",
];
const LEDGER_CENTS = {
  queenofsandiego: [3597, 3325, 2695, 2912, 3294, 3715, 4257, 4753, 5200, 4854, 4138, 4413],
  dangerouscentaur: [2540, 2487, 2313, 2352, 2496, 2610, 2784, 2935, 3192, 3061, 2709, 2820],
};

let tenant: TenantConfig;
let context: DriverContext;
const source = (id: string, path: string, entity?: string): AwsSnapshotSource => ({
  id,
  type: "aws",
  mode: "snapshot",
  path,
  entityTag: "entity",
  costMonths: 12,
  ...(entity !== undefined ? { entity } : {}),
});
const results: Record<string, AwsSnapshotYield> = {};
const account = (entity: keyof typeof LEDGER_CENTS): CloudAccount => {
  const found = results[entity]?.accounts[0];
  if (found === undefined) throw new Error(`no account read for ${entity}`);
  return found;
};
const monthlyTotals = (a: CloudAccount) =>
  MONTHS.map((m) => a.costs.filter((c) => c.month === m).reduce((s, c) => s + c.amountCents, 0));
const serviceByMonth = (a: CloudAccount, service: string) =>
  MONTHS.map((m) => a.costs.find((c) => c.month === m && c.service === service)?.amountCents);

beforeAll(async () => {
  const config = await loadWorkspaceConfig(PORTFOLIO, {});
  tenant = config.tenants.find((t) => t.id === "portfolio") as TenantConfig;
  context = {
    workspace: PORTFOLIO,
    tenant,
    periodEnd: "2026-10-31",
    entities: createEntityResolver(tenant.entities.map((e) => ({ ...e }))),
  };
  for (const entity of ["queenofsandiego", "dangerouscentaur"] as const)
    results[entity] = await readAwsSnapshot(
      source(`aws-${entity}`, `data/aws/${entity}`, entity),
      context,
    );
});

describe("reference portfolio AWS snapshots", () => {
  it("read with no problem, one account each, as of the end of October 2026", () => {
    for (const entity of ["queenofsandiego", "dangerouscentaur"] as const) {
      expect(results[entity]?.problems).toEqual([]);
      expect(results[entity]?.accounts).toHaveLength(1);
      expect(results[entity]?.asOf).toBe("2026-10-31");
      expect(account(entity).entity).toBe(entity);
    }
  });

  it("cost exactly what the ledger's AWS card charges say, every month", () => {
    expect(monthlyTotals(account("queenofsandiego"))).toEqual(LEDGER_CENTS.queenofsandiego);
    expect(monthlyTotals(account("dangerouscentaur"))).toEqual(LEDGER_CENTS.dangerouscentaur);
    // Together, about $50 to $84 a month.
    const both = MONTHS.map(
      (_, i) =>
        (LEDGER_CENTS.queenofsandiego[i] as number) + (LEDGER_CENTS.dangerouscentaur[i] as number),
    );
    expect(Math.min(...both)).toBe(5008);
    expect(Math.max(...both)).toBe(8392);
  });

  it("queenofsandiego: one distribution without WAF for the entity's domains", () => {
    const qsd = account("queenofsandiego");
    const domains = tenant.entities.find((e) => e.id === "queenofsandiego")?.domains ?? [];
    expect(qsd.distributions).toHaveLength(1);
    expect(qsd.distributions[0]).toMatchObject({
      webAclId: null,
      enabled: true,
      origins: ["queenofsandiego-site.s3.us-west-2.amazonaws.com"],
    });
    expect(qsd.distributions[0]?.aliases).toEqual(
      expect.arrayContaining(domains.flatMap((d) => [d, `www.${d}`])),
    );
    expect(qsd.hostedZones).toEqual(domains);
  });

  it("queenofsandiego: three Node.js 18 functions that keep no secret in their environment", () => {
    const qsd = account("queenofsandiego");
    expect(qsd.functions.map((f) => [f.name, f.runtime])).toEqual([
      ["qsd-booking", "nodejs18.x"],
      ["qsd-checkout", "nodejs18.x"],
      ["qsd-quote", "nodejs18.x"],
    ]);
    // Checkout reads its Stripe keys from SSM Parameter Store by path: names that hold no secret.
    expect(qsd.functions.map((f) => f.secretLikeEnvNames)).toEqual([[], [], []]);
    // The values in the snapshot never reach the model.
    expect(JSON.stringify(results)).not.toContain("from-ssm");
    expect(JSON.stringify(results)).not.toContain("/qsd/stripe/secret-key");
  });

  it("queenofsandiego: a provisioned 20/15 bookings table and three unencrypted log groups kept forever", () => {
    const qsd = account("queenofsandiego");
    expect(qsd.tables).toEqual([
      {
        name: "bookings",
        entity: "queenofsandiego",
        billingMode: "PROVISIONED",
        readCapacity: 20,
        writeCapacity: 15,
        itemCount: 1842,
      },
    ]);
    expect(qsd.addresses).toEqual([]);
    expect(qsd.logGroups).toHaveLength(3);
    for (const group of qsd.logGroups) {
      expect(group.name).toMatch(/^\/aws\/lambda\/qsd-/);
      expect(group).toMatchObject({ kmsKeyId: null, retentionDays: null });
    }
    expect(qsd.buckets).toEqual([
      {
        name: "queenofsandiego-access-logs",
        entity: "queenofsandiego",
        encrypted: true,
        publicAccessBlocked: true,
      },
      {
        name: "queenofsandiego-site",
        entity: "queenofsandiego",
        encrypted: true,
        publicAccessBlocked: true,
      },
    ]);
  });

  it("queenofsandiego: DynamoDB about $9-12 and CloudWatch about $6-8 a month", () => {
    const qsd = account("queenofsandiego");
    for (const cents of serviceByMonth(qsd, "Amazon DynamoDB")) {
      expect(cents).toBeGreaterThanOrEqual(900);
      expect(cents).toBeLessThanOrEqual(1200);
    }
    for (const cents of serviceByMonth(qsd, "AmazonCloudWatch")) {
      expect(cents).toBeGreaterThanOrEqual(600);
      expect(cents).toBeLessThanOrEqual(800);
    }
  });

  it("dangerouscentaur: no CloudFront, secret-like names on the portal, an idle Elastic IP", () => {
    const dc = account("dangerouscentaur");
    expect(dc.distributions).toEqual([]);
    expect(dc.functions.find((f) => f.name === "dc-portal")?.secretLikeEnvNames).toEqual([
      "JWT_SECRET",
      "STRIPE_API_KEY",
    ]);
    expect(dc.buckets.map((b) => b.name)).toEqual(["dangerouscentaur-portal-uploads"]);
    // Both log groups are encrypted with the account's KMS key and kept 30 days.
    expect(dc.logGroups.map((g) => [g.name, g.kmsKeyId !== null, g.retentionDays])).toEqual([
      ["/aws/lambda/dc-portal", true, 30],
      ["/aws/lambda/dc-stripe-webhook", true, 30],
    ]);
    // The idle address is what "EC2 - Other" bills every month.
    expect(dc.addresses).toEqual([
      {
        publicIp: "52.12.188.47",
        entity: "dangerouscentaur",
        allocationId: "eipalloc-0d4c8b1e7a2f93b65",
        attached: false,
      },
    ]);
    expect(serviceByMonth(dc, "EC2 - Other")).toEqual(MONTHS.map(() => 360));
    expect(dc.hostedZones).toEqual(["dangerouscentaur.com"]);
  });

  it("reads both as one folder of accounts, each account's entity from its folder name", async () => {
    const both = await readAwsSnapshot(source("aws", "data/aws"), context);
    expect(both.problems).toEqual([]);
    expect(both.accounts.map((a) => [a.id, a.entity, a.accountId])).toEqual([
      ["aws/dangerouscentaur", "dangerouscentaur", "527318964402"],
      ["aws/queenofsandiego", "queenofsandiego", "381492057716"],
    ]);
    expect(both.accounts.flatMap((a) => a.costs).every((c) => c.entity !== undefined)).toBe(true);
  });
});
