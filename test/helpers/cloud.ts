import type { CloudAccount, CloudDistribution } from "../../src/core/model/index.js";

/** Provenance of a synthetic AWS snapshot account. */
export const AWS_AT = { sourceId: "aws", file: "data/aws/qsd", asOf: "2026-10-31" };

/** An empty AWS account of entity alpha (override any field). */
export function cloudAccount(overrides: Partial<CloudAccount> = {}): CloudAccount {
  return {
    id: "qsd",
    entity: "alpha",
    accountId: "123456789012",
    buckets: [],
    distributions: [],
    functions: [],
    tables: [],
    logGroups: [],
    addresses: [],
    hostedZones: [],
    costs: [],
    provenance: AWS_AT,
    ...overrides,
  };
}

/** An enabled CloudFront distribution with no web ACL and no origin (override any field). */
export function distribution(
  id: string,
  overrides: Partial<CloudDistribution> = {},
): CloudDistribution {
  return {
    id,
    domainName: `${id.toLowerCase()}.cloudfront.net`,
    aliases: [],
    webAclId: null,
    enabled: true,
    origins: [],
    ...overrides,
  };
}
