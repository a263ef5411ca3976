import { describe, expect, it } from "vitest";
import { business, contextFor, emptyModel, handoffNote } from "../../../test/helpers/model.js";
import { MIN_FIX_OVERLAP } from "../analysis/content-words.js";
import type { ObservedGap } from "../analysis/observed-gaps.js";
import { gapItems, type NoteItem } from "../analysis/technology.js";
import type { Finding } from "../analysis/types.js";
import type { CloudAccount, Repository, TenantModel } from "../model/index.js";
import { evaluateRules } from "./rule.js";
import { describingItem, securityGapRule } from "./technology-rules.js";

// Word overlaps below are counted by hand on content words (stop words dropped, light stemming:
// "attached" → "attach", "limiting" → "limit", "groups" → "group").

/** An observed CloudFront gap of `entity`, as observed-gaps builds it. */
function cloudFrontGap(entity = "alpha"): ObservedGap {
  return {
    entity,
    subject: "cloudfront-no-waf/E1",
    title: "CloudFront distribution E1 has no WAF web ACL",
    // cloudfront distribution aws waf web acl attach rate limit bot protection
    matchText: "CloudFront distribution no AWS WAF web ACL attached rate limiting bot protection",
    evidence: [],
    severity: "high",
    action: "Attach a web ACL.",
  };
}

/** The security gap items of one note per entity, in order. */
function items(...notes: [string, string, string[]][]): NoteItem[] {
  return gapItems(
    notes.map(([id, entity, texts]) =>
      handoffNote(
        id,
        entity,
        texts.map((text) => ["issue", text, undefined, ["security"]]),
      ),
    ),
    "security",
  );
}

describe("describingItem", () => {
  const [two, seven, one, otherEntity] = items(
    [
      "ops",
      "alpha",
      [
        "The CloudFront WAF is missing.", // cloudfront, waf: 2 shared
        "CloudFront has no AWS WAF web ACL and no rate limit.", // 7 shared
        "Only the CloudFront origin is slow.", // cloudfront: 1 shared
      ],
    ],
    ["beta-ops", "beta", ["CloudFront has no AWS WAF web ACL and no rate limit."]],
  ) as [NoteItem, NoteItem, NoteItem, NoteItem];

  it("needs MIN_FIX_OVERLAP = 2 shared content words", () => {
    expect(MIN_FIX_OVERLAP).toBe(2);
    expect(describingItem(cloudFrontGap(), [two])).toBe(two);
    expect(describingItem(cloudFrontGap(), [one])).toBeUndefined();
  });

  it("picks the item sharing the most words, wherever it sits", () => {
    expect(describingItem(cloudFrontGap(), [two, seven, one])).toBe(seven);
    expect(describingItem(cloudFrontGap(), [seven, two])).toBe(seven);
  });

  it("keeps the earlier item on a tie", () => {
    const [first, second] = items(["a", "alpha", ["CloudFront WAF.", "WAF on CloudFront."]]);
    expect(describingItem(cloudFrontGap(), [first as NoteItem, second as NoteItem])).toBe(first);
  });

  it("never picks an item of another entity, however well it matches", () => {
    expect(describingItem(cloudFrontGap(), [otherEntity])).toBeUndefined();
    expect(describingItem(cloudFrontGap(), [otherEntity, two])).toBe(two);
    expect(describingItem(cloudFrontGap("beta"), [seven, otherEntity])).toBe(otherEntity);
  });

  it("finds nothing among no items", () => {
    expect(describingItem(cloudFrontGap(), [])).toBeUndefined();
  });
});

const AT_ACCOUNT = { sourceId: "aws", file: "data/aws/qsd" };
const NOTE = "data/handoffs/aws.md";

const qsd: CloudAccount = {
  id: "qsd",
  entity: "alpha",
  buckets: [],
  distributions: [
    {
      id: "E1ABC",
      domainName: "d111.cloudfront.net",
      aliases: ["www.example.com"],
      webAclId: null,
      enabled: true,
      origins: [],
    },
    {
      id: "E2DEF",
      domainName: "d222.cloudfront.net",
      aliases: [],
      webAclId: null,
      enabled: true,
      origins: [],
    },
  ],
  // matchText words: secret key environment variabl plain manager stripe
  functions: [
    { name: "quote", runtime: "nodejs20.x", memoryMb: 128, secretLikeEnvNames: ["STRIPE_KEY"] },
  ],
  tables: [],
  // matchText words: cloudwatch log group encrypt kms key
  logGroups: [{ name: "/aws/lambda/quote", kmsKeyId: null, retentionDays: 30 }],
  addresses: [],
  hostedZones: [],
  costs: [],
  provenance: { sourceId: "aws", file: "data/aws/qsd", asOf: "2026-10-31" },
};

const site: Repository = {
  id: "site",
  entity: "beta",
  name: "site",
  path: "repos/site",
  headCommit: "a".repeat(40),
  lastCommitDate: "2026-10-01",
  commits: 3,
  stack: [],
  delivery: { ci: [], tests: [], staging: [], deployScripts: [], rollbackDocs: [] },
  secrets: [],
  envFiles: [],
  // matchText words: unauthenticat request endpoint web app token check doget
  endpoints: [{ path: "Code.gs", line: 3, handler: "doGet", note: "no token check" }],
  provenance: { sourceId: "git", file: "repos/site", asOf: "2026-10-01" },
};

// Items sit on lines 2, 3, 4, 5 of data/handoffs/aws.md.
const aws = handoffNote("aws", "alpha", [
  // Both CloudFront gaps (7 shared words each); medium, raised to their high.
  ["issue", "The CloudFront distribution has no AWS WAF web ACL attached.", "medium", ["security"]],
  // The log gap (6 shared words); stays high over its medium. Shares only "key" with the Lambda gap.
  ["risk", "CloudWatch log groups are not encrypted with a KMS key.", "high", ["security"]],
  ["next-step", "Attach an AWS WAF web ACL to the CloudFront distribution.", "high"],
  // Would describe beta's open endpoint (5 shared words), but is alpha's.
  [
    "issue",
    "The booking endpoint accepts unauthenticated requests with no token check.",
    "low",
    ["security"],
  ],
]);

const model: TenantModel = {
  ...emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]),
  handoffs: [aws],
  repositories: [site],
  cloudAccounts: [qsd],
};

describe("securityGapRule", () => {
  const findings = evaluateRules([securityGapRule], contextFor(model), new Map());
  const [waf, logs, booking, endpoint, lambda] = findings as [
    Finding,
    Finding,
    Finding,
    Finding,
    Finding,
  ];

  it("makes one finding per handoff item plus one per gap no item describes", () => {
    // 3 security items; 5 observed gaps (2 CloudFront, 1 log, 1 Lambda, 1 endpoint), 3 absorbed.
    expect(findings).toHaveLength(3 + 2);
    expect(findings.map((f) => [f.entity, f.severity, f.title])).toEqual([
      ["alpha", "high", "Alpha: The CloudFront distribution has no AWS WAF web ACL attached"],
      ["alpha", "high", "Alpha: CloudWatch log groups are not encrypted with a KMS key"],
      [
        "alpha",
        "low",
        "Alpha: The booking endpoint accepts unauthenticated requests with no token check",
      ],
      ["beta", "high", "Beta: site: doGet accepts unauthenticated requests"],
      [
        "alpha",
        "medium",
        "Alpha: 1 Lambda function keeps secrets in environment variables (STRIPE_KEY)",
      ],
    ]);
    expect(new Set(findings.map((f) => f.category))).toEqual(new Set(["security-gap"]));
  });

  it("puts the observed evidence first, then the item's, and raises the severity", () => {
    expect(waf.evidence).toStrictEqual([
      {
        text: "CloudFront distribution E1ABC (d111.cloudfront.net, www.example.com): no web ACL attached",
        source: AT_ACCOUNT,
      },
      {
        text: "CloudFront distribution E2DEF (d222.cloudfront.net): no web ACL attached",
        source: AT_ACCOUNT,
      },
      {
        text: "Known issue (medium): The CloudFront distribution has no AWS WAF web ACL attached.",
        source: { sourceId: "test", file: NOTE, line: 2 },
      },
    ]);
    expect(waf.severity).toBe("high");
    expect(waf.fingerprint).toMatch(
      /^tech-security-gap:aws\/the-cloudfront-distribution-has-no-aws-[0-9a-f]{8}$/,
    );
    expect(waf.action).toBe(
      `Attach an AWS WAF web ACL to the CloudFront distribution (next step at ${NOTE}:4).`,
    );
  });

  it("keeps the item's severity when it is the more severe", () => {
    expect(logs.severity).toBe("high");
    expect(logs.evidence).toStrictEqual([
      { text: "log group /aws/lambda/quote: no KMS key, kept 30 days", source: AT_ACCOUNT },
      {
        text: "Risk (high): CloudWatch log groups are not encrypted with a KMS key.",
        source: { sourceId: "test", file: NOTE, line: 3 },
      },
    ]);
  });

  it("leaves an item no observed gap of its entity describes with its own evidence", () => {
    expect(booking.evidence).toStrictEqual([
      {
        text: "Known issue (low): The booking endpoint accepts unauthenticated requests with no token check.",
        source: { sourceId: "test", file: NOTE, line: 5 },
      },
    ]);
  });

  it("turns an undescribed gap into its own finding under observed/", () => {
    expect(endpoint).toStrictEqual({
      fingerprint: "tech-security-gap:observed/open-endpoint/site",
      ruleId: "tech-security-gap",
      category: "security-gap",
      title: "Beta: site: doGet accepts unauthenticated requests",
      severity: "high",
      entity: "beta",
      roles: ["cto", "ceo"],
      evidence: [
        {
          text: "doGet: no token check",
          source: { sourceId: "git", file: "repos/site/Code.gs", line: 3 },
        },
      ],
      action: "Require a shared secret or signed-in user in doGet of site.",
      effort: 1,
      impact: 3,
    });
    expect(lambda.fingerprint).toBe("tech-security-gap:observed/lambda-env-secrets/qsd/alpha");
    expect(lambda.action).toBe(
      "Move STRIPE_KEY into AWS Secrets Manager and read it at cold start.",
    );
    expect([lambda.effort, lambda.impact]).toEqual([1, 2]);
    expect(lambda.evidence).toStrictEqual([
      {
        text: "Lambda quote (nodejs20.x): environment variables STRIPE_KEY (names only; values not read)",
        source: AT_ACCOUNT,
      },
    ]);
  });

  it("reports only the handoff items when the collectors saw nothing", () => {
    const quiet = evaluateRules(
      [securityGapRule],
      contextFor({ ...model, repositories: [], cloudAccounts: [] }),
      new Map(),
    );
    expect(quiet.map((f) => [f.severity, f.evidence.length])).toEqual([
      ["medium", 1],
      ["high", 1],
      ["low", 1],
    ]);
  });

  it("reports only observed gaps when there are no handoff notes", () => {
    const observedOnly = evaluateRules(
      [securityGapRule],
      contextFor({ ...model, handoffs: [] }),
      new Map(),
    );
    expect(observedOnly.map((f) => f.fingerprint)).toEqual([
      "tech-security-gap:observed/open-endpoint/site",
      "tech-security-gap:observed/cloudfront-no-waf/E1ABC",
      "tech-security-gap:observed/cloudfront-no-waf/E2DEF",
      "tech-security-gap:observed/lambda-env-secrets/qsd/alpha",
      "tech-security-gap:observed/logs-unencrypted/qsd/alpha",
    ]);
  });
});
