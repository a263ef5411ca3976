import { execFileSync } from "node:child_process";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Intelligence } from "../../src/core/analysis/intelligence.js";
import type { Finding } from "../../src/core/analysis/types.js";
import { PORTFOLIO } from "../helpers/cli.js";
import { type Computed, mutated, replaceIn, sectionText } from "../helpers/mutate.js";
import { computeTenant } from "../helpers/pipeline.js";

// Data change → report change: each test edits one file of a copy of the reference portfolio
// and checks that the technology figures, findings and CTO report follow the data.

function findings(intelligence: Intelligence, category: string): Finding[] {
  return intelligence.findings.filter((f) => f.category === category);
}

function figure(intelligence: Intelligence, id: string): number | undefined {
  return intelligence.figures.get(id)?.value;
}

function savingsRows(computed: { intelligence: Intelligence }): unknown[][] {
  return computed.intelligence.tables.get("cloud-savings")?.rows ?? [];
}

function actionRows(intelligence: Intelligence): string[] {
  return (intelligence.tables.get("engineering-actions")?.rows ?? []).map((r) => String(r[1]));
}

const QSD_NOTE = "data/handoffs/queenofsandiego-aws.md";
const WAF_ITEM =
  "- [security] [high] The CloudFront distribution has no AWS WAF web ACL attached, so the quote and checkout endpoints have no rate limiting or bot protection.\n";

describe("technology mutations", () => {
  let base: Computed;
  beforeAll(async () => {
    base = await computeTenant(PORTFOLIO);
  });

  it("the baseline has 6 security gaps, AWS $50.08–$83.92/month and $25.07/month of savings", () => {
    expect(findings(base.intelligence, "security-gap")).toHaveLength(6);
    expect(figure(base.intelligence, "aws-monthly-cost-low")).toBe(50.08);
    expect(figure(base.intelligence, "aws-monthly-cost-high")).toBe(83.92);
    expect(figure(base.intelligence, "aws-monthly-savings")).toBe(25.07);
    expect(actionRows(base.intelligence)).toHaveLength(10);
    expect(base.report("cto").subject).toBe(
      "CTO · Oct 2026 · 6 security gaps · AWS $50–$84/month, $25/month to save",
    );
  });

  it("a new [security] [high] known issue becomes a seventh security gap", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        QSD_NOTE,
        WAF_ITEM,
        `${WAF_ITEM}- [security] [high] The S3 bucket policy allows anyone to list the booking site bucket.\n`,
      ),
    );
    const security = findings(after.intelligence, "security-gap");
    expect(security).toHaveLength(7);
    const added = security.find((f) => f.title.includes("S3 bucket policy"));
    expect(added?.severity).toBe("high");
    expect(added?.evidence[0]?.source).toMatchObject({ file: QSD_NOTE, line: 15 });
    expect(after.report("cto").subject).toContain("7 security gaps");
  });

  const QSD_DISTRIBUTIONS = "data/aws/queenofsandiego/cloudfront-list-distributions.json";
  const attachWaf = (dir: string) =>
    replaceIn(
      dir,
      QSD_DISTRIBUTIONS,
      '"WebACLId": ""',
      '"WebACLId": "arn:aws:wafv2:us-east-1:381492057716:global/webacl/qsd-edge/4f1c2a7e"',
    );
  const wafGap = (computed: Computed) =>
    findings(computed.intelligence, "security-gap").find((f) =>
      f.evidence.some((e) => /WAF|web ACL/.test(e.text)),
    );

  it("the WAF gap is one finding with the AWS account's evidence and the handoff's", () => {
    const waf = wafGap(base);
    expect(waf?.evidence.map((e) => e.source.sourceId)).toEqual([
      "aws-queenofsandiego",
      "handoffs",
    ]);
    expect(waf?.evidence[0]?.text).toMatch(
      /^CloudFront distribution E\w+ .*: no web ACL attached$/,
    );
  });

  it("removing the WAF item from the handoff keeps the gap, now observed in AWS alone", async () => {
    const before = findings(base.intelligence, "security-gap");
    const waf = wafGap(base);
    const after = await mutated((dir) => replaceIn(dir, QSD_NOTE, WAF_ITEM, ""));
    const gaps = findings(after.intelligence, "security-gap");
    expect(gaps).toHaveLength(6);
    const observed = wafGap(after);
    expect(observed?.fingerprint).toMatch(/^tech-security-gap:observed\/cloudfront-no-waf\//);
    expect(observed?.evidence.map((e) => e.source.sourceId)).toEqual(["aws-queenofsandiego"]);
    // Lines below the removed item moved up one, yet every other fingerprint is unchanged.
    expect(
      gaps
        .map((f) => f.fingerprint)
        .filter((f) => f !== observed?.fingerprint)
        .sort(),
    ).toEqual(
      before
        .map((f) => f.fingerprint)
        .filter((f) => f !== waf?.fingerprint)
        .sort(),
    );
  });

  it("attaching a web ACL in AWS leaves the handoff's word alone as evidence", async () => {
    const after = await mutated(attachWaf);
    const waf = wafGap(after);
    expect(waf?.fingerprint).toBe(wafGap(base)?.fingerprint);
    expect(waf?.evidence.map((e) => e.source.sourceId)).toEqual(["handoffs"]);
  });

  it("with a web ACL attached and the handoff item gone, 5 gaps remain", async () => {
    const after = await mutated(async (dir) => {
      await attachWaf(dir);
      await replaceIn(dir, QSD_NOTE, WAF_ITEM, "");
    });
    expect(findings(after.intelligence, "security-gap")).toHaveLength(5);
    expect(wafGap(after)).toBeUndefined();
    expect(after.report("cto").subject).toContain("5 security gaps");
  });

  it("a CI workflow committed to dc-portal drops CI from the repository's delivery evidence", async () => {
    const evidenceOf = (computed: Computed) =>
      findings(computed.intelligence, "delivery-gap")
        .flatMap((f) => f.evidence)
        .find((e) => e.source.file === "repos/dc-portal")?.text;
    expect(evidenceOf(base)).toContain(
      "no file for CI, tests, staging, deploy scripts or rollback notes",
    );
    const after = await mutated(async (dir) => {
      const repo = path.join(dir, "repos", "dc-portal");
      await mkdir(path.join(repo, ".github", "workflows"), { recursive: true });
      await writeFile(path.join(repo, ".github", "workflows", "ci.yml"), "on: push\njobs: {}\n");
      const env = {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      };
      execFileSync("git", ["-C", repo, "add", "-A"], { env });
      execFileSync("git", ["-C", repo, "commit", "-q", "-m", "CI"], { env });
    });
    expect(evidenceOf(after)).toContain(
      "no file for tests, staging, deploy scripts or rollback notes",
    );
    expect(findings(after.intelligence, "delivery-gap")).toHaveLength(6);
    const ciCell = (computed: Computed) =>
      computed.intelligence.tables
        .get("delivery-cycle")
        ?.rows.find((r) => r[0] === "DangerousCentaur")?.[1];
    expect(ciCell(base)).toBe("none in repos/dc-portal");
    expect(ciCell(after)).toBe("in repos/dc-portal: .github/workflows/ci.yml");
  });

  it("a Cost Explorer month that no longer matches the ledger is named in the CTO report", async () => {
    expect(sectionText(base.report("cto"), "cloud-costs")).toContain(
      "Its monthly totals equal the ledger's cloud charges in all 12 months both cover.",
    );
    // March 2026 API Gateway for DangerousCentaur: $2.78 becomes $12.78, $10 above what was paid.
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/aws/dangerouscentaur/ce-get-cost-and-usage.json",
        '"2.7805867378"',
        '"12.7805867378"',
      ),
    );
    expect(sectionText(after.report("cto"), "cloud-costs")).toContain(
      "Its monthly totals differ from the ledger's cloud charges in 1 of 12 months: 2026-03 (Cost Explorer $67.90, ledger $57.90).",
    );
  });

  it("a $120 AWS charge in February 2026 raises the highest month to $172.64", async () => {
    const after = await mutated((dir) =>
      appendFile(
        path.join(dir, "data/ledger/dangerouscentaur-card.csv"),
        "02/20/2026,AMAZON WEB SERVICES AWS.AMAZON.CO WA,120.00\r\n",
      ),
    );
    // February was 52.64 (29.12 + 23.52); the charge adds 120.
    expect(figure(after.intelligence, "aws-monthly-cost-high")).toBe(172.64);
    expect(figure(after.intelligence, "aws-monthly-cost-low")).toBe(50.08);
    const feb = after.intelligence.tables
      .get("cloud-spend-by-month")
      ?.rows.find((r) => r[0] === "2026-02");
    expect(feb).toEqual(["2026-02", 29.12, 143.52, 172.64]);
    expect(after.report("cto").subject).toContain("AWS $50–$173/month");
  });

  it("a larger registry saving that no AWS finding describes raises the available savings", async () => {
    const after = await mutated((dir) =>
      replaceIn(dir, "data/registry.yaml", "{ monthly: 3.40,", "{ monthly: 13.40,"),
    );
    expect(figure(after.intelligence, "aws-monthly-savings")).toBe(35.07);
    const row = savingsRows(after).find((r) => String(r[2]).includes("lifecycle"));
    expect(row?.[3]).toBe(13.4);
    expect(after.report("cto").subject).toContain("$35/month to save");
  });

  it("a registry saving the AWS data also finds counts once, at the AWS estimate", async () => {
    const after = await mutated((dir) =>
      replaceIn(dir, "data/registry.yaml", "{ monthly: 9.00,", "{ monthly: 19.00,"),
    );
    expect(figure(after.intelligence, "aws-monthly-savings")).toBe(25.07);
  });

  const QSD_TABLE = "data/aws/queenofsandiego/dynamodb-describe-table/bookings.json";
  it("doubling the bookings table's provisioned capacity doubles its saving", async () => {
    const after = await mutated(async (dir) => {
      await replaceIn(dir, QSD_TABLE, '"ReadCapacityUnits": 20,', '"ReadCapacityUnits": 40,');
      await replaceIn(dir, QSD_TABLE, '"WriteCapacityUnits": 15', '"WriteCapacityUnits": 30');
    });
    // (40 × $0.00013 + 30 × $0.00065) × 730 h = $18.03, up from $9.02.
    const row = savingsRows(after).find((r) => String(r[2]).includes("on-demand"));
    expect(row?.[3]).toBe(18.03);
    expect(figure(after.intelligence, "aws-monthly-savings")).toBe(34.08);
  });

  it("more log data kept forever raises the retention saving", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/aws/queenofsandiego/logs-describe-log-groups.json",
        "86912340211",
        "173824680422",
      ),
    );
    // 301,705,762,414 bytes = 281.0 GB × $0.03 = $8.43, up from $6.
    const row = savingsRows(after).find((r) => String(r[2]).includes("retention"));
    expect(row?.[3]).toBe(8.43);
    expect(figure(after.intelligence, "aws-monthly-savings")).toBe(27.5);
  });

  it("attaching the Elastic IP drops the AWS finding and the registry's entry counts again", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/aws/dangerouscentaur/ec2-describe-addresses.json",
        '"Domain": "vpc",',
        '"Domain": "vpc",\n            "AssociationId": "eipassoc-0a1b2c3d4e5f67890",',
      ),
    );
    const row = savingsRows(after).find((r) => String(r[2]).includes("Elastic IP"));
    expect(row).toEqual([
      "DangerousCentaur",
      "Elastic IP from a retired EC2 test box",
      "Release the idle Elastic IP",
      3.6,
      "listed in the registry",
    ]);
    // $25.07 − $3.65 (AWS estimate) + $3.60 (registry).
    expect(figure(after.intelligence, "aws-monthly-savings")).toBe(25.02);
  });

  it("a new critical next step enters the engineering actions at rank 3 and pushes out the 10th", async () => {
    const baseRows = actionRows(base.intelligence);
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        QSD_NOTE,
        "## Next steps\n",
        "## Next steps\n- [critical] Replace the root account's MFA device and turn on MFA for every console user.\n",
      ),
    );
    const rows = actionRows(after.intelligence);
    expect(rows).toHaveLength(10);
    expect(rows[2]).toBe(
      "Replace the root account's MFA device and turn on MFA for every console user.",
    );
    expect(rows.slice(0, 2)).toEqual(baseRows.slice(0, 2));
    expect(rows.slice(3)).toEqual(baseRows.slice(2, 9));
    expect(rows).not.toContain(baseRows[9]);
    expect(figure(after.intelligence, "engineering-action-candidates")).toBe(24);
    // It fixes the note's risk about the root account.
    const fixes = after.intelligence.tables.get("engineering-actions")?.rows[2]?.[4];
    expect(String(fixes)).toMatch(/^risk \(data\/handoffs\/queenofsandiego-aws\.md:\d+\)$/);
  });

  it("a stack item the registry lacks shows up in the stack audit", async () => {
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/handoffs/jada-node-service.md",
        "stack: [Node.js 18, Express 4, PostgreSQL 14, Render]",
        "stack: [Node.js 18, Express 4, PostgreSQL 14, Render, Redis 7]",
      ),
    );
    const rows = after.intelligence.tables.get("stack-audit")?.rows ?? [];
    expect(rows.find((r) => r[3] === "Redis 7")).toEqual([
      "JADA",
      "(named only in a handoff)",
      "—",
      "Redis 7",
      "—",
      "—",
      "—",
      "data/handoffs/jada-node-service.md: not in the registry",
    ]);
    expect(sectionText(after.report("cto"), "stack-audit")).toContain(
      "1 stack item named in a handoff is not in the registry: Redis 7",
    );
    expect(sectionText(base.report("cto"), "stack-audit")).toContain(
      "Every stack item in the handoffs matches a registry component.",
    );
  });

  it("billing one of DangerousCentaur's streams turns its billing gap from high to medium", async () => {
    const before = findings(base.intelligence, "billing-gap");
    expect(before.map((f) => [f.fingerprint, f.severity])).toEqual([
      ["tech-billing-system-gap:dangerouscentaur", "high"],
    ]);
    const after = await mutated((dir) =>
      replaceIn(
        dir,
        "data/registry.yaml",
        "pricing: { model: hourly, price: 150, unit: hour }\n    billing: { model: none }",
        "pricing: { model: hourly, price: 150, unit: hour }\n    billing: { model: invoice, system: Stripe Invoicing }",
      ),
    );
    const gap = findings(after.intelligence, "billing-gap");
    expect(gap.map((f) => [f.fingerprint, f.severity, f.title])).toEqual([
      [
        "tech-billing-system-gap:dangerouscentaur",
        "medium",
        "DangerousCentaur: 1 of 2 revenue streams have no billing system",
      ],
    ]);
  });
});
