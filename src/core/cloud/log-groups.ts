import { z } from "zod";
import type { CloudLogGroup } from "../model/index.js";
import { type EntityOf, logGroupKey, withEntity } from "./entity-assignment.js";
import type { JsonDocument } from "./json-document.js";
import { type Parsed, readShape } from "./json-shape.js";
import { SNAPSHOT } from "./snapshot-files.js";

const logGroupsSchema = z.object({
  logGroups: z.array(
    z.object({
      logGroupName: z.string().min(1),
      kmsKeyId: z.string().optional(),
      retentionInDays: z.number().int().positive().optional(),
      storedBytes: z.number().nonnegative().optional(),
    }),
  ),
});

/**
 * Log groups from `aws logs describe-log-groups`. The API leaves `retentionInDays` out for a
 * group that never expires and `kmsKeyId` out for one without a customer KMS key.
 */
export function parseLogGroups(
  document: JsonDocument,
  entityOf: EntityOf,
): Parsed<CloudLogGroup[]> {
  const { value, problems } = readShape(document, logGroupsSchema, SNAPSHOT.logGroups.command);
  const groups = (value?.logGroups ?? []).map(
    (group): CloudLogGroup => ({
      name: group.logGroupName,
      ...withEntity(entityOf(logGroupKey(group.logGroupName))),
      kmsKeyId: group.kmsKeyId ?? null,
      retentionDays: group.retentionInDays ?? null,
      ...(group.storedBytes !== undefined ? { storedBytes: group.storedBytes } : {}),
    }),
  );
  return { value: groups, problems };
}
