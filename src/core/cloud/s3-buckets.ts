import { z } from "zod";
import type { Problem } from "../errors.js";
import type { CloudBucket } from "../model/index.js";
import { bucketKey, type EntityOf, withEntity } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape, warningAtPath } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const bucketsSchema = z.object({ Buckets: z.array(z.object({ Name: z.string().min(1) })) });

const encryptionSchema = z.object({
  ServerSideEncryptionConfiguration: z.object({
    Rules: z.array(
      z.object({
        ApplyServerSideEncryptionByDefault: z.object({ SSEAlgorithm: z.string() }).optional(),
      }),
    ),
  }),
});

const publicAccessBlockSchema = z.object({
  PublicAccessBlockConfiguration: z.object({
    BlockPublicAcls: z.boolean().optional(),
    IgnorePublicAcls: z.boolean().optional(),
    BlockPublicPolicy: z.boolean().optional(),
    RestrictPublicBuckets: z.boolean().optional(),
  }),
});

/** Per-bucket command outputs, by bucket name (the file name without `.json`). */
export interface BucketDetails {
  encryption: ReadonlyMap<string, JsonDocument>;
  publicAccessBlock: ReadonlyMap<string, JsonDocument>;
  /**
   * Per-bucket files (`s3api-get-bucket-encryption/BUCKET.json`) that could not be had, already
   * reported by whoever tried: their buckets show as unknown without a "no file" warning.
   */
  unreadable?: ReadonlySet<string>;
}

/**
 * Buckets from `aws s3api list-buckets`, with encryption and public access block from the
 * per-bucket files. No file: unknown (null). A file holding `{}`: none configured (false),
 * since the CLI prints an error, not JSON, when a bucket has no such configuration.
 */
export function parseBuckets(
  list: JsonDocument,
  details: BucketDetails,
  entityOf: EntityOf,
): Parsed<CloudBucket[]> {
  const { value, problems } = readShape(list, bucketsSchema, SNAPSHOT.buckets.command);
  const unreadable = details.unreadable ?? new Set<string>();
  const names = (value?.Buckets ?? []).map((b) => b.Name);
  const buckets = names.map(
    (name): CloudBucket => ({
      name,
      ...withEntity(entityOf(bucketKey(name))),
      encrypted: readDetail(details.encryption.get(name), problems, encryptionOf),
      publicAccessBlocked: readDetail(
        details.publicAccessBlock.get(name),
        problems,
        publicAccessBlockedOf,
      ),
    }),
  );
  if (value !== undefined) {
    problems.push(
      ...missingDetails(list, names, details.encryption, SNAPSHOT.bucketEncryption, unreadable),
      ...missingDetails(
        list,
        names,
        details.publicAccessBlock,
        SNAPSHOT.publicAccessBlock,
        unreadable,
      ),
    );
  }
  return { value: buckets, problems };
}

function readDetail(
  document: JsonDocument | undefined,
  problems: Problem[],
  read: (document: JsonDocument) => Parsed<boolean | null>,
): boolean | null {
  if (document === undefined) return null;
  const result = read(document);
  problems.push(...result.problems);
  return result.value;
}

/**
 * Reads a per-bucket setting: `{}` is "none configured" (false), a file of the wrong shape is
 * unknown (null, with its problems), anything else is what `decide` makes of it.
 */
function readSetting<S extends z.ZodType>(
  schema: S,
  command: string,
  decide: (value: z.output<S>) => boolean,
): (document: JsonDocument) => Parsed<boolean | null> {
  return (document) => {
    if (isEmptyObject(document.value)) return { value: false, problems: [] };
    const { value, problems } = readShape(document, schema, command);
    return { value: value === undefined ? null : decide(value), problems };
  };
}

const encryptionOf = readSetting(encryptionSchema, SNAPSHOT.bucketEncryption.command, (value) =>
  value.ServerSideEncryptionConfiguration.Rules.some(
    (rule) => (rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? "") !== "",
  ),
);

// Blocked only when all four settings are on, as the console's "Block all public access".
const publicAccessBlockedOf = readSetting(
  publicAccessBlockSchema,
  SNAPSHOT.publicAccessBlock.command,
  ({ PublicAccessBlockConfiguration: c }) =>
    c.BlockPublicAcls === true &&
    c.IgnorePublicAcls === true &&
    c.BlockPublicPolicy === true &&
    c.RestrictPublicBuckets === true,
);

/** One warning for the buckets whose per-bucket file is missing, and one per stray file. */
function missingDetails(
  list: JsonDocument,
  names: readonly string[],
  files: ReadonlyMap<string, JsonDocument>,
  kind: { folder: string; command: string },
  unreadable: ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  const missing = names.filter(
    (name) => !files.has(name) && !unreadable.has(`${kind.folder}/${name}.json`),
  );
  if (missing.length > 0)
    problems.push(
      warningAtPath(
        list,
        ["Buckets"],
        `${kind.folder}/ has no file for ${missing.length === 1 ? "bucket" : "buckets"} ${missing.join(", ")}: shown as unknown`,
        `for each bucket run \`${kind.command} > ${kind.folder}/BUCKET.json\` (write {} when none is configured)`,
      ),
    );
  const known = new Set(names);
  for (const [name, document] of files) {
    if (!known.has(name))
      problems.push(
        warningAtPath(
          document,
          [],
          `bucket "${name}" is not in ${SNAPSHOT.buckets.file}; this file is ignored`,
          "name the file after a listed bucket, or capture the bucket list again",
        ),
      );
  }
  return problems;
}

function isEmptyObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  );
}
