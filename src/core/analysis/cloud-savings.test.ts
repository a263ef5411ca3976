import { describe, expect, it } from "vitest";
import { cloudAccount, distribution } from "../../../test/helpers/cloud.js";
import { at, business, emptyModel } from "../../../test/helpers/model.js";
import type {
  CloudAccount,
  CloudCost,
  CloudFunction,
  SystemComponent,
  TenantModel,
} from "../model/index.js";
import { savingOpportunities } from "./cloud-savings.js";

// Every amount below is worked out by hand from AWS_LIST_PRICES and 730 hours a month.

const GIB = 1024 ** 3;

function model(accounts: CloudAccount[], systems: SystemComponent[] = []): TenantModel {
  const m = emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]);
  m.cloudAccounts = accounts;
  m.systems = systems;
  return m;
}

function component(entity: string, name: string, action: string, cents: number): SystemComponent {
  return {
    id: name,
    entity,
    name,
    kind: "other",
    technology: "AWS",
    savings: [{ monthlyCents: cents, action }],
    provenance: at("data/registry.yaml", 7),
  };
}

const fn = (name: string, memoryMb: number): CloudFunction => ({
  name,
  runtime: "nodejs20.x",
  memoryMb,
  secretLikeEnvNames: [],
});

const cost = (month: string, service: string, dollars: number): CloudCost => ({
  month,
  service,
  amountCents: Math.round(dollars * 100),
});

const brief = (m: TenantModel, period = "2026-10") =>
  savingOpportunities(m, period).map((s) => [s.entity, s.action, s.monthlyCents]);

describe("savingOpportunities", () => {
  it("prices log groups that never expire by the GB they store", () => {
    const account = cloudAccount({
      logGroups: [
        { name: "/aws/lambda/a", kmsKeyId: null, retentionDays: null, storedBytes: 100 * GIB },
        { name: "/aws/lambda/b", kmsKeyId: null, retentionDays: null, storedBytes: 50 * GIB },
        { name: "/aws/lambda/kept", kmsKeyId: null, retentionDays: 30, storedBytes: 900 * GIB },
        { name: "/aws/lambda/empty", kmsKeyId: null, retentionDays: null, storedBytes: 0 },
      ],
    });
    const [saving, ...rest] = savingOpportunities(model([account]), "2026-10");
    expect(rest).toEqual([]);
    // 150 GB × $0.03 = $4.50.
    expect(saving).toMatchObject({
      origin: "aws",
      entity: "alpha",
      subject: "Log groups /aws/lambda/a, /aws/lambda/b",
      action: "Set a retention period on 2 log groups that never expire",
      monthlyCents: 450,
      provenance: account.provenance,
    });
    expect(saving?.basis).toContain("150.0 GB stored × $0.03 per GB-month");
  });

  it("prices a provisioned table at its hourly capacity charge, and skips on-demand ones", () => {
    const account = cloudAccount({
      tables: [
        {
          name: "bookings",
          billingMode: "PROVISIONED",
          readCapacity: 10,
          writeCapacity: 4,
          itemCount: 1842,
        },
        { name: "events", billingMode: "PAY_PER_REQUEST" },
      ],
    });
    // (10 × 0.00013 + 4 × 0.00065) × 730 = 0.0039 × 730 = $2.847.
    expect(brief(model([account]))).toEqual([
      [
        "alpha",
        "Switch table bookings from provisioned capacity (10 read, 4 write units) to on-demand",
        285,
      ],
    ]);
    expect(savingOpportunities(model([account]), "2026-10")[0]?.subject).toBe(
      "DynamoDB table bookings, 1,842 items",
    );
  });

  it("prices each unattached Elastic IP at 730 hours of a public IPv4 address", () => {
    const account = cloudAccount({
      addresses: [
        { publicIp: "52.1.1.1", allocationId: "eipalloc-1", attached: false, entity: "beta" },
        { publicIp: "52.2.2.2", allocationId: "eipalloc-2", attached: true },
      ],
    });
    // $0.005 × 730 = $3.65, on the address's own entity.
    expect(brief(model([account]))).toEqual([
      ["beta", "Release the unattached Elastic IP 52.1.1.1", 365],
    ]);
  });

  it("scales the reported month's Lambda bill by a large function's memory share and cut", () => {
    const account = cloudAccount({
      functions: [fn("render", 2048), fn("api", 512)],
      costs: [
        cost("2026-09", "AWS Lambda", 99),
        cost("2026-10", "AWS Lambda", 25.6),
        // After the reported month: never used.
        cost("2026-11", "AWS Lambda", 500),
      ],
    });
    const [saving] = savingOpportunities(model([account]), "2026-10");
    // $25.60 × 2048/2560 (80%) × (1 − 1024/2048) (50%) = $10.24.
    expect(saving?.monthlyCents).toBe(1024);
    expect(saving?.basis).toBe(
      "2026-10 Lambda bill $25.60 × 80% of configured memory × 50% cut to 1024 MB",
    );
  });

  it("lists a large function with no Lambda cost data as not priced", () => {
    const account = cloudAccount({ functions: [fn("render", 3008)] });
    const [saving] = savingOpportunities(model([account]), "2026-10");
    expect(saving).toMatchObject({ monthlyCents: 0 });
    expect(saving?.basis).toBe("not priced: the account has no Lambda cost data");
  });

  it("prices the extra distributions in front of one origin at a share of the CloudFront bill", () => {
    const origin = "site.s3.us-west-2.amazonaws.com";
    const account = cloudAccount({
      distributions: [
        distribution("E1", { origins: [origin] }),
        distribution("E2", { origins: [origin] }),
        distribution("E3", { origins: ["api.example.com"] }),
        distribution("E4", { origins: [origin], enabled: false }),
      ],
      costs: [cost("2026-10", "Amazon CloudFront", 9)],
    });
    // $9.00 ÷ 3 enabled distributions × 1 extra = $3.00.
    expect(brief(model([account]))).toEqual([
      ["alpha", `Retire 1 duplicate distribution of origin ${origin}`, 300],
    ]);
  });

  it("counts a change both the AWS data and the registry know once, at the AWS estimate", () => {
    const account = cloudAccount({
      entity: "beta",
      addresses: [{ publicIp: "52.1.1.1", allocationId: "eipalloc-1", attached: false }],
    });
    const systems = [
      component("beta", "Test box address", "Release the idle Elastic IP", 360),
      component("beta", "Site bucket", "Add an S3 lifecycle rule for old builds", 340),
      // Same words, other entity: a different change.
      component("alpha", "Alpha address", "Release the idle Elastic IP", 360),
    ];
    const savings = savingOpportunities(model([account], systems), "2026-10");
    expect(savings.map((s) => [s.origin, s.entity, s.subject, s.monthlyCents])).toEqual([
      ["aws", "beta", "Elastic IP 52.1.1.1 (eipalloc-1)", 365],
      ["registry", "beta", "Site bucket", 340],
      ["registry", "alpha", "Alpha address", 360],
    ]);
    expect(savings[0]?.alsoListedOn).toBe("Test box address");
  });

  it("finds nothing in an account without waste", () => {
    const account = cloudAccount({
      logGroups: [{ name: "/a", kmsKeyId: null, retentionDays: 14, storedBytes: GIB }],
      tables: [{ name: "t", billingMode: "PAY_PER_REQUEST" }],
      functions: [fn("small", 1024)],
    });
    expect(savingOpportunities(model([account]), "2026-10")).toEqual([]);
  });
});
