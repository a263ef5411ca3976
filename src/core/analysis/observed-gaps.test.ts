import { describe, expect, it } from "vitest";
import { cloudAccount, distribution } from "../../../test/helpers/cloud.js";
import { business, emptyModel } from "../../../test/helpers/model.js";
import type {
  CloudFunction,
  RepoEndpoint,
  RepoEnvFile,
  RepoSecret,
  Repository,
  TenantModel,
} from "../model/index.js";
import { type ObservedGap, observedDeliveryGaps, observedSecurityGaps } from "./observed-gaps.js";

// Every expectation below is written out by hand from the tiny records of each test.

const GIT = { sourceId: "git", file: "repos/shop-web", asOf: "2026-10-01" };
/** Where every account-level piece of evidence points: the account's snapshot, no line. */
const AT_ACCOUNT = { sourceId: "aws", file: "data/aws/qsd" };

function repo(overrides: Partial<Repository> = {}): Repository {
  return {
    id: "shop",
    entity: "alpha",
    name: "shop-web",
    path: "repos/shop-web",
    headCommit: "f".repeat(40),
    lastCommitDate: "2026-10-01",
    commits: 12,
    stack: [],
    delivery: { ci: [], tests: [], staging: [], deployScripts: [], rollbackDocs: [] },
    secrets: [],
    envFiles: [],
    endpoints: [],
    provenance: GIT,
    ...overrides,
  };
}

/** A secret in history only, at src/pay.js:7; `line: null` leaves the line out. */
function secret(
  overrides: Partial<Omit<RepoSecret, "line">> & { line?: number | null } = {},
): RepoSecret {
  const { line = 7, ...rest } = overrides;
  return {
    kind: "Stripe live secret key",
    ruleId: "stripe",
    commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    commitDate: "2025-03-04",
    path: "src/pay.js",
    fingerprint: "sk_l… sha256:1234abcd",
    inHead: false,
    ...(line !== null ? { line } : {}),
    ...rest,
  };
}

function envFile(overrides: Partial<RepoEnvFile> = {}): RepoEnvFile {
  return {
    path: ".env",
    commit: "c0ffee1234567890c0ffee1234567890c0ffee12",
    commitDate: "2024-12-01",
    inHead: true,
    ...overrides,
  };
}

const account = cloudAccount;

/** A 128 MB Lambda function with these secret-like environment variable names. */
function lambda(name: string, runtime: string, names: string[], entity?: string): CloudFunction {
  return {
    name,
    runtime,
    memoryMb: 128,
    secretLikeEnvNames: names,
    ...(entity !== undefined ? { entity } : {}),
  };
}

function gapsOf(parts: Partial<Pick<TenantModel, "repositories" | "cloudAccounts">>) {
  const model: TenantModel = {
    ...emptyModel([business("alpha", "Alpha"), business("beta", "Beta")]),
    ...parts,
  };
  return observedSecurityGaps(model);
}

/** The parts of a gap a reader sees (matchText is only for matching). */
function shown({ matchText: _, ...gap }: ObservedGap) {
  return gap;
}

describe("credentials committed to git", () => {
  it("groups the loose credentials of a repository into one gap, with one evidence each", () => {
    const gaps = gapsOf({
      repositories: [
        repo({
          secrets: [
            secret(),
            secret({
              kind: "AWS access key ID",
              ruleId: "aws",
              commit: "0badc0ffee0badc0ffee0badc0ffee0badc0ffee",
              commitDate: "2025-06-01",
              path: "config/deploy.sh",
              line: null,
              fingerprint: "AKIA… sha256:9f8e7d6c",
              inHead: true,
            }),
          ],
        }),
      ],
    });
    expect(gaps.map(shown)).toStrictEqual([
      {
        entity: "alpha",
        subject: "git-credential/shop",
        title:
          "shop-web: 2 credentials committed to git (Stripe live secret key, AWS access key ID)",
        severity: "critical",
        action: "Rotate each credential in shop-web, then purge them from the git history.",
        evidence: [
          {
            text: "Stripe live secret key sk_l… sha256:1234abcd added in commit a1b2c3d (2025-03-04) at src/pay.js:7; removed from the current tree, still in the history",
            source: { sourceId: "git", file: "repos/shop-web/src/pay.js", line: 7 },
          },
          {
            text: "AWS access key ID AKIA… sha256:9f8e7d6c added in commit 0badc0f (2025-06-01) at config/deploy.sh; still in the current tree",
            source: { sourceId: "git", file: "repos/shop-web/config/deploy.sh" },
          },
        ],
      },
    ]);
  });

  it("rates a history-only credential that is not live as high, and says 'history'", () => {
    const [gap] = gapsOf({
      repositories: [repo({ secrets: [secret({ kind: "AWS access key ID" })] })],
    });
    expect(gap?.severity).toBe("high");
    expect(gap?.title).toBe("shop-web: 1 credential committed to git history (AWS access key ID)");
    expect(gap?.action).toBe(
      "Rotate the credential in shop-web, then purge it from the git history.",
    );
  });

  it("rates a live key as critical even when only the history holds it", () => {
    const [gap] = gapsOf({ repositories: [repo({ secrets: [secret()] })] });
    expect(gap?.severity).toBe("critical");
    expect(gap?.title).toBe(
      "shop-web: 1 credential committed to git history (Stripe live secret key)",
    );
  });

  it("rates any key still in the current tree as critical", () => {
    const [gap] = gapsOf({
      repositories: [repo({ secrets: [secret({ kind: "Slack bot token", inHead: true })] })],
    });
    expect(gap?.severity).toBe("critical");
    expect(gap?.title).toBe("shop-web: 1 credential committed to git (Slack bot token)");
  });

  it("makes one gap per repository", () => {
    const gaps = gapsOf({
      repositories: [
        repo({ secrets: [secret()] }),
        repo({ id: "api", name: "api", path: "repos/api", entity: "beta", secrets: [secret()] }),
      ],
    });
    expect(gaps.map((g) => [g.entity, g.subject])).toEqual([
      ["alpha", "git-credential/shop"],
      ["beta", "git-credential/api"],
    ]);
    expect(gaps[1]?.evidence[0]?.source).toStrictEqual({
      sourceId: "git",
      file: "repos/api/src/pay.js",
      line: 7,
    });
  });
});

describe("committed env files", () => {
  it("reports the file with the credentials inside it, and leaves those out of the credential gap", () => {
    const inside = secret({
      kind: "database URL with a password",
      ruleId: "postgres",
      path: ".env",
      line: 2,
      fingerprint: "post… sha256:55aa55aa",
      inHead: true,
    });
    const gaps = gapsOf({
      repositories: [
        repo({
          secrets: [inside],
          envFiles: [envFile(), envFile({ path: "config/.env.production", inHead: false })],
        }),
      ],
    });
    // No loose credential: the only one sits in .env, so there is no git-credential gap.
    expect(gaps.map(shown)).toStrictEqual([
      {
        entity: "alpha",
        subject: "git-env-file/shop/.env",
        title: "shop-web: plaintext .env committed with 1 credential",
        severity: "critical",
        action: "Remove .env from shop-web and its history, and rotate every credential it held.",
        evidence: [
          {
            text: ".env committed in c0ffee1 (2024-12-01); still in the current tree",
            source: { sourceId: "git", file: "repos/shop-web/.env" },
          },
          {
            text: "database URL with a password post… sha256:55aa55aa in .env:2",
            source: { sourceId: "git", file: "repos/shop-web/.env", line: 2 },
          },
        ],
      },
      {
        entity: "alpha",
        subject: "git-env-file/shop/config/.env.production",
        title: "shop-web: plaintext config/.env.production committed",
        severity: "critical",
        action:
          "Remove config/.env.production from shop-web and its history, and rotate every credential it held.",
        evidence: [
          {
            text: "config/.env.production committed in c0ffee1 (2024-12-01); removed from the current tree, still in the history",
            source: { sourceId: "git", file: "repos/shop-web/config/.env.production" },
          },
        ],
      },
    ]);
  });

  it("puts the credential gap before the env-file gaps of the same repository", () => {
    const gaps = gapsOf({
      repositories: [
        repo({ secrets: [secret(), secret({ path: ".env", line: 1 })], envFiles: [envFile()] }),
      ],
    });
    expect(gaps.map((g) => [g.subject, g.evidence.length])).toEqual([
      ["git-credential/shop", 1],
      ["git-env-file/shop/.env", 2],
    ]);
    expect(gaps[0]?.evidence[0]?.source.file).toBe("repos/shop-web/src/pay.js");
  });
});

describe("Apps Script endpoints without checks", () => {
  const doGet: RepoEndpoint = {
    path: "Code.gs",
    line: 3,
    handler: "doGet",
    note: "no token check",
  };
  const doPost: RepoEndpoint = {
    path: "Code.gs",
    line: 20,
    handler: "doPost",
    note: "writes rows without a check",
  };

  it("lists every open handler of a repository in one gap", () => {
    expect(
      gapsOf({ repositories: [repo({ endpoints: [doGet, doPost] })] }).map(shown),
    ).toStrictEqual([
      {
        entity: "alpha",
        subject: "open-endpoint/shop",
        title: "shop-web: doGet and doPost accept unauthenticated requests",
        severity: "high",
        action: "Require a shared secret or signed-in user in doGet and doPost of shop-web.",
        evidence: [
          {
            text: "doGet: no token check",
            source: { sourceId: "git", file: "repos/shop-web/Code.gs", line: 3 },
          },
          {
            text: "doPost: writes rows without a check",
            source: { sourceId: "git", file: "repos/shop-web/Code.gs", line: 20 },
          },
        ],
      },
    ]);
  });

  it("uses the singular verb for one handler", () => {
    const [gap] = gapsOf({ repositories: [repo({ endpoints: [doGet] })] });
    expect(gap?.title).toBe("shop-web: doGet accepts unauthenticated requests");
    expect(gap?.action).toBe("Require a shared secret or signed-in user in doGet of shop-web.");
  });
});

describe("CloudFront distributions", () => {
  it("flags a distribution without a web ACL and not one with", () => {
    const gaps = gapsOf({
      cloudAccounts: [
        account({
          distributions: [
            distribution("E1ABC", { aliases: ["www.example.com"] }),
            distribution("E2WAF", {
              webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1",
            }),
          ],
        }),
      ],
    });
    expect(gaps.map(shown)).toStrictEqual([
      {
        entity: "alpha",
        subject: "cloudfront-no-waf/E1ABC",
        title: "CloudFront distribution E1ABC has no WAF web ACL",
        severity: "high",
        action: "Attach an AWS WAF web ACL with a rate-based rule to distribution E1ABC.",
        evidence: [
          {
            text: "CloudFront distribution E1ABC (e1abc.cloudfront.net, www.example.com): no web ACL attached",
            source: AT_ACCOUNT,
          },
        ],
      },
    ]);
  });
});

describe("Lambda functions with secret-like environment variables", () => {
  it("groups the functions of one entity into one gap listing each", () => {
    const gaps = gapsOf({
      cloudAccounts: [
        account({
          functions: [
            lambda("quote", "nodejs18.x", ["STRIPE_KEY", "JWT_SECRET"]),
            lambda("health", "nodejs20.x", []),
            lambda("checkout", "nodejs20.x", ["STRIPE_KEY"]),
          ],
        }),
      ],
    });
    expect(gaps.map(shown)).toStrictEqual([
      {
        entity: "alpha",
        subject: "lambda-env-secrets/qsd/alpha",
        title: "2 Lambda functions keep secrets in environment variables (STRIPE_KEY, JWT_SECRET)",
        severity: "medium",
        action: "Move STRIPE_KEY, JWT_SECRET into AWS Secrets Manager and read them at cold start.",
        evidence: [
          {
            text: "Lambda quote (nodejs18.x): environment variables STRIPE_KEY, JWT_SECRET (names only; values not read)",
            source: AT_ACCOUNT,
          },
          {
            text: "Lambda checkout (nodejs20.x): environment variables STRIPE_KEY (names only; values not read)",
            source: AT_ACCOUNT,
          },
        ],
      },
    ]);
  });

  it("makes one gap per entity when the functions belong to two", () => {
    const gaps = gapsOf({
      cloudAccounts: [
        account({
          functions: [
            lambda("quote", "nodejs18.x", ["STRIPE_KEY"]),
            lambda("report", "python3.12", ["API_TOKEN"], "beta"),
          ],
        }),
      ],
    });
    expect(gaps.map((g) => [g.entity, g.subject, g.title, g.action])).toEqual([
      [
        "alpha",
        "lambda-env-secrets/qsd/alpha",
        "1 Lambda function keeps secrets in environment variables (STRIPE_KEY)",
        "Move STRIPE_KEY into AWS Secrets Manager and read it at cold start.",
      ],
      [
        "beta",
        "lambda-env-secrets/qsd/beta",
        "1 Lambda function keeps secrets in environment variables (API_TOKEN)",
        "Move API_TOKEN into AWS Secrets Manager and read it at cold start.",
      ],
    ]);
  });
});

describe("log groups without KMS", () => {
  it("groups the unencrypted log groups of an entity and skips the encrypted one", () => {
    const gaps = gapsOf({
      cloudAccounts: [
        account({
          logGroups: [
            { name: "/aws/lambda/quote", kmsKeyId: null, retentionDays: null },
            {
              name: "/aws/lambda/enc",
              kmsKeyId: "arn:aws:kms:us-west-2:1:key/k",
              retentionDays: 7,
            },
            { name: "/aws/lambda/checkout", kmsKeyId: null, retentionDays: 14 },
          ],
        }),
      ],
    });
    expect(gaps.map(shown)).toStrictEqual([
      {
        entity: "alpha",
        subject: "logs-unencrypted/qsd/alpha",
        title: "2 CloudWatch log groups without KMS encryption",
        severity: "medium",
        action: "Encrypt the 2 log groups with a KMS key and set a retention period.",
        evidence: [
          { text: "log group /aws/lambda/quote: no KMS key, never expires", source: AT_ACCOUNT },
          { text: "log group /aws/lambda/checkout: no KMS key, kept 14 days", source: AT_ACCOUNT },
        ],
      },
    ]);
  });

  it("asks for no retention period when every group expires", () => {
    const [gap] = gapsOf({
      cloudAccounts: [
        account({ logGroups: [{ name: "/aws/lambda/quote", kmsKeyId: null, retentionDays: 30 }] }),
      ],
    });
    expect(gap?.title).toBe("1 CloudWatch log group without KMS encryption");
    expect(gap?.action).toBe("Encrypt the log group with a KMS key.");
  });
});

describe("S3 buckets", () => {
  it("names what each unprotected bucket lacks, and skips protected or unknown ones", () => {
    const gaps = gapsOf({
      cloudAccounts: [
        account({
          buckets: [
            { name: "site-assets", encrypted: false, publicAccessBlocked: false },
            { name: "backups", encrypted: false, publicAccessBlocked: true },
            { name: "uploads", encrypted: true, publicAccessBlocked: false },
            { name: "safe", encrypted: true, publicAccessBlocked: true },
            { name: "unknown", encrypted: null, publicAccessBlocked: null },
          ],
        }),
      ],
    });
    expect(gaps.map(shown)).toStrictEqual([
      {
        entity: "alpha",
        subject: "s3-bucket/site-assets",
        title: "S3 bucket site-assets: no default encryption and no public access block",
        severity: "high",
        action: "Turn on default encryption and the public access block for bucket site-assets.",
        evidence: [
          {
            text: "bucket site-assets: no default encryption, no public access block",
            source: AT_ACCOUNT,
          },
        ],
      },
      {
        entity: "alpha",
        subject: "s3-bucket/backups",
        title: "S3 bucket backups: no default encryption",
        severity: "medium",
        action: "Turn on default encryption for bucket backups.",
        evidence: [{ text: "bucket backups: no default encryption", source: AT_ACCOUNT }],
      },
      {
        entity: "alpha",
        subject: "s3-bucket/uploads",
        title: "S3 bucket uploads: no public access block",
        severity: "high",
        action: "Turn on the public access block for bucket uploads.",
        evidence: [{ text: "bucket uploads: no public access block", source: AT_ACCOUNT }],
      },
    ]);
  });
});

describe("entities, order and empty input", () => {
  it("skips resources that belong to no entity, and keeps those that name their own", () => {
    const { entity: _, ...orphan } = account();
    const gaps = gapsOf({
      cloudAccounts: [
        {
          ...orphan,
          distributions: [distribution("E1")],
          functions: [lambda("quote", "nodejs20.x", ["X_KEY"])],
          logGroups: [{ name: "/aws/lambda/quote", kmsKeyId: null, retentionDays: null }],
          buckets: [
            { name: "nobody", encrypted: false, publicAccessBlocked: false },
            { name: "betas", entity: "beta", encrypted: false, publicAccessBlocked: true },
          ],
        },
      ],
    });
    expect(gaps.map((g) => [g.entity, g.subject])).toEqual([["beta", "s3-bucket/betas"]]);
  });

  it("lets a resource's own entity win over the account's", () => {
    const [gap] = gapsOf({
      cloudAccounts: [
        account({
          distributions: [distribution("E9", { entity: "beta", enabled: false })],
        }),
      ],
    });
    expect(gap?.entity).toBe("beta");
  });

  it("lists repository gaps first, then each account's in the order of its resources", () => {
    const gaps = gapsOf({
      cloudAccounts: [
        account({
          buckets: [{ name: "b", encrypted: false, publicAccessBlocked: true }],
          logGroups: [{ name: "g", kmsKeyId: null, retentionDays: 1 }],
          functions: [lambda("f", "go1.x", ["K"])],
          distributions: [distribution("E1")],
        }),
      ],
      repositories: [repo({ secrets: [secret()] })],
    });
    expect(gaps.map((g) => g.subject)).toEqual([
      "git-credential/shop",
      "cloudfront-no-waf/E1",
      "lambda-env-secrets/qsd/alpha",
      "logs-unencrypted/qsd/alpha",
      "s3-bucket/b",
    ]);
  });

  it("finds nothing in a clean repository and a protected account", () => {
    expect(
      gapsOf({
        repositories: [repo()],
        cloudAccounts: [
          account({
            distributions: [distribution("E1", { webAclId: "acl" })],
            functions: [lambda("f", "go1.x", [])],
            logGroups: [{ name: "g", kmsKeyId: "k", retentionDays: null }],
            buckets: [{ name: "b", encrypted: true, publicAccessBlocked: true }],
          }),
        ],
      }),
    ).toEqual([]);
    expect(observedSecurityGaps(emptyModel())).toEqual([]);
  });
});

describe("credential values never reach a gap", () => {
  it("carries only the masked fingerprint, even when a record smuggles the raw value in", () => {
    const raw = "sk_live_51HxRAWsecretVALUEthatMustNeverLeak0000";
    // The model has no value field; one added at run time must still not be read or spread.
    const leaky = (s: RepoSecret) => ({ ...s, value: raw, match: raw }) as RepoSecret;
    const gaps = gapsOf({
      repositories: [
        repo({
          secrets: [leaky(secret()), leaky(secret({ path: ".env", line: 3 }))],
          envFiles: [envFile()],
        }),
      ],
    });
    const json = JSON.stringify(gaps);
    expect(json).not.toContain(raw);
    expect(json).not.toContain("sk_live_");
    // Once in the credential gap's evidence and once in the env file's: nowhere else.
    expect(json.split("sk_l… sha256:1234abcd")).toHaveLength(3);
    for (const gap of gaps) expect(gap.title).not.toContain("sha256:");
    expect(gaps.flatMap((g) => g.evidence.map((e) => e.text))).toEqual([
      "Stripe live secret key sk_l… sha256:1234abcd added in commit a1b2c3d (2025-03-04) at src/pay.js:7; removed from the current tree, still in the history",
      ".env committed in c0ffee1 (2024-12-01); still in the current tree",
      "Stripe live secret key sk_l… sha256:1234abcd in .env:3",
    ]);
  });
});

describe("observedDeliveryGaps", () => {
  it("names every delivery-cycle step a repository has no file for, in one gap", () => {
    const model = emptyModel();
    model.repositories.push(
      repo({
        delivery: {
          ci: [],
          tests: ["spec/"],
          staging: [],
          deployScripts: ["Procfile"],
          rollbackDocs: [],
        },
      }),
    );
    const [gap, ...rest] = observedDeliveryGaps(model);
    expect(rest).toEqual([]);
    expect(gap).toEqual({
      entity: "alpha",
      subject: "delivery/shop",
      title: "shop-web has no CI, staging or rollback notes",
      matchText: "CI/CD continuous integration nothing runs on push staging rollback",
      evidence: [
        {
          text: "shop-web at fffffff (2026-10-01): no file for CI, staging or rollback notes",
          source: { sourceId: "git", file: "repos/shop-web" },
        },
      ],
      severity: "medium",
      action: "Add CI, staging and rollback notes to shop-web.",
    });
  });

  it("rates a repository with CI but no rollback notes low, and a complete one not at all", () => {
    const model = emptyModel();
    model.repositories.push(
      repo({
        delivery: {
          ci: ["ci.yml"],
          tests: ["t/"],
          staging: ["s"],
          deployScripts: ["d"],
          rollbackDocs: [],
        },
      }),
      repo({
        id: "done",
        name: "done",
        delivery: {
          ci: ["ci.yml"],
          tests: ["t/"],
          staging: ["s"],
          deployScripts: ["d"],
          rollbackDocs: ["R.md"],
        },
      }),
    );
    const gaps = observedDeliveryGaps(model);
    expect(gaps.map((g) => [g.severity, g.action])).toEqual([
      ["low", expect.stringMatching(/^Add rollback notes to /)],
    ]);
  });
});
