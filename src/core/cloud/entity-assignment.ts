/** How resources and costs of one AWS account are given an entity. */
export interface EntityRules {
  /** Resolves an entity reference (id, name or alias, any case) to the entity id. */
  resolve(reference: string): string | undefined;
  /** The entity of anything whose tag names none: the account's entity, when it has one. */
  fallback: string | undefined;
  /** Tag key whose value names the entity (config `entityTag`). */
  tagKey: string;
}

/** Which entity a tag value gives, and whether the value named no known entity. */
export interface EntityAssignment {
  entity: string | undefined;
  /** Set when the tag had a value that names no entity: the caller warns about it. */
  unknownTag?: string;
}

/**
 * Tag first, then the account's entity, then none. An empty tag value means untagged (Cost
 * Explorer prints `entity$` for costs without the tag); an unknown value falls back too.
 */
export function assignEntity(tagValue: string | undefined, rules: EntityRules): EntityAssignment {
  const value = tagValue?.trim() ?? "";
  if (value === "") return { entity: rules.fallback };
  const resolved = rules.resolve(value);
  if (resolved !== undefined) return { entity: resolved };
  return { entity: rules.fallback, unknownTag: value };
}

/**
 * A key that names one resource whatever ARN form it came from, e.g. `s3:bucket/site`,
 * `lambda:function/quote`, `logs:log-group//aws/lambda/quote`. Undefined for ARNs of kinds the
 * snapshot does not hold (or text that is not an ARN).
 */
export function resourceKeyOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return undefined;
  const service = parts[2];
  const resource = parts.slice(5).join(":");
  switch (service) {
    case "s3":
      return resource !== "" && !resource.includes("/") ? bucketKey(resource) : undefined;
    case "cloudfront":
      return resource.startsWith("distribution/")
        ? distributionKey(resource.slice("distribution/".length))
        : undefined;
    case "lambda":
      // `function:name` or `function:name:alias`: tags live on the function.
      return parts[5] === "function" && parts[6] !== undefined ? functionKey(parts[6]) : undefined;
    case "dynamodb":
      return resource.startsWith("table/") && !resource.includes("/", "table/".length)
        ? tableKey(resource.slice("table/".length))
        : undefined;
    case "logs":
      return parts[5] === "log-group" && parts[6] !== undefined ? logGroupKey(parts[6]) : undefined;
    case "ec2":
      return resource.startsWith("elastic-ip/")
        ? addressKey(resource.slice("elastic-ip/".length))
        : undefined;
    default:
      return undefined;
  }
}

/** Resource key of an S3 bucket. */
export const bucketKey = (name: string) => `s3:bucket/${name}`;
/** Resource key of a CloudFront distribution. */
export const distributionKey = (id: string) => `cloudfront:distribution/${id}`;
/** Resource key of a Lambda function. */
export const functionKey = (name: string) => `lambda:function/${name}`;
/** Resource key of a DynamoDB table. */
export const tableKey = (name: string) => `dynamodb:table/${name}`;
/** Resource key of a CloudWatch Logs log group. */
export const logGroupKey = (name: string) => `logs:log-group/${name}`;

/** Resource key of an Elastic IP, by its allocation id. */
export const addressKey = (allocationId: string) => `ec2:elastic-ip/${allocationId}`;

/** Looks up the entity of a resource by its key: its tag's entity, else the fallback. */
export type EntityOf = (resourceKey: string) => string | undefined;

/** Builds the lookup from tagged resources (key → entity id) and the account's entity. */
export function entityLookup(
  tagged: ReadonlyMap<string, string>,
  fallback: string | undefined,
): EntityOf {
  return (key) => tagged.get(key) ?? fallback;
}

/** `{ entity }` when there is one, so records without an entity carry no `entity` key. */
export function withEntity(entity: string | undefined): { entity?: string } {
  return entity !== undefined ? { entity } : {};
}

/** Message and hint for a tag value that names no entity; `what` is e.g. "its costs are". */
export function unknownTagText(
  rules: EntityRules,
  tag: string,
  what: string,
): { message: string; hint: string } {
  const outcome =
    rules.fallback !== undefined ? `counted under "${rules.fallback}"` : "left without an entity";
  return {
    message: `tag ${rules.tagKey}=${JSON.stringify(tag)} names no entity; ${what} ${outcome}`,
    hint: "retag with an entity id, name or alias from exec-intel.yaml, or add the value as an alias of the entity",
  };
}
